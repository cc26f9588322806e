"""TOML in: values from :mod:`tomllib`, key locations from a small line scanner (like :mod:`._jsonc`).

tomllib is the reference parser (stdlib, TOML 1.0) but keeps no positions; the scanner maps every JSON
pointer wrangler's keys live at (``/env/production/d1_databases/0/binding``) to its line and column, from
table headers (``[env.production]``, ``[[d1_databases]]``, counted per array), ``key = value`` lines and
dotted keys. Inline tables and arrays are located at their key. It never decides what a value is.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from opsdocs.errors import ConfigError

_AT = re.compile(r"^(?P<msg>.*?) \(at line (?P<line>\d+), column (?P<col>\d+)\)$")
_AT_END = re.compile(r"^(?P<msg>.*?) \(at end of document\)$")
_HEADER = re.compile(r"^\s*(\[\[?)\s*(?P<key>[^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*(?P<key>(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=""")
_PART = re.compile(r"""[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'""")


def parse_toml(text: str, path: str | Path) -> dict[str, Any]:
    """Parse TOML text; a syntax error becomes one located ``ConfigError``."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _AT.match(message)
        line = int(m["line"]) if m else (text.count("\n") + 1 if _AT_END.match(message) else 1)
        msg = (m or _AT_END.match(message) or re.match(r"(?P<msg>.*)", message))["msg"]  # type: ignore[index]
        raise ConfigError(f"invalid TOML: {msg}", path=path, line=line, col=int(m["col"]) if m else None,
                          hint="fix the syntax (strings in quotes, one `key = value` per line, "
                               "[table] headers in brackets)") from None
    except RecursionError:  # tomllib recurses per nested array or inline table
        raise ConfigError("nested too deeply", path=path, line=1, hint="flatten the configuration") from None
    except ValueError as exc:  # an integer beyond Python's digit limit is a ValueError, not a TOMLDecodeError
        raise ConfigError(f"invalid TOML value: {str(exc).split(';')[0]}", path=path, line=_long_number(text),
                          hint="write a number of ordinary size") from None


def _long_number(text: str) -> int:
    m = re.search(r"\d{1000,}", text)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _parts(dotted: str) -> list[str]:
    out = []
    for raw in _PART.findall(dotted):
        if raw.startswith('"'):
            raw = raw[1:-1].encode().decode("unicode_escape")
        elif raw.startswith("'"):
            raw = raw[1:-1]
        out.append(raw.replace("~", "~0").replace("/", "~1"))
    return out


def locate_keys(text: str) -> dict[str, tuple[int, int]]:
    """JSON pointer -> (line, column) of every table, array-of-tables entry and key in ``text``."""
    out: dict[str, tuple[int, int]] = {}
    counts: dict[str, int] = {}  # array-of-tables pointer -> entries seen
    table = ""
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            parts = _parts(header["key"])
            pointer = _resolve(parts, counts, array=header.group(1) == "[[")
            col = line.index("[") + 1
            if header.group(1) == "[[":
                index = counts.get(pointer, 0)
                counts[pointer] = index + 1
                out.setdefault(pointer, (number, col))
                pointer = f"{pointer}/{index}"
            out.setdefault(pointer, (number, col))
            table = pointer
            continue
        key = _KEY.match(line)
        if key:
            pointer = table
            for part in _parts(key["key"]):
                pointer = f"{pointer}/{part}"
                out.setdefault(pointer, (number, len(line) - len(line.lstrip()) + 1))
            rest = line[key.end():]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
    return out


def _resolve(parts: list[str], counts: dict[str, int], *, array: bool) -> str:
    """``[[env.production.d1_databases]]`` inside the last ``[[x]]`` entry of a parent array."""
    pointer = ""
    for i, part in enumerate(parts):
        pointer = f"{pointer}/{part}"
        if pointer in counts and not (array and i == len(parts) - 1):  # a parent that is an array of tables: the header is in its last entry
            pointer = f"{pointer}/{counts[pointer] - 1}"
    return pointer


def read_config_text(path: Path, relpath: str) -> str:
    """The config's text: UTF-8 with or without a BOM, CRLF line ends as LF."""
    from opsdocs.project._read import read_input

    try:
        return read_input(path, relpath, what="config")
    except FileNotFoundError:
        raise ConfigError("cannot read: the file does not exist", path=relpath,
                          hint="check the file exists") from None
