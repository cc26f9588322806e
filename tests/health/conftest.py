"""Real HTTP servers on 127.0.0.1 for the health tests, and a factory for HealthCheck values."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from opsdocs.project.model import HealthCheck, Location

# A route answers (status, headers, body); it may sleep to play a slow server.
Route = Callable[["Server"], tuple[int, dict[str, str], bytes]]


def _json(status: int, data: Any) -> tuple[int, dict[str, str], bytes]:
    return status, {"content-type": "application/json"}, json.dumps(data).encode()


def _slow(server: Server) -> tuple[int, dict[str, str], bytes]:
    with server.lock:
        server.in_flight += 1
        server.peak = max(server.peak, server.in_flight)
        if server.in_flight >= server.gather:
            server.all_in.set()
    server.all_in.wait(timeout=10)  # every request waits until `gather` of them are in flight at once
    time.sleep(server.delay_s)
    with server.lock:
        server.in_flight -= 1
    return _json(200, {"status": "ok"})


def _flaky(server: Server) -> tuple[int, dict[str, str], bytes]:
    # Fails the first `flaky_failures` times: a deploy still propagating.
    if server.hits["/flaky"] <= server.flaky_failures:
        return _json(503, {"status": "degraded", "db": "error"})
    return _json(200, {"status": "ok", "db": "ok"})


ROUTES: dict[str, Route] = {
    "/health": lambda s: _json(200, {"status": "ok", "db": "ok", "version": "v1", "accounts": 1,
                                     "checks": {"d1": {"ok": True}}, "count": 1}),
    "/prefix/app/health": lambda s: _json(200, {"status": "ok"}),
    "/500": lambda s: (500, {"content-type": "text/html"}, b"<h1>Internal Server Error</h1>\n<p>worker threw</p>"),
    "/degraded": lambda s: _json(200, {"status": "ok", "db": "error", "version": "v1"}),
    "/invalid": lambda s: (200, {"content-type": "application/json"}, b"{'status': ok"),
    "/huge-error": lambda s: (500, {}, b"x" * 5000),
    "/slow": _slow,
    "/flaky": _flaky,
    "/loop-a": lambda s: (302, {"location": "/loop-b"}, b""),
    "/loop-b": lambda s: (302, {"location": "/loop-a"}, b""),
    "/moved": lambda s: (301, {"location": "/health"}, b""),
    "/missing": lambda s: _json(404, {"error": "not found"}),
}


@dataclass
class Server:
    base_url: str
    hits: Counter[str] = field(default_factory=Counter)
    delay_s: float = 0.3
    flaky_failures: int = 2
    gather: int = 0  # /slow holds each request until this many are in flight together
    in_flight: int = 0
    peak: int = 0  # the most /slow requests in flight at once
    all_in: threading.Event = field(default_factory=threading.Event)  # set once `gather` are in flight
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer

    def _answer(self, send_body: bool) -> None:
        state = self.server.state
        path = self.path.split("?", 1)[0]
        with state.lock:
            state.hits[path] += 1
        if path == "/drip":  # headers at once, then a byte every 0.1 s: no single read ever times out
            self.send_response(200)
            self.send_header("content-length", "100")
            self.end_headers()
            for _ in range(100):
                self.wfile.write(b"x")
                time.sleep(0.1)
            return
        route = ROUTES.get(path)
        status, headers, body = route(state) if route else _json(404, {"error": "no such route"})
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(False)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet test output
        pass


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default backlog (5) drops SYNs under concurrent checks: 1 s stalls
    state: Server

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that timed out and hung up is the point of some tests, not a server error


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
    httpd.state = Server(base_url=f"http://127.0.0.1:{httpd.server_port}")
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield httpd.state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def closed_port() -> int:
    """A port that was just bound and closed: nothing listens there, connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _make_check(path: str = "/health", **overrides: Any) -> HealthCheck:
    values: dict[str, Any] = {
        "name": path.strip("/") or "root",
        "path": path,
        "method": "GET",
        "expect_status": 200,
        "expect_json": {},
        "expect_json_fields": (),
        "latency_budget_ms": 5000.0,
        "retries": 0,
        "backoff_s": 0.0,
        "timeout_s": 5.0,
        "location": Location("checks/health.yml", 7),
    }
    values.update(overrides)
    return HealthCheck(**values)


@pytest.fixture
def make_check() -> Callable[..., HealthCheck]:
    """``make_check(path, **field_overrides)``: a HealthCheck with test-friendly defaults (no retries)."""
    return _make_check
