"""JSONC in: values from the json5 parser, key locations from a small token scanner.

json5 parses comments, trailing commas and ``//`` inside strings correctly but keeps no positions; the
scanner below only walks tokens (strings, comments, brackets) to map every JSON pointer to its line and
column, so drift findings can point at ``wrangler.jsonc:17``. It never decides what a value is.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import json5

from opsdocs.errors import ConfigError

_JSON5_ERROR = re.compile(r"<string>:(?P<line>\d+) (?P<msg>.*?)(?: at column (?P<col>\d+))?$")


MAX_DEPTH = 100  # no wrangler config nests deeper than a handful; Python's parsers recurse per level
_JSON5_LIMIT = 1 << 20  # json5 is pure Python and slow: only small files that plain JSONC cannot read go to it
_TOKEN = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|//[^\n]*|/\*(?:.|\n)*?\*/|[\[\]{},]|\'')


def parse_jsonc(text: str, path: str | Path) -> Any:
    """Parse JSONC/JSON5 text; a syntax error becomes one located ``ConfigError``.

    Linear and fast: comments and trailing commas become spaces (positions kept), then the C ``json``
    parser reads it; json5 only for JSON5 extras in small files. Nesting is bounded before any parser
    recurses (``MAX_DEPTH``)."""
    cleaned, single_quotes = _to_json(text, path)
    try:
        return json.loads(cleaned)
    except json.JSONDecodeError as exc:
        if not single_quotes and len(text) > _JSON5_LIMIT:
            raise ConfigError(f"invalid JSONC: {exc.msg}", path=path, line=exc.lineno, col=exc.colno,
                              hint="fix the syntax (comments and trailing commas are fine)") from None
    except RecursionError:
        raise ConfigError(f"nested too deeply (more than {MAX_DEPTH} levels)", path=path, line=1,
                          hint="flatten the configuration") from None
    except ValueError as exc:  # an integer beyond Python's digit limit (not a JSONDecodeError)
        m = re.search(r"\d{1000,}", text)
        raise ConfigError(f"invalid number: {str(exc).split(';')[0]}", path=path,
                          line=text.count("\n", 0, m.start()) + 1 if m else 1,
                          hint="write a number of ordinary size") from None
    return _json5(text, path)


_LEX = re.compile(r'(?P<s>"[^"\\\n]*(?:\\.[^"\\\n]*)*")|(?P<c>//[^\n]*|/\*(?:.|\n)*?\*/)'
                  r'|(?P<t>,(?=(?:\s|//[^\n]*|/\*(?:.|\n)*?\*/)*[\]}]))')
_BRACKETS = re.compile(r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"|//[^\n]*|/\*(?:.|\n)*?\*/|[\[{]|[\]}]|\'')


def _blank(m: re.Match[str]) -> str:
    if m.group("s") is not None:
        return m.group(0)
    if m.group("c") is not None:
        return re.sub(r"[^\n]", " ", m.group(0))
    return " "  # a trailing comma


def _to_json(text: str, path: str | Path) -> tuple[str, bool]:
    """``text`` with comments and trailing commas blanked (same length, same lines); whether a JSON5
    single quote was seen. A ConfigError at the first bracket deeper than MAX_DEPTH."""
    depth, single = 0, False
    for m in _BRACKETS.finditer(text):
        c = m.group(0)[0]
        if c in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                start = m.start()
                line = text.count("\n", 0, start) + 1
                raise ConfigError(f"nested more than {MAX_DEPTH} levels deep", path=path, line=line,
                                  col=start - (text.rfind("\n", 0, start) + 1) + 1, hint="flatten the configuration")
        elif c in "]}":
            depth -= 1
        elif c == "'":
            single = True
    return _LEX.sub(_blank, text), single


def _json5(text: str, path: str | Path) -> Any:
    try:
        return json5.loads(text)
    except RecursionError:
        raise ConfigError(f"nested too deeply (more than {MAX_DEPTH} levels)", path=path, line=1,
                          hint="flatten the configuration") from None
    except ValueError as exc:
        text_of = re.sub(r"[\x00-\x1f]", lambda c: repr(c.group(0))[1:-1], str(exc).strip())
        m = _JSON5_ERROR.match(text_of)
        if m:
            raise ConfigError(
                f"invalid JSONC: {m['msg']}",
                path=path,
                line=int(m["line"]),
                col=int(m["col"]) if m["col"] else None,
                hint="fix the syntax (comments and trailing commas are fine; quotes and brackets must match)",
            ) from None
        raise ConfigError(f"invalid JSONC: {text_of}", path=path, line=1, hint="fix the syntax") from None


_BARE = re.compile(r"[^\s,:\]\}/]+")
_WS = re.compile(r"[ \t\r\n]+")
_DQ = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*', re.DOTALL)  # a string's body, up to (not including) its quote
_SQ = re.compile(r"[^'\\]*(?:\\.[^'\\]*)*", re.DOTALL)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


class _Frame:
    __slots__ = ("kind", "pointer", "index", "expect_key", "seen_index", "key")

    def __init__(self, kind: str, pointer: str) -> None:
        self.kind = kind  # "{" or "["
        self.pointer = pointer
        self.index = 0
        self.expect_key = kind == "{"
        self.seen_index = -1
        self.key = ""  # the current key, in an object

    def next_item(self) -> None:
        """After a ``,``: the next element of an array, or the next key of an object."""
        if self.kind == "[":
            self.index += 1
        else:
            self.expect_key = True


def _past_trivia(text: str, i: int) -> int:
    """The offset after the whitespace or comment at ``i`` (``i`` itself when there is none)."""
    if text[i] in " \t\r\n":
        return _WS.match(text, i).end()  # type: ignore[union-attr]
    if text.startswith("//", i):
        j = text.find("\n", i)
        return len(text) if j < 0 else j
    if text.startswith("/*", i):
        j = text.find("*/", i + 2)
        return len(text) if j < 0 else j + 2
    return i


def _positions(text: str) -> Callable[[int], tuple[int, int]]:
    """Offset -> (line, col), 1-based."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def pos(offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    return pos


def locate_keys(text: str) -> dict[str, tuple[int, int]]:
    """Map each JSON pointer (``/env/production/d1_databases/0/binding``) to (line, col), 1-based."""
    pos = _positions(text)
    out: dict[str, tuple[int, int]] = {}
    stack: list[_Frame] = []
    pending_key: tuple[str, int] | None = None
    i, n = 0, len(text)

    def value_starts(offset: int) -> None:
        # A value begins here: in an array it is element `index`.
        if stack and stack[-1].kind == "[" and stack[-1].seen_index != stack[-1].index:
            frame = stack[-1]
            frame.seen_index = frame.index
            out.setdefault(f"{frame.pointer}/{frame.index}", pos(offset))

    while i < n:
        c, skipped = text[i], _past_trivia(text, i)
        if skipped != i:
            i = skipped
        elif c in "\"'":
            j = (_DQ if c == '"' else _SQ).match(text, i + 1).end()  # type: ignore[union-attr]
            token = text[i + 1 : j]
            if stack and stack[-1].kind == "{" and stack[-1].expect_key:
                pending_key = (token, i)
            else:
                value_starts(i)
            i = j + 1
        elif c in "{[":
            value_starts(i)
            stack.append(_Frame(c, _current_pointer(stack)))
            i += 1
        elif c in "}]":
            if stack:
                stack.pop()
            i += 1
        elif c == ":":
            if stack and stack[-1].kind == "{" and pending_key is not None:
                key, at = pending_key
                frame = stack[-1]
                frame.expect_key = False
                frame.key = key
                out[f"{frame.pointer}/{_escape(key)}"] = pos(at)
                pending_key = None
            i += 1
        elif c == ",":
            if stack:
                stack[-1].next_item()
            i += 1
        else:  # a bare word: number, literal, or an unquoted JSON5 key
            m = _BARE.match(text, i)
            j = m.end() if m else i + 1
            if stack and stack[-1].kind == "{" and stack[-1].expect_key:
                pending_key = (text[i:j], i)
            else:
                value_starts(i)
            i = j
    return out


def _current_pointer(stack: list[_Frame]) -> str:
    """Pointer of the container about to be opened, from the enclosing frame's current key/index."""
    if not stack:
        return ""
    frame = stack[-1]
    if frame.kind == "[":
        return f"{frame.pointer}/{frame.index}"
    return f"{frame.pointer}/{_escape(frame.key)}"
