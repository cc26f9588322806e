"""Fixtures for the link checker: small built sites in tmp dirs and a real HTTP server on loopback."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from links_helpers import Server, handler_for


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    """Write files (site-relative path -> text) under ``tmp_path/site`` and return that directory."""

    def make(files: dict[str, str]) -> Path:
        site = tmp_path / "site"
        for rel, text in files.items():
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return site

    return make


@pytest.fixture
def http_server() -> Iterator[Server]:
    server = Server(port=0)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(server))
    server.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    time.sleep(0.01)
    return port
