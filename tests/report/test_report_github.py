import dataclasses
import io
import re
from pathlib import Path

from opsdocs.report import Finding, Report, annotations, emit_github, step_summary
from opsdocs.project.model import Location
from opsdocs.report.github import escape_data, escape_property


def _unescape(text: str) -> str:
    """What the runner does to a workflow-command value (the inverse of @actions/core's escaping)."""
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def _parse(line: str) -> tuple[str, dict[str, str], str]:
    """Split ``::cmd k=v,k=v::message`` the way the runner does: on the first ``::`` after the command."""
    assert line.startswith("::")
    head, message = line[2:].split("::", 1)
    command, _, props = head.partition(" ")
    pairs = dict(p.split("=", 1) for p in props.split(",")) if props else {}
    return command, {k: _unescape(v) for k, v in pairs.items()}, _unescape(message)


def test_escaping_follows_the_actions_toolkit() -> None:
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext%3A a%2Cb"
    assert escape_data("%0A") == "%250A"  # an already-escaped-looking value survives unchanged


def test_failed_is_an_error_skipped_a_notice_passed_nothing(findings: list[Finding]) -> None:
    lines = annotations(findings)
    assert [_parse(line)[0] for line in lines] == ["error", "notice", "error", "notice"]
    command, props, message = _parse(lines[0])
    assert props == {
        "file": "docs/migrations.md",
        "line": "42",
        "col": "1",
        "title": "opsdocs runbook: runbook:docs/migrations.md:42",
    }
    assert message == "expected 'No migrations'\ngot: Migration 0002_add.sql failed"
    assert "\n" not in lines[0]


def test_hostile_values_cannot_forge_properties_or_lines() -> None:
    f = Finding("drift:a,line=99::x", "drift", "failed", Location("dir,line=7/we:ird.md", 3), "50% bad\n::error::forged")
    (line,) = annotations([f])
    assert "\n" not in line
    command, props, message = _parse(line)
    assert command == "error"
    assert props == {
        "file": "dir,line=7/we:ird.md",
        "line": "3",
        "col": "1",
        "title": "opsdocs drift: drift:a,line=99::x",
    }
    assert message == "50% bad\n::error::forged"


def test_column_and_the_rules_reference_section_come_from_the_fields() -> None:
    f = Finding("drift:rule-x:FOO", "drift", "failed", Location("a:b.yml", 7, 12), "bad", check="rule-x",
                subject="FOO")
    command, props, message = _parse(annotations([f])[0])
    assert (props["file"], props["line"], props["col"]) == ("a:b.yml", "7", "12")  # a colon in the path is kept
    assert message == "bad (see reference/drift-rules.md#rule-x)"


def test_a_finding_without_location_has_no_file_property() -> None:
    (line,) = annotations([Finding("workflow:x", "workflow", "skipped", None, "")])
    assert _parse(line) == ("notice", {"title": "opsdocs workflow: workflow:x"}, "skipped")


def _rows(markdown: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("| ")]


def _cells(row: str) -> int:
    return len(re.split(r"(?<!\\)\|", row)) - 2  # unescaped pipes delimit cells


def test_step_summary_headline_failures_table_then_collapsed_rest(report: Report) -> None:
    text = step_summary(report)
    assert text.splitlines()[0] == "## ❌ opsdocs: 3 passed, 2 failed, 2 skipped"
    assert "`0123456789ab`" in text and "2.3s" in text
    failures, rest = text.split("<details>")
    assert [_cells(r) for r in _rows(failures)] == [3, 3, 3]
    assert "`docs/migrations.md:42`" in failures and "`.github/workflows/deploy.yml:19`" in failures
    assert "secret FOO \\| used but not documented" in failures
    assert "expected 'No migrations'<br>got: Migration 0002\\_add.sql failed" in failures
    assert "link:docs/index.md:3" not in failures
    assert "<summary>5 other checks</summary>" in rest
    assert [_cells(r) for r in _rows(rest)] == [4] * 6
    assert rest.index("health:/healthz") < rest.index("link:docs/index.md:3")
    assert "</details>" in rest


def test_step_summary_all_green(findings: list[Finding], report: Report) -> None:
    report = dataclasses.replace(report, findings=tuple(f for f in report.findings if f.status == "passed"))
    text = step_summary(report)
    assert text.startswith("## ✅ opsdocs: 3 passed, 0 failed, 0 skipped")
    assert "### Failures" not in text and "<summary>3 other checks</summary>" in text


def test_emit_github_inside_actions_prints_annotations_and_appends_summary(
    report: Report, findings: list[Finding], tmp_path: Path
) -> None:
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    out = io.StringIO()
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    assert emit_github(report, env=env, stream=out) is True
    assert out.getvalue().splitlines() == annotations(report.findings)
    assert sorted(annotations(report.findings)) == sorted(annotations(findings))
    written = summary.read_text(encoding="utf-8")
    assert written.startswith("earlier step\n## ❌ opsdocs:")
    assert written == "earlier step\n" + step_summary(report) + "\n"


def test_emit_github_outside_actions_does_nothing(
    report: Report, findings: list[Finding], tmp_path: Path
) -> None:
    summary = tmp_path / "step_summary.md"
    out = io.StringIO()
    for env in ({}, {"GITHUB_ACTIONS": "false", "GITHUB_STEP_SUMMARY": str(summary)}):
        assert emit_github(report, env=env, stream=out) is False
    assert out.getvalue() == "" and not summary.exists()


def test_emit_github_without_summary_file_still_annotates(
    report: Report, findings: list[Finding]
) -> None:
    out = io.StringIO()
    assert emit_github(report, env={"GITHUB_ACTIONS": "true"}, stream=out)
    assert len(out.getvalue().splitlines()) == 4
