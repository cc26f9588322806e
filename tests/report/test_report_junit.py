from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from datetime import datetime, timezone

from opsdocs.report import Finding, Report, write_junit
from opsdocs.project.model import Location


def _report(findings: list[Finding]) -> Report:
    return Report.build(findings, root="/srv/app", started_at=datetime(2026, 1, 1, tzinfo=timezone.utc), duration_s=0)


def _parse(path: Path) -> ET.Element:
    return ET.parse(path).getroot()


def test_one_suite_per_kind_with_counts(findings: list[Finding], tmp_path: Path) -> None:
    path = tmp_path / "out" / "junit.xml"
    write_junit(_report(findings), path)
    root = _parse(path)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == (
        "7",
        "2",
        "2",
        "0",
    )
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == [
        "opsdocs.drift",
        "opsdocs.health",
        "opsdocs.link",
        "opsdocs.runbook",
        "opsdocs.workflow",
    ]
    runbook = suites["opsdocs.runbook"]
    assert (runbook.get("tests"), runbook.get("failures"), runbook.get("skipped")) == ("3", "1", "1")
    assert runbook.get("time") == "1.550"
    assert [c.get("name") for c in runbook.findall("testcase")] == [
        "runbook:docs/migrations.md:42",
        "runbook:docs/rollback.md:10",
        "runbook:docs/migrations.md:50",
    ]
    assert [p.name for p in path.parent.iterdir()] == ["junit.xml"]


def test_testcase_attributes_failure_and_skipped(findings: list[Finding], tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    write_junit(_report(findings), path, name="docs")
    cases = {c.get("name"): c for c in _parse(path).iter("testcase")}
    failed = cases["runbook:docs/migrations.md:42"]
    assert failed.get("classname") == "runbook"
    assert (failed.get("file"), failed.get("line"), failed.get("time")) == (
        "docs/migrations.md",
        "42",
        "1.250",
    )
    failure = failed.find("failure")
    assert failure is not None
    assert failure.get("message") == "expected 'No migrations'"  # first line, as viewers show it
    assert failure.text == "expected 'No migrations'\ngot: Migration 0002_add.sql failed"
    skipped = cases["health:/healthz"].find("skipped")
    assert skipped is not None and skipped.get("message") == "no server"
    passed = cases["link:docs/index.md:3"]
    assert list(passed) == []
    nowhere = cases["workflow:actionlint"]
    assert nowhere.get("file") is None and nowhere.get("line") is None


def test_hostile_text_is_escaped_and_the_file_stays_valid_xml(tmp_path: Path) -> None:
    nasty = "a < b && c > \"d\" 'e' ]]> \x1b[31mred\x1b[0m \x00 \ud800 é"
    finding = Finding(f"drift:{nasty}", "drift", "failed", Location("we<ird>&path.md", 3), nasty)
    path = tmp_path / "junit.xml"
    write_junit(_report([finding]), path, name="a&b")
    root = _parse(path)  # would raise on an unescaped character
    case = root.find("testsuite/testcase")
    assert case is not None
    assert case.get("file") == "we<ird>&path.md" and case.get("line") == "3"
    failure = case.find("failure")
    assert failure is not None and failure.text is not None
    assert "a < b && c > \"d\" 'e' ]]>" in failure.text
    assert "\\x1b[31mred\\x1b[0m \\x00 \\ud800 é" in failure.text
    assert root.get("name") == "a&b"


def test_no_findings_is_an_empty_but_valid_report(tmp_path: Path) -> None:
    path = tmp_path / "junit.xml"
    write_junit(_report([]), path)
    root = _parse(path)
    assert root.get("tests") == "0" and root.findall("testsuite") == []
