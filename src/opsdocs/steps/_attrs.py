"""The attribute-list form of a fence's info string: ``{.bash title="Apply" data-mode="rehearse"}``.

Only what attr_list + superfences accept: ``.class``, ``#id``, ``key="value"``, ``key='value'`` and
``key=value``. The first class is the language, as superfences reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<cls>\.[\w-]+)
      | (?P<id>\#[\w-]+)
      | (?P<key>[\w-]+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'}]+))
      | (?P<flag>[\w-]+)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class InfoString:
    language: str | None
    braced: bool  # the {...} form; the plain form (`bash title="x"`) drops attributes when rendered
    attrs: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # what could not be read, with the column it starts at
    error_col: int = 0


def parse_info(info: str) -> InfoString:
    """Read a fence's info string (already stripped)."""
    if not info.startswith("{"):
        first = info.split(None, 1)[0] if info else ""
        return InfoString(language=first.lower() or None, braced=False)
    end = info.rfind("}")
    if end < 0:
        return InfoString(None, True, error="attribute list is not closed with '}'", error_col=1)
    inner = info[1:end]
    attrs: dict[str, str] = {}
    language: str | None = None
    pos = 0
    while pos < len(inner):
        if inner[pos:].strip() == "":
            break
        m = _TOKEN.match(inner, pos)
        if m is None or m.end() == pos:
            return InfoString(language, True, attrs, error=f"cannot read attribute at {inner[pos:].strip()!r}",
                              error_col=pos + 2)
        if m.group("cls") and language is None:
            language = m.group("cls")[1:].lower()
        elif m.group("key"):
            value = next((v for v in (m.group("dq"), m.group("sq"), m.group("bare")) if v is not None), "")
            attrs[m.group("key").lower()] = _unescape(value)
        pos = m.end()
    return InfoString(language, True, attrs)


def _unescape(value: str) -> str:
    # attr_list values are HTML-ish: the reader writes &quot; to put a quote inside a double-quoted value.
    return value.replace("&quot;", '"').replace("&#39;", "'").replace("&lt;", "<").replace(
        "&gt;", ">").replace("&amp;", "&")
