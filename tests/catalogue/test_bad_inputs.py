"""The catalogue of bad inputs: each one gets ONE clear line, a non-zero exit, no traceback, and leaves no
temporary file or process behind.

Every case breaks a fresh copy of the shipped project (or site) in its own way, runs the real CLI as a
subprocess in a new session with an empty TMPDIR, and checks the line: ``opsdocs: path:line:col: message;
hint`` for an input error (exit 2), or the one ``FAILED path:line ...`` / ``FAIL name: ... [path:line]``
line of a check that ran and did not hold (exit 1). Fast selections (``verify -m drift``, ``-m static``,
one ``-k`` step) stand in for full runs.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import pytest
from catalogue_config import CONFIG_CASES, Case, Run
from catalogue_helpers import run_cli
from catalogue_runtime import RUNTIME_CASES

pytestmark = pytest.mark.slow

CASES: list[Case] = [*CONFIG_CASES, *RUNTIME_CASES]


def test_the_catalogue_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


LEAKY = """
import os, subprocess, tempfile
tempfile.mkdtemp(prefix="half-written-")
# a child in a session of its own (as wrangler's are): killpg of the run's group does not reach it
subprocess.Popen(["sleep", "30"], start_new_session=True, env={**os.environ, "TMPDIR": tempfile.gettempdir() + "/x"})
subprocess.Popen(["sleep", "30"])  # and one left in the run's own group
"""


def test_a_leaked_process_or_temp_dir_is_seen(tmp_path: Path) -> None:
    """The catalogue's own checks can fail: a run that leaves a directory and processes behind is caught."""
    got = run_cli([], cwd=tmp_path, tmpdir=tmp_path / "tmpdir", code=LEAKY)
    assert got.code == 0
    assert got.tmp_left and got.tmp_left[0].startswith("half-written-")
    assert sum("sleep 30" in s for s in got.survivors) == 2, got.survivors


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_one_clear_line(case: Case, tmp_path: Path) -> None:
    with ExitStack() as stack:
        run = case.build(tmp_path / "case", stack)
        got = run_cli(run.argv, cwd=run.cwd or tmp_path, tmpdir=tmp_path / "tmpdir", env=run.env,
                      timeout=run.timeout)
    shown = f"exit {got.code}\n--- stdout\n{got.stdout}--- stderr\n{got.stderr}"
    assert got.code != 0, shown
    assert "Traceback" not in got.output, shown
    assert got.tmp_left == [], f"left in TMPDIR: {got.tmp_left}\n{shown}"
    assert got.survivors == [], f"still running: {got.survivors}\n{shown}"
    if run.kind == "error":
        _assert_error_line(run, got.stdout, got.stderr, got.code, shown)
    elif run.kind == "finding":
        _assert_finding_line(run, got.stderr, got.code, shown)
    else:
        _assert_health_line(run, got.stdout, got.code, shown)


def _assert_error_line(run: Run, stdout: str, stderr: str, code: int, shown: str) -> None:
    """Exactly one line, ``opsdocs: <where>:... message; hint``, exit 2."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code == 2 and stdout == "" and len(lines) == 1, shown
    line = lines[0]
    assert line.startswith("opsdocs: "), shown
    if run.where is not None:
        assert line.startswith(f"opsdocs: {run.where}:"), f"expected it at {run.where}\n{shown}"
    assert run.word in line, shown
    hint = line.rpartition("; ")[2]
    assert "; " in line and len(hint.split()) >= 2, f"no hint\n{shown}"


def _assert_finding_line(run: Run, stderr: str, code: int, shown: str) -> None:
    """A check that ran and failed: exactly one ``FAILED <where> <id>: message; hint`` line, exit 1."""
    failed = [line for line in stderr.splitlines() if line.startswith("FAILED ")]
    assert code == 1 and len(failed) == 1, shown
    assert failed[0].startswith(f"FAILED {run.where} "), f"expected it at {run.where}\n{shown}"
    assert run.word in failed[0] and "; " in failed[0], shown


def _assert_health_line(run: Run, stdout: str, code: int, shown: str) -> None:
    """A health check that ran and failed: its one ``FAIL`` line says what came back and where it is declared."""
    failed = [line for line in stdout.splitlines() if line.startswith("FAIL ")]
    assert code == 1 and len(failed) == 1, shown
    assert run.word in failed[0] and failed[0].endswith(f"[{run.where}]"), shown
