"""Package managers and runners in a ``run:`` line (npm, npx, pnpm, yarn, bun): what script or program each
invocation reaches, for :mod:`opsdocs.project._calls`' parser (which calls :data:`MANAGERS`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from opsdocs.project._calls import Call, CommandCall, _join

if TYPE_CHECKING:
    from opsdocs.project._calls import _Parser

__all__ = ["MANAGERS"]

_VALUE_OPTS = {"-C", "--dir", "--prefix", "--cwd", "--filter", "-F", "-w", "--workspace", "-p", "--package",
               "--call", "-c"}


def _options(words: tuple[str, ...], cwd: str | None) -> tuple[tuple[str, ...], str | None]:
    """Leading manager options removed; ``-C``/``--dir``/``--prefix``/``--cwd`` move the folder."""
    i = 0
    while i < len(words) and words[i].startswith("-") and words[i] != "--":
        opt, _, inline = words[i].partition("=")
        if opt in _VALUE_OPTS:
            value = inline or (words[i + 1] if i + 1 < len(words) else "")
            if opt in ("-C", "--dir", "--prefix", "--cwd"):
                cwd = _join(cwd, value)
            i += 1 if inline else 2
            continue
        i += 1
    return words[i:], cwd


def _npm(p: _Parser, words: tuple[str, ...], cwd: str | None, depth: int) -> list[Call]:
    words, cwd = _options(words, cwd)
    if not words:
        return []
    verb, rest = words[0], words[1:]
    rest, cwd = _options(rest, cwd)
    if verb in ("run", "run-script", "rum", "urn") and rest:
        return p.run_script("npm", rest[0], rest[1:], cwd, depth, fallback_bin=False)
    if verb in ("start", "test", "stop", "restart"):
        return p.run_script("npm", verb, rest, cwd, depth, fallback_bin=False)
    if verb in ("exec", "x"):
        return p.command(rest[1:] if rest[:1] == ("--",) else rest, cwd, depth)
    return [CommandCall(("npm", *words), cwd)]


def _runner(p: _Parser, words: tuple[str, ...], cwd: str | None, depth: int) -> list[Call]:
    """``npx``/``bunx``/``pnpx``: options, then the program."""
    words, cwd = _options(words, cwd)
    return p.command(words[1:] if words[:1] == ("--",) else words, cwd, depth)


def _manager(name: str) -> Callable[[_Parser, tuple[str, ...], str | None, int], list[Call]]:
    """pnpm, yarn, bun: ``run x``, ``exec``/``dlx``/``x`` a program, or ``<x>``: a script, else a binary."""

    def handle(p: _Parser, words: tuple[str, ...], cwd: str | None, depth: int) -> list[Call]:
        words, cwd = _options(words, cwd)
        if name == "yarn" and words[:1] == ("workspace",) and len(words) > 2:
            words = words[2:]  # `yarn workspace api deploy`: the workspace's folder is not known here
        if not words:
            return []
        verb, rest = words[0], words[1:]
        if verb == "run" and rest:
            rest, cwd = _options(rest, cwd)
            return p.run_script(name, rest[0], rest[1:], cwd, depth, fallback_bin=name != "npm")
        if verb in ("exec", "dlx", "x"):
            rest, cwd = _options(rest, cwd)
            return p.command(rest[1:] if rest[:1] == ("--",) else rest, cwd, depth)
        if verb in ("install", "i", "add", "ci", "build") and name != "bun":
            return [CommandCall((name, *words), cwd)]
        return p.run_script(name, verb, rest, cwd, depth, fallback_bin=True)

    return handle


MANAGERS: dict[str, Callable[[_Parser, tuple[str, ...], str | None, int], list[Call]]] = {
    "npm": _npm, "npx": _runner, "bunx": _runner, "pnpx": _runner,
    "pnpm": _manager("pnpm"), "yarn": _manager("yarn"), "bun": _manager("bun"),
}
