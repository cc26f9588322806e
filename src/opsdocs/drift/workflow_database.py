"""``workflow-database``: every ``wrangler d1`` command in a workflow names a database of its environment."""

from __future__ import annotations

from collections.abc import Sequence

from opsdocs.drift._base import failure
from opsdocs.drift._commands import wrangler_calls
from opsdocs.project.model import Project
from opsdocs.report.finding import Finding
from opsdocs.site.pages import RenderedPage

# `wrangler d1 <sub> <database>` and `wrangler d1 migrations <sub> <database>` take the database first.
_NO_DATABASE = {"list", "create"}


class WorkflowDatabase:
    id = "workflow-database"
    title = "Workflow d1 commands name a database of the environment they target"
    doc = (
        "Workflows are configuration too, and they name databases: the deploy pipeline runs `wrangler d1 "
        "migrations apply <database> --remote --env <env>`. Rename the database in wrangler.jsonc (or move "
        "it to another environment) and the pages follow at once, but the workflow keeps the old name and "
        "the next deploy fails at the migrations step, or migrates the wrong database. Each `d1` command in "
        "a `run:` script or a cloudflare/wrangler-action `command` must name a `binding` or `database_name` "
        "declared by the environment its `--env` selects (the top level when there is none), and that "
        "environment must exist. Fix the workflow line, or the environment in wrangler.jsonc."
    )

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        out = []
        for wf in project.workflows:
            for job in wf.jobs.values():
                for step in job.steps:
                    for call in wrangler_calls(step):
                        problem = _problem(project, call.args, call.env)
                        if problem:
                            out.append(failure(self.id, f"{wf.relpath}:{step.location.line}", step.location,
                                               f"job {job.id}: `wrangler {' '.join(call.args)}`: {problem}"))
        return out


def _problem(project: Project, args: tuple[str, ...], env_name: str | None) -> str | None:
    if args[:1] != ("d1",):
        return None
    rest = args[2:] if args[1:2] == ("migrations",) or args[1:2] == ("time-travel",) else args[1:]
    words = [a for a in rest if not a.startswith("-")]
    if len(words) < 2 or words[0] in _NO_DATABASE or "${{" in words[1]:
        return None  # no database named, or one chosen at run time: nothing to compare
    env = project.wrangler.environment(env_name)
    if env is None:
        return f"--env {env_name} is not an environment of {project.wrangler.relpath}"
    if env.database(words[1]) is None:
        known = ", ".join(sorted({n for db in env.d1_databases for n in (db.binding, db.database_name) if n}))
        where = f"env.{env_name}" if env_name else "the top level"
        return (f"database '{words[1]}' is not declared in {where} of {project.wrangler.relpath}"
                f" (it has: {known or 'no D1 database'}); use one of those names")
    return None
