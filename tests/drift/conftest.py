"""Tiny real projects for the drift rules: files written into tmp, loaded with the real loader."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from drift_helpers import WRANGLER, Build

from opsdocs.project.load import load_project
from opsdocs.project.model import Project

NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"


@pytest.fixture
def build(tmp_path: Path) -> Build:
    """Write files (relative path -> text, dedented) and load them as the project and the site."""

    def make(files: dict[str, str] | None = None, *, migrations: bool = True) -> Project:
        files = {"wrangler.jsonc": WRANGLER, **(files or {})}
        if migrations:
            files.setdefault("migrations/0001_init.sql", "CREATE TABLE t (id INTEGER);\n")
        for rel, text in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        # Installed, as `npm ci` leaves a project: rules that read the project's own wrangler find it.
        if NODE_MODULES.is_dir() and not (tmp_path / "node_modules").exists():
            (tmp_path / "node_modules").symlink_to(NODE_MODULES, target_is_directory=True)
        return load_project(tmp_path, site_root=tmp_path)

    return make
