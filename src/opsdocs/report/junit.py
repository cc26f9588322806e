"""JUnit XML: the format CI test viewers (GitHub test reporters, GitLab, Jenkins) already read."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from opsdocs._fs import atomic_write_text
from opsdocs.report.finding import Finding
from opsdocs.report.model import Report

__all__ = ["junit_xml", "write_junit"]

# XML 1.0 cannot carry these at all, not even as character references: ANSI colour codes from a tool's
# output would make the whole file unparseable, so they are shown as escapes (\x1b) instead.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(text: str) -> str:
    return _ILLEGAL_XML.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode(), text)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _seconds(findings: Iterable[Finding]) -> str:
    return f"{sum(f.duration_s for f in findings):.3f}"


def _testcase(parent: ET.Element, finding: Finding) -> None:
    case = ET.SubElement(
        parent, "testcase", name=_clean(finding.id), classname=finding.kind, time=f"{finding.duration_s:.3f}"
    )
    if finding.location:
        case.set("file", _clean(finding.location.path))
        case.set("line", str(finding.location.line))
    if finding.status == "failed":
        failure = ET.SubElement(case, "failure", message=_clean(_first_line(finding.message)), type="failed")
        failure.text = _clean(finding.message)
    elif finding.status == "skipped":
        ET.SubElement(case, "skipped", message=_clean(finding.message))


def junit_xml(findings: Iterable[Finding], *, name: str = "opsdocs") -> str:
    """The JUnit XML document: one ``<testsuite>`` per kind (sorted), cases in the given order."""
    items = list(findings)
    by_kind: dict[str, list[Finding]] = {}
    for f in items:
        by_kind.setdefault(f.kind, []).append(f)
    root = ET.Element("testsuites", {"name": _clean(name), "time": _seconds(items), **_counts(items)})
    for kind in sorted(by_kind):
        cases = by_kind[kind]
        attrs = {"name": f"{_clean(name)}.{kind}", "time": _seconds(cases), **_counts(cases)}
        suite = ET.SubElement(root, "testsuite", attrs)
        for f in cases:
            _testcase(suite, f)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _counts(findings: list[Finding]) -> dict[str, str]:
    return {
        "tests": str(len(findings)),
        "failures": str(sum(f.status == "failed" for f in findings)),
        "errors": "0",
        "skipped": str(sum(f.status == "skipped" for f in findings)),
    }


def write_junit(report: Report, path: Path, *, name: str = "opsdocs") -> None:
    """Write the report's :func:`junit_xml` to ``path`` atomically."""
    atomic_write_text(Path(path), junit_xml(report.findings, name=name))
