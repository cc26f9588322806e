"""The site's status page: the last report, rendered as Markdown for MkDocs Material.

The macros call :func:`render_status_markdown` with ``read_report(root / ".opsdocs/report.json")``;
this module never reads files, so the page shows exactly the report it was given.
"""

from __future__ import annotations

from datetime import datetime, timezone

from opsdocs._markdown import cell, code_cell, table
from opsdocs.report.model import Report, Summary, sort_findings

__all__ = ["render_status_markdown"]

_STATE = {"failed": "❌ failed", "skipped": "⏭️ skipped", "passed": "✅ passed"}


def _indent(text: str) -> str:
    """Admonition bodies are the lines indented by four spaces."""
    return "\n".join(f"    {line}" if line else "" for line in text.splitlines())


def _when(started_at: str) -> str:
    try:
        moment = datetime.fromisoformat(started_at).astimezone(timezone.utc)
    except ValueError:
        return cell(started_at)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _headline(summary: Summary) -> tuple[str, str]:
    total = summary.total
    if summary.failed:
        return "failure", f"{summary.failed} of {total} checks failed"
    if not summary.passed:
        return "warning", "No check ran" if not total else f"All {total} checks were skipped"
    return "success", f"All {summary.passed} checks that ran passed"


def _no_report() -> str:
    body = (
        "Nothing has checked these docs against reality yet. Run `opsdocs verify` (or `make verify`): it\n"
        "rehearses the runbooks, runs the health and drift checks and writes `.opsdocs/report.json`,\n"
        "which this page shows on the next build."
    )
    return f'!!! warning "No report yet"\n\n{_indent(body)}\n'


def render_status_markdown(report: Report | None) -> str:
    """Headline admonition (when, which commit, counts) and a table of every check, failures first."""
    if report is None:
        return _no_report()
    summary, header = report.summary, report.header
    kind, title = _headline(summary)
    against = f"commit `{header.commit[:12]}`" if header.commit else "a checkout outside git"
    body = (
        f"Checked on {_when(header.started_at)} against {against} in {header.duration_s:.1f}s: "
        f"**{summary.passed}** passed, **{summary.failed}** failed, **{summary.skipped}** skipped."
    )
    parts = [f'!!! {kind} "{title}"', "", _indent(body), ""]
    checks = sort_findings(report.findings)
    if checks:
        rows = [(_STATE[f.status], code_cell(f.id), code_cell(f.where), cell(f.message)) for f in checks]
        parts += [table(("State", "Check", "Location", "Message"), rows), ""]
    return "\n".join(parts)
