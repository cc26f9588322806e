"""``pipeline-order``: every role of the deploy pipeline exists, in order, where the docs say it is."""

from __future__ import annotations

from collections.abc import Sequence

from opsdocs.drift._base import failure
from opsdocs.project.model import Job, Location, Project
from opsdocs.project.pipeline import Lane, upstream
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage


class PipelineOrder:
    id = "pipeline-order"
    title = "Deploys follow a quality gate and the migrations, wait for approval, then are verified"
    doc = """
        The guides describe one pipeline, and this rule reads it from the workflows (the same model the pages
        are rendered from): a deploy (`wrangler deploy`, `versions deploy`, `pages deploy`,
        cloudflare/wrangler-action whose default command is `deploy`, or a package.json script or
        `opennextjs-cloudflare deploy` that ends in one) of the wrangler environment it targets must come after
        the remote D1 migrations of that environment (`wrangler d1 migrations apply <db> --remote`, in a job it
        `needs` or earlier in its own job) when the environment binds D1, and after a quality gate (a job it
        needs that runs the tests or calls a reusable workflow, a test step earlier in its job, or a
        `workflow_run` trigger); the deploy job must use a GitHub environment, whose protection rules are the
        approval gate, and jobs applying its migrations the same one; and after the deploy a step must check the
        live Worker (`curl`, `opsdocs health`, a smoke script) and roll it back (`wrangler rollback`) when that
        fails. New code that needs a schema the database lacks fails for users; an unverified deploy is noticed
        by users instead of the pipeline. Every finding points at the job or step to fix; the guides show a
        minimal example with this project's names.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        pipeline = project.pipeline
        if not pipeline.lanes:
            where = project.workflows[0].location if project.workflows else ".github/workflows"
            return [failure(self.id, "no-deploy", where,
                            f"no workflow deploys {project.wrangler.name} (`wrangler deploy`, wrangler-action, "
                            f"`versions deploy`, `pages deploy`); the pipeline the docs describe does not exist")]
        out: dict[str, Finding] = {}
        for lane in pipeline.lanes:
            for detail, location, message in _problems(lane, lane is pipeline.primary):
                f = failure(self.id, f"{lane.workflow.relpath}:{detail}", location, message)
                out.setdefault(f.id, f)
        return list(out.values())


def _problems(lane: Lane, primary: bool) -> list[tuple[str, Location, str]]:
    """(detail, location, message) for each missing or misplaced role of one lane."""
    deploy, job = lane.deploy, lane.deploy.job
    out: list[tuple[str, Location, str]] = []
    target = lane.label
    if lane.env_name and not lane.deploy_env_known:
        out.append((f"{job.id}:env", deploy.location,
                    f"job {job.id} deploys --env {lane.env_name} here, which is not an environment of the "
                    f"wrangler config; add env.{lane.env_name} to it or fix the flag"))
        return out
    if lane.needs_migrations and not lane.migrations:
        db = lane.env.d1_databases[0].name
        flag = f" --env {lane.env_name}" if lane.env_name else ""
        others = sorted({m.job.id for m in lane.stray_migrations if m.job is not job})
        fix = (f"add `needs: {others[0]}`" if others else
               f"add a step before the deploy running `wrangler d1 migrations apply {db} --remote{flag}`")
        out.append((f"{job.id}:migrations", job.location,
                    f"job {job.id} deploys {target} but nothing before it applies its remote D1 migrations; {fix}"))
    migration_jobs = list({m.job.id: m.job for m in lane.migrations if m.job is not job}.values())
    out += _quality(lane, migration_jobs)
    if not primary:
        return out
    if not job.environment:
        out.append((f"{job.id}:environment", job.location,
                    f"job {job.id} deploys {target} without a GitHub environment, so nothing waits for an "
                    f"approval; add `environment: <name>` and give that environment required reviewers"))
    for m in migration_jobs:
        if job.environment and m.environment != job.environment:
            out.append((f"{m.id}:environment", m.location,
                        f"job {m.id} applies the remote D1 migrations of {target} outside the "
                        f"`{job.environment}` GitHub environment its deploy waits in; add "
                        f"`environment: {job.environment}`"))
    live = "site" if lane.is_pages else "Worker"
    if lane.verify is None:
        out.append((f"{job.id}:health", deploy.location,
                    f"job {job.id} deploys {target} here but nothing checks the live {live} after it; add a "
                    f"step that verifies the deployment (`opsdocs health`, `curl --fail`, a smoke test)"))
    elif lane.rollback is None and not lane.is_pages:  # wrangler has no rollback for Pages to ask for
        flag = f" --env {lane.env_name}" if lane.env_name else ""
        out.append((f"{job.id}:rollback", lane.verify.location,
                    f"job {job.id} verifies {target} here but nothing rolls it back when that fails; add a step "
                    f"with `if: failure()` running `wrangler rollback{flag}`"))
    return out


def _quality(lane: Lane, migration_jobs: list[Job]) -> list[tuple[str, Location, str]]:
    gate, wf = lane.quality, lane.workflow
    job = lane.deploy.job
    message = ("job {} runs before any quality gate; make it need (directly or through another job) a job "
               "that runs the tests or calls the quality workflow, or trigger the workflow on `workflow_run`")
    if gate is None:
        first = migration_jobs[0] if migration_jobs else job
        return [(f"{first.id}:quality", first.location, message.format(first.id))]
    if gate.job is None or gate.kind == "step":
        return []
    return [(f"{m.id}:quality", m.location, message.format(m.id)) for m in migration_jobs
            if gate.job not in upstream(wf, m)]
