"""Commands that cannot run are still checked: every wrangler command of every block, ``never`` included.

Against the pinned wrangler's ``--help``: the subcommand exists, each flag exists (``--no-x`` for a boolean
``--x`` too), required positionals are given. Against ``wrangler.jsonc``: ``--env X`` names an environment,
and the ``<database>`` of a ``d1`` command is a binding or database_name OF THAT ENVIRONMENT (wrangler
does not inherit bindings into environments). A command with ``--config`` reads another file and skips
the wrangler.jsonc checks.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Iterable

from opsdocs.project.model import Environment, Project
from opsdocs.report.finding import Finding, Location
from opsdocs.steps._help_text import CommandSpec, FlagSpec, PositionalSpec
from opsdocs.steps._shell import ShellSyntaxError
from opsdocs.steps._wrangler_help import WranglerHelp
from opsdocs.steps.classify import Command, classify
from opsdocs.steps.parse import Step

__all__ = ["CommandSpec", "FlagSpec", "PositionalSpec", "WranglerHelp", "check_step_static", "wrangler_paths"]

_HELP_FLAGS = ("--help", "-h", "--version", "-v")
_NOT_A_DATABASE = {("d1", "create")}  # its <name> is the database about to exist


def check_step_static(step: Step, project: Project, help: WranglerHelp) -> list[Finding]:  # noqa: A002
    """One finding for the step: failed (naming each bad subcommand, flag, env or database) or passed."""
    began = time.monotonic()
    fid = f"static:{step.page}:{step.line}"
    where = f"{step.page}:{step.line}"  # the identity's subject: the step
    try:
        commands = classify(step.command)
    except ShellSyntaxError as exc:
        return [Finding(fid, "runbook", "failed", Location(step.page, step.line + exc.line),
                        f"cannot read the command: {exc}", time.monotonic() - began, check="static", subject=where)]
    problems: list[tuple[int, str]] = []
    checked = 0
    for cmd in commands:
        if cmd.wrangler:
            checked += 1
            problems += [(cmd.line, f"`{cmd.text}`: {p}") for p in _check_command(cmd, project, help)]
    duration = time.monotonic() - began
    if problems:
        return [Finding(fid, "runbook", "failed", Location(step.page, step.line + problems[0][0]),
                        "; ".join(p for _, p in problems), duration, check="static", subject=where)]
    what = f"{checked} wrangler command(s) match wrangler {help.version} and {project.wrangler.relpath}"
    return [Finding(fid, "runbook", "passed", Location(step.page, step.line),
                    what if checked else "no wrangler command", duration, check="static", subject=where)]


def wrangler_paths(steps: Iterable[Step]) -> set[tuple[str, ...]]:
    """Every wrangler command path the steps use (for ``WranglerHelp.prefetch``); unreadable blocks skipped."""
    out: set[tuple[str, ...]] = set()
    for step in steps:
        try:
            out.update(c.path for c in classify(step.command) if c.wrangler)
        except ShellSyntaxError:
            continue
    return out


def _check_command(cmd: Command, project: Project, help: WranglerHelp) -> list[str]:  # noqa: A002
    spec = help.command(())
    assert spec is not None  # wrangler itself always has a --help page
    path: list[str] = []
    flags: list[tuple[str, str | None]] = []
    positionals: list[str] = []
    args = cmd.args
    i = 0
    while i < len(args) and args[i] != "--":  # `--` ends the flags: the rest are positionals
        word = args[i]
        if word.startswith("-") and len(word) > 1:
            name, eq, value = word.partition("=")
            flag = spec.flag(name)
            takes = flag is not None and flag.takes_value
            if takes and not eq:
                value = args[i + 1] if i + 1 < len(args) else ""
                i += 1
            flags.append((name, value if (eq or takes) else None))
        elif spec.subcommands and not positionals:
            if word not in spec.subcommands:
                return [f"wrangler {help.version} has no command `{' '.join(['wrangler', *path, word])}`"
                        f"{_did_you_mean(word, spec.subcommands)}"]
            path.append(word)
            spec = help.command(tuple(path))
            assert spec is not None  # listed by its parent
        else:
            positionals.append(word)
        i += 1
    positionals.extend(args[i + 1:])
    shown = " ".join(["wrangler", *path])
    asks_help = any(name in _HELP_FLAGS for name, _ in flags)
    problems = []
    if spec.subcommands and not asks_help:
        problems.append(f"`{shown}` needs a subcommand: one of {', '.join(spec.subcommands)}")
    for name, given in flags:
        flag = spec.flag(name)
        if flag is None:
            problems.append(f"unknown flag {name} for `{shown}`"
                            f"{_did_you_mean(name, spec.flag_names) or _see_help(path)}")
        elif flag.takes_value and not given:
            problems.append(f"{name} needs a value")
    if asks_help or spec.subcommands:
        return problems
    for k, pos in enumerate(spec.positionals):
        if pos.required and k >= len(positionals):
            problems.append(f"`{shown}` needs <{pos.name}>")
    if path[:1] == ["d1"]:
        problems += _d1_flag_rules(flags)
    if any(name in ("--config", "-c") for name, _ in flags):
        return problems  # another config file: wrangler.jsonc does not describe it
    env_name = next((v for n, v in reversed(flags) if n in ("--env", "-e")), None)
    env = project.wrangler.environment(env_name)
    if env is None:
        names = list(project.wrangler.envs)
        hint = _did_you_mean(env_name or "", names) or (
            f"; environments: {', '.join(names)}" if names else "; wrangler.jsonc defines no env")
        problems.append(f"--env {env_name}: no such environment in {project.wrangler.relpath}{hint}")
        return problems
    first = spec.positionals[0].name if spec.positionals else ""
    if path[:1] == ["d1"] and tuple(path) not in _NOT_A_DATABASE and first in ("database", "name") and positionals:
        problems += _database_problems(positionals[0], env, project)
    return problems


def _d1_flag_rules(flags: list[tuple[str, str | None]]) -> list[str]:
    """FACTS: --local with --remote is an error; --preview needs --remote; --persist-to needs local."""
    names = {name for name, value in flags if (value or "true").lower() not in ("false", "0")}
    out = []
    if {"--local", "--remote"} <= names:
        out.append("--local and --remote together: wrangler refuses; pick one")
    if "--preview" in names and "--remote" not in names:
        out.append("--preview needs --remote")
    if "--persist-to" in names and "--remote" in names:
        out.append("--persist-to only applies to the local database; drop it or --remote")
    return out


def _database_problems(db: str, env: Environment, project: Project) -> list[str]:
    if env.database(db) is not None:
        return []
    here = _label(env)
    elsewhere = [e for e in project.wrangler.environments if e.database(db) is not None]
    if elsewhere:
        other = elsewhere[0]
        fix = "drop --env" if other.is_top_level else f"add --env {other.name}"
        return [f"D1 database {db!r} is not bound in {here} (it is in {_label(other)}); {fix}, or add the "
                f"binding to {here}: wrangler does not inherit d1_databases into environments"]
    known = [n for d in env.d1_databases for n in (d.binding, d.database_name) if n]
    hint = _did_you_mean(db, known) or (f"; {here} has: {', '.join(known)}" if known else
                                        f"; {here} has no d1_databases")
    return [f"no D1 database {db!r} in {here} of {project.wrangler.relpath}{hint}"]


def _label(env: Environment) -> str:
    return "the top-level environment" if env.is_top_level else f"env {env.name!r}"


def _see_help(path: list[str]) -> str:
    """The hint when no known name is close: where the real ones are listed."""
    return f"; see `npx {' '.join(['wrangler', *path, '--help'])}`"


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else ""
