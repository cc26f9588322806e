"""``opsdocs report merge``: the shard reports of one run joined into one report.

The header is the first report's (root, commit, isolation), started at the earliest shard and lasting
as long as the slowest; interrupted if any shard was. Every check appears once: shards never overlap
(verify/_shard.py), and a check id seen twice is refused rather than silently counted twice.
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
    header = dataclasses.replace(first, started_at=start.started_at,
                                 duration_s=max(r.header.duration_s for r in reports),
                                 interrupted=any(r.header.interrupted for r in reports))
    return Report(header, tuple(sort_findings(findings)))
