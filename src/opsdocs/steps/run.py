"""Execute runbook steps in a sandbox and judge them: one Finding per step.

A runbook is the steps of one page, run in order in one sandbox (a later step sees what an earlier one
did). A failed step stops its runbook: the rest are reported as skipped, naming the step that failed,
since running them against a half-done state would only produce noise.
"""

from __future__ import annotations

import time

import regex

from opsdocs.errors import PageError
from opsdocs.report.finding import Finding, Location, Status
from opsdocs.steps._proc import ProcResult
from opsdocs.steps.classify import check_safety
from opsdocs.steps.masking import Masker
from opsdocs.steps.parse import Runbook, Step
from opsdocs.steps.sandbox import Sandbox

__all__ = ["run_runbook", "run_step", "judge", "TAIL_LINES"]

TAIL_LINES = 15
REGEX_TIMEOUT_S = 2.0  # a data-expect-re that backtracks (^(a+)+$) must not hang the run
_NO_TOKEN = ("remote-read step not run: CLOUDFLARE_API_TOKEN is not set "
             "(set a read-only token to run it against the real account)")


def run_runbook(runbook: Runbook, sandbox: Sandbox, *, masker: Masker, remote_enabled: bool) -> list[Finding]:
    """Every step of ``runbook`` in order; after a failure the remaining steps are skipped."""
    findings: list[Finding] = []
    failed: Step | None = None
    for step in runbook.steps:
        if failed is not None:
            findings.append(_finding(step, "skipped", f"previous step failed: {failed.location}"))
            continue
        finding = run_step(step, sandbox, masker=masker, remote_enabled=remote_enabled)
        findings.append(finding)
        if finding.status == "failed":
            failed = step
    return findings


def run_step(step: Step, sandbox: Sandbox, *, masker: Masker, remote_enabled: bool) -> Finding:
    """Run (or deliberately skip) one step; its Finding's message is already masked."""
    if step.mode == "never":
        return _finding(step, "skipped", masker(f"never executed: {step.why or 'no reason given'}"))
    if step.mode == "remote-read" and not remote_enabled:
        return _finding(step, "skipped", _NO_TOKEN)
    try:
        check_safety(step, sandbox.project)
    except PageError as err:
        reason = err.message + (f"; {err.hint}" if err.hint else "")
        return _finding(step, "failed", masker(f"refused, not executed ({step.location}): {reason}"))
    began = time.monotonic()
    result = sandbox.run(step.command, step.timeout_s, remote=step.mode == "remote-read", masker=masker)
    problem = judge(step, result)
    duration = time.monotonic() - began
    if problem is None:
        return _finding(step, "passed", "", duration)
    return _finding(step, "failed", masker(f"{problem}\n{_tail(result.output)}"), duration)


def judge(step: Step, result: ProcResult) -> str | None:
    """What went wrong, in one line (expected vs got), or None when the step held."""
    if result.timed_out:
        return f"timed out after {step.timeout_s:g} s (data-timeout); the step and its children were killed"
    if result.exit_code != step.exit_code:
        got = f"killed by signal {-result.exit_code}" if result.exit_code < 0 else f"exit code {result.exit_code}"
        return f"expected exit code {step.exit_code}, got {got}"
    if step.expect is not None and step.expect not in result.output:
        return f"expected the output to contain {step.expect!r} (data-expect); it does not"
    if step.expect_re is not None:
        try:
            found = regex.search(step.expect_re, result.output, regex.MULTILINE, timeout=REGEX_TIMEOUT_S)
        except TimeoutError:
            return (f"data-expect-re /{step.expect_re}/ did not finish within {REGEX_TIMEOUT_S:g} s on this output "
                    "(nested repetition such as (a+)+ backtracks without end); write a simpler pattern")
        except regex.error as exc:
            return f"data-expect-re /{step.expect_re}/ is not a valid pattern: {exc}"
        if found is None:
            return f"expected the output to match /{step.expect_re}/ (data-expect-re); it does not"
    return None


def _tail(output: str) -> str:
    lines = [line.rstrip() for line in output.strip("\n").splitlines()]
    lines = [line for line in lines if line.strip()]
    if not lines:
        return "(no output)"
    shown = lines[-TAIL_LINES:]
    head = f"last {len(shown)} of {len(lines)} output lines:" if len(lines) > len(shown) else "output:"
    return "\n".join([head, *("  " + line for line in shown)])


def _finding(step: Step, status: Status, message: str, duration_s: float = 0.0) -> Finding:
    return Finding(id=step.id, kind="runbook", status=status, location=Location(step.page, step.line),
                   message=message, duration_s=round(duration_s, 3), check=step.page, subject=str(step.line))
