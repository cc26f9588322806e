"""Execute runbook steps in a sandbox and judge them: one Finding per step.

A runbook is the steps of one page, run in order in one sandbox (a later step sees what an earlier one
did). A failed step stops its runbook: the rest are reported as skipped, naming the step that failed,
since running them against a half-done state would only produce noise.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import regex

from opsdocs.errors import PageError
from opsdocs.report.finding import Finding, Location, Status
from opsdocs.steps._proc import ProcResult
from opsdocs.steps.classify import check_safety
from opsdocs.steps.masking import Masker
from opsdocs.steps.parse import Runbook, Step
from opsdocs.steps.sandbox import Sandbox

__all__ = ["executes", "run_runbook", "run_step", "judge", "TAIL_LINES"]

TAIL_LINES = 15
REGEX_TIMEOUT_S = 2.0  # a data-expect-re that backtracks (^(a+)+$) must not hang the run
_NO_TOKEN = ("remote-read step not run: CLOUDFLARE_API_TOKEN is not set "
             "(set a read-only token to run it against the real account)")


def run_runbook(runbook: Runbook, sandbox: Sandbox, *, masker: Masker, remote_enabled: bool,
                done: Sequence[ProcResult] = (), note: str = "",
                after_step: Callable[[int, ProcResult | None], None] | None = None) -> list[Finding]:
    """Every step of ``runbook`` in order; after a failure the remaining steps are skipped.

    ``done``: what the first steps gave when another page ran the very same ones from the same start
    (verify/_share.py); the sandbox already holds the state they left. They are judged by this page's own
    expectations, not run, and their findings say so (``note``). ``after_step(i, result)`` is called after
    the ``i``-th step that executes (see :func:`executes`) ran (``None``: refused), while nothing runs in
    the sandbox."""
    findings: list[Finding] = []
    failed: Step | None = None
    ran = 0  # steps that execute something (``done`` and ``after_step`` count only those)
    for step in runbook.steps:
        if failed is not None:
            findings.append(_finding(step, "skipped", f"previous step failed: {failed.location}"))
            continue
        if not executes(step, remote_enabled=remote_enabled):
            finding = _run(step, sandbox, masker=masker, remote_enabled=remote_enabled)[0]
        elif ran < len(done):
            finding, ran = _verdict(step, done[ran], masker, 0.0, note), ran + 1
        else:
            finding, result = _run(step, sandbox, masker=masker, remote_enabled=remote_enabled)
            if after_step is not None:
                after_step(ran, result)
            ran += 1
        findings.append(finding)
        if finding.status == "failed":
            failed = step
    return findings


def executes(step: Step, *, remote_enabled: bool) -> bool:
    """Whether the step runs anything: a ``never`` step does not, nor a ``remote-read`` one without a token."""
    return step.mode == "rehearse" or step.mode == "remote-read" and remote_enabled


def run_step(step: Step, sandbox: Sandbox, *, masker: Masker, remote_enabled: bool) -> Finding:
    """Run (or deliberately skip) one step; its Finding's message is already masked."""
    return _run(step, sandbox, masker=masker, remote_enabled=remote_enabled)[0]


def _run(step: Step, sandbox: Sandbox, *, masker: Masker, remote_enabled: bool) -> tuple[Finding, ProcResult | None]:
    if step.mode == "never":
        return _finding(step, "skipped", masker(f"never executed: {step.why or 'no reason given'}")), None
    if step.mode == "remote-read" and not remote_enabled:
        return _finding(step, "skipped", _NO_TOKEN), None
    try:
        check_safety(step, sandbox.project)
    except PageError as err:
        reason = err.message + (f"; {err.hint}" if err.hint else "")
        return _finding(step, "failed", masker(f"refused, not executed ({step.location}): {reason}")), None
    began = time.monotonic()
    result = sandbox.run(step.command, step.timeout_s, remote=step.mode == "remote-read", masker=masker)
    return _verdict(step, result, masker, time.monotonic() - began), result


def _verdict(step: Step, result: ProcResult, masker: Masker, duration: float, note: str = "") -> Finding:
    problem = judge(step, result)
    if problem is None:
        return _finding(step, "passed", note, duration)
    message = masker(f"{problem}\n{_tail(result.output)}")
    return _finding(step, "failed", f"{message}\n{note}" if note else message, duration)


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
