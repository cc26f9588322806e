"""Helpers for the drift tests (conftest.py holds the fixture; a plain module can be imported by name)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

from opsdocs.project.model import Project
from opsdocs.project.pages import RenderedPage

Build = Callable[..., Project]

WRANGLER = """\
{
  "name": "demo-api",
  "main": "src/index.js",
  "d1_databases": [
    {"binding": "DB", "database_name": "demo-db", "database_id": "00000000-0000-0000-0000-000000000001"},
  ],
}
"""


def secret_docs(*names: str) -> str:
    """A checks/secrets.yml documenting ``names``, each entry 5 lines long (first entry on line 1)."""
    return "".join(f"{n}:\n  purpose: p\n  permissions: [x]\n  where: repo\n  rotation: yearly\n" for n in names)


def page(relpath: str, source: str, text: str | None = None, root: Path = Path("/site")) -> RenderedPage:
    """A page as the site would hand it over; ``text`` (after macros) defaults to ``source``."""
    source = textwrap.dedent(source)
    return RenderedPage(relpath, root / relpath, source, textwrap.dedent(text) if text is not None else source)
