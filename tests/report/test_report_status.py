from __future__ import annotations

import xml.etree.ElementTree as ET
import dataclasses

import markdown  # type: ignore[import-untyped]

from opsdocs.report import Report, render_status_markdown


def _html(text: str) -> ET.Element:
    """Render as the site does (admonition + tables) and parse the result as XML to inspect it."""
    body = markdown.markdown(text, extensions=["admonition", "tables"])
    return ET.fromstring(f"<root>{body}</root>".replace("<br>", "<br/>"))  # HTML void tag -> XML


def test_no_report_yet_says_how_to_make_one() -> None:
    text = render_status_markdown(None)
    assert text.startswith('!!! warning "No report yet"')
    root = _html(text)
    admonition = root.find("div")
    assert admonition is not None and admonition.get("class") == "admonition warning"
    assert "opsdocs verify" in "".join(admonition.itertext())


def test_a_failing_report_renders_a_failure_headline_and_a_table_failures_first(
    report: Report,
) -> None:
    report = dataclasses.replace(report, findings=report.findings[::-1])  # the page orders them itself
    text = render_status_markdown(report)
    root = _html(text)
    admonition = root.find("div")
    assert admonition is not None and admonition.get("class") == "admonition failure"
    headline = "".join(admonition.itertext())
    assert "2 of 7 checks failed" in headline
    assert "2026-05-01 12:30 UTC" in headline and "0123456789ab" in headline and "2.3s" in headline
    rows = root.findall("table/tbody/tr")
    assert len(rows) == 7
    assert all(len(r.findall("td")) == 4 for r in rows)
    states = ["".join(r.findall("td")[0].itertext()) for r in rows]
    assert states == ["❌ failed"] * 2 + ["⏭️ skipped"] * 2 + ["✅ passed"] * 3
    cells = {"".join(r.findall("td")[1].itertext()): r.findall("td") for r in rows}
    msg = cells["drift:undocumented-secret:FOO"][3]
    assert "".join(msg.itertext()) == "secret FOO | used but not documented"
    multi = cells["runbook:docs/migrations.md:42"][3]
    assert multi.find("br") is not None
    assert "".join(multi.itertext()) == "expected 'No migrations'got: Migration 0002_add.sql failed"


def test_messages_cannot_inject_html_or_markdown(report: Report) -> None:
    evil = "<script>alert(1)</script> *bold* [link](http://x) `code` a\\b"
    report = dataclasses.replace(report, findings=(dataclasses.replace(report.findings[0], message=evil),
                                                   *report.findings[1:]))
    root = _html(render_status_markdown(report))
    first = root.findall("table/tbody/tr")[0].findall("td")[3]
    assert list(first) == []  # no element at all: no script, em, a or code
    assert "".join(first.itertext()) == "<script>alert(1)</script> *bold* [link](http://x) `code` a\\b"


def test_all_passed_is_a_success_and_all_skipped_is_a_warning(report: Report) -> None:
    passed = tuple(f for f in report.findings if f.status == "passed")
    ok = dataclasses.replace(report, findings=passed)
    assert render_status_markdown(ok).startswith('!!! success "All 3 checks that ran passed"')
    idle = dataclasses.replace(report, findings=tuple(dataclasses.replace(f, status="skipped") for f in passed))
    assert render_status_markdown(idle).startswith('!!! warning "All 3 checks were skipped"')
    empty = Report(dataclasses.replace(report.header, commit=None))
    text = render_status_markdown(empty)
    assert text.startswith('!!! warning "No check ran"') and "outside git" in text and "<table" not in text
