"""``workflow-database``: every ``wrangler d1`` command in a workflow names a database of its environment."""

from __future__ import annotations

from collections.abc import Sequence

from opsdocs.drift._base import failure
from opsdocs.project._calls import WranglerCall
from opsdocs.project.model import Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage


class WorkflowDatabase:
    id = "workflow-database"
    title = "Workflow d1 commands name a database of the environment they target"
    doc = """
        Workflows are configuration too, and they name databases: the deploy pipeline runs `wrangler d1
        migrations apply <database> --remote --env <env>`. Rename the database in the wrangler config (or move
        it to another environment) and the pages follow at once, but the workflow keeps the old name and the
        next deploy fails at the migrations step, or migrates the wrong database. Each `d1` command acting on
        this config (in a `run:` script, a package.json script it runs, or a cloudflare/wrangler-action
        `command`) must name a `binding` or `database_name` declared by the environment its `--env` selects (the
        top level when there is none), and that environment must exist. Fix the workflow line, or the
        environment in the wrangler config.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        out = []
        for site, call in project.pipeline.calls:
            problem = _problem(project, call)
            if problem:
                out.append(failure(self.id, f"{site.workflow.relpath}:{site.location.line}", site.location,
                                   f"job {site.job.id}: `{call}`: {problem}"))
        return out


def _problem(project: Project, call: WranglerCall) -> str | None:
    name = call.database
    if name is None or name.startswith("$") or call.dynamic_env:
        return None  # no database named, or one chosen at run time: nothing to compare
    env = project.wrangler.environment(call.env)
    if env is None:
        return f"--env {call.env} is not an environment of {project.wrangler.relpath}"
    if env.database(name) is None:
        known = ", ".join(sorted({n for db in env.d1_databases for n in (db.binding, db.database_name) if n}))
        where = f"env.{call.env}" if call.env else "the top level"
        return (f"database '{name}' is not declared in {where} of {project.wrangler.relpath}"
                f" (it has: {known or 'no D1 database'}); use one of those names")
    return None
