"""`opsdocs report merge` on typed reports: what the merged header says, and what it refuses."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from opsdocs.errors import ConfigError
from opsdocs.report._merge import merge_reports
from opsdocs.report.finding import Finding, Location
from opsdocs.report.model import Report, ShardInfo


def _shard(index: int, total: int = 2, *, plan: str = "0123456789abcdef", isolation: str | None = "bubblewrap 0.8.0",
           commit: str = "c1") -> Report:
    finding = Finding(f"runbook:p{index}.md:1", "runbook", "passed", Location(f"p{index}.md", 1, 1), "ok")
    return Report.build([finding], root="/r", started_at=datetime(2026, 12, 2, 10, index, tzinfo=timezone.utc),
                        duration_s=float(index), commit=commit, isolation=isolation,
                        shard=ShardInfo(index, total, plan))


def test_the_merged_header_is_the_whole_run() -> None:
    merged = merge_reports([_shard(2), _shard(1)])
    assert merged.header.shard is None and merged.header.isolation == "bubblewrap 0.8.0"
    assert merged.header.started_at == "2026-12-02T10:01:00+00:00" and merged.header.duration_s == 2.0
    assert [f.id for f in merged.findings] == ["runbook:p2.md:1", "runbook:p1.md:1"]
    assert Report.from_json(merged.to_json()) == merged and "shard" not in merged.to_json()


def test_a_shard_without_the_kernel_sandbox_is_not_hidden() -> None:
    merged = merge_reports([_shard(1), _shard(2, isolation="none (bwrap not found)")])
    assert merged.header.isolation == "mixed: shard 1/2: bubblewrap 0.8.0; shard 2/2: none (bwrap not found)"


@pytest.mark.parametrize(("reports", "message"), [
    ([_shard(1), _shard(2, total=3)], "shard 2/3 of 3 shards, not 2"),
    ([_shard(1), _shard(2, plan="fedcba9876543210")], "dealt the pages differently"),
    ([_shard(1), _shard(2, commit="c2")], "this report is of another run"),
    ([_shard(1, total=3), _shard(3, total=3)], "shard 2/3 is missing"),
    ([_shard(1, total=4)], "shard 2/4, 3/4, 4/4 are missing"),
])
def test_what_merge_refuses(reports: list[Report], message: str) -> None:
    paths = [Path(f"s{i}.json") for i in range(len(reports))]
    with pytest.raises(ConfigError, match=message) as info:
        merge_reports(reports, paths)
    assert info.value.path is not None


def test_a_whole_report_among_shards_is_refused() -> None:
    whole = Report.build([], root="/r", started_at=datetime(2026, 12, 2, tzinfo=timezone.utc), duration_s=1.0,
                         commit="c1")
    with pytest.raises(ConfigError, match="not a shard's"):
        merge_reports([_shard(1), whole])
    assert merge_reports([whole]).header == whole.header  # one whole report alone: merged as it is
