"""The typed report: built once from the run's findings, read by every view (JSON, JUnit, GitHub, terminal,
status page) through its fields. It becomes a dict only at the moment JSON is written (:meth:`Report.to_json`)
and is parsed back from one (:meth:`Report.from_json`) when an earlier report is read."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from opsdocs.report.finding import Finding, Status

__all__ = ["REPORT_VERSION", "STATUS_ORDER", "Header", "Report", "ShardInfo", "Summary", "sort_findings"]

REPORT_VERSION = 1
STATUS_ORDER: dict[str, int] = {"failed": 0, "skipped": 1, "passed": 2}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Failed first, then skipped, then passed; the original order within each group."""
    return sorted(findings, key=lambda f: STATUS_ORDER[f.status])


def _seconds(value: float) -> float:
    return round(max(value, 0.0), 3)


@dataclass(frozen=True)
class Summary:
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.skipped

    @classmethod
    def of(cls, findings: Iterable[Finding]) -> Summary:
        counts: dict[Status, int] = {"passed": 0, "failed": 0, "skipped": 0}
        for f in findings:
            counts[f.status] += 1
        return cls(counts["passed"], counts["failed"], counts["skipped"])

    def to_json(self) -> dict[str, int]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class ShardInfo:
    """Which part of a CI matrix a report is: shard ``index`` of ``total``, and ``plan``, a digest of the
    whole split (every page and its shard). ``opsdocs report merge`` needs every index of one plan: shards
    that split the pages differently (their jobs restored different rehearsal caches) could leave a page
    in no report at all."""

    index: int  # 1-based
    total: int
    plan: str

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "total": self.total, "plan": self.plan}

    @property
    def label(self) -> str:
        return f"{self.index}/{self.total}"


@dataclass(frozen=True)
class Header:
    """What was run, where and when: everything in the report except the results."""

    root: str
    started_at: str  # ISO 8601, always UTC (readers need no guess)
    duration_s: float
    commit: str | None = None  # git HEAD of the root; None outside git
    isolation: str | None = None  # how rehearsals were isolated (bubblewrap VERSION, or none and why)
    interrupted: bool = False  # stopped by a signal: the findings are what finished before it
    version: int = REPORT_VERSION
    shard: ShardInfo | None = None  # set by `opsdocs verify --shard I/N`; None for a whole run

    @property
    def started(self) -> datetime:
        return datetime.fromisoformat(self.started_at)


@dataclass(frozen=True)
class Report:
    """One run's results, failed first. Texts are already masked by the run's Masker."""

    header: Header
    findings: tuple[Finding, ...] = ()

    @property
    def summary(self) -> Summary:
        return Summary.of(self.findings)

    @classmethod
    def build(
        cls,
        findings: Iterable[Finding],
        *,
        root: Path | str,
        started_at: datetime,
        duration_s: float,
        commit: str | None = None,
        isolation: str | None = None,
        interrupted: bool = False,
        shard: ShardInfo | None = None,
    ) -> Report:
        """The report of ``findings`` (which the caller has masked), ordered and with rounded timings."""
        # A naive datetime is taken as local time; the report always says UTC.
        stamp = started_at.astimezone(timezone.utc).isoformat(timespec="seconds")
        header = Header(str(root), stamp, _seconds(duration_s), commit, isolation, interrupted, shard=shard)
        ordered = (dataclasses.replace(f, duration_s=_seconds(f.duration_s)) for f in sort_findings(findings))
        return cls(header, tuple(ordered))

    def to_json(self) -> dict[str, Any]:
        """The report as JSON data (schema in ``report/schema.json``)."""
        h = self.header
        data: dict[str, Any] = {"version": h.version, "root": h.root, "started_at": h.started_at,
                                "duration_s": h.duration_s, "commit": h.commit}
        if h.isolation is not None:
            data["isolation"] = h.isolation
        if h.interrupted:
            data["interrupted"] = True
        if h.shard is not None:
            data["shard"] = h.shard.to_json()
        data["summary"] = self.summary.to_json()
        data["checks"] = [f.to_json() for f in self.findings]
        return data

    @classmethod
    def from_json(cls, data: Any) -> Report:
        """The report in ``data`` (as :meth:`to_json` wrote it); ValueError naming the first problem."""
        from opsdocs.report._schema import report_schema, validate

        errors = validate(data, report_schema()) or _summary_mismatch(data)
        if errors:
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise ValueError(f"{errors[0]}{more}")
        header = Header(data["root"], data["started_at"], data["duration_s"], data["commit"],
                        data.get("isolation"), bool(data.get("interrupted", False)), data["version"],
                        _shard(data.get("shard")))
        return cls(header, tuple(Finding.from_json(c) for c in data["checks"]))


def _shard(data: Mapping[str, Any] | None) -> ShardInfo | None:
    if data is None:
        return None
    return ShardInfo(int(data["index"]), int(data["total"]), str(data["plan"]))


def _summary_mismatch(data: Mapping[str, Any]) -> list[str]:
    for status, count in data["summary"].items():
        actual = sum(c["status"] == status for c in data["checks"])
        if actual != count:
            return [f"/summary/{status}: says {count} but {actual} checks are {status}"]
    return []
