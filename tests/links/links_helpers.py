"""Helpers shared by the link checker tests."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler


def page(body: str, head: str = "") -> str:
    """A minimal HTML page; ``body`` starts on line 4."""
    return f"<!doctype html>\n<html><head>{head}</head>\n<body>\n{body}\n</body></html>\n"


@dataclass
class Server:
    """What the test server was asked: ``hits[(method, path)]``; ``url(path)`` to link to it."""

    port: int
    hits: Counter[tuple[str, str]] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str) -> int:
        with self.lock:
            return sum(n for (_, p), n in self.hits.items() if p == path)


def handler_for(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - keep test output clean
            pass

        def _answer(self) -> None:
            path = self.path.split("?", 1)[0]
            with server.lock:
                server.hits[(self.command, path)] += 1
                seen = sum(n for (_, p), n in server.hits.items() if p == path)
            status, headers = 200, dict[str, str]()
            if path in ("/gone", "/deleted"):
                status = 404 if path == "/gone" else 410
            elif path == "/flaky-429":  # rate-limited once, then fine
                status, headers = (429, {"Retry-After": "0"}) if seen == 1 else (200, {})
            elif path == "/always-429":
                status, headers = 429, {"Retry-After": "0"}
            elif path == "/slow-429":  # asks for longer than the checker is willing to wait
                status, headers = 429, {"Retry-After": "3600"}
            elif path == "/date-429":  # the same, as an HTTP date
                status, headers = 429, {"Retry-After": formatdate(time.time() + 3600, usegmt=True)}
            elif path == "/no-head" and self.command == "HEAD":
                status = 405
            elif path == "/error-500":
                status = 500
            elif path == "/moved":
                status, headers = 301, {"Location": "/ok"}
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            body = b"ok\n" if status < 300 else b""
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "GET":
                self.wfile.write(body)

        do_GET = do_HEAD = _answer

    return Handler
