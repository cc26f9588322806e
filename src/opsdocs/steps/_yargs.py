"""wrangler's arguments read the way yargs(-parser) reads them, for the flags that decide safety.

What yargs does (defaults, which wrangler does not change: no ``parserConfiguration`` call in its dist):

- a boolean takes ``--x``, ``--x=true``, and a following ``true``/``false`` word (``--x false`` consumes
  it); ``--x=<anything else>`` is false (``val === 'true'``); ``--no-x`` is false (boolean-negation);
- ``--dryRun`` is ``--dry-run`` (camel-case-expansion); ``-rv`` is ``-r -v`` (short-flag groups);
- a flag given twice becomes an array (duplicate-arguments-array): ``[true, false]`` is truthy in the
  JavaScript that reads it, and ``=== false`` is not true of it either;
- ``--`` ends the flags.

So that no spelling reads differently here than in wrangler, a safety flag (``--local``, ``--remote``,
``--dry-run``, ``--preview``, ``--help``, ``--version``) has a definite value only when it is given
once; given twice (in any spelling: alias, negation, camelCase) it is AMBIGUOUS, and the classifier takes
the dangerous reading (remote, not a dry run, not help). Which flags are booleans and which take a value
is checked against the pinned wrangler's own ``--help`` by ``tests/steps/test_yargs_against_wrangler.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

__all__ = ["AMBIGUOUS", "BOOLEANS", "Flag", "Parsed", "parse", "canonical"]


class _Ambiguous(Enum):
    AMBIGUOUS = "ambiguous"


AMBIGUOUS = _Ambiguous.AMBIGUOUS
BoolState = bool | None | _Ambiguous

# Boolean flags wrangler declares (from the pinned wrangler's --help; aliases map to one key).
BOOLEANS: dict[str, str] = {
    "--local": "local", "--remote": "remote", "-r": "remote", "--preview": "preview", "--dry-run": "dry-run",
    "--help": "help", "-h": "help", "--version": "version", "-v": "version", "--json": "json",
    "--yes": "yes", "-y": "yes", "--minify": "minify", "--keep-vars": "keep-vars", "--latest": "latest",
    "--experimental-json-config": "experimental-json-config", "-j": "experimental-json-config",
    "--x-remote-bindings": "x-remote-bindings", "--show-interactive-dev-session": "show-interactive-dev-session",
    "--live-reload": "live-reload", "--legacy-env": "legacy-env", "--upload-source-maps": "upload-source-maps",
    "--node-compat": "node-compat", "--no-bundle": "no-bundle", "--strict-vars": "strict-vars",
    "--test-scheduled": "test-scheduled", "--ignore-empty": "ignore-empty", "--force": "force",
    "--update-config": "update-config", "--experimental-remote-bindings": "experimental-remote-bindings",
    # wrangler 4.164: a global flag that installs AI-agent skills (downloads, writes outside the sandbox),
    # and `dev --tunnel`, which exposes the dev server publicly through Cloudflare: both are remote.
    "--install-skills": "install-skills", "--tunnel": "tunnel", "-l": "local",
}
_CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


@dataclass(frozen=True)
class Flag:
    written: str  # the word as written, e.g. "--remote=false" or "-r"
    name: str  # the flag name, kebab-case, without "no-" and without the value ("--remote")
    value: str | None  # a value flag's value; a boolean's explicit value ("false"); None when bare
    negated: bool = False  # --no-x


@dataclass(frozen=True)
class Parsed:
    path: tuple[str, ...]
    positionals: tuple[str, ...]
    flags: tuple[Flag, ...]

    def boolean(self, key: str) -> BoolState:
        """yargs' value of boolean ``key``: None when absent, AMBIGUOUS when given more than once."""
        given = [f for f in self.flags if BOOLEANS.get(f.name) == key]
        if not given:
            return None
        if len(given) > 1:
            return AMBIGUOUS
        flag = given[0]
        if flag.negated:
            return False if flag.value is None else AMBIGUOUS  # --no-x=true: nobody writes that honestly
        return flag.value is None or flag.value == "true"

    def last(self, *names: str) -> str | None:
        """The value of the last of value flags ``names`` (``""`` when given without a value)."""
        found: str | None = None
        for f in self.flags:
            if f.name in names:
                found = "" if f.value is None else f.value
        return found


def canonical(name: str) -> str:
    """``--dryRun`` -> ``--dry-run`` (yargs' camel-case-expansion); other names unchanged."""
    if name.startswith("--") and _CAMEL.search(name):
        return _CAMEL.sub(lambda m: "-" + m.group(1).lower(), name)
    return name


def parse(args: list[str], value_flags: frozenset[str], is_subcommand: object) -> Parsed:
    """Split ``args`` (the words after ``wrangler``) into subcommand path, positionals and flags."""
    path: list[str] = []
    positionals: list[str] = []
    flags: list[Flag] = []
    i = 0
    while i < len(args):
        word = args[i]
        nxt = args[i + 1] if i + 1 < len(args) else None
        if word == "--":
            positionals.extend(args[i + 1:])
            break
        if word.startswith("--") and len(word) > 2:
            i += _long(word, nxt, value_flags, flags)
        elif word.startswith("-") and len(word) > 1 and not _number(word):
            i += _short(word, nxt, value_flags, flags)
        elif not positionals and is_subcommand(tuple(path)):  # type: ignore[operator]
            path.append(word)
            i += 1
        else:
            positionals.append(word)
            i += 1
    return Parsed(tuple(path), tuple(positionals), tuple(flags))


def _number(word: str) -> bool:
    return bool(re.fullmatch(r"-\d+(\.\d+)?", word))


def _long(word: str, nxt: str | None, value_flags: frozenset[str], out: list[Flag]) -> int:
    """Append the flag of ``word``; return how many words it used (1, or 2 when it took the next)."""
    raw, eq, value = word.partition("=")
    name = canonical(raw)
    negated = name.startswith("--no-") and name not in BOOLEANS and name not in value_flags
    base = "--" + name[5:] if negated else name
    if eq:
        out.append(Flag(word, base, value, negated))
        return 1
    if base in BOOLEANS or negated:
        if nxt in ("true", "false") and not negated:
            out.append(Flag(word, base, nxt))
            return 2
        out.append(Flag(word, base, None, negated))
        return 1
    if base in value_flags and _takes(nxt):
        out.append(Flag(word, base, nxt))
        return 2
    out.append(Flag(word, base, None))  # a value flag with no value: yargs gives "", wrangler complains
    return 1


def _takes(nxt: str | None) -> bool:
    """A value flag takes the next word unless it looks like a flag (``--env --remote``: env is "", and
    --remote is read as a flag), as yargs-parser does; a negative number is a value."""
    return nxt is not None and (not nxt.startswith("-") or _number(nxt))


def _short(word: str, nxt: str | None, value_flags: frozenset[str], out: list[Flag]) -> int:
    """A short group as yargs-parser reads it: ``-rv`` is ``-r -v``; within the group a letter takes the rest
    of the word only after ``=`` (``-e=prod``), when the rest is a number (``-h0``: help is "0", so false),
    ``-``, or starts with a non-word character (``-e.x``); otherwise each letter is a flag of its own
    (``-eprod`` is ``-e -p -r -o -d``: wrangler's strict mode then refuses the unknown letters). Only the
    last letter can take the next word."""
    letters = word[1:]
    for k, letter in enumerate(letters[:-1]):
        name, rest = f"-{letter}", letters[k + 1:]
        if rest.startswith("="):
            out.append(Flag(word, name, rest[1:]))
            return 1
        if rest == "-" or re.fullmatch(r"-?\d+(\.\d*)?(e-?\d+)?", rest) or not re.match(r"[A-Za-z0-9_]", rest):
            out.append(Flag(word, name, rest))
            return 1
        out.append(Flag(word, name, None))
    name = f"-{letters[-1]}"
    if name == "--":
        return 1
    if name in value_flags:
        taken = _takes(nxt)
        out.append(Flag(word, name, nxt if taken else None))
        return 2 if taken else 1
    if name in BOOLEANS and nxt in ("true", "false"):
        out.append(Flag(word, name, nxt))
        return 2
    out.append(Flag(word, name, None))
    return 1
