"""Helpers for the browser test: find Chromium, serve a built site on loopback, watch what a page does.

Nothing here fakes the browser or the site: the site is built by ``opsdocs build``, served by a real
``http.server`` and driven by Playwright in a real Chromium.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page, Request

from opsdocs.project.model import Project
from opsdocs.report.finding import Finding
from opsdocs.project.model import Location
from opsdocs.report.json import build_report, write_report
from opsdocs.site.pages import RenderedPage

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-output" / "screenshots"
# What a built site needs from a checkout (the pages themselves come from this repo's docs/ and runbooks/).

DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# Material 9.8 renders the copy button as `button.md-code__button[data-md-type=copy]` inside
# `nav.md-code__nav`; older releases used `button.md-clipboard`. Either counts.
COPY_BUTTON = '.md-clipboard, button.md-code__button[data-md-type="copy"]'
_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_LOCAL_SCHEMES = frozenset({"data", "blob", "about"})  # never leave the machine


@dataclass(frozen=True)
class Site:
    base_url: str
    root: Path  # the project the pages describe (a copy of this repo's config)
    project: Project
    report: dict[str, Any]  # what .opsdocs/report.json holds
    pages: dict[str, RenderedPage]  # relpath ("docs/runbook.md") -> the page's Markdown after the macros

    def url(self, path: str = "") -> str:
        return self.base_url + path


def find_chromium(bundled: str | None) -> str | None:
    """``$OPSDOCS_CHROMIUM``, else Debian's chromium, else one on PATH, else Playwright's own download."""
    override = os.environ.get("OPSDOCS_CHROMIUM")
    if override:
        return override  # an explicit choice: a wrong path should fail loudly at launch, not skip
    candidates = [DEFAULT_CHROMIUM] + [shutil.which(n) or "" for n in ("chromium", "chromium-browser")]
    candidates.append(bundled or "")
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def is_loopback(url: str) -> bool:
    """True for a request that stays on this machine (loopback HTTP, data:/blob: URLs)."""
    parts = urlsplit(url)
    if parts.scheme in _LOCAL_SCHEMES:
        return True
    host = (parts.hostname or "").lower()
    local = host in _LOCAL_HOSTS or host.startswith("127.")
    return parts.scheme in ("http", "https", "ws", "wss") and local


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """A threaded static file server for ``directory`` on 127.0.0.1:<free port>; yields its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            pass  # pytest output stays readable; failures are asserted, not logged

    handler = functools.partial(Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def write_sample_report(project: Project) -> dict[str, Any]:
    """A small real report in ``<root>/.opsdocs/report.json``: two passes and one located failure.

    The failure is the project's first health check, so its location is a real ``checks/health.yml`` line.
    """
    check = project.health_checks[0]
    findings = [
        Finding(f"health:{check.name}", "health", "failed", check.location,
                f"expected status {check.expect_status}, got 503 after {check.retries} retries", 2.5),
        Finding("drift:undocumented-secret", "drift", "passed", None, "every secret is documented", 0.01),
        Finding("link:docs/rollback.md", "link", "passed", Location("docs/rollback.md", 1), "all links resolve", 0.2),
    ]
    started = datetime(2025, 3, 4, 5, 6, tzinfo=timezone.utc)
    report = build_report(findings, root=project.root, started_at=started, duration_s=12.5,
                          commit="0123456789abcdef0123456789abcdef01234567")
    write_report(report, project.root / ".opsdocs" / "report.json")
    return report.to_json()


@dataclass
class PageLog:
    """Every request a browser context made and every console error or uncaught exception it saw."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def external(self) -> list[str]:
        return [url for url in self.requests if not is_loopback(url)]

    def watch(self, context: BrowserContext) -> None:
        context.on("request", self._on_request)
        context.on("console", self._on_console)
        context.on("weberror", lambda err: self.errors.append(f"uncaught: {err.error}"))
        # Anything external is recorded above, then refused: the test never sends traffic off the machine.
        context.route(lambda url: not is_loopback(url), lambda route: route.abort())

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console: {message.text} ({message.location.get('url', '')})")


def in_closed_shadow(page: Page, host_selector: str, function: str) -> list[Any]:
    """``function`` (JS, ``this`` = the shadow root) run in the shadow root of every ``host_selector``.

    Material renders each Mermaid diagram into a *closed* shadow root, out of reach of page scripts and
    Playwright selectors; the DevTools protocol still sees it, so the test reads the real rendered SVG.
    """
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
        hosts = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": host_selector})["nodeIds"]
        out = []
        for node_id in hosts:
            node = cdp.send("DOM.describeNode", {"nodeId": node_id, "depth": 1, "pierce": True})["node"]
            for shadow in node.get("shadowRoots", []):
                obj = cdp.send("DOM.resolveNode", {"backendNodeId": shadow["backendNodeId"]})["object"]
                result = cdp.send("Runtime.callFunctionOn", {
                    "objectId": obj["objectId"], "functionDeclaration": function, "returnByValue": True,
                })
                if "exceptionDetails" in result:
                    raise Error(f"shadow-root script failed: {result['exceptionDetails']}")
                out.append(result["result"].get("value"))
        return out
    finally:
        cdp.detach()


def rgb(css_color: str) -> tuple[int, int, int]:
    """``rgb(198, 40, 40)`` / ``rgba(...)`` -> (198, 40, 40)."""
    inside = css_color[css_color.index("(") + 1:css_color.rindex(")")]
    r, g, b = (int(float(v)) for v in inside.replace("/", ",").split(",")[:3])
    return r, g, b


def is_reddish(css_color: str) -> bool:
    r, g, b = rgb(css_color)
    return r >= 150 and r >= 2 * max(g, b, 1)
