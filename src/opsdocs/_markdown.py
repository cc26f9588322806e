"""Make arbitrary text safe inside a Markdown table cell (GitHub and Python-Markdown alike)."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

# Characters that would start emphasis, code, links or raw HTML, or end a cell.
_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def cell(text: str) -> str:
    """``text`` as one table cell: HTML escaped, Markdown specials backslashed, newlines as ``<br>``."""
    escaped = _SPECIAL.sub(r"\\\1", html.escape(text.strip(), quote=False))
    return "<br>".join(line.rstrip() for line in escaped.splitlines())


def code_cell(text: str) -> str:
    """``text`` as inline code when that is safe, else as a plain :func:`cell`; empty stays empty."""
    if not text:
        return ""
    if any(c in text for c in "`|\n\r"):
        return cell(text)
    return f"`{text}`"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A pipe table from cells that are already escaped."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)
