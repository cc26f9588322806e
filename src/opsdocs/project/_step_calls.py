"""Every workflow step parsed once into what it runs (:class:`StepCalls`), and the credentials it hands
to wrangler; the pipeline model (:mod:`opsdocs.project.pipeline`, which re-exports these) is built on them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from opsdocs._credentials import ACCOUNT_VARS, TOKEN_VARS
from opsdocs.project._calls import Call, Scripts, WranglerCall, action_calls, run_calls, walk
from opsdocs.project.model import Job, Location, Step, Workflow

__all__ = ["Credentials", "StepCalls", "credentials", "secret_for", "step_calls"]

# Where wrangler reads its credentials from (a wrangler fact, not project config); CF_* are the old names.
_SECRET = re.compile(r"secrets\s*\.\s*([A-Za-z_][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class StepCalls:
    """One workflow step and everything it runs."""

    workflow: Workflow
    job: Job
    step: Step
    index: int  # position in the job
    calls: tuple[Call, ...]

    @property
    def location(self) -> Location:
        return self.step.location

    @property
    def name(self) -> str:
        return self.step.name or self.step.id or self.step.uses or (self.step.run or "").strip().split("\n")[0]

    def wrangler(self) -> list[WranglerCall]:
        return [c for c in walk(self.calls) if isinstance(c, WranglerCall)]

    def all(self) -> Iterator[Call]:
        return walk(self.calls)


@dataclass(frozen=True)
class Credentials:
    token: str | None  # the secret handed to wrangler as the API token
    account: str | None  # ... and as the account id


def step_calls(workflows: tuple[Workflow, ...], scripts: Scripts) -> tuple[StepCalls, ...]:
    """Every step of every workflow, parsed once."""
    out = []
    for wf in workflows:
        for job in wf.jobs.values():
            for i, step in enumerate(job.steps):
                calls: tuple[Call, ...] = ()
                if step.uses:
                    calls = action_calls(step.uses, step.with_, scripts)
                elif step.run:
                    calls = run_calls(step.run, scripts, step.working_directory or job.working_directory)
                out.append(StepCalls(wf, job, step, i, calls))
    return tuple(out)


def secret_for(site: StepCalls, names: tuple[str, ...], action_input: str) -> str | None:
    """The secret a step hands to wrangler: wrangler-action's input, else the step, job or workflow env."""
    sources = [site.step.with_.get(action_input) if site.step.uses else None]
    sources += [scope.get(n) for scope in (site.step.env, site.job.env, site.workflow.env) for n in names]
    for value in sources:
        m = _SECRET.search(str(value or ""))
        if m:
            return m.group(1)
    return None


def credentials(site: StepCalls) -> Credentials:
    return Credentials(secret_for(site, TOKEN_VARS, "apiToken"), secret_for(site, ACCOUNT_VARS, "accountId"))
