"""Reports: JSON, JUnit XML, GitHub step summary and annotations, terminal output, status page.

Every report is a view of one list of :class:`Finding`; the JSON report is the record the other
views (status page, CI summary) are rendered from.
"""

from opsdocs.report.console import ConsoleReporter
from opsdocs.report.finding import Finding
from opsdocs.report.github import annotations, emit_github, step_summary
from opsdocs.report.json import (
    build_report,
    current_commit,
    mask,
    mask_findings,
    read_report,
    sort_findings,
    write_report,
)
from opsdocs.report.junit import write_junit
from opsdocs.report.status import render_status_markdown

__all__ = [
    "ConsoleReporter",
    "Finding",
    "annotations",
    "build_report",
    "current_commit",
    "emit_github",
    "mask",
    "mask_findings",
    "read_report",
    "render_status_markdown",
    "sort_findings",
    "step_summary",
    "write_junit",
    "write_report",
]
