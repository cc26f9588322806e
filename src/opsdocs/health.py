"""Run the declared health checks (``checks/health.yml``) against a base URL, all at once.

Each check becomes one :class:`~opsdocs.report.Finding`. Connection errors, timeouts and 5xx are retried
with exponential backoff (a fresh deploy takes seconds to reach every location); anything else is final.
Failure messages say what was expected and what came back, on one line: a finding is read in a CI log.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import re
import socket
import ssl
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx

from opsdocs.errors import ConfigError
from opsdocs.project.model import HealthCheck
from opsdocs.report.finding import Finding

__all__ = ["check_all", "parse_base_url", "run_health_checks", "MAX_REDIRECTS"]

MAX_REDIRECTS = 5
_BODY_LIMIT = 1 << 20  # a health answer is small; never buffer an arbitrary download
_EXCERPT = 200
_HEADERS = {"user-agent": "opsdocs-health", "cache-control": "no-cache", "accept": "application/json, */*"}
_MISSING = object()


def parse_base_url(base_url: str) -> str:
    """Validate ``base_url`` (http or https, a host, an optional path prefix) and drop the trailing slash.

    Raises :class:`~opsdocs.errors.ConfigError` with a hint when it cannot be used.
    """
    hint = "give a full URL such as https://ledger-api.example.workers.dev (a path prefix is fine)"
    text = base_url.strip()
    if any(c.isspace() for c in text):  # httpx would percent-encode it into a host that cannot resolve
        raise ConfigError(f"invalid base URL {_mask(text)!r}: it contains whitespace", hint=hint)
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigError(f"invalid base URL {_mask(text)!r}: {exc}", hint=hint) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(f"invalid base URL {_mask(text)!r}: needs http:// or https:// and a host", hint=hint)
    if url.query or url.fragment:
        raise ConfigError(f"invalid base URL {_mask(text)!r}: no query or fragment allowed", hint=hint)
    return text.rstrip("/")


async def check_all(
    checks: Sequence[HealthCheck],
    base_url: str,
    *,
    client: httpx.AsyncClient | None = None,
    concurrency: int = 50,
) -> list[Finding]:
    """Run every check concurrently (at most ``concurrency`` requests in flight); findings in input order."""
    base = parse_base_url(base_url)
    if concurrency < 1:
        raise ValueError("concurrency must be >= 1")
    gate = asyncio.Semaphore(concurrency)
    async with contextlib.AsyncExitStack() as stack:
        if client is None:
            limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
            client = await stack.enter_async_context(httpx.AsyncClient(limits=limits, verify=_tls_context()))
        return list(await asyncio.gather(*(_run_check(client, c, base, gate) for c in checks)))


def run_health_checks(
    checks: Sequence[HealthCheck],
    base_url: str,
    *,
    client: httpx.AsyncClient | None = None,
    concurrency: int = 50,
) -> list[Finding]:
    """Synchronous :func:`check_all`, usable from plain code and from inside a running event loop."""
    coro = check_all(checks, base_url, client=client, concurrency=concurrency)
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(1) as pool:  # already inside a loop (a plugin, a notebook): use a private one
        return pool.submit(asyncio.run, coro).result()


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # httpx's own default (certifi, or SSL_CERT_FILE), built once: loading the CA bundle costs ~20 ms.
    return httpx.create_ssl_context()


@dataclass
class _Attempt:
    """What one attempt got back: a response, or an error message."""

    latency_ms: float
    status: int | None = None
    body: bytes = b""
    truncated: bool = False
    error: str | None = None
    retriable: bool = False


class _RedirectProblem(Exception):
    pass


async def _run_check(
    client: httpx.AsyncClient, check: HealthCheck, base: str, gate: asyncio.Semaphore
) -> Finding:
    url = base + check.path
    started = time.perf_counter()
    total = check.retries + 1
    attempt_no = 0
    try:
        for attempt_no in range(1, total + 1):
            async with gate:  # released during backoff so waiting checks do not starve the others
                got = await _attempt(client, check, url)
            if not got.retriable or attempt_no == total:
                break
            await asyncio.sleep(check.backoff_s * 2 ** (attempt_no - 1))
        problems = _problems(check, got)
    except Exception as exc:  # one broken check must not take the others down
        got, problems = _Attempt(0.0), [f"unexpected error: {type(exc).__name__}: {exc}"]
    duration = time.perf_counter() - started
    tries = f"{attempt_no} attempt{'s' if attempt_no != 1 else ''}"
    head = f"{check.method} {_mask(url)}"
    if not problems:
        message = f"{head}: {got.status} in {got.latency_ms:.0f} ms ({tries})"
    else:
        message = f"{head}: {'; '.join(problems)} (after {tries}, last took {got.latency_ms:.0f} ms)"
        if got.status is not None:
            message += f"; body: {_excerpt(got.body, got.truncated)}"
    return Finding(
        id=f"health:{check.name}@{_mask(base)}",
        kind="health",
        status="failed" if problems else "passed",
        location=str(check.location),
        message=message,
        duration_s=round(duration, 4),
    )


async def _attempt(client: httpx.AsyncClient, check: HealthCheck, url: str) -> _Attempt:
    t0 = time.perf_counter()

    def ms() -> float:
        return (time.perf_counter() - t0) * 1000

    try:
        async with asyncio.timeout(check.timeout_s):  # whole attempt: redirects and a slow-drip body too
            status, body, truncated = await _fetch(client, check, url)
    except (TimeoutError, httpx.TimeoutException) as exc:
        where = " connecting" if isinstance(exc, httpx.ConnectTimeout) else ""
        return _Attempt(ms(), error=f"timed out{where} after {check.timeout_s:g} s", retriable=True)
    except _RedirectProblem as exc:
        return _Attempt(ms(), error=str(exc))
    except httpx.HTTPError as exc:
        message, retriable = _describe(exc)
        return _Attempt(ms(), error=message, retriable=retriable)
    retriable = status >= 500 and status != check.expect_status
    return _Attempt(ms(), status=status, body=body, truncated=truncated, retriable=retriable)


async def _fetch(client: httpx.AsyncClient, check: HealthCheck, url: str) -> tuple[int, bytes, bool]:
    """Send the request, following up to MAX_REDIRECTS redirects (none when a 3xx is expected)."""
    follow = not 300 <= check.expect_status < 400
    request = client.build_request(check.method, url, headers=_HEADERS, timeout=check.timeout_s)
    visited = [_mask(url)]
    while True:
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            nxt = response.next_request if follow else None
            if nxt is None:
                body, truncated = await _read_limited(response)
                return response.status_code, body, truncated
        finally:
            await response.aclose()
        target = _mask(str(nxt.url))
        if target in visited:
            raise _RedirectProblem(f"redirect loop: {' -> '.join([*visited, target])}")
        visited.append(target)
        if len(visited) > MAX_REDIRECTS + 1:
            raise _RedirectProblem(f"more than {MAX_REDIRECTS} redirects: {' -> '.join(visited)}")
        request = nxt


async def _read_limited(response: httpx.Response) -> tuple[bytes, bool]:
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > _BODY_LIMIT:
            return bytes(body[:_BODY_LIMIT]), True
    return bytes(body), False


def _describe(exc: httpx.HTTPError) -> tuple[str, bool]:
    """A one-line reason for a transport error, and whether retrying could help."""
    try:
        url: httpx.URL | None = exc.request.url
    except RuntimeError:  # an error raised outside a request has none
        url = None
    host = f"{url.host}{f':{url.port}' if url.port else ''}" if url else "the server"
    err: BaseException | None = exc
    for _ in range(10):  # walk the cause chain: httpx -> httpcore -> ssl / OSError
        if err is None:
            break
        if isinstance(err, ssl.SSLCertVerificationError):
            return f"TLS certificate verification failed: {err.verify_message or err}", False
        if isinstance(err, ssl.SSLError):
            if "WRONG_VERSION_NUMBER" in str(err) or "record layer" in str(err):
                return f"TLS handshake failed ({err.reason}): the server does not speak HTTPS on this port", False
            return f"TLS handshake failed: {err}", False
        if isinstance(err, ConnectionRefusedError):
            return f"connection refused by {host}", True
        if isinstance(err, socket.gaierror):
            return f"cannot resolve {url.host if url else 'the host'}: {err.strerror or err}", True
        err = err.__cause__ or err.__context__
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect to {host}: {text}", True
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke the HTTP exchange: {text}", True
    if isinstance(exc, httpx.NetworkError):
        return f"network error: {text}", True
    return f"request failed: {type(exc).__name__}: {text}", False


def _problems(check: HealthCheck, got: _Attempt) -> list[str]:
    if got.error is not None:
        return [got.error]
    problems: list[str] = []
    if got.status != check.expect_status:
        problems.append(f"expected status {check.expect_status}, got {got.status}")
    elif check.expect_json or check.expect_json_fields:
        problems.extend(_json_problems(check, got))
    if got.latency_ms > check.latency_budget_ms:
        problems.append(f"took {got.latency_ms:.0f} ms, over the {check.latency_budget_ms:g} ms budget")
    return problems


def _json_problems(check: HealthCheck, got: _Attempt) -> list[str]:
    if got.truncated:
        return [f"expected a JSON body, got more than {_BODY_LIMIT} bytes"]
    try:
        data = json.loads(got.body)
    except (ValueError, RecursionError) as exc:
        return [f"expected a JSON body, got invalid JSON ({exc})"]
    problems: list[str] = []
    for field in check.expect_json_fields:
        if _lookup(data, field) is _MISSING:
            problems.append(f"expected JSON field {field!r}, it is missing")
    for field, want in check.expect_json.items():
        have = _lookup(data, field)
        if have is _MISSING:
            problems.append(f"expected JSON field {field!r} = {want!r}, it is missing")
        elif not _same(have, want):
            problems.append(f"expected JSON field {field!r} = {want!r}, got {have!r}")
    return problems


def _lookup(data: Any, field: str) -> Any:
    """``field`` as a key, else as a dotted path (``a.b``, ``items.0``)."""
    if isinstance(data, dict) and field in data:
        return data[field]
    for part in field.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return _MISSING
    return data


def _same(have: Any, want: Any) -> bool:
    """Exact JSON equality: unlike ``==``, ``true`` is not ``1``."""
    if isinstance(have, bool) or isinstance(want, bool):
        return type(have) is type(want) and have == want
    if isinstance(have, dict) and isinstance(want, dict):
        return have.keys() == want.keys() and all(_same(have[k], want[k]) for k in have)
    if isinstance(have, list) and isinstance(want, list):
        return len(have) == len(want) and all(_same(a, b) for a, b in zip(have, want, strict=True))
    return bool(have == want)


def _excerpt(body: bytes, truncated: bool) -> str:
    text = " ".join(body[: _EXCERPT * 4].decode("utf-8", "replace").split())
    if not text:
        return "(empty)"
    if len(text) > _EXCERPT or truncated:
        return repr(text[:_EXCERPT]) + "..."
    return repr(text)


def _mask(url: str) -> str:
    """Hide a password in ``user:password@host``: base URLs can carry credentials."""
    return re.sub(r"(?<=://)([^/@:]*):[^/@]*@", r"\1:***@", url)
