"""``opsdocs report merge``: the shard reports of one run joined into one report.

The header is the first report's (root, commit, isolation), started at the earliest shard and lasting
as long as the slowest; interrupted if any shard was. Every check appears once: shards never overlap
(verify/_shard.py), and a check id seen twice is refused rather than silently counted twice.

A merge is refused unless it holds every shard of one split exactly once (each report's header says
``shard: {index, total, plan}``). A missing shard would otherwise give a green report that lacks its
pages, and shards that dealt the pages differently (jobs that restored different rehearsal caches) could
each leave some page out: both are failures of the run that must not read as a pass.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from opsdocs.errors import ConfigError
from opsdocs.report.model import Report, sort_findings

__all__ = ["merge_reports", "read_all"]


def read_all(paths: Sequence[Path]) -> list[Report]:
    from opsdocs.report.json import read_report

    reports = []
    for path in paths:
        report = read_report(path)
        if report is None:
            raise ConfigError("no such report", path=path, hint="pass the report.json each shard wrote")
        reports.append(report)
    return reports


def merge_reports(reports: Sequence[Report], paths: Sequence[Path] = ()) -> Report:
    if not reports:
        raise ConfigError("nothing to merge", hint="pass the shard reports: opsdocs report merge A.json B.json")
    first = reports[0].header
    for i, r in enumerate(reports[1:], 1):
        if (r.header.root, r.header.commit) != (first.root, first.commit):
            where = paths[i] if i < len(paths) else None
            raise ConfigError(f"this report is of another run ({r.header.commit} of {r.header.root}, "
                              f"not {first.commit} of {first.root})", path=where,
                              hint="merge only the shards of one commit")
    if len(reports) > 1 or reports[0].header.shard is not None:
        _check_shards(reports, paths)
    seen: set[str] = set()
    findings = []
    for i, r in enumerate(reports):
        for f in r.findings:
            if f.id in seen:
                raise ConfigError(f"check {f.id} is in two reports", path=paths[i] if i < len(paths) else None,
                                  hint="merge each shard's report once")
            seen.add(f.id)
            findings.append(f)
    start = min(reports, key=lambda r: r.header.started).header
    header = dataclasses.replace(first, started_at=start.started_at, isolation=_isolation(reports),
                                 duration_s=max(r.header.duration_s for r in reports),
                                 interrupted=any(r.header.interrupted for r in reports), shard=None)
    return Report(header, tuple(sort_findings(findings)))


def _isolation(reports: Sequence[Report]) -> str | None:
    """The shards' isolation when they agree; else each shard's, so a job that ran without the kernel
    sandbox is not hidden behind the first report's 'bubblewrap'."""
    kinds = {r.header.isolation for r in reports}
    if len(kinds) == 1:
        return reports[0].header.isolation
    parts = [f"shard {r.header.shard.label if r.header.shard else '?'}: {r.header.isolation or 'not recorded'}"
             for r in sorted(reports, key=lambda r: r.header.shard.index if r.header.shard else 0)]
    return "mixed: " + "; ".join(parts)


def _check_shards(reports: Sequence[Report], paths: Sequence[Path]) -> None:
    """Every shard of one split, each once; ConfigError (one line, naming the report) otherwise."""
    def where(i: int) -> Path | None:
        return paths[i] if i < len(paths) else None

    first = None
    given: dict[int, int] = {}  # shard index -> position in reports
    for i, r in enumerate(reports):
        shard = r.header.shard
        if shard is None:
            raise ConfigError("this report is not a shard's (it was written without --shard)", path=where(i),
                              hint="merge only the reports of `opsdocs verify --shard I/N` jobs")
        if first is None:
            first = shard
        elif (shard.total, shard.plan) != (first.total, first.plan):
            what = f"of {shard.total} shards, not {first.total}" if shard.total != first.total else \
                "dealt the pages differently from the first report (its job restored another rehearsal cache)"
            raise ConfigError(f"shard {shard.label} {what}", path=where(i),
                              hint="run every shard of the matrix from the same commit and the same cache")
        if shard.index in given:
            raise ConfigError(f"shard {shard.label} is given twice", path=where(i),
                              hint="merge each shard's report once")
        given[shard.index] = i
    assert first is not None
    missing = [f"{n}/{first.total}" for n in range(1, first.total + 1) if n not in given]
    if missing:
        raise ConfigError(f"shard {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} missing: "
                          "their pages would be in no report", path=where(0),
                          hint="pass the report of every shard (a failed job still writes one)")
