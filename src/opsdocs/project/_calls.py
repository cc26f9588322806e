"""What a workflow step runs, as typed calls: wrangler, an action, a package.json script, another program.

Parsed once at load time (see :mod:`opsdocs.project.pipeline`). A step's ``run:`` is split into simple
commands (:mod:`._words`); each is unwrapped through the runners people put in front of wrangler (``npx
[--yes] wrangler@4``, ``pnpm exec``/``dlx``, ``yarn [dlx]``, ``bunx``, ``npm exec``) and through
``package.json`` scripts (``npm run x``, ``pnpm [run] x``, ``yarn [run] x``, ``bun run x``), recursively,
with npm's ``pre``/``post`` scripts and ``-- args`` appended to the script's last command.
cloudflare/wrangler-action runs ``wrangler <line>`` for each line of ``command`` (default ``deploy``),
adding ``--env`` from ``environment`` in ``workingDirectory``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Union

from opsdocs.project._words import Command, _tokens, commands

WRANGLER_ACTION = "cloudflare/wrangler-action"
PAGES_ACTION = "cloudflare/pages-action"
# Flags that take no value (anything else spelled `--x` takes the next word unless it is a flag).
_BOOLEAN = {"--remote", "--local", "--preview", "--dry-run", "--yes", "-y", "--json", "--minify",
            "--keep-vars", "--no-bundle", "--latest", "--strict", "--legacy-env", "--commit-dirty",
            "--experimental-remote", "--x-remote-bindings", "--help", "-h", "--version", "-v"}
# How many leading words name the command (`d1 migrations apply`, `versions upload`, `kv namespace list`).
_DEPTH = {"d1": 2, "versions": 2, "deployments": 2, "pages": 2, "secret": 2, "queues": 2, "kv": 3, "r2": 3,
          "hyperdrive": 2, "vectorize": 2, "triggers": 2, "workflows": 2, "secrets-store": 3}
_DEEPER = {("d1", "migrations"), ("d1", "time-travel"), ("pages", "project"), ("pages", "deployment")}
# Programs that deploy through wrangler themselves: what they run, as wrangler would.
_WRAPPERS = {("opennextjs-cloudflare", "deploy"): ("deploy",),
             ("opennextjs-cloudflare", "upload"): ("versions", "upload")}
_EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
_MAX_DEPTH = 8  # scripts calling scripts: deeper than this is a loop we stop following


@dataclass(frozen=True)
class WranglerCall:
    """``wrangler <args>``, however it was reached (``via``: run, wrangler-action, a script, a wrapper)."""

    args: tuple[str, ...]
    via: str = "run"
    cwd: str | None = None  # folder it runs in, relative to the repository root as written

    @property
    def path(self) -> tuple[str, ...]:
        """The subcommand: ``("d1", "migrations", "apply")``, ``("deploy",)``."""
        words = self._positionals()
        depth = _DEPTH.get(words[0], 1) if words else 0
        if tuple(words[:2]) in _DEEPER:
            depth += 1
        return tuple(words[:depth])

    @property
    def positionals(self) -> tuple[str, ...]:
        """Positional arguments after the subcommand (``d1 migrations apply DB`` -> ``("DB",)``)."""
        return tuple(self._positionals()[len(self.path):])

    def _positionals(self) -> list[str]:
        out, skip = [], False
        for i, arg in enumerate(self.args):
            if skip:
                skip = False
                continue
            if arg.startswith("-"):
                nxt = self.args[i + 1] if i + 1 < len(self.args) else "-"
                skip = "=" not in arg and arg not in _BOOLEAN and not arg.startswith("--no-") \
                    and not nxt.startswith("-") and _takes_value(arg)
                continue
            out.append(arg)
        return out

    def flag(self, *names: str) -> str | None:
        """The value of the first of ``names`` given (``--env x``, ``--env=x``, ``-e x``)."""
        for i, arg in enumerate(self.args):
            for name in names:
                if arg.startswith(name + "="):
                    return arg.split("=", 1)[1]
                if arg == name and i + 1 < len(self.args) and not self.args[i + 1].startswith("-"):
                    return self.args[i + 1]
        return None

    @property
    def env(self) -> str | None:
        """The ``--env``/``-e`` value, None for the top-level Worker."""
        return self.flag("--env", "-e")

    @property
    def dynamic_env(self) -> bool:
        """The environment is chosen when the workflow runs (``--env ${{ inputs.env }}``, ``$ENV``)."""
        return (self.env or "").startswith("$")

    @property
    def remote(self) -> bool:
        return "--remote" in self.args

    @property
    def database(self) -> str | None:
        """The database a ``d1`` command names (binding or database_name)."""
        if self.path[:1] != ("d1",) or self.path[1:2] in (("list",), ("create",)):
            return None
        return self.positionals[0] if self.positionals else None

    @property
    def dry_run(self) -> bool:
        return "--dry-run" in self.args

    @property
    def is_deploy(self) -> bool:
        """Makes a new version live: ``deploy``, ``versions deploy`` or ``pages deploy`` (not a dry run)."""
        return self.path in (("deploy",), ("versions", "deploy"), ("pages", "deploy"),
                             ("pages", "publish"), ("publish",)) and not self.dry_run

    @property
    def is_upload(self) -> bool:
        return self.path == ("versions", "upload") and not self.dry_run

    @property
    def is_remote_migration(self) -> bool:
        return self.path == ("d1", "migrations", "apply") and self.remote

    @property
    def is_rollback(self) -> bool:
        return self.path in (("rollback",), ("pages", "deployment", "rollback"))

    def __str__(self) -> str:
        return "wrangler " + " ".join(self.args)


def _takes_value(arg: str) -> bool:
    return arg.startswith("--") or arg in ("-e", "-c", "-m")


@dataclass(frozen=True)
class ActionCall:
    """``uses: owner/repo@ref`` with its ``with:`` inputs."""

    action: str
    ref: str | None
    inputs: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class ScriptCall:
    """A package.json script, and what its text runs (empty when the script is not found)."""

    manager: str  # npm, pnpm, yarn, bun
    name: str
    text: str | None  # None: no such script in the package.json that was read
    calls: tuple[Call, ...] = ()


@dataclass(frozen=True)
class CommandCall:
    """Any other program (``curl``, ``opsdocs health``, ``node scripts/x.mjs``)."""

    words: tuple[str, ...]
    cwd: str | None = None

    @property
    def program(self) -> str:
        return PurePosixPath(self.words[0]).name if self.words else ""


Call = Union[WranglerCall, ActionCall, ScriptCall, CommandCall]
# (folder relative to the repository root, "" for the root) -> that folder's package.json scripts
Scripts = Callable[[str], dict[str, str]]


def walk(calls: tuple[Call, ...]) -> Iterator[Call]:
    """Every call, scripts' inner calls included (a script before what it runs)."""
    for call in calls:
        yield call
        if isinstance(call, ScriptCall):
            yield from walk(call.calls)


def run_calls(script: str, scripts: Scripts, cwd: str | None = None) -> tuple[Call, ...]:
    """The calls of a ``run:`` script (``cwd``: the step's ``working-directory``)."""
    return _Parser(scripts).script(_flatten_expressions(script), cwd, 0)


def action_calls(uses: str, inputs: dict[str, Any], scripts: Scripts) -> tuple[Call, ...]:
    action, _, ref = uses.partition("@")
    out: list[Call] = [ActionCall(action, ref or None, dict(inputs))]
    base = action.lower()
    if base == WRANGLER_ACTION:
        cwd = str(inputs.get("workingDirectory") or "") or None
        parser = _Parser(scripts)
        for key in ("preCommands",):
            out += parser.script(str(inputs.get(key) or ""), cwd, 0)
        extra = ("--env", str(inputs["environment"])) if inputs.get("environment") else ()
        for line in str(inputs.get("command") or "deploy").splitlines():
            words = _tokens(_flatten_expressions(line))
            if words and PurePosixPath(words[0]).name.split("@")[0] == "wrangler":
                words = words[1:]  # `command: wrangler deploy` works too
            if words:
                out.append(WranglerCall((*words, *extra), WRANGLER_ACTION, cwd))
        out += parser.script(str(inputs.get("postCommands") or ""), cwd, 0)
    elif base == PAGES_ACTION:
        args = ["pages", "deploy", str(inputs.get("directory") or ".")]
        if inputs.get("projectName"):
            args += ["--project-name", str(inputs["projectName"])]
        out.append(WranglerCall(tuple(args), PAGES_ACTION, str(inputs.get("workingDirectory") or "") or None))
    return tuple(out)


def _flatten_expressions(text: str) -> str:
    """``${{ inputs.env }}`` as one word, so a GitHub expression stays one argument."""
    return _EXPR.sub(lambda m: "${{" + "".join(m.group(1).split()) + "}}", text)


class _Parser:
    def __init__(self, scripts: Scripts) -> None:
        self.scripts = scripts

    def script(self, text: str, cwd: str | None, depth: int, extra: tuple[str, ...] = ()) -> tuple[Call, ...]:
        cmds = commands(text)
        out: list[Call] = []
        for i, cmd in enumerate(cmds):
            words = cmd.words + (extra if i == len(cmds) - 1 else ())
            out += self.command(words, _join(cwd, cmd.cwd), depth)
        return tuple(out)

    def command(self, words: tuple[str, ...], cwd: str | None, depth: int) -> list[Call]:
        """One simple command: wrangler, a runner in front of a program, a script, or anything else."""
        if not words:
            return []
        program = PurePosixPath(words[0]).name
        base = program.split("@")[0] if not program.startswith("@") else program
        if base == "wrangler":
            return [WranglerCall(words[1:], "run", cwd)]
        wrapped = _WRAPPERS.get((base, words[1] if len(words) > 1 else ""))
        if wrapped is not None:
            return [WranglerCall((*wrapped, *words[2:]), base, cwd)]
        from opsdocs.project._managers import MANAGERS  # they call back into this parser

        handler = MANAGERS.get(base)
        if handler is not None:
            return handler(self, words[1:], cwd, depth)
        return [CommandCall(words, cwd)]

    def run_script(self, manager: str, name: str, rest: tuple[str, ...], cwd: str | None, depth: int,
                   *, fallback_bin: bool) -> list[Call]:
        """``<manager> run <name> [-- args]``: the script's text parsed, with npm's pre/post scripts."""
        scripts = self.scripts(_norm(cwd))
        extra = rest[1:] if rest[:1] == ("--",) else rest
        if name not in scripts:
            if fallback_bin:  # `pnpm wrangler deploy`, `yarn wrangler deploy`: a binary of the package
                return self.command((name, *rest), cwd, depth)
            return [ScriptCall(manager, name, None)]
        if depth >= _MAX_DEPTH:
            return [ScriptCall(manager, name, scripts[name])]
        out: list[Call] = []
        for hook, args in ((f"pre{name}", ()), (name, extra), (f"post{name}", ())):
            if hook in scripts:
                inner = self.script(scripts[hook], cwd, depth + 1, tuple(args))
                out.append(ScriptCall(manager, hook, scripts[hook], inner))
        return out


def _join(base: str | None, sub: str | None) -> str | None:
    if sub is None:
        return base
    if base is None or sub.startswith("/"):
        return sub
    return f"{base}/{sub}"


def _norm(cwd: str | None) -> str:
    """A folder as written (``./apps/api/``, ``apps/web/../api``) in one spelling (``apps/api``)."""
    parts: list[str] = []
    for part in (cwd or "").replace("\\", "/").split("/"):
        if part in ("", "."):
            continue
        if part == ".." and parts and parts[-1] != "..":
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def normalise_dir(cwd: str | None) -> str:
    return _norm(cwd)


__all__ = ["ActionCall", "Call", "Command", "CommandCall", "ScriptCall", "WranglerCall", "action_calls",
           "normalise_dir", "run_calls", "walk"]
