"""Claim and quote markers in a page's source, with their lines.

A page backs a factual sentence about Cloudflare or GitHub with ``{{ claim("source-id", ...) }}`` right
after it, and shows a text wrangler prints with ``{{ quote("quote-id") }}``. Both are plain macro calls
inside ``{{ }}``; this module finds them in the source as written, so a finding names the page's line.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

__all__ = ["Marker", "find_markers"]

_EXPR = re.compile(r"\{\{(.*?)\}\}", re.S)
_CALL = re.compile(r"(?<![\w.])(claim|quote)\s*\(([^()]*)\)")


@dataclass(frozen=True)
class Marker:
    kind: str  # "claim" or "quote"
    ids: tuple[str, ...]
    line: int  # 1-based, in the page source
    literal: bool  # False when an argument is not a quoted string (it cannot be checked before rendering)


def find_markers(source: str) -> list[Marker]:
    """Every ``claim(...)``/``quote(...)`` call inside a ``{{ }}`` expression, in page order."""
    out = []
    for expr in _EXPR.finditer(source):
        for call in _CALL.finditer(expr.group(1)):
            line = source.count("\n", 0, expr.start(1) + call.start()) + 1
            ids, literal = _arguments(call.group(2))
            out.append(Marker(call.group(1), ids, line, literal))
    return out


def _arguments(text: str) -> tuple[tuple[str, ...], bool]:
    if not text.strip():
        return (), True
    try:
        value = ast.literal_eval(f"({text},)")
    except (ValueError, SyntaxError):
        return (), False
    if not all(isinstance(v, str) for v in value):
        return tuple(v for v in value if isinstance(v, str)), False
    return tuple(value), True
