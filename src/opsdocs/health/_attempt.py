"""One HTTP attempt of a health check: the request, its redirects, a bounded body, a one-line reason."""

from __future__ import annotations

import asyncio
import functools
import re
import socket
import ssl
import time
from dataclasses import dataclass

import httpx

from opsdocs.project.model import HealthCheck

MAX_REDIRECTS = 5
BODY_LIMIT = 1 << 20  # a health answer is small; never buffer an arbitrary download
_HEADERS = {"user-agent": "opsdocs-health", "cache-control": "no-cache", "accept": "application/json, */*"}


@functools.cache
def tls_context() -> ssl.SSLContext:
    # httpx's own default (certifi, or SSL_CERT_FILE), built once: loading the CA bundle costs ~20 ms.
    return httpx.create_ssl_context()


@dataclass
class Attempt:
    """What one attempt got back: a response, or an error message."""

    latency_ms: float
    status: int | None = None
    body: bytes = b""
    truncated: bool = False
    error: str | None = None
    retriable: bool = False


class _RedirectProblem(Exception):
    pass


async def attempt(client: httpx.AsyncClient, check: HealthCheck, url: str) -> Attempt:
    t0 = time.perf_counter()

    def ms() -> float:
        return (time.perf_counter() - t0) * 1000

    try:
        async with asyncio.timeout(check.timeout_s):  # whole attempt: redirects and a slow-drip body too
            status, body, truncated = await _fetch(client, check, url)
    except (TimeoutError, httpx.TimeoutException) as exc:
        where = " connecting" if isinstance(exc, httpx.ConnectTimeout) else ""
        return Attempt(ms(), error=f"timed out{where} after {check.timeout_s:g} s", retriable=True)
    except _RedirectProblem as exc:
        return Attempt(ms(), error=str(exc))
    except httpx.HTTPError as exc:
        message, retriable = _describe(exc)
        return Attempt(ms(), error=message, retriable=retriable)
    retriable = status >= 500 and status != check.expect_status
    return Attempt(ms(), status=status, body=body, truncated=truncated, retriable=retriable)


async def _fetch(client: httpx.AsyncClient, check: HealthCheck, url: str) -> tuple[int, bytes, bool]:
    """Send the request, following up to MAX_REDIRECTS redirects (none when a 3xx is expected)."""
    follow = not 300 <= check.expect_status < 400
    request = client.build_request(check.method, url, headers=_HEADERS, timeout=check.timeout_s)
    visited = [mask_url(url)]
    while True:
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            nxt = response.next_request if follow else None
            if nxt is None:
                body, truncated = await _read_limited(response)
                return response.status_code, body, truncated
        finally:
            await response.aclose()
        target = mask_url(str(nxt.url))
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
        if len(body) > BODY_LIMIT:
            return bytes(body[:BODY_LIMIT]), True
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


def mask_url(url: str) -> str:
    """Hide a password in ``user:password@host``: base URLs can carry credentials."""
    return re.sub(r"(?<=://)([^/@:]*):[^/@]*@", r"\1:***@", url)
