"""The allow-list of programs other than wrangler that executed runbook blocks may call.

Everything here only reads, or writes inside the sandbox (relative paths, no ``..``, no ``$VAR``).
``curl`` goes to loopback in ``rehearse``, and anywhere but only to read (GET/HEAD, no body) in
``remote-read``. A program that is not listed is refused: ``git push``, ``bash -c``, ``sudo``...
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from opsdocs.steps._curl import curl_effect, curl_refusal
# Path rules live in _paths (shared with _curl and the classifier); re-exported for callers of _tools.
from opsdocs.steps._paths import DEVICES, Refusal, is_config_file, is_loopback, sandbox_path, writable_path

__all__ = ["ALLOWED", "DEVICES", "Refusal", "effect", "is_config_file", "is_loopback", "refusal", "sandbox_path",
           "writable_path"]



@dataclass(frozen=True)
class _Spec:
    """What a program may be given: flags without a value, flags with one, how many leading operands are
    not paths (grep's pattern, jq's filter), and whether operands are paths it writes."""

    flags: frozenset[str] = frozenset()
    valued: frozenset[str] = frozenset()
    non_paths: int = 0  # leading operands that are not files (a pattern, a filter)
    writes: bool = False
    any_operand: bool = False  # operands are text, not files (echo, printf, test)
    max_paths: int | None = None  # uniq IN [OUT]: a second operand is a file it writes


def _f(*names: str) -> frozenset[str]:
    return frozenset(names)


# Every option not listed is refused: an option that writes a file (sort -o), runs a program
# (sort --compress-program), reads one elsewhere (jq --rawfile) or changes the clock (date -s) stays out
# by default, whatever its spelling.
_SPECS: dict[str, _Spec] = {
    "echo": _Spec(_f("-n", "-e", "-E"), any_operand=True),
    "printf": _Spec(non_paths=1 << 30),  # no -v: it would assign a shell variable
    "test": _Spec(any_operand=True), "[": _Spec(any_operand=True),
    "true": _Spec(any_operand=True), "false": _Spec(any_operand=True),
    "pwd": _Spec(_f("-L", "-P")), "sleep": _Spec(any_operand=True),
    "date": _Spec(_f("-u", "--utc", "-R", "--rfc-email", "-I", "--iso-8601"), _f("-d", "--date"),
                  non_paths=1 << 30),  # no -s/--set
    "basename": _Spec(_f("-a", "-z"), _f("-s", "--suffix"), any_operand=True),
    "dirname": _Spec(_f("-z"), any_operand=True),
    "cat": _Spec(_f("-n", "-b", "-s", "-A", "-E", "-T", "-v", "-e", "-t")),
    "ls": _Spec(_f("-l", "-a", "-A", "-h", "-R", "-1", "-t", "-r", "-S", "-d", "-F", "-i", "--color=never")),
    "grep": _Spec(_f("-E", "-F", "-G", "-P", "-i", "-v", "-c", "-n", "-q", "-o", "-w", "-x", "-l", "-L", "-h",
                     "-H", "-s", "-r", "-R", "-z", "--quiet", "--count", "--color=never"),
                  _f("-e", "-m", "-A", "-B", "-C", "--max-count", "--include", "--exclude"), non_paths=1),
    "head": _Spec(_f("-q", "-v"), _f("-n", "-c", "--lines", "--bytes")),
    "tail": _Spec(_f("-q", "-v"), _f("-n", "-c", "--lines", "--bytes")),
    "wc": _Spec(_f("-l", "-w", "-c", "-m", "-L")),
    "sort": _Spec(_f("-n", "-r", "-u", "-h", "-V", "-f", "-b", "-s", "-z", "-g", "-M", "-R", "-c", "-C"),
                  _f("-k", "-t", "--key", "--field-separator")),
    "uniq": _Spec(_f("-c", "-d", "-u", "-i", "-z"), _f("-f", "-s", "-w"), max_paths=1),
    "cut": _Spec(_f("-s", "-z", "--complement"), _f("-d", "-f", "-c", "-b", "--delimiter", "--fields")),
    "tr": _Spec(_f("-d", "-s", "-c", "-C"), any_operand=True),
    "jq": _Spec(_f("-r", "-c", "-e", "-n", "-s", "-S", "-j", "-a", "-M", "-C", "--raw-output", "--compact-output",
                   "--exit-status", "--null-input", "--slurp", "--sort-keys", "--tab", "--join-output"),
                _f("--arg", "--argjson", "--indent"), non_paths=1),
    "diff": _Spec(_f("-u", "-q", "-r", "-N", "-b", "-w", "-B", "-i", "--brief", "--unified")),
    "cp": _Spec(_f("-r", "-R", "-a", "-p", "-f", "-n", "-v", "-i"), _f("-t", "--target-directory"), writes=True),
    "mv": _Spec(_f("-f", "-n", "-v", "-i"), _f("-t", "--target-directory"), writes=True),
    "rm": _Spec(_f("-r", "-R", "-f", "-v", "-d", "-i"), writes=True),
    "mkdir": _Spec(_f("-p", "-v"), writes=True),
    "touch": _Spec(_f("-c", "-a", "-m"), writes=True),
    "tee": _Spec(_f("-a", "--append"), writes=True),
    "cd": _Spec(writes=True),
}
ALLOWED = tuple(sorted(set(_SPECS) | {"sed", "sqlite3", "curl", "opsdocs"}))


_SED_SCRIPT = re.compile(
    r"^(s(?P<d>[^\\\s\w])(?:\\.|(?!(?P=d)).)*(?P=d)(?:\\.|(?!(?P=d)).)*(?P=d)[gIi0-9p]*"
    r"|(?:\d+|\$|/[^/]*/)(?:,(?:\d+|\$|/[^/]*/))?[pd])$"
)
_SQLITE_FLAGS = frozenset({"-json", "-csv", "-header", "-noheader", "-line", "-column", "-box", "-table",
                           "-markdown", "-readonly", "-bail", "-batch", "-list"})
_SQLITE_DOT = frozenset({".tables", ".schema", ".headers", ".mode", ".dump", ".indexes", ".indices"})

def refusal(mode: str, argv: tuple[str, ...]) -> Refusal | None:
    """Why ``argv`` may not run in a ``mode`` block, or None when it may."""
    program, args = argv[0], argv[1:]
    spec = _SPECS.get(program)
    if spec is not None:
        return _checked(program, spec, args)
    if program == "sed":
        return _sed(args)
    if program == "sqlite3":
        return _sqlite(args)
    if program == "curl":
        return curl_refusal(mode, args)
    if program == "opsdocs":
        return _opsdocs(mode, args)
    return (f"{program!r} is not allowed in a {mode} block",
            f"allowed: npx wrangler, {', '.join(ALLOWED)}; or mark the block data-mode=\"never\" with data-why")


def _options(spec: _Spec, args: tuple[str, ...]) -> tuple[list[str], str | None]:
    """(operands, the first option the spec does not allow) of a command line, reading ``-abc`` clusters,
    ``-n5``/``-n 5`` and ``--opt=value`` as GNU getopt does; ``--`` ends the options."""
    operands: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            operands.extend(args[i + 1:])
            break
        if spec.any_operand or not a.startswith("-") or a == "-":
            operands.append(a)
        elif a.startswith("--"):
            name, eq, value = a.partition("=")
            if a in spec.flags:
                pass
            elif name in spec.valued:
                if spec.writes:  # cp --target-directory=DIR: the value is a path it writes
                    operands.append(value if eq else (args[i + 1] if i + 1 < len(args) else ""))
                i += 0 if eq else 1
            else:
                return operands, a
        else:
            for k, letter in enumerate(a[1:], start=1):
                opt = f"-{letter}"
                if opt in spec.valued:
                    if spec.writes:
                        operands.append(a[k + 1:] or (args[i + 1] if i + 1 < len(args) else ""))
                    i += 0 if a[k + 1:] else 1
                    break
                if opt not in spec.flags and not (opt == "-" and k > 1):
                    return operands, a
        i += 1
    return operands, None


def _checked(program: str, spec: _Spec, args: tuple[str, ...]) -> Refusal | None:
    operands, bad = _options(spec, args)
    if bad is not None:
        return (f"{program} option {bad} is not allowed (an option may write a file or run a program)",
                f"use {program} with plain reading options only")
    if spec.any_operand:
        return None
    paths = operands[spec.non_paths:]
    if spec.max_paths is not None and len(paths) > spec.max_paths:
        return (f"{program} {paths[-1]!r}: a second file operand is a file {program} writes",
                f"pipe into {program} and redirect its output instead")
    strict = program == "cd"  # the classifier does not follow the working folder
    bad_path = next((p for p in paths if not sandbox_path(p, strict=strict) and p not in DEVICES and p != "-"), None)
    if bad_path is not None or (program == "cd" and not paths):
        verb = "leaves" if spec.writes else "reads outside"
        return (f"{program} {bad_path or '(home)'!r} {verb} the sandbox", "use relative paths inside the checkout")
    if spec.writes:
        planted = next((p for p in paths if not writable_path(p) and p not in DEVICES and p != "-"), None)
        if planted is not None:
            return (f"{program} {planted!r} writes into node_modules, the install every step runs",
                    "write your own files elsewhere in the checkout")
        config = next((p for p in paths if is_config_file(p)), None)
        if config is not None:
            return (f"{program} writes {config!r}, a file that changes how programs run", "do not write it")
    return None


def _sed(args: tuple[str, ...]) -> Refusal | None:
    scripts: list[str] = []
    files: list[str] = []
    it = iter(args)
    for a in it:
        if a in ("-e", "--expression"):
            scripts.append(next(it, ""))
        elif a.startswith("-"):
            # -i only bare: a suffix names a backup file, and one with "/" puts it anywhere (-i'/tmp/*')
            if a not in ("-n", "-E", "-r", "--quiet", "--in-place", "-i", "-ni", "-in", "-Ei", "-En"):
                return (f"sed option {a} is not allowed", "use sed -n/-E/-i with s/// or p/d scripts")
        elif not scripts and not files:
            scripts.append(a)
        else:
            files.append(a)
    bad_script = next((s for s in scripts if not _SED_SCRIPT.match(s)), None)
    if bad_script is not None or not scripts:
        return (f"sed script {bad_script!r} may write files or run commands",
                "only s/old/new/flags and line-printing (Np, /re/p, Nd) scripts are allowed")
    bad = next((f for f in files if not sandbox_path(f)), None)
    if bad is not None:
        return f"sed file {bad!r} is outside the sandbox", "use relative paths inside the checkout"
    bad = next((f for f in files if not writable_path(f)), None)
    if bad is not None:
        return f"sed file {bad!r} is in node_modules, the install every step runs", "edit your own files"
    return None


_SQLITE_DANGER = re.compile(
    r"\b(writefile|readfile|edit|fsdir|load_extension|attach|vacuum|zipfile|sqlar_\w+|lines_read|shell)\b"
    r"|(^|\n)\s*\.", re.IGNORECASE)


def _sqlite(args: tuple[str, ...]) -> Refusal | None:
    positional = [a for a in args if not a.startswith("-")]
    bad_flag = next((a for a in args if a.startswith("-") and a not in _SQLITE_FLAGS), None)
    if bad_flag is not None:
        return f"sqlite3 option {bad_flag} is not allowed", f"allowed: {', '.join(sorted(_SQLITE_FLAGS))}"
    # file:... is a URI to sqlite3 (file:/tmp/x.db?mode=rwc, ?vfs=): a path and options of its own choosing
    if not positional or not writable_path(positional[0]) or positional[0].lower().startswith("file:"):
        return ("sqlite3 needs a database file inside the sandbox",
                "name a relative path, e.g. .wrangler/state/v3/d1/...sqlite")
    for sql in positional[1:]:
        stripped = sql.strip()
        if stripped.startswith("."):
            if "\n" in stripped or stripped.split()[0] not in _SQLITE_DOT or len(stripped.split()) > 2:
                return (f"sqlite3 dot-command {stripped.split()[0]} is not allowed",
                        f"allowed: {', '.join(sorted(_SQLITE_DOT))}")
            continue
        if re.search(r"\battach\b", sql.lower()):
            return "sqlite3 ATTACH opens another database", "query the sandbox database only"
        danger = _SQLITE_DANGER.search(sql)
        if danger is not None:
            # writefile/edit/VACUUM INTO/ATTACH/load_extension write files, run programs or open others
            return (f"sqlite3 {danger.group(0).strip()!r} can write files, run programs or open other databases",
                    "query the sandbox database with plain SELECT/INSERT/UPDATE")
    return None


_HEALTH_OPTIONS = frozenset({"--base-url", "--root", "--checks", "--json"})


def _opsdocs(mode: str, args: tuple[str, ...]) -> Refusal | None:
    if args[:1] != ("health",):
        return ("only `opsdocs health` may run in a block", "run other opsdocs commands outside the runbook")
    for k, a in enumerate(args[1:], start=1):
        name, eq, value = a.partition("=")
        if not a.startswith("-"):
            continue
        # exact names only: argparse takes `--base` for --base-url and the last one given wins
        if name not in _HEALTH_OPTIONS or args.count(name) + sum(x.startswith(name + "=") for x in args) > 1:
            return (f"opsdocs health option {a!r} is not allowed (abbreviated, repeated or unknown)",
                    "give --base-url, --root, --checks and --json once each, spelled out")
        if name in ("--root", "--checks"):
            path = value if eq else (args[k + 1] if k + 1 < len(args) else "")
            if not sandbox_path(path):
                return f"opsdocs health {name} {path!r} points outside the sandbox", "use a relative path"
    base = _opsdocs_base(args)
    if mode == "rehearse" and (base is None or not is_loopback(base)):
        return ("opsdocs health must check the local dev server in a rehearse block",
                "pass --base-url http://127.0.0.1:8787")
    return None


def _opsdocs_base(args: tuple[str, ...]) -> str | None:
    base = None
    for k, a in enumerate(args):
        if a == "--base-url":
            base = args[k + 1] if k + 1 < len(args) else ""
        elif a.startswith("--base-url="):
            base = a.partition("=")[2]
    return base


def effect(argv: tuple[str, ...]) -> tuple[bool, bool]:
    """(mutating, remote) of a non-wrangler command; sandbox file writes do not count as mutating.
    A program outside the allow-list is both (fail safe)."""
    program, args = argv[0], argv[1:]
    if program == "curl":
        return curl_effect(args)
    if program == "opsdocs":
        base = _opsdocs_base(args)
        return False, base is None or not is_loopback(base)
    known = program in _SPECS or program in ("sed", "sqlite3")
    return not known, not known
