"""``opsdocs report merge A.json B.json ...``: join a CI matrix's shard reports into one report, one
JUnit file and (inside GitHub Actions) one set of annotations and one step summary."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("report", help="work with verify reports (merge the shards of a CI matrix)")
    reports = p.add_subparsers(dest="report_command", required=True, metavar="ACTION")
    m = reports.add_parser("merge", help="join shard reports (opsdocs verify --shard I/N) into one",
                           description="Join the reports of `opsdocs verify --shard I/N` jobs into one report.")
    m.add_argument("reports", nargs="+", type=Path, help="the shards' report.json files")
    m.add_argument("--report", type=Path, required=True, help="write the merged JSON report here")
    m.add_argument("--junit", type=Path, default=None, help="write the merged JUnit XML here")
    m.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from opsdocs.report.console import summary_line
    from opsdocs.report.github import emit_github
    from opsdocs.report.json import write_report
    from opsdocs.report.junit import write_junit
    from opsdocs.report._merge import merge_reports, read_all

    merged = merge_reports(read_all(args.reports), args.reports)
    write_report(merged, args.report)
    if args.junit:
        write_junit(merged, args.junit)
    emit_github(merged)
    print(summary_line(merged))
    return 1 if merged.summary.failed or merged.summary.total == 0 else 0
