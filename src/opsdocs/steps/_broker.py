"""The credential broker: in a remote-read block, the token reaches only the wrangler process that needs it.

A remote-read block runs like a rehearse one: offline, under bwrap, with no credential in its environment,
so no program in it (``env``, ``rev``, ``jq @base64``, ``cat /proc/*/environ``) can print the token or a
transform of it the masker would not know. Its ``wrangler``, ``npx wrangler``, ``curl`` and ``opsdocs``
are shims (:mod:`._broker_client`) that send their argv and working folder over a Unix socket in the
sandbox to this broker, in the opsdocs process. The broker

- reads the argv again as wrangler would (``classify.argv_refusal``): what reaches it may come from a
  variable or a word built at run time, which the check of the block as written never saw;
- refuses a wrangler call when a ``.env`` file is in reach (wrangler loads it: a planted one could set
  ``CLOUDFLARE_API_BASE_URL`` or a proxy and send the token elsewhere) or ``--env-file`` is given;
- runs the real program under its own bwrap with the host network (the one place the real API is used)
  and its own PID namespace and ``/proc``: the block cannot see it, nor its environment;
- gives the token to wrangler only, and only for a command that reaches Cloudflare (a local one, such as
  ``deploy --dry-run`` whose custom build runs what the sandbox's config says, runs offline without it;
  curl and ``opsdocs health`` get the network, never a credential);
- sends back stdout and stderr, each masked whole, then the exit code.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path

from opsdocs.steps import _proc
from opsdocs.steps._copy import is_secret_file
from opsdocs.steps._sockets import serve_in_threads
from opsdocs.steps.masking import CREDENTIAL_ENV, Masker

__all__ = ["Broker", "write_broker_shims", "PASS_TO_WRANGLER"]

_HEAD = struct.Struct(">cI")
_REQUEST_LIMIT = 1 << 20  # an argv larger than this is not a runbook command
# Where the Cloudflare API is, for a wrangler the broker runs (a fake API in tests, another region); set
# here, it also wins over any .env wrangler might read.
PASS_TO_WRANGLER = ("CLOUDFLARE_API_BASE_URL",)
_REFUSED = 126
_CLIENT = Path(__file__).with_name("_broker_client.py")
_RUNNER = """#!/bin/sh
# opsdocs remote-read: `{name} wrangler ...` asks the credential broker to run the project's own wrangler.
while [ $# -gt 0 ]; do
  case "$1" in
    exec|dlx|--) shift ;;
    -*) shift ;;
    wrangler|wrangler@*) shift; [ "${{1-}}" = "--" ] && shift; exec {client} wrangler "$@" ;;
    *) break ;;
  esac
done
echo "opsdocs: only \\`{name} wrangler\\` runs in a runbook step (the project's own wrangler)" >&2
exit 127
"""
_DIRECT = """#!/bin/sh
# opsdocs remote-read: the credential broker runs {name}; this block never holds a credential.
exec {client} {name} "$@"
"""

# Run a command: (argv, cwd, env, timeout) -> (exit code, stdout, stderr), run where the block cannot see it.
Runner = Callable[[list[str], Path, dict[str, str], float], tuple[int, str, str]]


def write_broker_shims(directory: Path, socket_path: Path, runners: tuple[str, ...]) -> None:
    """``wrangler``, ``curl``, ``opsdocs`` and the package runners, each a client of the broker at ``socket_path``."""
    directory.mkdir(parents=True, exist_ok=True)
    client = " ".join(shlex.quote(w) for w in (sys.executable, "-I", str(_CLIENT), str(socket_path)))
    scripts = {name: _RUNNER.format(name=name, client=client) for name in runners}
    scripts.update({name: _DIRECT.format(name=name, client=client) for name in ("wrangler", "curl", "opsdocs")})
    for name, text in scripts.items():
        (directory / name).write_text(text, encoding="utf-8")
        (directory / name).chmod(0o555)


class Broker:
    """Listens on ``socket_path`` while a remote-read block runs; ``close()`` ends it and what it started."""

    def __init__(self, socket_path: Path, *, root: Path, refusal: Callable[[list[str]], str | None],
                 remote: Callable[[list[str]], bool],
                 programs: dict[str, list[str]], env: dict[str, str], isolate: Callable[..., list[str]],
                 masker: Masker, timeout_s: float) -> None:
        self._root = root.resolve()
        self._refusal, self._remote, self._programs, self._env = refusal, remote, programs, env
        self._isolate, self._mask, self._timeout_s = isolate, masker, timeout_s
        self._groups: set[_proc.ProcessGroup] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.socket_path = socket_path
        with suppress(FileNotFoundError):
            socket_path.unlink()
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(socket_path))
        self._server.listen(16)
        serve_in_threads(self._server, lambda: self._closed, self._serve, "opsdocs-broker")

    def close(self) -> None:
        with self._lock:
            self._closed = True
        with suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()
        with self._lock:
            groups = list(self._groups)
        for group in groups:  # the block ended (or timed out): what it asked for ends with it
            group.kill(grace_s=1.0)
        with suppress(OSError):
            self.socket_path.unlink()

    def __enter__(self) -> Broker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _serve(self, conn: socket.socket) -> None:
        try:
            code, out, err = self._handle(_read_request(conn))
            for kind, text in ((b"o", out), (b"e", err)):
                data = self._mask(text).encode()
                conn.sendall(_HEAD.pack(kind, len(data)) + data)
            conn.sendall(_HEAD.pack(b"x", len(str(code))) + str(code).encode())
        except (OSError, ValueError):
            pass  # the block went away, or sent something that is not a request: nothing to answer
        finally:
            conn.close()

    def _handle(self, request: dict[str, object]) -> tuple[int, str, str]:
        argv, cwd = request.get("argv"), request.get("cwd")
        if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv) and isinstance(cwd, str)):
            return _REFUSED, "", "opsdocs: refused: not a broker request\n"
        here = Path(cwd).resolve()
        if not here.is_relative_to(self._root):
            return _REFUSED, "", f"opsdocs: refused: {argv[0]} must run inside the sandbox, not in {cwd}\n"
        why = self._refusal(argv) or _wrangler_env_file(argv, here, self._root)
        if why is not None:
            return _REFUSED, "", f"opsdocs: refused, not run: {argv[0]}: {why}\n"
        env = dict(self._env)
        online = self._remote(argv)  # a local command (a dry run and its custom build) gets neither
        if online and argv[0] == "wrangler":  # the one program that needs the token
            env.update({k: os.environ[k] for k in (*CREDENTIAL_ENV, *PASS_TO_WRANGLER) if os.environ.get(k)})
        real = [*self._programs[argv[0]], *argv[1:]]
        return self._run(self._isolate(real, cwd=here, offline=not online), here, env)

    def _run(self, argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str, str]:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            try:
                group = _proc.start(argv, cwd=cwd, env=env, log=out, err=err)
            except (OSError, _proc.RunInterrupted) as exc:
                return 127, "", f"opsdocs: {argv[0]} did not start: {exc}\n"
            with self._lock:
                self._groups.add(group)
                late = self._closed  # the block ended while this one was starting: close() missed it
            try:
                if late:
                    raise subprocess.TimeoutExpired(argv, 0)
                code = group.wait(self._timeout_s)
            except subprocess.TimeoutExpired:
                code = 124
            finally:
                group.kill()
                with self._lock:
                    self._groups.discard(group)
            return code, _proc.read_tail(out), _proc.read_tail(err)


def _read_request(conn: socket.socket) -> dict[str, object]:
    data = b""
    while not data.endswith(b"\n"):
        chunk = conn.recv(1 << 16)
        if not chunk or len(data) > _REQUEST_LIMIT:
            raise ValueError("no complete request")
        data += chunk
    request = json.loads(data)
    if not isinstance(request, dict):
        raise ValueError("not a request")
    return request


def _wrangler_env_file(argv: list[str], cwd: Path, root: Path) -> str | None:
    """A ``.env`` (or ``.dev.vars``, ``.npmrc``...) anywhere in the sandbox: none is ever copied in, so it
    was planted, and wrangler loads one next to the token from the folder of whatever config it is given."""
    if argv[0] != "wrangler":
        return None
    if any(a == "--env-file" or a.startswith("--env-file=") for a in argv[1:]):
        return "--env-file is not allowed where the token is (the file could send it elsewhere)"
    for folder, dirs, files in os.walk(root):  # does not follow links: node_modules is not walked
        dirs[:] = [d for d in dirs if d not in ("node_modules", ".wrangler")]
        planted = sorted(f for f in files if is_secret_file(f))
        if planted:
            return (f"{Path(folder, planted[0])} is in the sandbox and wrangler would load it next to the "
                    "token; do not write .env files in a remote-read block")
    return None


def program_table(wrangler: list[str]) -> dict[str, list[str]]:
    """The real programs behind the shims: the project's own wrangler, curl without any .curlrc, this opsdocs."""
    curl = shutil.which("curl", path="/usr/local/bin:/usr/bin:/bin") or "curl"
    return {"wrangler": wrangler, "curl": [curl, "-q"], "opsdocs": [sys.executable, "-I", "-m", "opsdocs"]}
