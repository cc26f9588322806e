"""Reports: JSON, JUnit XML, GitHub step summary and annotations, terminal output, status page.

Every report is a view of one typed :class:`Report` (a header and a list of :class:`Finding`), built
once per run; it becomes a dict only when JSON is written, and is parsed back into a Report when read. The names below load on first use, so importing a
finding (every check does) never imports ``rich`` or the XML writer.
"""

# No `from __future__ import annotations`: it would bind the name `annotations` exported below.
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the same names, eagerly, for type checkers
    from opsdocs.report.console import ConsoleReporter
    from opsdocs.report.finding import Finding, Location
    from opsdocs.report.github import annotations, emit_github, step_summary
    from opsdocs.report.json import (
        build_report,
        current_commit,
        mask_findings,
        read_report,
        sort_findings,
        write_report,
    )
    from opsdocs.report.junit import write_junit
    from opsdocs.report.model import Header, Report, Summary
    from opsdocs.report.status import render_status_markdown

_HOME = {
    "ConsoleReporter": "console",
    "Finding": "finding",
    "Location": "finding",
    "annotations": "github",
    "emit_github": "github",
    "step_summary": "github",
    "build_report": "json",
    "current_commit": "json",
    "mask_findings": "json",
    "read_report": "json",
    "sort_findings": "model",
    "write_report": "json",
    "write_junit": "junit",
    "render_status_markdown": "status",
    "Header": "model",
    "Report": "model",
    "Summary": "model",
}

__all__ = [
    "ConsoleReporter",
    "Finding",
    "Header",
    "Location",
    "Report",
    "Summary",
    "annotations",
    "build_report",
    "current_commit",
    "emit_github",
    "mask_findings",
    "read_report",
    "render_status_markdown",
    "sort_findings",
    "step_summary",
    "write_junit",
    "write_report",
]


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'opsdocs.report' has no attribute {name!r}")
    return getattr(import_module(f"opsdocs.report.{_HOME[name]}"), name)
