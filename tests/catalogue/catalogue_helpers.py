"""Helpers for the bad-input catalogue: copies of the shipped project and site to break, the CLI as a
real subprocess in its own session with an empty TMPDIR, and small loopback HTTP servers that misbehave.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO
from shipped_project import copy_project, copy_site

REPO = Path(__file__).resolve().parents[2]
CLI = "import sys; from opsdocs.cli import main; sys.exit(main())"
RUN_TIMEOUT_S = 90.0
# What a developer's shell may hold that would change what the CLI does (a token would make steps remote).
_DROP_ENV = ("CLOUDFLARE_API_TOKEN", "CLOUDFLARE_ACCOUNT_ID", "OPSDOCS_BASE_URL", "OPSDOCS_ROOT",
             "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "OPSDOCS_NODE_MODULES")
_QUIET = {"WRANGLER_SEND_METRICS": "false", "CLOUDFLARE_CF_FETCH_ENABLED": "false", "CI": "true",
          "NO_COLOR": "1"}


# --- building bad inputs ---------------------------------------------------------------------------


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced; fails loudly when the shipped file no longer has it exactly once."""
    count = text.count(old)
    if count != 1:
        raise AssertionError(f"expected exactly one {old!r} in the shipped file, found {count}")
    return text.replace(old, new)


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(replace_once(path.read_text(encoding="utf-8"), old, new), encoding="utf-8")


def line_of(path: Path, needle: str, *, after: int = 0) -> int:
    """1-based number of the first line after line ``after`` that contains ``needle``."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if number > after and needle in text:
            return number
    raise AssertionError(f"{needle!r} not found in {path}")


# --- running the CLI -------------------------------------------------------------------------------


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    tmp_left: list[str]  # what the run left in its TMPDIR
    survivors: list[str] = field(default_factory=list)  # live processes of the run after it exited

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_cli(argv: list[str], *, cwd: Path, tmpdir: Path, env: dict[str, str] | None = None,
            timeout: float = RUN_TIMEOUT_S, code: str = CLI) -> Outcome:
    """``opsdocs <argv>`` (or ``python -c code``) in a new session with ``TMPDIR=tmpdir`` (empty); its whole
    group dies on a timeout. ``env`` entries override the caller's environment."""
    tmpdir.mkdir(parents=True, exist_ok=True)
    assert not any(tmpdir.iterdir()), "TMPDIR must start empty"
    full = {k: v for k, v in os.environ.items() if k not in _DROP_ENV}
    full.update(_QUIET)
    full["TMPDIR"] = str(tmpdir)
    full.update(env or {})
    # Output to files, not pipes: a leaked child holding a pipe open would hide as a slow run.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-c", code, *argv], cwd=cwd, env=full, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=err, start_new_session=True)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            for pid in [proc.pid, *_with_tmpdir(tmpdir)]:  # its group, and children in sessions of their own
                _kill_group(pid)
            proc.wait()
            raise AssertionError(f"opsdocs {' '.join(argv)} did not finish in {timeout} s") from None
        stdout, stderr = (_read(f) for f in (out, err))
    survivors = _wait_gone(proc.pid, tmpdir)
    described = [_describe(pid) for pid in survivors]
    for pid in survivors:  # do not leak them into the next case, but still fail this one
        _kill_group(pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    left = sorted(p.name for p in tmpdir.iterdir())
    return Outcome(proc.returncode, stdout, stderr, left, described)


def _read(f: IO[bytes]) -> str:
    f.seek(0)
    return f.read().decode("utf-8", errors="replace")


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _wait_gone(pgid: int, tmpdir: Path, grace_s: float = 3.0) -> list[int]:
    """Processes still alive after ``grace_s``: the run's group, or any process started with its TMPDIR
    (a child in a session of its own, like wrangler and workerd, still inherits TMPDIR)."""
    deadline = time.monotonic() + grace_s
    while True:
        alive = _group_alive(pgid)
        alive += [p for p in _with_tmpdir(tmpdir) if p not in alive]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


def _group_alive(pgid: int) -> list[int]:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return []
    return [pgid]


def _with_tmpdir(tmpdir: Path) -> list[int]:
    """Live processes whose TMPDIR is ``tmpdir`` or inside it (a sandbox gives its steps a TMPDIR of its own,
    made under the run's)."""
    marker = f"\0TMPDIR={tmpdir}".encode()
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            environ = b"\0" + (proc / "environ").read_bytes()
            at = environ.find(marker)
            if at >= 0 and environ[at + len(marker):at + len(marker) + 1] in (b"\0", b"/") and not _zombie(proc):
                out.append(int(proc.name))
        except OSError:
            continue
    return out


def _zombie(proc: Path) -> bool:
    return (proc / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"


def _describe(pid: int) -> str:
    try:
        return f"{pid}: " + Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return f"{pid}: (group still alive)"


# --- the environment --------------------------------------------------------------------------------


def bin_dir_without(dest: Path, *missing: str) -> Path:
    """A directory of symlinks to the programs on PATH, minus ``missing`` (for PATH=<it>)."""
    dest.mkdir(parents=True, exist_ok=True)
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        folder = Path(entry)
        if not folder.is_dir():
            continue
        for prog in folder.iterdir():
            if prog.name in missing or (dest / prog.name).exists() or not os.access(prog, os.X_OK):
                continue
            (dest / prog.name).symlink_to(prog)
    return dest


@contextlib.contextmanager
def bound_port() -> Iterator[int]:
    """A loopback port held by a listening socket for the duration."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield int(sock.getsockname()[1])


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- misbehaving HTTP servers -----------------------------------------------------------------------

Responder = Callable[[BaseHTTPRequestHandler], None]


def respond(status: int, body: bytes, *, content_type: str = "application/json", delay_s: float = 0.0,
            headers: dict[str, str] | None = None) -> Responder:
    def handle(handler: BaseHTTPRequestHandler) -> None:
        if delay_s:
            time.sleep(delay_s)
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)

    return handle


def redirect_loop(handler: BaseHTTPRequestHandler) -> None:
    """Every path redirects to itself plus one more ``x``: it never ends."""
    respond(302, b"", headers={"Location": handler.path.rstrip("/") + "/x"})(handler)


@contextlib.contextmanager
def http_server(responder: Responder) -> Iterator[str]:
    """A real HTTP server on a loopback port answering every GET/HEAD with ``responder``; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            responder(self)

        do_HEAD = do_GET  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet test output
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


__all__ = ["REPO", "Outcome", "bin_dir_without", "bound_port", "closed_port", "copy_project", "copy_site",
           "edit", "http_server", "line_of", "redirect_loop", "replace_once", "respond", "run_cli"]
