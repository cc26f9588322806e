"""Reach a server that runs in a network namespace of its own, through a Unix socket.

``wrangler dev`` runs under bwrap with ``--unshare-net``: its loopback is not the host's, so the health
checks (httpx, in this process) cannot connect to it directly. Both sides share the sandbox folder,
though, and a Unix socket is a file, not a network address: it crosses the namespace boundary without
giving the sandbox any network.

- Inside (``python -I -m opsdocs.steps._bridge SOCKET PORT -- CMD...``, bwrap's command): starts CMD,
  accepts on SOCKET, connects each client to ``127.0.0.1:PORT`` inside the namespace, exits with CMD's code.
- Outside (``HostForward``): listens on a host loopback port and connects each client to SOCKET.

The server can only answer connections opened from outside; it cannot open one of its own.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from contextlib import suppress
from pathlib import Path

from opsdocs.steps._sockets import serve_in_threads

__all__ = ["HostForward", "inside_argv"]

_CHUNK = 1 << 16


def inside_argv(socket_path: Path, port: int, argv: list[str]) -> list[str]:
    """The command bwrap runs: this module as the bridge, then the server's own argv."""
    return [sys.executable, "-I", "-m", "opsdocs.steps._bridge", str(socket_path), str(port), "--", *argv]


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(_CHUNK):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        with suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


def _join(a: socket.socket, b: socket.socket) -> None:
    """Copy both ways until both sides are done, then close both."""
    back = threading.Thread(target=_pump, args=(b, a), daemon=True)
    back.start()
    _pump(a, b)
    back.join()
    a.close()
    b.close()


class HostForward:
    """``127.0.0.1:<port>`` on the host, forwarded to a Unix socket (which may not exist yet)."""

    def __init__(self, socket_path: Path, host: str = "127.0.0.1", port: int = 0) -> None:
        self.socket_path = socket_path
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind((host, port))  # OSError when taken: the caller says so in one line
        self._server.listen(64)
        self.port = int(self._server.getsockname()[1])
        self._closed = False
        self._thread = serve_in_threads(self._server, lambda: self._closed, self._serve, "opsdocs-forward")

    def _serve(self, client: socket.socket) -> None:
        upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            upstream.connect(str(self.socket_path))
        except OSError:  # not up yet: the client sees a closed connection and retries
            upstream.close()
            client.close()
            return
        _join(client, upstream)

    def close(self) -> None:
        self._closed = True
        with suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()


def _serve_inside(socket_path: str, port: int, child: subprocess.Popen[bytes]) -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    with suppress(FileNotFoundError):
        os.unlink(socket_path)
    listener.bind(socket_path)
    listener.listen(64)
    while child.poll() is None:
        try:
            client, _ = listener.accept()
        except OSError:
            return
        try:
            upstream = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:  # the server is not listening yet: the outside client retries
            client.close()
            continue
        upstream.settimeout(None)
        threading.Thread(target=_join, args=(client, upstream), daemon=True).start()


def main(argv: list[str]) -> int:
    socket_path, port, sep, *cmd = argv
    if sep != "--" or not cmd:
        print("usage: python -m opsdocs.steps._bridge SOCKET PORT -- CMD...", file=sys.stderr)
        return 2
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):  # pass a stop on, then exit with the child
        signal.signal(sig, lambda s, _f: child.send_signal(s))
    threading.Thread(target=_serve_inside, args=(socket_path, int(port), child), daemon=True).start()
    return child.wait()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
