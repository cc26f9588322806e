"""GitHub Actions: workflow-command annotations on the diff, and a Markdown job summary."""

# No `from __future__ import annotations`: it would bind the name this module exports as a function.
import os
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TextIO

from opsdocs._markdown import cell, code_cell, table
from opsdocs.report.finding import Finding
from opsdocs.report.model import Report, Summary

__all__ = ["annotations", "emit_github", "escape_data", "escape_property", "step_summary"]

_ICON = {"failed": "❌", "skipped": "⏭️", "passed": "✅"}


def escape_data(text: str) -> str:
    """Escape a workflow-command message as @actions/core does (``%``, CR, LF)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow-command property value: as data, plus ``:`` and ``,`` which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(findings: Iterable[Finding]) -> list[str]:
    """``::error`` for each failed finding, ``::notice`` for each skipped one; passed ones say nothing.

    Skipped is a notice, not a warning: a skip is expected (no token for a read-only remote step, say)
    and a warning on every run would teach people to ignore warnings.
    """
    lines = []
    for f in findings:
        if f.status == "passed":
            continue
        command = "error" if f.status == "failed" else "notice"
        props = []
        if f.location:
            props += [f"file={escape_property(f.location.path)}", f"line={f.location.line}",
                      f"col={f.location.col}"]
        props.append(f"title={escape_property(f'opsdocs {f.kind}: {f.id}')}")
        text = (f.message or f.status) + (f" (see {f.help})" if f.help else "")
        lines.append(f"::{command} {','.join(props)}::{escape_data(text)}")
    return lines


def _headline(summary: Summary) -> str:
    failed, passed, skipped = summary.failed, summary.passed, summary.skipped
    icon = "❌" if failed else "✅"
    return f"## {icon} opsdocs: {passed} passed, {failed} failed, {skipped} skipped"


def _row(f: Finding, *, with_status: bool) -> tuple[str, ...]:
    cells = (code_cell(f.id), code_cell(f.where), cell(f.message))
    if with_status:
        return (f"{_ICON[f.status]} {f.status}", *cells)
    return cells


def step_summary(report: Report) -> str:
    """The job summary: a headline with counts, failures in a table, every other check collapsed."""
    failed = [f for f in report.findings if f.status == "failed"]
    rest = [f for f in report.findings if f.status != "failed"]
    commit = report.header.commit
    ran = f"Ran at {report.header.started_at}" + (f" on `{commit[:12]}`" if commit else "")
    parts = [_headline(report.summary), "", f"{ran} in {report.header.duration_s:.1f}s.", ""]
    if failed:
        parts += [
            "### Failures",
            "",
            table(("Check", "Location", "Message"), [_row(c, with_status=False) for c in failed]),
            "",
        ]
    if rest:
        rows = [_row(c, with_status=True) for c in rest]
        parts += [
            "<details>",
            f"<summary>{len(rest)} other check{'s' if len(rest) != 1 else ''}</summary>",
            "",
            table(("Status", "Check", "Location", "Message"), rows),
            "",
            "</details>",
            "",
        ]
    return "\n".join(parts)


def emit_github(
    report: Report,
    env: Mapping[str, str] = os.environ,
    stream: TextIO = sys.stdout,
) -> bool:
    """Inside GitHub Actions, print annotations and append the summary; True when it did anything."""
    if env.get("GITHUB_ACTIONS") != "true":
        return False
    for line in annotations(report.findings):
        print(line, file=stream)
    stream.flush()
    summary_path = env.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        # Append: earlier steps of the job may have written their own part of the summary.
        with Path(summary_path).open("a", encoding="utf-8") as fh:
            fh.write(step_summary(report) + "\n")
    return True
