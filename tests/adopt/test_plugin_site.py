"""`plugins: [opsdocs]` in a team's own mkdocs.yml: its pages and theme stay, the guides join its nav."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from adopt_helpers import SAMPLE_NAMES

MKDOCS = Path(sys.executable).with_name("mkdocs")


def _mkdocs_build(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "OPSDOCS_ROOT"} | {"NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([str(MKDOCS), "build"], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_guides_join_the_team_site_which_keeps_its_own(team_site: Path) -> None:
    proc = _mkdocs_build(team_site)
    assert proc.returncode == 0, proc.stderr
    site = team_site / "site"
    home = (site / "index.html").read_text()
    assert "<code>invoice-engine</code>" in home  # the macros work on the team's own pages
    assert 'data-md-color-primary="teal"' in home and "Billing platform handbook" in home
    assert "On call" in home and 'href="ops/runbook/"' in home and 'href="practices/"' in home
    assert "invoices-prod" in (site / "ops/runbook/index.html").read_text()
    assert 'class="tabbed-set' in (site / "ops/migrations/index.html").read_text()  # extensions the guides need
    assert (site / "ops/assets/vendor/mermaid.min.js").is_file()
    for page in site.rglob("*.html"):
        assert not any(name in page.read_text() for name in SAMPLE_NAMES), page


def test_a_team_page_at_a_guides_place_wins(team_site: Path) -> None:
    (team_site / "docs/ops").mkdir()
    (team_site / "docs/ops/status.md").write_text("# Our status\n\nSee the status board.\n")
    proc = _mkdocs_build(team_site)
    assert proc.returncode == 0, proc.stderr
    assert "See the status board." in (team_site / "site/ops/status/index.html").read_text()


def test_an_error_in_a_team_page_is_one_located_line(team_site: Path) -> None:
    (team_site / "docs/practices.md").write_text("# Practices\n\n{{ worker.no_such_field }}\n")
    proc = _mkdocs_build(team_site)
    assert proc.returncode == 1
    # MkDocs says which page it was reading; the cause is ours, one located line
    located = [ln for ln in proc.stderr.splitlines() if "docs/practices.md:3:" in ln]
    assert len(located) == 1 and "no_such_field" in located[0], proc.stderr
    assert "Traceback" not in proc.stderr
