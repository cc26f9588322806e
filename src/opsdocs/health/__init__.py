"""Run the declared health checks (``checks/health.yml``) against a base URL, all at once.

Each check becomes one :class:`~opsdocs.report.Finding`. Connection errors, timeouts and 5xx are retried
with exponential backoff (a fresh deploy takes seconds to reach every location); anything else is final.
Failure messages say what was expected and what came back, on one line: a finding is read in a CI log.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import httpx

from opsdocs._aio import run_sync
from opsdocs.errors import ConfigError
from opsdocs.health._attempt import MAX_REDIRECTS, Attempt, attempt, mask_url, tls_context
from opsdocs.health._expect import excerpt, problems
from opsdocs.project.model import HealthCheck
from opsdocs.report.finding import Finding

__all__ = ["check_all", "parse_base_url", "run_health_checks", "MAX_REDIRECTS"]

Sleep = Callable[[float], Awaitable[None]]  # the backoff's wait; tests inject one that records


def parse_base_url(base_url: str) -> str:
    """Validate ``base_url`` (http or https, a host, an optional path prefix) and drop the trailing slash.

    Raises :class:`~opsdocs.errors.ConfigError` with a hint when it cannot be used.
    """
    hint = "give a full URL such as https://ledger-api.example.workers.dev (a path prefix is fine)"
    text = base_url.strip()
    if any(c.isspace() for c in text):  # httpx would percent-encode it into a host that cannot resolve
        raise ConfigError(f"invalid base URL {mask_url(text)!r}: it contains whitespace", hint=hint)
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigError(f"invalid base URL {mask_url(text)!r}: {exc}", hint=hint) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(f"invalid base URL {mask_url(text)!r}: needs http:// or https:// and a host", hint=hint)
    if url.query or url.fragment:
        raise ConfigError(f"invalid base URL {mask_url(text)!r}: no query or fragment allowed", hint=hint)
    return text.rstrip("/")


async def check_all(
    checks: Sequence[HealthCheck],
    base_url: str,
    *,
    client: httpx.AsyncClient | None = None,
    concurrency: int = 50,
    sleep: Sleep = asyncio.sleep,
) -> list[Finding]:
    """Run every check concurrently (at most ``concurrency`` requests in flight); findings in input order."""
    base = parse_base_url(base_url)
    if concurrency < 1:
        raise ValueError("concurrency must be >= 1")
    gate = asyncio.Semaphore(concurrency)
    async with contextlib.AsyncExitStack() as stack:
        if client is None:
            limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
            client = await stack.enter_async_context(httpx.AsyncClient(limits=limits, verify=tls_context()))
        return list(await asyncio.gather(*(_run_check(client, c, base, gate, sleep) for c in checks)))


def run_health_checks(checks: Sequence[HealthCheck], base_url: str, **options: Any) -> list[Finding]:
    """Synchronous :func:`check_all` (same keywords), usable from plain code and inside a running event loop."""
    return run_sync(check_all(checks, base_url, **options))


async def _run_check(
    client: httpx.AsyncClient, check: HealthCheck, base: str, gate: asyncio.Semaphore, sleep: Sleep
) -> Finding:
    url = base + check.path
    started = time.perf_counter()
    total = check.retries + 1
    attempt_no = 0
    try:
        for attempt_no in range(1, total + 1):
            async with gate:  # released during backoff so waiting checks do not starve the others
                got = await attempt(client, check, url)
            if not got.retriable or attempt_no == total:
                break
            await sleep(check.backoff_s * 2 ** (attempt_no - 1))
        found = problems(check, got)
    except Exception as exc:  # one broken check must not take the others down
        got, found = Attempt(0.0), [f"unexpected error: {type(exc).__name__}: {exc}"]
    duration = time.perf_counter() - started
    tries = f"{attempt_no} attempt{'s' if attempt_no != 1 else ''}"
    head = f"{check.method} {mask_url(url)}"
    if not found:
        message = f"{head}: {got.status} in {got.latency_ms:.0f} ms ({tries})"
    else:
        message = f"{head}: {'; '.join(found)} (after {tries}, last took {got.latency_ms:.0f} ms)"
        if got.status is not None:
            message += f"; body: {excerpt(got.body, got.truncated)}"
    return Finding(
        id=f"health:{check.name}@{mask_url(base)}",
        kind="health",
        status="failed" if found else "passed",
        location=check.location,
        message=message,
        duration_s=round(duration, 4),
        check=check.name,
        subject=mask_url(base),
    )
