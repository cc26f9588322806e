"""The shape of a workflow that pipeline-order reasons about: jobs upstream, quality gates, wrangler sites."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from opsdocs.drift._commands import WranglerCall, wrangler_calls
from opsdocs.project.model import Job, Project, Step, Workflow

_TESTS = re.compile(r"\b(?:pytest|make\s+test|npm\s+(?:run\s+)?test|vitest)\b")


@dataclass(frozen=True)
class Site:
    """One wrangler command: its job, its place in the workflow's run order, the step, the call."""

    job: Job
    order: int  # position among the workflow's wrangler commands (steps in order, commands in order)
    step: Step
    call: WranglerCall


def production_env(project: Project) -> str | None:
    """The wrangler environment production deploys to: ``env.production`` if there is one, else the top."""
    return "production" if "production" in project.wrangler.envs else None


def sites(workflow: Workflow, env: str | None) -> list[Site]:
    """Every wrangler command in the workflow that targets ``env``, in file order."""
    calls = [(job, step, call) for job in workflow.jobs.values() for step in job.steps
             for call in wrangler_calls(step)]
    return [Site(job, i, step, call) for i, (job, step, call) in enumerate(calls) if call.env == env]


def upstream(workflow: Workflow, job: Job) -> set[str]:
    """Ids of every job ``job`` waits for, through ``needs`` transitively (not the job itself)."""
    seen: set[str] = set()
    todo = list(job.needs)
    while todo:
        need = todo.pop()
        if need not in seen:
            seen.add(need)
            todo.extend(workflow.jobs[need].needs)
    return seen


def _runs_tests(job: Job) -> bool:
    return any(step.run and _TESTS.search(step.run) for step in job.steps)


def is_quality_gate(project: Project, job: Job) -> bool:
    """A job that runs the tests, or calls the quality workflow (by name, or one whose jobs run tests)."""
    if _runs_tests(job):
        return True
    if not job.uses:
        return False
    # "quality.yml@<sha>" has the stem "quality"; a remote call keeps its "@ref" in the name, so only a
    # local call (./.github/workflows/x.yml) can match one of this repository's workflows.
    called_file = PurePosixPath(job.uses).name
    if PurePosixPath(called_file).stem == "quality":
        return True
    called = project.workflow(called_file)
    return called is not None and any(_runs_tests(j) for j in called.jobs.values())
