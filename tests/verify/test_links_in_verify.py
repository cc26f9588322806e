"""A broken link in a page fails verify at that page's line (the strict build names it; we locate it)."""

from __future__ import annotations

import json
from pathlib import Path

from shipped_project import copy_site
from verify_helpers import run_opsdocs


def test_a_broken_anchor_fails_at_the_page_line(tmp_path: Path) -> None:
    site = copy_site(tmp_path / "site")
    page = site / "docs" / "troubleshooting.md"
    text = page.read_text()
    page.write_text(text + "\nSee [the gate](runbook.md#no-such-anchor).\n")
    line = len(text.splitlines()) + 2
    proc = run_opsdocs("verify", "--plain", "--site-root", str(site), "-m", "links",
                       "--report", str(tmp_path / "r.json"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    (failed,) = [c for c in json.loads((tmp_path / "r.json").read_text())["checks"] if c["status"] == "failed"]
    assert failed["location"] == f"docs/troubleshooting.md:{line}"
    assert "no-such-anchor" in failed["message"]


def test_the_shipped_site_links_pass(tmp_path: Path) -> None:
    proc = run_opsdocs("verify", "--plain", "-m", "links", "--report", str(tmp_path / "r.json"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
