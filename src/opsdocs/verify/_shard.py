"""``opsdocs verify --shard I/N``: this job's share of the runbook pages, for a CI matrix.

Pages are dealt longest first (each page's last recorded rehearsal time, from the rehearsal cache every
job restores; without one, its number of steps) to whichever shard has least so far, ties by page name:
every job computes the same split from the same inputs, and the shards finish close together. Everything
that is not a page's rehearsal (static wrangler checks, drift, audits, health, the site and its links)
runs in shard 1 only, so the shards' reports together hold each check exactly once; shard 1 starts with
their recorded time, so it takes that much less of the pages. A shard reuses the
cache but never writes it (the default-branch run that saves the cache is unsharded or its own job).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import pytest

from opsdocs.errors import ConfigError
from opsdocs.report.model import ShardInfo
from opsdocs.verify._session import SESSION_KEY

__all__ = ["Shard", "ShardPlugin", "assign", "parse_shard", "plan_digest"]


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    total: int


def parse_shard(text: str) -> Shard:
    """``I/N`` with 1 <= I <= N; ConfigError (one line) otherwise."""
    left, _, right = text.partition("/")
    if left.isdigit() and right.isdigit() and 1 <= int(left) <= int(right):
        return Shard(int(left), int(right))
    raise ConfigError(f"--shard {text!r} is not I/N with 1 <= I <= N", hint="pass e.g. --shard 2/4")


def assign(weights: dict[str, float], total: int, *, first: float = 0.0) -> dict[str, int]:
    """page -> shard (1-based): longest first onto the least loaded shard (LPT), deterministic. Shard 1
    starts with ``first`` (the global checks it alone runs), so it gets fewer pages."""
    load = [first] + [0.0] * (total - 1)
    out: dict[str, int] = {}
    for page in sorted(weights, key=lambda p: (-weights[p], p)):
        target = min(range(total), key=lambda i: (load[i], i))
        load[target] += weights[page]
        out[page] = target + 1
    return out


def plan_digest(pages: dict[str, int], total: int) -> str:
    """Names the whole split: the same in every job that dealt the same pages to the same shards."""
    text = json.dumps([total, sorted(pages.items())], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _weights(ctx: Any) -> tuple[dict[str, float], float]:
    """Each page's weight, and shard 1's head start: recorded seconds when the cache has a time for every
    page and for the global checks; else each page's step count and no head start (units must not mix)."""
    from opsdocs.verify._cache import cache_of

    cache = cache_of(ctx)
    timed = {rb.page: cache.duration(rb.page) for rb in ctx.runbooks} if cache is not None else {}
    first = cache.global_duration() if cache is not None else None
    if timed and first is not None and all(t is not None for t in timed.values()):
        return {page: float(t) for page, t in timed.items() if t is not None}, first
    return {rb.page: float(len(rb.steps)) for rb in ctx.runbooks}, 0.0


class ShardPlugin:
    """Deselects, at collection, every check that belongs to another shard."""

    def __init__(self, ctx: Any, shard: Shard) -> None:
        from opsdocs.verify._cache import cache_of

        self.ctx = ctx
        self.shard = shard
        cache = cache_of(ctx)
        if cache is not None:  # shards run one after another locally: the first must not move the split
            cache.record = False

    def owner(self, resources: tuple[str, ...], pages: dict[str, int]) -> int:
        page = next((r.removeprefix("runbook:") for r in resources if r.startswith("runbook:")), None)
        return pages.get(page, 1) if page is not None else 1

    def pytest_collection_modifyitems(self, config: pytest.Config, items: list[pytest.Item]) -> None:
        weights, first = _weights(self.ctx)
        pages = assign(weights, self.shard.total, first=first)
        session = config.stash.get(SESSION_KEY, None)
        if session is not None:  # the report's header says which shard of which split this is
            session.shard = ShardInfo(self.shard.index, self.shard.total, plan_digest(pages, self.shard.total))
        keep: list[pytest.Item] = []
        drop: list[pytest.Item] = []
        for item in items:
            check = getattr(item, "check", None)
            resources = tuple(check.resources) if check is not None else ()
            (keep if self.owner(resources, pages) == self.shard.index else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep
