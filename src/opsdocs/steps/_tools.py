"""The allow-list of programs other than wrangler that executed runbook blocks may call.

Everything here only reads, or writes inside the sandbox (relative paths, no ``..``, no ``$VAR``).
``curl`` goes to loopback in ``rehearse``, and anywhere but only to read (GET/HEAD, no body) in
``remote-read``. A program that is not listed is refused: ``git push``, ``bash -c``, ``sudo``...
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

DEVICES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})
# Programs that only read or print, with any arguments.
_READERS = frozenset({"echo", "printf", "cat", "ls", "grep", "test", "[", "head", "tail", "wc", "sort", "uniq",
                      "cut", "tr", "jq", "diff", "true", "false", "pwd", "sleep", "date", "basename", "dirname"})
# Programs whose every non-flag argument is a path they may write: all must be inside the sandbox.
_WRITERS = frozenset({"cp", "mv", "rm", "mkdir", "touch", "tee", "cd"})
ALLOWED = tuple(sorted(_READERS | _WRITERS | {"sed", "sqlite3", "curl", "opsdocs"}))

_CURL_VALUE = frozenset({
    "-X", "--request", "-H", "--header", "-o", "--output", "-d", "--data", "--data-raw", "--data-binary",
    "--data-urlencode", "--data-ascii", "--json", "-F", "--form", "--form-string", "-T", "--upload-file", "-u",
    "--user", "-m", "--max-time", "--connect-timeout", "-w", "--write-out", "--retry", "--retry-delay",
    "--retry-max-time", "-A", "--user-agent", "-e", "--referer", "-b", "--cookie", "-c", "--cookie-jar", "-K",
    "--config", "--url", "-x", "--proxy", "--preproxy", "--resolve", "--connect-to", "-r", "--range", "-D",
    "--dump-header", "--max-redirs", "--unix-socket", "--abstract-unix-socket", "-E", "--cert", "--key",
    "--cacert", "-z", "--time-cond", "-C", "--continue-at",
})
_CURL_SEND = ("-d", "--data", "-F", "--form", "-T", "--upload", "--json")  # name prefixes that send a body
_CURL_REROUTE = frozenset({"-K", "--config", "-x", "--proxy", "--preproxy", "--resolve", "--connect-to",
                           "--unix-socket", "--abstract-unix-socket"})
_CURL_FILES = frozenset({"-o", "--output", "-D", "--dump-header", "-c", "--cookie-jar"})
_SED_SCRIPT = re.compile(
    r"^(s(?P<d>[^\\\s\w])(?:\\.|(?!(?P=d)).)*(?P=d)(?:\\.|(?!(?P=d)).)*(?P=d)[gIi0-9p]*"
    r"|(?:\d+|\$|/[^/]*/)(?:,(?:\d+|\$|/[^/]*/))?[pd])$"
)
_SQLITE_FLAGS = frozenset({"-json", "-csv", "-header", "-noheader", "-line", "-column", "-box", "-table",
                           "-markdown", "-readonly", "-bail", "-batch", "-list"})
_SQLITE_DOT = frozenset({".tables", ".schema", ".headers", ".mode", ".dump", ".indexes", ".indices"})

Refusal = tuple[str, str]


def sandbox_path(path: str) -> bool:
    """Relative, without ``..``, ``~`` or variables: it cannot leave the sandbox copy."""
    return bool(path) and not path.startswith(("/", "~")) and "$" not in path and ".." not in path.split("/")


def is_loopback(url: str) -> bool:
    host = urlsplit(url if "://" in url else f"http://{url}").hostname
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refusal(mode: str, argv: tuple[str, ...]) -> Refusal | None:
    """Why ``argv`` may not run in a ``mode`` block, or None when it may."""
    program, args = argv[0], argv[1:]
    if program in _READERS:
        return None
    if program in _WRITERS:
        # A flag's own value counts too: cp --target-directory=/tmp would write outside.
        paths = [a.partition("=")[2] if a.startswith("-") else a for a in args if not a.startswith("-") or "=" in a]
        bad = next((p for p in paths if not sandbox_path(p) and p not in DEVICES), None)
        if bad is not None or (program == "cd" and not args):
            return (f"{program} {bad or '(home)'!r} leaves the sandbox", "use relative paths inside the checkout")
        return None
    if program == "sed":
        return _sed(args)
    if program == "sqlite3":
        return _sqlite(args)
    if program == "curl":
        return _curl(mode, args)
    if program == "opsdocs":
        return _opsdocs(mode, args)
    return (f"{program!r} is not allowed in a {mode} block",
            f"allowed: npx wrangler, {', '.join(ALLOWED)}; or mark the block data-mode=\"never\" with data-why")


def _sed(args: tuple[str, ...]) -> Refusal | None:
    scripts: list[str] = []
    files: list[str] = []
    it = iter(args)
    for a in it:
        if a in ("-e", "--expression"):
            scripts.append(next(it, ""))
        elif a.startswith("-"):
            if a not in ("-n", "-E", "-r", "--quiet", "--in-place") and not a.startswith("-i"):
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
    return None


def _sqlite(args: tuple[str, ...]) -> Refusal | None:
    positional = [a for a in args if not a.startswith("-")]
    bad_flag = next((a for a in args if a.startswith("-") and a not in _SQLITE_FLAGS), None)
    if bad_flag is not None:
        return f"sqlite3 option {bad_flag} is not allowed", f"allowed: {', '.join(sorted(_SQLITE_FLAGS))}"
    if not positional or not sandbox_path(positional[0]):
        return ("sqlite3 needs a database file inside the sandbox",
                "name a relative path, e.g. .wrangler/state/v3/d1/...sqlite")
    for sql in positional[1:]:
        stripped = sql.strip()
        if stripped.startswith(".") and stripped.split()[0] not in _SQLITE_DOT:
            return (f"sqlite3 dot-command {stripped.split()[0]} is not allowed",
                    f"allowed: {', '.join(sorted(_SQLITE_DOT))}")
        if re.search(r"\battach\b", sql.lower()):
            return "sqlite3 ATTACH opens another database", "query the sandbox database only"
    return None


def _curl_args(args: tuple[str, ...]) -> tuple[list[str], list[tuple[str, str]]]:
    """(URLs, options as (name, value)) of a curl command line; a flag without a value has ""."""
    urls: list[str] = []
    opts: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("--"):
            name, eq, value = a.partition("=")
            if name in _CURL_VALUE and not eq:
                i += 1
                value = args[i] if i < len(args) else ""
            opts.append((name, value))
        elif a.startswith("-") and len(a) > 1:
            for k, letter in enumerate(a[1:], start=1):  # -fsSL, -sSo out, -XPOST
                name = f"-{letter}"
                if name in _CURL_VALUE:
                    value = a[k + 1:]
                    if not value:
                        i += 1
                        value = args[i] if i < len(args) else ""
                    opts.append((name, value))
                    break
                opts.append((name, ""))
        else:
            urls.append(a)
        i += 1
    urls += [v for n, v in opts if n == "--url" and v]
    return urls, opts


def _curl_writes(opts: list[tuple[str, str]]) -> str | None:
    """The option that makes a curl request change data (a body, or a method other than GET/HEAD)."""
    method = next((v.upper() for n, v in reversed(opts) if n in ("-X", "--request") and v), "GET")
    sends = next((n for n, _ in opts if n.startswith(_CURL_SEND)), None)
    if sends is not None:
        return sends
    return None if method in ("GET", "HEAD") else method


def effect(argv: tuple[str, ...]) -> tuple[bool, bool]:
    """(mutating, remote) of a non-wrangler command; sandbox file writes do not count as mutating.
    A program outside the allow-list is both (fail safe)."""
    program, args = argv[0], argv[1:]
    if program == "curl":
        urls, opts = _curl_args(args)
        remote = any(not is_loopback(u) for u in urls)
        return remote and _curl_writes(opts) is not None, remote
    if program == "opsdocs":
        base = _opsdocs_base(args)
        return False, base is None or not is_loopback(base)
    known = program in _READERS or program in _WRITERS or program in ("sed", "sqlite3")
    return not known, not known


def _curl(mode: str, args: tuple[str, ...]) -> Refusal | None:
    urls, opts = _curl_args(args)
    for name, value in opts:
        if name in _CURL_REROUTE:
            return f"curl {name} can send the request elsewhere", "call the URL directly"
        if name in _CURL_FILES and not sandbox_path(value):
            return f"curl {name} {value!r} writes outside the sandbox", "use a relative path inside the checkout"
    bad_url = next((u for u in urls if not is_loopback(u)), None) if mode == "rehearse" else None
    if bad_url is not None:
        return (f"curl to {bad_url!r} leaves the machine; rehearse blocks run offline",
                "call the local dev server (http://127.0.0.1:8787), or use a remote-read block")
    if mode == "remote-read":
        bad_scheme = next((u for u in urls if "://" in u and not u.lower().startswith(("http://", "https://"))),
                          None)
        if bad_scheme is not None:
            return f"curl to {bad_scheme!r}: only http(s) URLs", "call an http(s) URL"
        writes = _curl_writes(opts)
        if writes is not None:
            return (f"curl {writes} changes data; remote-read blocks must only read",
                    "use GET/HEAD without a body, or move it to a never block")
    return None


def _opsdocs(mode: str, args: tuple[str, ...]) -> Refusal | None:
    if args[:1] != ("health",):
        return ("only `opsdocs health` may run in a block", "run other opsdocs commands outside the runbook")
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
