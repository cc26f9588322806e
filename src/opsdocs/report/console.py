"""Terminal output: a progress bar and a coloured summary on a TTY, plain greppable lines elsewhere."""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.text import Text

from opsdocs.report.finding import Finding
from opsdocs.report.model import Report, sort_findings

__all__ = ["ConsoleReporter", "summary_line"]

_MARK = {"passed": ".", "failed": "F", "skipped": "s"}
_STYLE = {"failed": "bold red", "skipped": "yellow", "passed": "green"}


def summary_line(report: Report) -> str:
    """``N passed, M failed, K skipped in X.Xs``."""
    s = report.summary
    return f"{s.passed} passed, {s.failed} failed, {s.skipped} skipped in {report.header.duration_s:.1f}s"


def _where(f: Finding) -> str:
    return f"{f.where} {f.id}" if f.location else f.id


class ConsoleReporter:
    """Shows checks as they finish, then the outcome, failures first.

    ``force_plain=None`` decides from the stream: plain unless it is a TTY. Plain output is what CI logs
    and ``grep`` want: one ``FAILED path:line id: message`` line per failure and a final count.
    """

    def __init__(self, stream: TextIO | None = None, force_plain: bool | None = None) -> None:
        self.stream: TextIO = stream if stream is not None else sys.stderr
        self.plain = force_plain if force_plain is not None else not _isatty(self.stream)
        self._console = Console(file=self.stream, force_terminal=not self.plain, highlight=False)
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._marks = 0
        self._failed = 0

    def start(self, total: int) -> None:
        """Begin showing progress over ``total`` checks."""
        if self.plain:
            return
        self._progress = Progress(
            TextColumn("[bold]opsdocs"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed", style="red"),
            TimeElapsedColumn(),
            console=self._console,
            transient=True,  # the bar gives way to the summary, not to a frozen copy of itself
        )
        self._task = self._progress.add_task("checks", total=total, failed=0)
        self._progress.start()

    def advance(self, finding: Finding) -> None:
        """One check finished."""
        if self._progress is not None and self._task is not None:
            self._failed += finding.status == "failed"
            self._progress.update(self._task, advance=1, failed=self._failed)
            if finding.status == "failed":
                self._progress.console.print(
                    Text.assemble(("FAILED ", "bold red"), finding.where or finding.id)
                )
        elif self.plain:
            self.stream.write(_MARK[finding.status])
            self.stream.flush()
            self._marks += 1

    def finish(self, report: Report) -> None:
        """Stop the progress display and print the summary: failures, then skips, then the counts."""
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        checks = sort_findings(report.findings)
        if self.plain:
            self._finish_plain(report, checks)
        else:
            self._finish_rich(report, checks)

    def _finish_plain(self, report: Report, checks: list[Finding]) -> None:
        out = []
        if self._marks:
            out.append("")  # end the line of progress marks
            self._marks = 0
        for f in checks:
            if f.status != "passed":
                head, *tail = (f.message or f.status).splitlines() or [""]
                out.append(f"{f.status.upper()} {_where(f)}: {head}")
                out += [f"    {line}" for line in tail]
                if f.help:
                    out.append(f"    see {f.help}")
        out.append(summary_line(report))
        self.stream.write("\n".join(out) + "\n")
        self.stream.flush()

    def _finish_rich(self, report: Report, checks: list[Finding]) -> None:
        for f in checks:
            if f.status == "passed":
                continue
            line = Text.assemble(
                (f"{f.status.upper():<8}", _STYLE[f.status]),
                (f.where + " " if f.location else "", "cyan"),
                (f.id, "bold"),
                ": ",
                f.message or f.status,
            )
            self._console.print(line)
        failed = report.summary.failed
        style = "bold red" if failed else "bold green"
        self._console.rule(Text(summary_line(report), style=style), style=style)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real file
        return False
