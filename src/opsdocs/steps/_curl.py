"""curl in a runbook block: every request of the command line read, no config file, no rerouting.

``rehearse``: loopback only. ``remote-read``: anywhere, but only reads (GET/HEAD without a body, in every
request ``--next`` starts). Options not listed are refused: they read a config file, write a file
elsewhere or send the request somewhere else.
"""

from __future__ import annotations

from opsdocs.steps._paths import Refusal, is_config_file, is_loopback, writable_path

__all__ = ["curl_effect", "curl_refusal"]

_CURL_VALUE = frozenset({
    "-X", "--request", "-H", "--header", "-o", "--output", "-d", "--data", "--data-raw", "--data-binary",
    "--data-urlencode", "--data-ascii", "--json", "-F", "--form", "--form-string", "-T", "--upload-file", "-u",
    "--user", "-m", "--max-time", "--connect-timeout", "-w", "--write-out", "--retry", "--retry-delay",
    "--retry-max-time", "-A", "--user-agent", "-e", "--referer", "-b", "--cookie", "-c", "--cookie-jar", "-K",
    "--config", "--url", "-x", "--proxy", "--preproxy", "--resolve", "--connect-to", "-r", "--range", "-D",
    "--dump-header", "--max-redirs", "--unix-socket", "--abstract-unix-socket", "-E", "--cert", "--key",
    "--cacert", "-z", "--time-cond", "-C", "--continue-at", "--trace", "--trace-ascii", "--stderr", "--hsts",
    "--libcurl", "--output-dir", "--alt-svc", "--etag-save", "--etag-compare", "--request-target", "--cookie",
})
# Options a runbook's curl may use (every other one is refused: -K/--config, --trace, --stderr, --hsts,
# --libcurl, --output-dir, proxies... read config files, write files or reroute the request).
_CURL_ALLOWED = frozenset({
    "-s", "--silent", "-S", "--show-error", "-f", "--fail", "--fail-with-body", "-L", "--location", "-i",
    "--include", "-I", "--head", "-X", "--request", "-H", "--header", "-o", "--output", "-m", "--max-time",
    "--connect-timeout", "--retry", "--retry-delay", "--retry-max-time", "--retry-all-errors",
    "--retry-connrefused", "-A", "--user-agent", "-e", "--referer", "--compressed", "-k", "--insecure",
    "--http1.1", "--http2", "-4", "-6", "-g", "--globoff", "-d", "--data", "--data-raw", "--data-binary",
    "--data-urlencode", "--data-ascii", "--json", "-F", "--form", "--form-string", "-T", "--upload-file",
    "-G", "--get", "--url", "--next", "-:", "-q", "--disable", "--no-progress-meter", "-w", "--write-out",
    "-v", "--verbose", "-#", "--progress-bar", "--max-redirs", "-D", "--dump-header", "-h", "--help",
})
_CURL_SEND = ("-d", "--data", "-F", "--form", "-T", "--upload", "--json")  # name prefixes that send a body
_CURL_REROUTE = frozenset({"-K", "--config", "-x", "--proxy", "--preproxy", "--resolve", "--connect-to",
                           "--unix-socket", "--abstract-unix-socket"})
_CURL_FILES = frozenset({"-o", "--output", "-D", "--dump-header", "-c", "--cookie-jar"})

def _curl_args(args: tuple[str, ...]) -> tuple[list[str], list[tuple[str, str]]]:
    """(URLs, options as (name, value)) of a curl command line; a flag without a value has "".
    ``--next``/``-:`` is kept as an option: it starts the next request."""
    urls: list[str] = []
    opts: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("--") and len(a) > 2:
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


def _requests(opts: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """The options of each request: ``--next`` (``-:``) starts a new one."""
    out: list[list[tuple[str, str]]] = [[]]
    for name, value in opts:
        if name in ("--next", "-:"):
            out.append([])
        else:
            out[-1].append((name, value))
    return out


def _curl_writes(opts: list[tuple[str, str]]) -> str | None:
    """The option that makes any request of the command change data: a body, an upload, or any method but
    GET/HEAD given anywhere (several -X: every one counts)."""
    for request in _requests(opts):
        for name, value in request:
            if name.startswith(_CURL_SEND) or name in ("-G", "--get", "--request-target"):
                return name
            if name in ("-X", "--request") and value.upper() not in ("GET", "HEAD"):
                return value.upper()
    return None


def curl_effect(args: tuple[str, ...]) -> tuple[bool, bool]:
    """(mutating, remote) of a curl command line."""
    urls, opts = _curl_args(args)
    remote = any(not is_loopback(u) for u in urls)
    return remote and _curl_writes(opts) is not None, remote


def curl_refusal(mode: str, args: tuple[str, ...]) -> Refusal | None:
    urls, opts = _curl_args(args)
    for name, value in opts:
        if name in _CURL_REROUTE:
            return f"curl {name} can send the request elsewhere", "call the URL directly"
        if name not in _CURL_ALLOWED:
            return (f"curl {name} is not allowed (it can read a config file, write a file, or send the request "
                    "elsewhere)", "use plain GET requests: -fsS, -H, -o FILE, -m, --retry, -I, -L")
        if name in _CURL_FILES and not writable_path(value):
            return f"curl {name} {value!r} writes outside the sandbox", "use a relative path inside the checkout"
        if value.startswith("@") or "%output{" in value or is_config_file(value):
            return f"curl {name} {value!r} reads or writes a file", "give the value itself"
    bad_url = next((u for u in urls if not is_loopback(u)), None) if mode == "rehearse" else None
    if bad_url is not None:
        return (f"curl to {bad_url!r} leaves the machine; rehearse blocks run offline",
                "call the local dev server (http://127.0.0.1:8787), or use a remote-read block")
    bad_scheme = next((u for u in urls if "://" in u and not u.lower().startswith(("http://", "https://"))), None)
    if bad_scheme is not None:
        return f"curl to {bad_scheme!r}: only http(s) URLs", "call an http(s) URL"
    if mode == "remote-read":
        writes = _curl_writes(opts)
        if writes is not None:
            return (f"curl {writes} changes data; remote-read blocks must only read",
                    "use GET/HEAD without a body, or move it to a never block")
    return None
