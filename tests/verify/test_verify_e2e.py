"""`opsdocs verify` for real: the shipped repo passes, a broken migration fails naming its file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opsdocs.report._schema import report_schema, validate

from verify_helpers import run_opsdocs, wait_no_workerd

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shipped_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict, str, Path, list[int]]:
    out = tmp_path_factory.mktemp("verify")
    tmpdir = out / "tmp"
    tmpdir.mkdir()
    proc = run_opsdocs("verify", "--plain", "--report", str(out / "report.json"), "--junit", str(out / "junit.xml"),
                       env={"TMPDIR": str(tmpdir)})
    leftover = wait_no_workerd(tmpdir)
    report = json.loads((out / "report.json").read_text())
    return proc.returncode, report, proc.stdout + proc.stderr, out, leftover


def test_the_shipped_repo_verifies(shipped_run: tuple[int, dict, str, Path, list[int]]) -> None:
    code, report, output, _, _ = shipped_run
    failed = [c for c in report["checks"] if c["status"] == "failed"]
    assert code == 0, "\n".join(f"{c['location']} {c['id']}: {c['message']}" for c in failed) or output
    assert report["summary"]["failed"] == 0


def test_report_matches_the_schema(shipped_run: tuple[int, dict, str, Path, list[int]]) -> None:
    _, report, _, _, _ = shipped_run
    assert validate(report, report_schema()) == []
    assert report["version"] == 1
    kinds = {c["kind"] for c in report["checks"]}
    assert kinds == {"runbook", "health", "drift", "link", "workflow"}
    assert report["summary"]["passed"] == sum(c["status"] == "passed" for c in report["checks"])


def test_at_least_ten_rehearsed_steps_and_local_health_pass(
        shipped_run: tuple[int, dict, str, Path, list[int]]) -> None:
    _, report, _, _, _ = shipped_run
    rehearsed = [c for c in report["checks"] if c["id"].startswith("runbook:") and c["status"] == "passed"]
    assert len(rehearsed) >= 10
    local = [c for c in report["checks"] if c["id"].endswith("@local")]
    assert local and all(c["status"] == "passed" for c in local), local
    deployed = [c for c in report["checks"] if c["id"].endswith("@deployed")]
    assert deployed and all(c["status"] == "skipped" and "--base-url" in c["message"] for c in deployed)


def test_never_steps_are_listed_but_not_run(shipped_run: tuple[int, dict, str, Path, list[int]]) -> None:
    _, report, _, _, _ = shipped_run
    never = [c for c in report["checks"] if c["message"].startswith("never executed")]
    assert never and all(c["status"] == "skipped" for c in never)


def test_junit_has_a_case_per_check(shipped_run: tuple[int, dict, str, Path, list[int]]) -> None:
    import xml.etree.ElementTree as ET

    _, report, _, out, _ = shipped_run
    cases = ET.parse(out / "junit.xml").getroot().iter("testcase")
    assert len(list(cases)) == len(report["checks"])


def test_no_workerd_survives(shipped_run: tuple[int, dict, str, Path, list[int]]) -> None:
    *_, leftover = shipped_run
    assert leftover == []


def test_a_broken_migration_fails_naming_the_file(project_copy: Path, tmp_path: Path) -> None:
    (project_copy / "migrations" / "0099_broken.sql").write_text("CREATE TABLE half_written (\n")
    proc = run_opsdocs("verify", "--plain", "--root", str(project_copy), "-k", "migrations-fresh or health",
                       "--report", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text())
    failed = [c for c in report["checks"] if c["status"] == "failed"]
    assert proc.returncode == 1
    assert any("0099_broken.sql" in c["message"] for c in failed), failed
    assert "0099_broken.sql" in proc.stdout + proc.stderr
