"""A page as the reader sees it: its Markdown as written and after the macros ran (the renderer in
:mod:`opsdocs.site.render` makes them; the checks read them as input)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RenderedPage:
    relpath: str  # relative to the site root, e.g. "docs/rollback.md" or "runbooks/migration-drill.md"
    path: Path  # absolute
    source: str  # Markdown as written (with {{ macros }})
    text: str  # Markdown after the macros: exactly what the built page shows and the copy button copies
