"""Placeholders in a runbook command: what the operator fills in, its format, and offers from earlier output.

Two spellings are placeholders: a shell variable the command does not set itself (``"$VERSION_ID"``,
``${BOOKMARK}``) and an angle-bracket note (``<what broke, run link>``). Each gets a format from its name
(a version id is a UUID, a bookmark is D1's ``8-8-8-32`` hex form, a timestamp is ISO 8601 with a zone or
Unix seconds inside Time Travel's 30 days...). Values are written into the command text, so what is shown
is exactly what runs, and the filled command goes through the safety classifier like any other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opsdocs._credentials import CREDENTIAL_ENV

__all__ = ["Format", "Placeholder", "fill", "find_placeholders", "format_for", "harvest", "validate"]

_VAR = re.compile(r"\$(?:\{([A-Z][A-Z0-9_]*)\}|([A-Z][A-Z0-9_]*))")
# <what broke, run link>: a note, not a redirect (which has a space before a target, or a target after ">")
_ANGLE = re.compile(r"(?<![\w<])<([A-Za-z][A-Za-z0-9 ,.:'/_-]{0,60}[A-Za-z0-9_])>(?![\w.])")
_ASSIGNED = re.compile(r"(?:^|[\s;&|])(?:export\s+)?([A-Z][A-Z0-9_]*)=")
# Set by the shell or the runtime, or credentials that come from the operator's environment: not asked for.
_NOT_PLACEHOLDERS = frozenset({
    "HOME", "PATH", "PWD", "OLDPWD", "USER", "SHELL", "TMPDIR", "RANDOM", "CI", "LANG", "TERM",
    *CREDENTIAL_ENV, "GITHUB_TOKEN", "GH_TOKEN",
})
_UNSAFE = re.compile(r"[\"'`$\\\n\r;&|<>(){}]")
UUID_RE = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
BOOKMARK_RE = r"[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}"
ISO_RE = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})"
TIME_TRAVEL_DAYS = 30  # wrangler refuses older timestamps (the Free plan keeps 7; wrangler does not check it)


@dataclass(frozen=True)
class Format:
    kind: str  # "version-id", "bookmark", "timestamp", "url", "text", "word"
    describe: str  # for the prompt and the error: "a Worker version id (a UUID)"
    example: str
    offer: str | None = None  # regex finding candidates in earlier output


@dataclass(frozen=True)
class Placeholder:
    name: str  # "VERSION_ID", or the note inside <...>
    token: str  # the exact text replaced: "$VERSION_ID", "${VERSION_ID}" or "<what broke, run link>"
    format: Format


_FORMATS = {
    "version-id": Format("version-id", "a Worker version id (a UUID, from `versions list`)",
                         "5f1c2b7a-5d4e-4a8b-9c6d-1e2f3a4b5c6d", UUID_RE),
    "bookmark": Format("bookmark", "a D1 Time Travel bookmark (from `d1 time-travel info`)",
                       "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683", BOOKMARK_RE),
    "timestamp": Format("timestamp", f"a UTC time within the last {TIME_TRAVEL_DAYS} days (ISO 8601 with Z or "
                        "an offset, or Unix seconds)", "2025-01-31T09:00:00Z", ISO_RE),
    "id": Format("id", "an id (letters, digits and dashes)", "8a7b6c5d4e3f4a2b8c1d0e9f8a7b6c5d", UUID_RE),
    "url": Format("url", "an http(s) URL", "https://my-worker.example.workers.dev"),
    "text": Format("text", "a short text (no quotes, $, backticks or backslashes)", "rollback: bad deploy, run 42"),
    "word": Format("word", "one word (letters, digits, . _ - : / @ +)", "value"),
}


def format_for(name: str, *, angle: bool = False) -> Format:
    """The format a placeholder's name implies (angle-bracket notes are free text unless named as a time)."""
    upper = re.sub(r"[^A-Z0-9]+", "_", name.upper())
    if "BOOKMARK" in upper:
        return _FORMATS["bookmark"]
    if "TIMESTAMP" in upper or upper.endswith("_TIME") or upper == "TIME":
        return _FORMATS["timestamp"]
    if upper.endswith("VERSION_ID") or upper.endswith("DEPLOYMENT_ID"):
        return _FORMATS["version-id"]
    if upper.endswith("_ID"):
        return _FORMATS["id"]
    if upper.endswith("URL"):
        return _FORMATS["url"]
    if angle or "MESSAGE" in upper or "REASON" in upper:
        return _FORMATS["text"]
    return _FORMATS["word"]


def find_placeholders(command: str) -> list[Placeholder]:
    """Every placeholder of ``command``, once each, in order of appearance."""
    assigned = {m.group(1) for m in _ASSIGNED.finditer(command)}
    found: dict[str, Placeholder] = {}
    for m in _VAR.finditer(command):
        name = m.group(1) or m.group(2)
        if name in _NOT_PLACEHOLDERS or name in assigned:
            continue
        found.setdefault(m.group(0), Placeholder(name, m.group(0), format_for(name)))
    for m in _ANGLE.finditer(command):
        note = m.group(1).strip()
        found.setdefault(m.group(0), Placeholder(note, m.group(0), format_for(note, angle=True)))
    return sorted(found.values(), key=lambda p: command.index(p.token))


def validate(fmt: Format, value: str, *, now: datetime | None = None) -> str | None:
    """Why ``value`` is not of ``fmt``, or None when it is."""
    value = value.strip()
    if not value:
        return "a value is needed"
    if _UNSAFE.search(value) and fmt.kind != "text":
        return "quotes, $, backticks, backslashes and shell operators are not allowed"
    if fmt.kind == "text":
        return "quotes, $, backticks and backslashes are not allowed" if re.search(r"[\"`$\\\n\r]", value) else None
    if fmt.kind == "version-id" and not re.fullmatch(UUID_RE, value):
        return f"not a version id: expected a UUID such as {fmt.example}"
    if fmt.kind == "bookmark" and not re.fullmatch(BOOKMARK_RE, value):
        return f"not a bookmark: expected four hex groups such as {fmt.example}"
    if fmt.kind == "id" and not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z-]*", value):
        return "not an id: letters, digits and dashes only"
    if fmt.kind == "url" and not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        return f"not a URL: expected one like {fmt.example}"
    if fmt.kind == "word" and not re.fullmatch(r"[\w.:/@+-]+", value):
        return "one word: letters, digits and . _ - : / @ + only"
    if fmt.kind == "timestamp":
        return _timestamp_problem(value, now or datetime.now(UTC))
    return None


def _timestamp_problem(value: str, now: datetime) -> str | None:
    if re.fullmatch(r"\d{9,11}", value):
        when = datetime.fromtimestamp(int(value), UTC)
    elif re.fullmatch(ISO_RE, value):
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    elif re.fullmatch(r"\d{4}-\d{2}-\d{2}T[\d:.]+", value):
        return "add the time zone: Z for UTC (wrangler reads a time without one as local time)"
    else:
        return "not a timestamp: expected ISO 8601 such as 2025-01-31T09:00:00Z, or Unix seconds"
    if when > now:
        return "this time is in the future: Time Travel restores only to the past"
    if when < now - timedelta(days=TIME_TRAVEL_DAYS):
        return f"older than {TIME_TRAVEL_DAYS} days: outside D1 Time Travel's window (7 days on Workers Free)"
    return None


def fill(command: str, values: Mapping[Placeholder, str]) -> str:
    """``command`` with each placeholder replaced by its (validated) value; one outside double quotes that
    holds a space is quoted, so it stays one word."""
    for ph in sorted(values, key=lambda p: len(p.token), reverse=True):
        value = values[ph].strip()
        while ph.token in command:
            at = command.index(ph.token)
            quoted = command[:at].count('"') % 2 == 1
            text = f'"{value}"' if (not quoted and re.search(r"\s", value)) else value
            command = command[:at] + text + command[at + len(ph.token):]
    return command


def harvest(output: str, formats: Iterable[Format] = _FORMATS.values()) -> dict[str, list[tuple[str, str]]]:
    """Candidates found in a step's output, per format kind: (value, the line it was on), first seen first."""
    out: dict[str, list[tuple[str, str]]] = {}
    lines = output.splitlines()
    for fmt in formats:
        if fmt.offer is None:
            continue
        seen: set[str] = set()
        for line in lines:
            for m in re.finditer(rf"(?<![\w-])({fmt.offer})(?![\w-])", line):
                value = m.group(1)
                if value not in seen and (fmt.kind != "version-id" or not re.fullmatch(BOOKMARK_RE, value)):
                    seen.add(value)
                    out.setdefault(fmt.kind, []).append((value, line.strip()[:100]))
    return out
