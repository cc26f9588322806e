"""``opsdocs verify --shard I/N``: this job's share of the runbook pages, for a CI matrix.

Pages are dealt longest first (each page's last recorded rehearsal time, from the rehearsal cache every
job restores; without one, its number of steps) to whichever shard has least so far, ties by page name:
every job computes the same split from the same inputs, and the shards finish close together. Everything
that is not a page's rehearsal (static wrangler checks, drift, audits, health, the site and its links)
runs in shard 1 only, so the shards' reports together hold each check exactly once. A shard reuses the
cache but never writes it (the default-branch run that saves the cache is unsharded or its own job).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from opsdocs.errors import ConfigError

__all__ = ["Shard", "ShardPlugin", "assign", "parse_shard"]


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


def assign(weights: dict[str, float], total: int) -> dict[str, int]:
    """page -> shard (1-based): longest first onto the least loaded shard (LPT), deterministic."""
    load = [0.0] * total
    out: dict[str, int] = {}
    for page in sorted(weights, key=lambda p: (-weights[p], p)):
        target = min(range(total), key=lambda i: (load[i], i))
        load[target] += weights[page]
        out[page] = target + 1
    return out


def _weights(ctx: Any) -> dict[str, float]:
    from opsdocs.verify._cache import cache_of

    cache = cache_of(ctx)
    out = {}
    for rb in ctx.runbooks:
        recorded = cache.duration(rb.page) if cache is not None else None
        out[rb.page] = recorded if recorded is not None else float(len(rb.steps))
    # Mixed units (seconds vs steps) would skew the split: without a time for every page, count steps.
    if any(cache is None or cache.duration(rb.page) is None for rb in ctx.runbooks):
        out = {rb.page: float(len(rb.steps)) for rb in ctx.runbooks}
    return out


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
        pages = assign(_weights(self.ctx), self.shard.total)
        keep: list[pytest.Item] = []
        drop: list[pytest.Item] = []
        for item in items:
            check = getattr(item, "check", None)
            resources = tuple(check.resources) if check is not None else ()
            (keep if self.owner(resources, pages) == self.shard.index else drop).append(item)
        if drop:
            config.hook.pytest_deselected(items=drop)
            items[:] = keep
