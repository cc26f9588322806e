"""The shipped wrangler project, copied for tests that must not touch the checkout (one definition)."""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GUIDES = REPO / "src" / "opsdocs" / "guides"  # the built-in site: package data
HOOKS_LINE = "  - ../site/hooks.py"
PROJECT_FILES = ("wrangler.jsonc", "worker", "migrations", "checks", ".github", "package.json",
                 "package-lock.json")


def copy_project(dest: Path, *, installed: bool = True) -> Path:
    """The project's files; ``installed``: its node_modules too (linked, as `npm ci` would give it), since
    opsdocs runs only a project's own wrangler."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.exists():
            shutil.copy2(src, dest / name)
    if installed and (REPO / "node_modules").is_dir():
        (dest / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    return dest


def copy_site(dest: Path) -> Path:
    """The built-in mkdocs.yml, docs/ and runbooks/, ready for ``--site-root``/``--config-file``.

    The hooks path becomes absolute (it is relative to mkdocs.yml) and node_modules is linked (mermaid).
    """
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("docs", "runbooks"):
        shutil.copytree(GUIDES / name, dest / name)
    hooks = REPO / "src" / "opsdocs" / "site" / "hooks.py"
    text = (GUIDES / "mkdocs.yml").read_text(encoding="utf-8")
    assert text.count(HOOKS_LINE) == 1, "mkdocs.yml names its hooks file once"
    (dest / "mkdocs.yml").write_text(text.replace(HOOKS_LINE, f"  - {hooks}"))
    (dest / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    return dest
