"""Check external (http/https) URLs: concurrent, HEAD then GET, retries, 429 as "ask again later".

Verdicts: 2xx/3xx ok; 404/410, and connection errors or 5xx that outlast the retries, broken; 429 after
the retries (or with a Retry-After beyond the limit) and other 4xx (401/403: robots refused) skipped,
because neither says the page is gone.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import httpx

from opsdocs._aio import run_sync
from opsdocs.links import _cache

_BACKOFF_S = 0.5  # first retry delay without a Retry-After; doubles per retry
_MAX_RETRY_AFTER_S = 30.0  # a longer Retry-After is not waited for: the URL is skipped
_USER_AGENT = "opsdocs-link-check (+https://github.com/)"
_SECRET_PARAM = re.compile(r"(?i)token|key|secret|sig|password|passwd|auth|credential")


@dataclass(frozen=True)
class UrlResult:
    status: Literal["ok", "broken", "skipped"]
    code: int | None  # last HTTP status, None for a connection error
    message: str
    duration_s: float = 0.0
    cached: bool = False


def check_urls(
    urls: list[str],
    *,
    concurrency: int,
    timeout_s: float,
    retries: int,
    cache_path: Path | None,
    cache_max_age_s: float,
) -> dict[str, UrlResult]:
    """Results by URL, from the cache when fresh; the cache is updated with the new definite answers."""
    cached = _cache.load(cache_path, cache_max_age_s)
    results: dict[str, UrlResult] = {}
    todo: list[str] = []
    for url in urls:
        entry = cached.get(_key(url))
        if entry is not None:
            results[url] = UrlResult(
                entry["status"], entry.get("code"), str(entry.get("message", "")), 0.0, True
            )
        else:
            todo.append(url)
    if todo:
        results.update(run_sync(_check_all(todo, concurrency, timeout_s, retries)))
        now = time.time()
        for url in todo:
            r = results[url]
            cached[_key(url)] = {
                "url": redact(url),
                "status": r.status,
                "code": r.code,
                "message": r.message,
                "checked_at": now,
            }
        _cache.save(cache_path, cached)
    return results


def redact(url: str) -> str:
    """The URL with a password and secret-looking query values masked, for messages and the cache."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        netloc = f"{userinfo.split(':', 1)[0]}:***@{host}" if ":" in userinfo else f"***@{host}"
    query = "&".join(
        f"{name}=***" if _SECRET_PARAM.search(name) else f"{name}={value}" if sep else name
        for name, sep, value in (item.partition("=") for item in parts.query.split("&") if item)
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def _key(url: str) -> str:
    # Hashed so a token in a URL never lands in the cache file in clear.
    return hashlib.sha256(url.encode()).hexdigest()


async def _check_all(
    urls: list[str], concurrency: int, timeout_s: float, retries: int
) -> dict[str, UrlResult]:
    limit = asyncio.Semaphore(max(1, concurrency))
    limits = httpx.Limits(max_connections=max(1, concurrency), max_keepalive_connections=max(1, concurrency))
    async with httpx.AsyncClient(
        timeout=timeout_s, follow_redirects=False, limits=limits, headers={"User-Agent": _USER_AGENT}
    ) as client:
        found = await asyncio.gather(*(_check_one(client, limit, url, retries) for url in urls))
    return dict(zip(urls, found, strict=True))


async def _check_one(
    client: httpx.AsyncClient, limit: asyncio.Semaphore, url: str, retries: int
) -> UrlResult:
    start = time.perf_counter()

    def done(status: Literal["ok", "broken", "skipped"], code: int | None, message: str) -> UrlResult:
        return UrlResult(status, code, message, time.perf_counter() - start)

    for attempt in range(retries + 1):
        last = attempt == retries
        try:
            async with limit:  # held for the request only, never while backing off
                code, headers = await _head_then_get(client, url)
        except httpx.InvalidURL as exc:
            return done("broken", None, f"invalid URL ({exc})")
        except httpx.HTTPError as exc:
            if last:
                return done("broken", None, f"{type(exc).__name__}: {exc or 'no response'}"[:200])
            await asyncio.sleep(_BACKOFF_S * 2**attempt)
            continue
        if code < 400:
            return done("ok", code, f"HTTP {code}")
        if code in (404, 410):
            return done("broken", code, f"HTTP {code}")
        if code == 429:
            wait = _retry_after(headers.get("retry-after"))
            if wait is not None and wait > _MAX_RETRY_AFTER_S:
                return done("skipped", code, f"rate-limited (HTTP 429, Retry-After {wait:.0f}s); not checked")
            if last:
                return done(
                    "skipped", code, f"rate-limited (HTTP 429) after {retries + 1} attempts; not checked"
                )
            await asyncio.sleep(_BACKOFF_S * 2**attempt if wait is None else wait)
            continue
        if code >= 500:
            if last:
                return done("broken", code, f"HTTP {code} after {retries + 1} attempts")
            await asyncio.sleep(_BACKOFF_S * 2**attempt)
            continue
        return done("skipped", code, f"HTTP {code}: the server refused the check; not known to be broken")
    raise AssertionError("unreachable")  # pragma: no cover - the last attempt always returns


async def _head_then_get(client: httpx.AsyncClient, url: str) -> tuple[int, httpx.Headers]:
    """HEAD is cheap, but many servers answer it wrongly (403/404/405): ask again with GET, body unread."""
    try:
        head = await client.head(url)
        if head.status_code < 400 or head.status_code == 429:
            return head.status_code, head.headers
    except httpx.RemoteProtocolError:
        pass  # some servers drop HEAD requests; GET decides
    async with client.stream("GET", url) as response:
        return response.status_code, response.headers


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
