"""``pipeline-order``: quality gate, then remote D1 migrations, then deploy, then a health check."""

from __future__ import annotations

import re
from collections.abc import Sequence

from opsdocs.drift._base import failure
from opsdocs.drift._pipeline import is_quality_gate, production_env, sites, upstream
from opsdocs.project.model import Job, Location, Project
from opsdocs.report.finding import Finding
from opsdocs.site.pages import RenderedPage

GITHUB_ENV = "production"
_HEALTH = re.compile(r"\bopsdocs\s+health\b")


class PipelineOrder:
    id = "pipeline-order"
    title = "Production runs quality, then migrations, then deploy, then a health check"
    doc = (
        "The docs promise one order for production, and this rule reads it from the workflows: a "
        "production deploy (`wrangler deploy` to `env.production`, or to the top-level Worker when there "
        "is no such environment, in a `run:` step or through cloudflare/wrangler-action, whose default "
        "command is `deploy`) must come after a job that applies the remote D1 migrations (`wrangler d1 "
        "migrations apply <db> --remote`), which must come after a quality gate (a job that runs the "
        "tests or calls the quality workflow), all through the transitive `needs` graph (a migration "
        "step earlier in the deploy job itself also counts). The deploy and migration jobs must use the "
        "`production` GitHub environment, whose protection rules are the approval gate, and the deploy "
        "job must run `opsdocs health` after the deploy step, so a broken release is noticed (and rolled "
        "back) by the pipeline rather than by users. Fix a finding with `needs:`, `environment: "
        "production` or a health step where it points."
    )

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        env = production_env(project)
        out: dict[str, Finding] = {}  # keyed by finding id: one finding per job and problem

        def add(job: Job, problem: str, location: Location, message: str) -> None:
            f = failure(self.id, f"{job.workflow}:{job.id}:{problem}", location, message)
            out.setdefault(f.id, f)

        target = f"env.{env}" if env else "the top-level Worker"
        deployed = False
        for wf in project.workflows:
            found = sites(wf, env)
            migrations = [s for s in found if s.call.is_remote_migration]
            for m in migrations:
                if m.job.environment != GITHUB_ENV:
                    add(m.job, "environment", m.job.location,
                        f"job {m.job.id} applies remote D1 migrations to {target} without the "
                        f"`{GITHUB_ENV}` GitHub environment; add `environment: {GITHUB_ENV}`")
            for d in (s for s in found if s.call.is_deploy):
                deployed = True
                job, before = d.job, upstream(wf, d.job)
                if job.environment != GITHUB_ENV:
                    add(job, "environment", job.location,
                        f"job {job.id} deploys {target} without the `{GITHUB_ENV}` GitHub environment; "
                        f"add `environment: {GITHUB_ENV}`")
                feeding = [m for m in migrations if m.job.id in before or (m.job.id == job.id and m.order < d.order)]
                if not feeding:
                    names = sorted({m.job.id for m in migrations if m.job.id != job.id})
                    fix = f"add `needs: {names[0]}`" if names else "add a job that applies them and `needs:` it"
                    add(job, "migrations", job.location,
                        f"job {job.id} deploys {target} but no job before it applies the remote D1 "
                        f"migrations (`wrangler d1 migrations apply <db> --remote`); {fix}")
                for gated in [m.job for m in feeding] or [job]:
                    if not any(is_quality_gate(project, wf.jobs[j]) for j in upstream(wf, gated)):
                        add(gated, "quality", gated.location,
                            f"job {gated.id} runs before any quality gate; make it need (directly or "
                            f"through another job) a job that runs the tests or calls the quality workflow")
                if not any(s.run and _HEALTH.search(s.run) for s in job.steps[job.steps.index(d.step) + 1:]):
                    add(job, "health", d.step.location,
                        f"job {job.id} deploys {target} here but runs no `opsdocs health` after it; add a "
                        f"step that verifies the deployment (and rolls back on failure)")
        if not deployed:
            where = project.workflows[0].location if project.workflows else ".github/workflows"
            return [failure(self.id, "no-deploy", str(where),
                            f"no workflow deploys {target} (`wrangler deploy`); the pipeline the docs "
                            f"describe does not exist")]
        return list(out.values())
