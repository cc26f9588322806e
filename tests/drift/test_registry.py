"""The registry: one documented rule per module named after its id, and run_rules' contract."""

from __future__ import annotations

from dataclasses import replace

import importlib
import re
from collections.abc import Sequence

import pytest
from drift_helpers import Build, secret_docs

from opsdocs.drift import RULES, rule, run_rules
from opsdocs.errors import OpsdocsError
from opsdocs.project.model import Location, Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage

EXPECTED = ["undocumented-secret", "unused-secret-doc", "undescribed-environment", "env-missing-bindings",
            "pipeline-order", "migrations-dir", "drizzle-journal", "remote-sql-traps", "literal-config-value",
            "nav-coverage", "unpinned-action", "job-hygiene", "workflow-database", "claim-source", "quoted-output",
            "rollback-readiness", "todo-marker", "runtimes"]


def test_every_rule_is_registered_once_in_report_order() -> None:
    assert [r.id for r in RULES] == EXPECTED


@pytest.mark.parametrize("r", RULES, ids=lambda r: r.id)
def test_each_rule_lives_in_the_module_named_after_its_id_and_is_documented(r: object) -> None:
    rule_id: str = r.id  # type: ignore[attr-defined]
    assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule_id)
    module = importlib.import_module(f"opsdocs.drift.{rule_id.replace('-', '_')}")
    assert type(r).__module__ == module.__name__
    title, doc = r.title, r.doc  # type: ignore[attr-defined]
    assert title and "\n" not in title and len(title) < 100
    assert len(doc) > 200 and "\n\n" not in doc and "fix" in doc.lower()  # one paragraph that says how to fix


def test_rule_by_id() -> None:
    assert rule("pipeline-order") is RULES[4]
    with pytest.raises(OpsdocsError) as err:
        rule("pipeline")
    assert str(err.value) == f"unknown drift rule 'pipeline'; use one of: {', '.join(EXPECTED)}"


class _Fixed:
    """A rule with a fixed answer, to pin run_rules' contract without depending on the real rules."""

    def __init__(self, rule_id: str, found: list[Finding]) -> None:
        self.id, self.title, self.doc, self.found = rule_id, f"{rule_id} title", "doc", found
        self.seen: list[tuple[Project, Sequence[RenderedPage]]] = []

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        self.seen.append((project, pages))
        return self.found


def test_run_rules_passes_quiet_rules_and_keeps_every_failure_in_order(build: Build) -> None:
    project = build()
    bad = [Finding("drift:b:x", "drift", "failed", Location("a.yml", 1), "x", check="b", subject="x"),
           Finding("drift:b:y", "drift", "failed", None, "y", check="b", subject="y")]
    a, b, c = _Fixed("a", []), _Fixed("b", bad), _Fixed("c", [])
    pages = [RenderedPage("docs/x.md", project.root / "docs/x.md", "s", "t")]
    assert [replace(f, duration_s=0.0) for f in run_rules(project, pages, rules=(a, b, c))] == [
        Finding("drift:a", "drift", "passed", None, "a title", check="a"), *bad,
        Finding("drift:c", "drift", "passed", None, "c title", check="c")]
    assert a.seen == [(project, pages)] and c.seen == [(project, pages)]


def test_run_rules_defaults_to_every_registered_rule(build: Build) -> None:
    ci = "name: ci\non: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{ secrets.K }}\n"
    project = build({".github/workflows/ci.yml": ci, "checks/secrets.yml": secret_docs("K")})
    findings = [replace(f, duration_s=0.0) for f in run_rules(project, [])]
    assert {f.check for f in findings} == set(EXPECTED)
    assert Finding("drift:undocumented-secret", "drift", "passed", None, RULES[0].title, check=RULES[0].id) in findings
    assert all(f.kind == "drift" for f in findings)
    assert "drift:pipeline-order:no-deploy" in [f.id for f in findings]
