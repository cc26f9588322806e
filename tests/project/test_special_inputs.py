"""Every project file the loader and the rules read is read bounded: a FIFO or a device in place of a
migration, a drizzle journal, package.json or a hook is one located line (or, for a hook, nothing seen),
never a read that blocks forever."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from opsdocs.errors import ConfigError
from opsdocs.project.load import load_project
from opsdocs.toolchain import install_wrangler_command


def _fifo(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)


@pytest.mark.parametrize("rel", ["migrations/0002_fifo.sql", "migrations/meta/_journal.json"])
def test_a_fifo_among_the_migrations_is_one_located_line(make_project: Callable[..., Path], rel: str) -> None:
    root = make_project()
    _fifo(root / rel)
    with pytest.raises(ConfigError) as info:
        load_project(root)
    assert "FIFO" in info.value.message and rel.rsplit("/", 1)[-1] in str(info.value)


def test_a_fifo_package_json_is_one_line(make_project: Callable[..., Path]) -> None:
    root = make_project()
    _fifo(root / "package.json")
    with pytest.raises(ConfigError, match="FIFO"):
        install_wrangler_command(root)


def test_a_fifo_hook_adds_nothing(make_project: Callable[..., Path]) -> None:
    root = make_project({"mkdocs.yml": "site_name: demo\nhooks: [hooks/h.py]\n"})
    _fifo(root / "hooks" / "h.py")
    project = load_project(root, site_root=root)
    assert project.site is not None and project.site.hook_sources == ()
