"""The pytest plugin: items named by page and line, markers, -k, JUnit; inert without --opsdocs."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from verify_helpers import REPO


def _pytest(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CLOUDFLARE_API_TOKEN", "OPSDOCS_BASE_URL")}
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--rootdir", str(cwd),
                           "-c", os.devnull, *args], capture_output=True, text=True, timeout=300, cwd=cwd, env=env,
                          start_new_session=True)


def test_collect_only_names_items_by_page_and_line(tmp_path: Path) -> None:
    proc = _pytest("--opsdocs", "--opsdocs-root", str(REPO), "--collect-only", "-q", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = proc.stdout.splitlines()
    assert any("docs/rollback.md:" in line and "[never]" in line for line in lines)
    assert any("runbooks/migrations-fresh.md:" in line and "[rehearse]" in line for line in lines)
    assert any("[drift] undocumented-secret" in line for line in lines)
    assert any("[health local]" in line for line in lines)


def test_marker_selection_and_junit(tmp_path: Path) -> None:
    junit = tmp_path / "j.xml"
    report = tmp_path / "r.json"
    proc = _pytest("--opsdocs", "--opsdocs-root", str(REPO), "-m", "drift", f"--junitxml={junit}",
                   f"--opsdocs-report={report}", "-q", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    names = [c.get("name") for c in ET.parse(junit).getroot().iter("testcase")]
    assert names and all("[drift]" in n for n in names)
    assert report.is_file()


def test_keyword_selection(tmp_path: Path) -> None:
    proc = _pytest("--opsdocs", "--opsdocs-root", str(REPO), "-k", "undocumented", "-q", str(tmp_path),
                   cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout


def test_plugin_is_inert_without_the_flag(tmp_path: Path) -> None:
    (tmp_path / "test_x.py").write_text("def test_x():\n    pass\n")
    proc = _pytest("-q", str(tmp_path), cwd=tmp_path)
    assert proc.returncode == 0
    assert "1 passed" in proc.stdout
