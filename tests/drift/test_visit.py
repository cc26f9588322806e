"""The one workflow walker: every level in file order, each rule sees only what it declares."""

from __future__ import annotations

import re
from pathlib import Path

from drift_helpers import Build

from opsdocs.drift._visit import WorkflowAudit, walk_workflows
from opsdocs.drift.registry import RULES, run_rules
from opsdocs.report.finding import Finding

WORKFLOW = """\
name: {name}
on: push
jobs:
  first:
    runs-on: ubuntu-latest
    steps:
      - run: echo a
      - run: echo b
  second:
    runs-on: ubuntu-latest
    steps:
      - run: echo c
"""


class _Recorder(WorkflowAudit):
    id, title, doc = "recorder", "r", "r"

    def __init__(self) -> None:
        self.seen: list[str] = []

    def visit_workflow(self, project, workflow):  # type: ignore[no-untyped-def]
        self.seen.append(f"wf {workflow.relpath}")
        return ()

    def visit_job(self, project, workflow, job):  # type: ignore[no-untyped-def]
        self.seen.append(f"job {job.id}")
        return ()

    def visit_step(self, project, workflow, job, step):  # type: ignore[no-untyped-def]
        self.seen.append(f"step {step.run}")
        return [Finding(f"drift:recorder:{step.location}", "drift", "failed", step.location, "x",
                        check="recorder")]

    def finish(self, project):  # type: ignore[no-untyped-def]
        self.seen.append("finish")
        return ()


def test_the_walker_visits_workflows_jobs_and_steps_in_file_order(build: Build) -> None:
    project = build({".github/workflows/a.yml": WORKFLOW.format(name="a"),
                     ".github/workflows/b.yml": WORKFLOW.format(name="b")})
    audit = _Recorder()
    found = walk_workflows(project, [audit])
    per_file = ["job first", "step echo a", "step echo b", "job second", "step echo c"]
    assert audit.seen == ["wf .github/workflows/a.yml", *per_file, "wf .github/workflows/b.yml", *per_file,
                          "finish"]
    assert [f.location.line for f in found if f.location] == [7, 8, 12, 7, 8, 12]
    # the registry's runner (what verify calls) runs an audit through the same walk
    assert run_rules(project, [], rules=(audit,)) == found


def test_no_rule_walks_the_workflows_itself() -> None:
    """Rules that look at workflows are WorkflowAudits; the nested loops live only in the walker."""
    src = Path(__file__).resolve().parents[2] / "src" / "opsdocs" / "drift"
    loops = re.compile(r"for \w+ in \w+\.jobs\.values\(\)|for \w+ in \w+\.steps\b")
    assert [p.name for p in sorted(src.glob("*.py")) if p.name != "_visit.py" and loops.search(p.read_text())] == []
    assert {r.id for r in RULES if isinstance(r, WorkflowAudit)} >= {"job-hygiene", "unpinned-action", "runtimes"}
