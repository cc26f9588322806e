"""npm-style version ranges (``>=22.12.0``, ``^20 || >=22``, ``18.x``, ``20 - 22``) as unions of intervals.

Enough of node-semver for ``engines.node`` fields: comparators, caret, tilde, x-ranges, hyphen ranges and
``||``. Prerelease tags are ignored (an engines range is about released Nodes). Set operations on the
intervals answer what the toolchain and the ``runtimes`` drift rule ask: does this Node satisfy wrangler's
range, and does a project's range admit a Node that wrangler refuses?
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Range", "Version", "parse_range", "parse_version"]

Version = tuple[int, int, int]
_INF: Version = (1 << 30, 0, 0)
_PART = r"(?:0|[1-9]\d*|[xX*])"
_PARTIAL = re.compile(rf"^v?(?P<ma>{_PART})(?:\.(?P<mi>{_PART})(?:\.(?P<pa>{_PART}))?)?(?:[-+][0-9A-Za-z.+-]*)?$")
_COMPARATOR = re.compile(r"^(?P<op><=|>=|<|>|=|\^|~>?)?\s*(?P<v>\S*)$")


@dataclass(frozen=True)
class _Interval:
    lo: Version  # inclusive
    hi: Version  # exclusive


@dataclass(frozen=True)
class Range:
    """A union of half-open version intervals ``[lo, hi)``, normalised (sorted, merged)."""

    text: str
    intervals: tuple[_Interval, ...]

    def contains(self, version: Version) -> bool:
        return any(i.lo <= version < i.hi for i in self.intervals)

    def is_empty(self) -> bool:
        return not self.intervals

    def minimum(self) -> Version | None:
        return self.intervals[0].lo if self.intervals else None

    def is_subset_of(self, other: Range) -> bool:
        """Every version this range admits, ``other`` admits too."""
        return all(any(o.lo <= i.lo and i.hi <= o.hi for o in other.intervals) for i in self.intervals)

    def overlaps(self, other: Range) -> bool:
        return any(max(a.lo, b.lo) < min(a.hi, b.hi) for a in self.intervals for b in other.intervals)


def parse_version(text: str) -> Version:
    """``v22.12.0`` / ``22.12.0`` -> ``(22, 12, 0)``; ValueError when it is not a full version."""
    m = _PARTIAL.match(text.strip())
    if m is None or any(p is None or not p.isdigit() for p in (m["ma"], m["mi"], m["pa"])):
        raise ValueError(f"not a version: {text!r}")
    return int(m["ma"]), int(m["mi"]), int(m["pa"])


def parse_range(text: str) -> Range:
    """Parse an npm range; ValueError (with the offending part) when it is not one."""
    sets = [s.strip() for s in text.split("||")]
    intervals: list[_Interval] = []
    for comparator_set in sets:
        intervals.extend(_parse_set(comparator_set))
    return Range(text, _normalise(intervals))


def _parse_set(text: str) -> list[_Interval]:
    hyphen = re.fullmatch(r"(\S+)\s+-\s+(\S+)", text)
    if hyphen:
        lo, _ = _bounds(hyphen[1])
        _, hi = _bounds(hyphen[2])
        return [_Interval(lo, hi)] if lo < hi else []
    lo, hi = (0, 0, 0), _INF
    # ">= 22" is one comparator: glue an operator to the version after it.
    tokens = re.sub(r"(<=|>=|<|>|=|\^|~>?)\s+", r"\1", text).split()
    for token in tokens or ["*"]:
        t_lo, t_hi = _comparator(token)
        lo, hi = max(lo, t_lo), min(hi, t_hi)
    return [_Interval(lo, hi)] if lo < hi else []


def _comparator(token: str) -> tuple[Version, Version]:
    m = _COMPARATOR.match(token)
    if m is None or (m["op"] and not m["v"]):
        raise ValueError(f"not a version range: {token!r}")
    op, (lo, hi) = m["op"] or "", _bounds(m["v"] or "*")
    parts = _parts(m["v"] or "*")
    if op in ("", "="):
        return lo, hi
    if op == ">=":
        return lo, _INF
    if op == ">":
        return hi, _INF
    if op == "<":
        return (0, 0, 0), lo
    if op == "<=":
        return (0, 0, 0), hi
    if op.startswith("~"):  # ~22.12.1 := >=22.12.1 <22.13.0; ~22 := 22.x
        return lo, (_bump(lo, 1) if len(parts) >= 2 else hi)
    if not parts:
        return lo, hi
    # ^: up to the next change of the first non-zero part that was given
    first = next((i for i, p in enumerate(lo[:len(parts)]) if p != 0), len(parts) - 1)
    return lo, _bump(lo, min(first, max(len(parts) - 1, 0)))


def _parts(text: str) -> list[int]:
    m = _PARTIAL.match(text)
    if m is None:
        raise ValueError(f"not a version range: {text!r}")
    parts: list[int] = []
    for p in (m["ma"], m["mi"], m["pa"]):
        if p is None or not p.isdigit():
            break
        parts.append(int(p))
    return parts


def _bounds(text: str) -> tuple[Version, Version]:
    """The versions a partial version stands for: ``22`` -> [22.0.0, 23.0.0), ``*`` -> everything."""
    parts = _parts(text)
    if not parts:
        return (0, 0, 0), _INF
    lo = (parts + [0, 0, 0])[:3]
    low: Version = (lo[0], lo[1], lo[2])
    if len(parts) == 3:
        return low, (lo[0], lo[1], lo[2] + 1)
    return low, _bump(low, len(parts) - 1)


def _bump(v: Version, index: int) -> Version:
    if index <= 0:
        return (v[0] + 1, 0, 0)
    if index == 1:
        return (v[0], v[1] + 1, 0)
    return (v[0], v[1], v[2] + 1)


def _normalise(intervals: list[_Interval]) -> tuple[_Interval, ...]:
    merged: list[_Interval] = []
    for i in sorted(intervals, key=lambda x: x.lo):
        if merged and i.lo <= merged[-1].hi:
            merged[-1] = _Interval(merged[-1].lo, max(merged[-1].hi, i.hi))
        else:
            merged.append(i)
    return tuple(merged)
