"""The shipped wrangler project, copied for tests that must not touch the checkout (one definition)."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PROJECT_FILES = ("wrangler.jsonc", "worker", "migrations", "checks", ".github", "package.json",
                 "package-lock.json")


def copy_project(dest: Path) -> Path:
    """The project's files without node_modules: opsdocs falls back to its own pinned wrangler."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    return dest
