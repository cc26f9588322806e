"""Whose wrangler: the project's own (node_modules at or above it); none installed is one line with the
exact install command for its package manager, never a silent fallback to another version."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from opsdocs.errors import EnvironmentProblem
from opsdocs.project.load import CHECKOUT_ROOT, load_project
from opsdocs.toolchain import NODE_MODULES_ENV, find_wrangler


@pytest.fixture(autouse=True)
def _no_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NODE_MODULES_ENV, raising=False)


def _hint(root: Path) -> str:  # the resolver every wrangler call goes through (opsdocs.toolchain)
    with pytest.raises(EnvironmentProblem) as err:
        find_wrangler(load_project(root).root)
    assert "never another version" in str(err.value)
    return err.value.hint or ""


def test_none_installed_names_the_command_of_its_package_manager(parcel_tracker: Path) -> None:
    assert _hint(parcel_tracker) == "run `pnpm install --frozen-lockfile` in it"  # declared, not installed
    package = json.loads((parcel_tracker / "package.json").read_text())
    del package["devDependencies"]
    (parcel_tracker / "package.json").write_text(json.dumps(package))
    assert _hint(parcel_tracker) == "run `pnpm add -D wrangler` in it"  # not even declared
    (parcel_tracker / "pnpm-lock.yaml").unlink()
    (parcel_tracker / "package-lock.json").write_text("{}")
    assert _hint(parcel_tracker) == "run `npm install --save-dev wrangler` in it"


def test_the_projects_own_install_is_used_even_when_hoisted(parcel_tracker: Path, tmp_path: Path) -> None:
    (tmp_path / "node_modules").symlink_to(CHECKOUT_ROOT / "node_modules", target_is_directory=True)
    assert find_wrangler(parcel_tracker).node_modules == (tmp_path / "node_modules").resolve()  # a workspace root
    (parcel_tracker / "node_modules").symlink_to(CHECKOUT_ROOT / "node_modules", target_is_directory=True)
    (tmp_path / "node_modules").unlink()
    assert find_wrangler(parcel_tracker).node_modules == (CHECKOUT_ROOT / "node_modules").resolve()


def test_verify_says_it_once_before_anything_runs(parcel_tracker: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "opsdocs", "verify", "--plain", "--root", str(parcel_tracker),
                           "--report", str(parcel_tracker / "r.json")],
                          capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(parcel_tracker)})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.strip().splitlines()[-1].endswith("run `pnpm install --frozen-lockfile` in it")
    assert "Traceback" not in proc.stderr
