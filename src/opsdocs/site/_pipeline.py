"""Which job does what: the deploy pipeline's roles, found from the commands the jobs run.

Pages say "the migrations job" and must name it without typing its id; this finds it the way a reader
would: the job whose step runs ``d1 migrations apply --remote``, the job that runs ``wrangler deploy``
(directly or through cloudflare/wrangler-action, whose default command is ``deploy``), the reusable
quality workflow it waits for, the ``opsdocs health`` and ``wrangler rollback`` steps.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from opsdocs.project.model import D1Database, Environment, Job, Project, Step, Workflow

_WRANGLER = re.compile(r"(?:^|[\s;&|(])(?:npx\s+(?:--yes\s+)?)?wrangler(?:@\S+)?\s+([^\n;&|]*)")
_ACTION = "cloudflare/wrangler-action"
_SECRET = re.compile(r"secrets\.([A-Za-z_][A-Za-z0-9_]*)")
# The environment variables wrangler reads its credentials from (a wrangler fact, not project config).
_TOKEN_ENV = "CLOUDFLARE_API_TOKEN"
_ACCOUNT_ENV = "CLOUDFLARE_ACCOUNT_ID"


def _secret_for(job: Job, action_input: str, env_var: str) -> str | None:
    """The secret a job hands to wrangler as ``action_input`` (wrangler-action) or ``env_var``."""
    for step in job.steps:
        for value in (step.with_.get(action_input), step.env.get(env_var)):
            m = _SECRET.search(str(value or ""))
            if m:
                return m.group(1)
    return None


@dataclass(frozen=True)
class Pipeline:
    """The deploy pipeline as the docs describe it; any role may be missing in another project."""

    workflow: Workflow | None
    quality: Job | None  # the job the migrations/deploy jobs wait for (a reusable-workflow call)
    migrate: Job | None  # runs `d1 migrations apply ... --remote`
    deploy: Job | None  # runs `wrangler deploy`
    health_step: Step | None  # `opsdocs health` after the deploy
    rollback_step: Step | None  # `wrangler rollback` when the health check fails
    env: Environment  # the wrangler environment deployed (--env), else the top level
    github_env: str | None  # the GitHub environment (approval gate) of the deploy job
    token_secret: str | None = None  # the secret the deploy job passes as the API token
    account_secret: str | None = None  # ... and as the account id
    read_token_secret: str | None = None  # an API token secret read by a job outside the pipeline

    @property
    def db(self) -> D1Database | None:
        """The deployed environment's first D1 database."""
        return self.env.d1_databases[0] if self.env.d1_databases else None


def wrangler_commands(step: Step) -> list[str]:
    """Every wrangler command line a step runs (``d1 migrations apply x --remote --env y``)."""
    out: list[str] = []
    if step.uses and step.uses.split("@")[0] == _ACTION:
        commands = str(step.with_.get("command") or "deploy")
        extra = f" --env {step.with_['environment']}" if step.with_.get("environment") else ""
        out += [line.strip() + extra for line in commands.splitlines() if line.strip()]
    if step.run:
        out += [m.group(1).strip() for m in _WRANGLER.finditer(step.run)]
    return out


def _env_name(command: str) -> str | None:
    try:
        words = shlex.split(command)
    except ValueError:
        words = command.split()
    for i, word in enumerate(words):
        if word in ("--env", "-e") and i + 1 < len(words):
            return words[i + 1]
        if word.startswith("--env="):
            return word.split("=", 1)[1]
    return None


def _find(jobs: list[Job], test: str) -> tuple[Job | None, str | None]:
    for job in jobs:
        for step in job.steps:
            for command in wrangler_commands(step):
                if re.match(test, command):
                    return job, command
    return None, None


def _step(job: Job | None, needle: str) -> Step | None:
    for step in job.steps if job else ():
        if needle in (step.run or "") or any(needle in c for c in wrangler_commands(step)):
            return step
    return None


def _ancestors(workflow: Workflow, job: Job) -> list[Job]:
    seen: list[Job] = []
    todo = list(job.needs)
    while todo:
        other = workflow.jobs.get(todo.pop(0))
        if other is not None and other not in seen:
            seen.append(other)
            todo.extend(other.needs)
    return seen


def find_pipeline(project: Project) -> Pipeline:
    """The first workflow with a deploy job, and the roles around it."""
    for workflow in project.workflows:
        jobs = list(workflow.jobs.values())
        deploy, command = _find(jobs, r"deploy\b(?!.*--dry-run)")
        if deploy is None:
            continue
        migrate, _ = _find(jobs, r"d1 migrations apply\b.*--remote")
        ancestors = _ancestors(workflow, deploy)
        quality = next((j for j in ancestors if j.uses), None)
        env_name = _env_name(command or "")
        env = project.wrangler.environment(env_name) or project.wrangler.top
        token = _secret_for(deploy, "apiToken", _TOKEN_ENV)
        others = [j for j in project.jobs if j not in (deploy, migrate)]
        read = next((s for j in others if (s := _secret_for(j, "apiToken", _TOKEN_ENV)) not in (None, token)), None)
        return Pipeline(workflow, quality, migrate, deploy, _step(deploy, "opsdocs health"),
                        _step(deploy, "rollback"), env, deploy.environment, token,
                        _secret_for(deploy, "accountId", _ACCOUNT_ENV), read)
    return Pipeline(None, None, None, None, None, None, project.wrangler.top, None)
