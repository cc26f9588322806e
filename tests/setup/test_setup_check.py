"""A checkout without `npm ci` stops the suite with one line saying what to run (tests/conftest.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from node_setup import SETUP_EXIT, missing_node_packages

REPO = Path(__file__).resolve().parents[2]


def test_every_pinned_node_package_is_installed_here() -> None:
    assert missing_node_packages(REPO) == []


def test_a_checkout_without_npm_ci_stops_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    for name in ("conftest.py", "node_setup.py"):  # the files as they ship
        shutil.copy(REPO / "tests" / name, tmp_path / "tests" / name)
    (tmp_path / "tests" / "test_x.py").write_text("def test_x():\n    pass\n")
    (tmp_path / "package.json").write_text(json.dumps({"devDependencies": {"wrangler": "4.0.0", "zz-pad": "1"}}))
    (tmp_path / "node_modules" / "wrangler").mkdir(parents=True)
    (tmp_path / "node_modules" / "wrangler" / "package.json").write_text("{}")
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", os.devnull,
                           "--rootdir", str(tmp_path), str(tmp_path / "tests")], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == SETUP_EXIT
    # pytest shows an exit reason in its summary and on stderr: one message, what is missing and what to run
    said = {line.split("node_modules lacks ", 1)[1].rstrip(" !") for line in (proc.stdout + proc.stderr).splitlines()
            if "node_modules lacks " in line}
    assert said == {f"zz-pad (package.json): run `npm ci` (or `make setup`) in {tmp_path}"}
    assert "1 passed" not in proc.stdout  # nothing ran
