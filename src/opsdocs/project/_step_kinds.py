"""What a step or job is for, read from what it runs (never from its name alone): tests, a check of the live
deployment; and which jobs wait for which. :mod:`opsdocs.project.pipeline` re-exports these."""

from __future__ import annotations

import re

from opsdocs.project._calls import ActionCall, CommandCall, ScriptCall
from opsdocs.project._step_calls import StepCalls
from opsdocs.project.model import Job, Workflow

__all__ = ["downstream", "is_verification", "runs_tests", "upstream"]

_TESTS = re.compile(r"^(?:test|tests|lint|check|typecheck|ci|verify|validate)(?:[:_-].*)?$|\btest\b")
_TEST_PROGRAMS = {"pytest", "vitest", "jest", "tox", "mocha", "playwright", "eslint", "biome", "tsc", "ruff"}
_HEALTH_SCRIPT = re.compile(r"health|smoke|verify|e2e|ping|probe|status", re.I)
_HEALTH_ACTION = re.compile(r"health|smoke|uptime|url-check|check-url", re.I)
_HTTP_PROGRAMS = {"curl", "wget", "http", "https", "xh"}


def upstream(workflow: Workflow, job: Job) -> list[Job]:
    """Every job ``job`` waits for through ``needs``, nearest first (not the job itself)."""
    seen: list[Job] = []
    todo = list(job.needs)
    while todo:
        other = workflow.jobs.get(todo.pop(0))
        if other is not None and other not in seen:
            seen.append(other)
            todo.extend(other.needs)
    return seen


def downstream(workflow: Workflow, job: Job) -> list[Job]:
    return [j for j in workflow.jobs.values() if job in upstream(workflow, j)]


def runs_tests(steps: list[StepCalls]) -> bool:
    for site in steps:
        for call in site.all():
            if isinstance(call, ScriptCall) and _TESTS.search(call.name):
                return True
            if isinstance(call, CommandCall) and (call.program in _TEST_PROGRAMS or call.words[:2] in (
                    ("make", "test"), ("make", "check"), ("go", "test"), ("cargo", "test"))):
                return True
    return False


def is_verification(site: StepCalls) -> bool:
    """A step that checks the live deployment: an HTTP probe, ``opsdocs health``, a health/smoke script."""
    for call in site.all():
        if isinstance(call, CommandCall) and (call.program in _HTTP_PROGRAMS or call.words[:2] == ("opsdocs", "health")
                                              or (call.program == "opsdocs" and "health" in call.words[1:2])):
            return True
        if isinstance(call, ScriptCall) and _HEALTH_SCRIPT.search(call.name):
            return True
        if isinstance(call, ActionCall) and _HEALTH_ACTION.search(call.action):
            return True
    return bool(site.step.name and _HEALTH_SCRIPT.search(site.step.name) and site.step.run)
