"""The safety classifier: what each command of a runbook block touches, and which blocks may run.

Enforced in code, not by convention. ``classify`` splits a block into commands and, for wrangler, finds
the subcommand, positionals and flags and decides ``mutating`` and ``target`` (local or remote).
``check_safety`` refuses a block whose mode would run something it must not:

* in every mode but ``never``: a mutating remote command;
* ``rehearse`` runs offline in the sandbox: no remote command at all, even a read; other programs only
  from the allow-list (``_tools``), paths inside the sandbox, curl only to loopback;
* ``remote-read``: no mutating command (a local write such as ``d1 migrations apply --local`` included).

Anything not understood fails safe: an unknown wrangler subcommand is mutating and remote, an unknown
program is refused, ``$(...)``, backticks, subshells, heredocs and background jobs are refused.
``d1 execute`` is a write unless ``--command`` is a single SELECT/EXPLAIN or reading PRAGMA
(``--file`` is always a write: the file is not read here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from opsdocs.errors import PageError
from opsdocs.steps import _paths, _tools, _yargs
from opsdocs.steps._copy import levels_above
from opsdocs.steps import _wrangler_rules as rules
from opsdocs.steps._shell import ShellCommand, ShellSyntaxError, split_commands
from opsdocs.steps._wrangler_rules import has_remote_bindings
from opsdocs.project.model import Project
from opsdocs.steps.parse import Step

Target = Literal["local", "remote"]
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])?\+?=")
# Builtins that change the environment or how later words are read.
_ENV_BUILTINS = frozenset({"export", "declare", "typeset", "local", "readonly", "set", "unset", "alias",
                           "shopt", "enable", "hash", "source", ".", "eval", "exec", "builtin", "command",
                           "trap", "env", "ulimit", "umask", "pushd", "popd", "let", "read", "mapfile",
                           "readarray", "getopts"})
_PACKAGE_RUNNERS = {"npx": 1, "bunx": 1, "pnpm": 1, "yarn": 1}  # program -> words before the package
_WRANGLER_BINS = rules.WRANGLER_BINS


@dataclass(frozen=True)
class Command:
    text: str  # the command as written, continuations joined
    line: int  # 1-based line within the block
    argv: tuple[str, ...]  # words without leading env assignments, quotes removed, nothing expanded
    wrangler: bool
    path: tuple[str, ...]  # wrangler subcommand path, e.g. ("d1", "migrations", "apply"); () otherwise
    positionals: tuple[str, ...]  # wrangler positionals; for other programs, argv[1:]
    flags: tuple[tuple[str, str | None], ...]  # (name as written, value or None), "--env=x" split
    mutating: bool
    target: Target
    redirects: tuple[tuple[str, str], ...] = ()
    hidden: tuple[str, ...] = ()  # constructs that can hide a command: "$(", "`", "(", "<<", "&"
    args: tuple[str, ...] = ()  # wrangler's own arguments (after the executable), for re-parsing
    assigns: tuple[str, ...] = ()  # NAME=value prefixes (or an `export`/`declare` line): they change the program
    dynamic: tuple[tuple[str, str], ...] = ()  # (word, why): words bash expands before the program sees them

    @property
    def program(self) -> str:
        return "wrangler" if self.wrangler else (self.argv[0] if self.argv else "")

    def option(self, *names: str) -> str | None:
        """The value of the last of ``names`` given (``""`` for a flag given without a value)."""
        found: str | None = None
        for name, value in self.flags:
            if name in names:
                found = "" if value is None else value
        return found

    def has(self, *names: str) -> bool:
        return self.option(*names) is not None


def classify(command: str, *, remote_bindings: bool = False) -> list[Command]:
    """Every command of a block, in order. Raises ValueError (ShellSyntaxError) on an unclosed quote.

    ``remote_bindings``: the project has a binding with ``"remote": true``, so ``wrangler dev`` reaches the
    real account, and so may a d1 command that does not say ``--local``."""
    return [_classify_one(sc, remote_bindings) for sc in split_commands(command)]


def check_safety(step: Step, project: Project | None = None) -> None:
    """Raise PageError at the step's fence when its mode would run a command it must not."""
    if step.mode == "never":
        return
    if project is None:  # no project to size the copy by: `..` climbs as far as the caller set (none)
        _check(step, project)
        return
    with _paths.reaching_above(levels_above(project)):
        _check(step, project)


def _check(step: Step, project: Project | None) -> None:
    try:
        commands = classify(step.command, remote_bindings=project is not None and has_remote_bindings(project))
    except ShellSyntaxError as exc:
        raise _refuse(step, f"cannot read the command: {exc}", "close the quote; one command per line",
                      exc.line) from None
    for cmd in commands:
        reason = _refusal(step.mode, cmd)
        if reason is not None:
            message, hint = reason
            raise _refuse(step, f"{step.mode} block runs `{cmd.text}`: {message}", hint, cmd.line)


def _refusal(mode: str, cmd: Command) -> tuple[str, str] | None:
    if cmd.hidden:
        return (f"{cmd.hidden[0]!r} can hide a command from the safety check",
                "write each command on its own line, without $(...), backticks, subshells, heredocs or &")
    if cmd.dynamic:
        word, why = cmd.dynamic[0]
        return (f"{word!r} is {why}: what would run cannot be known before it runs",
                'write the value itself (the page\'s macros give every name), or mark the block data-mode="never"')
    if cmd.assigns:
        return (f"{cmd.assigns[0]!r} changes the environment a program runs with (NODE_OPTIONS, PATH, "
                "CURL_HOME... can make it run other code)", "leave the environment to opsdocs; pass flags instead")
    for op, target in cmd.redirects:
        # a descriptor copy (2>&1, >&-) has a digit or "-" as target: relative, so it passes
        if not _tools.sandbox_path(target) and target not in _tools.DEVICES:
            return (f"redirects to {target!r} outside the sandbox", "write to a relative path inside the checkout")
        if ">" in op and not _tools.writable_path(target) and target not in _tools.DEVICES:
            return (f"redirects to {target!r}, in node_modules: the install every later step runs",
                    "write your own files elsewhere in the checkout")
        if _tools.is_config_file(target):
            return (f"writes {target!r}, a file that changes how programs run", "do not write tool config files")
    if not cmd.argv:
        return None
    if not cmd.wrangler:
        return _tools.refusal(mode, cmd.argv)
    other = rules.other_wrangler(cmd.argv)
    if other is not None:
        return (f"{other!r} makes the runner fetch another wrangler than the project's own, which is the one "
                "a rehearsal runs: the page would prove one program and show another",
                "write `npx wrangler ...`; pin the version in package.json")
    dotted = next((name for name, _ in cmd.flags if "." in name), None)
    if dotted is not None:  # yargs dot-notation: --remote.x=1 makes `remote` an object, which is truthy
        return (f"{dotted} sets a nested value (yargs dot-notation), which can turn on a flag such as --remote",
                "write the flag itself")
    if cmd.path == ("d1", "export") and cmd.target == "remote":  # a read that takes the database offline
        return ("a remote export makes the database serve no queries while it runs",
                'export the local copy, or take a Time Travel bookmark (`d1 time-travel info`); or mark it data-mode="never"')
    if cmd.mutating and cmd.target == "remote":
        return ("it changes a remote Cloudflare resource",
                'mark the block data-mode="never" with data-why, and run it from the deploy workflow')
    if mode == "rehearse" and cmd.target == "remote" and not _offline_without_credentials(cmd):
        return ("it reaches Cloudflare; rehearse blocks run offline",
                "add --local, or make the block data-mode=\"remote-read\"")
    if mode == "remote-read" and cmd.mutating:
        return ("it changes data; remote-read blocks must only read",
                'move it to a data-mode="rehearse" block')
    for name, value in cmd.flags:  # rehearse and remote-read alike: wrangler reads and writes these paths
        if name in rules.PATH_FLAGS and value is not None and not _tools.sandbox_path(value):
            return (f"{name} {value!r} points outside the sandbox", "use a relative path inside the checkout")
        if name in rules.PATH_FLAGS and value is not None and not _tools.writable_path(value):
            return (f"{name} {value!r} points into node_modules, the install every step runs",
                    "use a relative path elsewhere in the checkout")
    if cmd.path in rules.POSITIONAL_PATHS:  # `wrangler types [PATH]`: the file it writes
        bad = next((p for p in cmd.positionals if not _tools.writable_path(p)), None)
        if bad is not None:
            return f"{' '.join(cmd.path)} writes {bad!r}, outside the sandbox", "use a relative path inside the checkout"
    return None


def _offline_without_credentials(cmd: Command) -> bool:
    """``whoami`` run with no credential (none passed in, none set on the line, no --env-file)."""
    if cmd.path not in rules.OFFLINE_WITHOUT_CREDENTIALS or cmd.has("--env-file"):
        return False
    head = cmd.text.split(cmd.argv[0], 1)[0] if cmd.argv else cmd.text
    return not any(var in head for var in rules.CREDENTIAL_VARS)


def _refuse(step: Step, message: str, hint: str, block_line: int) -> PageError:
    # The fence is at step.line; the command's own line is block_line lines below it.
    return PageError(message, path=step.page, line=step.line + block_line, col=1, hint=hint)


# --- one command -----------------------------------------------------------------------------------


def _classify_one(sc: ShellCommand, remote_bindings: bool = False) -> Command:
    words = list(sc.words)
    assigns: list[str] = []
    while words and _ASSIGNMENT.match(words[0]):
        assigns.append(words.pop(0))
    if words[:1] and words[0] in _ENV_BUILTINS:
        assigns.append(words[0])  # `export NAME=...`, `declare -x`, `set -a`...: the environment changes
    argv = tuple(words)
    rest = _wrangler_args(words)
    if rest is None:
        mutating, remote = _tools.effect(argv) if argv else (False, False)
        return Command(text=sc.text, line=sc.line, argv=argv, wrangler=False, path=(), positionals=argv[1:],
                       flags=(), mutating=mutating, target="remote" if remote else "local",
                       redirects=tuple(sc.redirects), hidden=tuple(sc.hidden), assigns=tuple(assigns),
                       dynamic=tuple(sc.dynamic))
    parsed = _yargs.parse(rest, rules.VALUE_FLAGS, _is_subcommand)
    path, positionals = parsed.path, parsed.positionals
    flags = tuple(("--no-" + f.name[2:] if f.negated else f.name, f.value) for f in parsed.flags)
    mutating, target = _effect(parsed, remote_bindings)
    return Command(text=sc.text, line=sc.line, argv=argv, wrangler=True, path=path, positionals=positionals,
                   flags=flags, mutating=mutating, target=target, redirects=tuple(sc.redirects),
                   hidden=tuple(sc.hidden), args=tuple(rest), assigns=tuple(assigns), dynamic=tuple(sc.dynamic))


def _wrangler_args(words: list[str]) -> list[str] | None:
    """The words after the wrangler executable, or None when this is not a wrangler invocation."""
    if not words:
        return None
    if words[0] in _WRANGLER_BINS:
        return words[1:]
    i = 1
    if words[0] in ("pnpm", "yarn") and words[1:2] in (["exec"], ["dlx"]):
        i = 2
    elif words[0] == "npm" and words[1:2] == ["exec"]:
        i = 2
    elif words[0] not in _PACKAGE_RUNNERS:
        return None
    while i < len(words) and words[i].startswith("-") and words[i] != "--":  # npx --yes, -y, --no-install
        i += 1
    if words[i:i + 1] == ["--"]:
        i += 1
    if i < len(words) and (words[i] == "wrangler" or words[i].startswith("wrangler@")):
        j = i + 1
        return words[j + 1:] if words[j:j + 1] == ["--"] else words[j:]
    return None


def parse_wrangler_args(
    args: list[str], value_flags: frozenset[str] = rules.VALUE_FLAGS,
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str | None], ...]]:
    """Split wrangler's arguments into (subcommand path, positionals, flags) as yargs would (``_yargs``)."""
    parsed = _yargs.parse(args, value_flags, _is_subcommand)
    flags = tuple(("--no-" + f.name[2:] if f.negated else f.name, f.value) for f in parsed.flags)
    return parsed.path, parsed.positionals, flags


def _is_subcommand(path: tuple[str, ...]) -> bool:
    if not path:
        return True  # the first word is always the command (an unknown one fails safe later)
    if path in rules.GROUPS:
        return True  # a group needs a subcommand: an unknown child is still taken as one
    return len(path) == 1 and path[0] in rules.OTHER_GROUPS


def _effect(parsed: _yargs.Parsed, remote_bindings: bool = False) -> tuple[bool, Target]:
    """(mutating, target) for one wrangler invocation, reading each safety flag as yargs does; a flag
    given twice (AMBIGUOUS) takes its dangerous reading."""
    path = parsed.path
    if _set(parsed.boolean("install-skills")):
        return True, "remote"  # installs skills before the command runs: a download and writes outside, even with --help
    if parsed.boolean("help") is True:
        return False, "local"  # yargs prints the command's help and runs nothing
    if not path:
        # bare `wrangler` prints its help, `wrangler -v` its version: only with nothing else on the line
        bare = not parsed.flags and not parsed.positionals
        version = parsed.boolean("version") is True and len(parsed.flags) == 1 and not parsed.positionals
        return (False, "local") if bare or version else (True, "remote")
    if path in rules.REMOTE_READS:
        return False, "remote"
    if path in rules.ALWAYS_LOCAL:
        return rules.ALWAYS_LOCAL[path], "local"
    if path in rules.LOCAL_BY_DEFAULT:
        mutating = rules.LOCAL_BY_DEFAULT[path]
        if path == ("d1", "execute"):
            sql = parsed.last("--command")
            mutating = parsed.last("--file") is not None or sql is None or not rules.sql_is_read_only(sql)
        # A `"remote": true` binding is for `wrangler dev`: wrangler 4.164's d1 commands read only their own
        # flags (executeSql: `remote || preview ? executeRemotely : executeLocally`). An explicit --local, or
        # --persist-to (local state only; without --local wrangler refuses it), is local in every wrangler;
        # with neither, such a project is still read as remote (fail safe).
        local_flag, persist = parsed.boolean("local"), parsed.last("--persist-to") is not None
        explicit_local = parsed.boolean("remote") is None and (local_flag is True or (persist and local_flag is None))
        local = _is_local(parsed) and (explicit_local or not (remote_bindings and path[0] == "d1"))
        return mutating, "local" if local else "remote"
    if path in rules.DRY_RUNNABLE:
        if parsed.boolean("dry-run") is True:
            return False, rules.DRY_RUNNABLE[path]
        return True, "remote"
    if path == ("dev",):
        # --remote, or --tunnel (the local server exposed on a public Cloudflare URL), or a remote binding
        # --tunnel-name/--tunnel-allowed-mail only mean something with a tunnel: read as asking for one
        tunnel = _set(parsed.boolean("tunnel")) or any(f.name.startswith("--tunnel-") for f in parsed.flags)
        public = _set(parsed.boolean("remote")) or tunnel
        bindings_off = parsed.boolean("local") is True  # wrangler 4: "run locally with remote bindings disabled"
        return (True, "remote") if public or (remote_bindings and not bindings_off) else (False, "local")
    if len(path) == 2 and path[0] in rules.OTHER_GROUPS and path[0] != "auth" and path[1] in rules.READ_VERBS:
        return False, "remote"
    return True, "remote"  # deploy, rollback, secret put, time-travel restore, unknown: fail safe


def _set(value: _yargs.BoolState) -> bool:
    """A boolean that is on, or may be (given twice: AMBIGUOUS)."""
    return value is not None and value is not False


def _is_local(parsed: _yargs.Parsed) -> bool:
    """wrangler's isLocal (``local === true || remote === false``; neither means local). ``--local`` with
    ``--remote`` (an error in wrangler) and any flag given twice count as remote."""
    local, remote = parsed.boolean("local"), parsed.boolean("remote")
    if _yargs.AMBIGUOUS in (local, remote):
        return False
    if remote is True:
        return False
    if remote is False:
        return True
    return local is not False
