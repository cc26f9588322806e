"""Read ``wrangler <command> --help`` output into a CommandSpec: subcommands, positionals and flags.

The pinned wrangler's own help is the reference, so a flag added or renamed by a wrangler upgrade is
picked up without editing a table here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_SECTION = re.compile(r"^[A-Z][A-Z0-9 &/-]*$")
_TYPE = re.compile(r"\[(string|boolean|number|array|count|choices)\b")
_FLAG_NAME = re.compile(r"^--?[A-Za-z0-9][\w-]*$")
_FLAG_SECTIONS = ("OPTIONS", "GLOBAL FLAGS", "FLAGS")


@dataclass(frozen=True)
class FlagSpec:
    names: tuple[str, ...]  # as help lists them, e.g. ("-y", "--yes")
    type: str  # "boolean", "string", "number", "array", "count", "choices"

    @property
    def takes_value(self) -> bool:
        return self.type not in ("boolean", "count")


@dataclass(frozen=True)
class PositionalSpec:
    name: str
    required: bool


@dataclass(frozen=True)
class CommandSpec:
    path: tuple[str, ...]  # () for wrangler itself
    subcommands: tuple[str, ...]  # empty for a command that runs
    positionals: tuple[PositionalSpec, ...]
    flags: tuple[FlagSpec, ...]  # the command's options and the global flags

    @property
    def flag_names(self) -> tuple[str, ...]:
        return tuple(n for f in self.flags for n in f.names)

    def flag(self, name: str) -> FlagSpec | None:
        """The flag ``name`` (``--x``, ``-x``, or ``--no-x`` for a boolean ``--x``), None when unknown."""
        for f in self.flags:
            if name in f.names:
                return f
        if name.startswith("--no-"):  # yargs negates any boolean
            f2 = self.flag("--" + name[5:])
            if f2 is not None and f2.type == "boolean":
                return f2
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "subcommands": list(self.subcommands),
            "positionals": [[p.name, p.required] for p in self.positionals],
            "flags": [[list(f.names), f.type] for f in self.flags],
        }

    @classmethod
    def from_json(cls, path: tuple[str, ...], data: dict[str, Any]) -> CommandSpec:
        return cls(
            path=path,
            subcommands=tuple(data["subcommands"]),
            positionals=tuple(PositionalSpec(str(n), bool(r)) for n, r in data["positionals"]),
            flags=tuple(FlagSpec(tuple(names), str(t)) for names, t in data["flags"]),
        )


def parse_help(path: tuple[str, ...], text: str) -> CommandSpec:
    """Parse one ``--help`` page (ANSI colours already removed)."""
    section = ""
    subcommands: list[str] = []
    positionals: list[PositionalSpec] = []
    flags: list[FlagSpec] = []
    pending: tuple[str, ...] | None = None  # a flag whose [type] may come on a continuation line
    prefix = ["wrangler", *path]
    for line in text.splitlines():
        if _SECTION.match(line):
            section, pending = line.strip(), _flush(pending, "", flags)
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if section in _FLAG_SECTIONS:
            if stripped.startswith("-"):
                _flush(pending, "", flags)
                names_part, _, rest = stripped.partition("  ")
                names = tuple(n.strip() for n in names_part.split(",") if _FLAG_NAME.match(n.strip()))
                pending = _flush(names, rest, flags) if names else None
            else:
                pending = _flush(pending, stripped, flags)
        elif section == "POSITIONALS":
            if line.startswith("  ") and not line.startswith("   "):
                name = stripped.split()[0]
                positionals.append(PositionalSpec(name, "[required]" in stripped))
        elif section:  # COMMANDS and the top-level categories (ACCOUNT, STORAGE & DATABASES...)
            words = stripped.split()
            if words[:len(prefix)] == prefix and len(words) > len(prefix):
                child = words[len(prefix)]
                if child not in subcommands:
                    subcommands.append(child)
    _flush(pending, "", flags)
    return CommandSpec(path, tuple(subcommands), tuple(positionals), tuple(flags))


def _flush(pending: tuple[str, ...] | None, text: str, flags: list[FlagSpec]) -> tuple[str, ...] | None:
    """Record ``pending`` once its [type] is seen (or, at the end of its entry, as a boolean)."""
    if pending is None:
        return None
    m = _TYPE.search(text)
    if m is None and text:
        return pending  # the description goes on: the type is on a later line
    flags.append(FlagSpec(pending, m.group(1) if m else "boolean"))
    return None
