"""What `npm ci` must have installed before the suite runs (read by tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

SETUP_EXIT = 4  # pytest's own code for "the run could not start" (a usage error)


def missing_node_packages(root: Path) -> list[str]:
    """The packages ``root/package.json`` pins that ``npm ci`` has not installed into ``root/node_modules``."""
    manifest = json.loads((root / "package.json").read_text(encoding="utf-8"))
    wanted = {**manifest.get("dependencies", {}), **manifest.get("devDependencies", {})}
    return sorted(name for name in wanted if not (root / "node_modules" / name / "package.json").is_file())
