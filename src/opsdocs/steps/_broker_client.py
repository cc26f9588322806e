"""The ``wrangler`` / ``curl`` / ``opsdocs`` a remote-read block runs: a client of the credential broker.

Run as a script (``python -I .../_broker_client.py SOCKET PROGRAM ARGS...``), standard library only, so
it starts fast and imports nothing from the project it runs in. It sends the argv and the working folder
to the broker (:mod:`opsdocs.steps._broker`) over a Unix socket, writes back what the real program
printed (already masked), and exits with its code. The block never holds the token: only the process the
broker starts does.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import sys

_HEAD = struct.Struct(">cI")  # frame: kind (o=stdout, e=stderr, x=exit code) and payload length


def _read_exact(conn: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("the broker closed the connection")
        data += chunk
    return data


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: _broker_client.py SOCKET PROGRAM [ARGS...]", file=sys.stderr)
        return 2
    path, program, *args = argv
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.connect(path)
        request = {"argv": [program, *args], "cwd": os.getcwd()}
        conn.sendall(json.dumps(request).encode() + b"\n")
        while True:
            kind, size = _HEAD.unpack(_read_exact(conn, _HEAD.size))
            payload = _read_exact(conn, size)
            if kind == b"x":
                return int(payload.decode())
            stream = sys.stdout.buffer if kind == b"o" else sys.stderr.buffer
            stream.write(payload)
            stream.flush()
    except (OSError, ValueError) as exc:
        print(f"opsdocs: {program} did not run: the credential broker is not reachable ({exc})", file=sys.stderr)
        return 127
    finally:
        conn.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
