from __future__ import annotations

import io
import os
import pty
import re
import select
import dataclasses

from opsdocs.report import ConsoleReporter, Finding, Report

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _run(reporter: ConsoleReporter, findings: list[Finding], report: Report) -> None:
    reporter.start(len(findings))
    for f in findings:
        reporter.advance(f)
    reporter.finish(report)


def test_plain_output_when_the_stream_is_not_a_tty(findings: list[Finding], report: Report) -> None:
    out = io.StringIO()
    reporter = ConsoleReporter(stream=out)
    assert reporter.plain
    _run(reporter, findings, report)
    assert out.getvalue() == (
        ".FsF.s.\n"
        "FAILED docs/migrations.md:42 runbook:docs/migrations.md:42: expected 'No migrations'\n"
        "    got: Migration 0002_add.sql failed\n"
        "FAILED .github/workflows/deploy.yml:19 drift:undocumented-secret:FOO: secret FOO | used but not documented\n"
        "SKIPPED checks/health.yml:7 health:/healthz: no server\n"
        "SKIPPED docs/rollback.md:10 runbook:docs/rollback.md:10: remote_read\n"
        "3 passed, 2 failed, 2 skipped in 2.3s\n"
    )


def test_plain_lists_failures_first_even_from_an_unsorted_report(report: Report) -> None:
    report = dataclasses.replace(report, findings=report.findings[::-1])
    out = io.StringIO()
    ConsoleReporter(stream=out, force_plain=True).finish(report)
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines[:-1] if not line.startswith(" ")] == [
        "FAILED",
        "FAILED",
        "SKIPPED",
        "SKIPPED",
    ]
    assert lines[-1] == "3 passed, 2 failed, 2 skipped in 2.3s"


def test_forced_rich_output_is_coloured_and_says_the_same(
    findings: list[Finding], report: Report
) -> None:
    out = io.StringIO()
    reporter = ConsoleReporter(stream=out, force_plain=False)
    _run(reporter, findings, report)
    raw = out.getvalue()
    assert _ANSI.search(raw)  # colour and cursor control
    text = " ".join(_ANSI.sub("", raw).split())  # rich wraps at the console width
    assert "3 passed, 2 failed, 2 skipped in 2.3s" in text
    assert text.index("drift:undocumented-secret:FOO") < text.index("health:/healthz")
    assert "secret FOO | used but not documented" in text  # not eaten as rich markup
    assert "[bold]" not in text


def test_rich_does_not_interpret_markup_in_messages(report: Report) -> None:
    first = dataclasses.replace(report.findings[0], message="got [red]x[/red] and [link=http://e]y[/link]")
    report = dataclasses.replace(report, findings=(first, *report.findings[1:]))
    out = io.StringIO()
    ConsoleReporter(stream=out, force_plain=False).finish(report)
    text = " ".join(_ANSI.sub("", out.getvalue()).split())
    assert "got [red]x[/red] and [link=http://e]y[/link]" in text


def test_a_real_tty_gets_the_rich_reporter(report: Report) -> None:
    master, slave = pty.openpty()
    try:
        with os.fdopen(slave, "w", encoding="utf-8", closefd=True) as stream:
            reporter = ConsoleReporter(stream=stream)
            assert not reporter.plain
            reporter.finish(report)
        chunks = []
        while select.select([master], [], [], 0.5)[0]:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO once the slave side is closed and drained
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    raw = b"".join(chunks).decode("utf-8", "replace")
    assert _ANSI.search(raw)
    assert "3 passed, 2 failed, 2 skipped in 2.3s" in _ANSI.sub("", raw)
