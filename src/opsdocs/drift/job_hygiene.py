"""``job-hygiene``: every job bounds its run time and its token's permissions."""

from __future__ import annotations

from opsdocs.drift._base import failure
from opsdocs.drift._visit import WorkflowAudit
from opsdocs.project.model import Job, Project, Workflow
from opsdocs.report.finding import Finding


class JobHygiene(WorkflowAudit):
    id = "job-hygiene"
    title = "Every job has timeout-minutes and permissions"
    doc = """
        Every job must set `timeout-minutes` (GitHub's default is 360: a hung migration holds the deploy
        concurrency group for six hours) and `permissions` (the default token may be read-write on everything).
        A job that calls a reusable workflow (`uses:`) cannot set a timeout, so only its permissions are
        required. A workflow-level `permissions: {}` covers its jobs: they get no token rights at all, which is
        already the least. Fix a finding by adding the key to the job, with the smallest permissions it needs
        (often `contents: read`).
    """

    def visit_job(self, project: Project, workflow: Workflow, job: Job) -> list[Finding]:
        out = []
        where = f"{workflow.relpath}:{job.id}"
        if job.timeout_minutes is None and job.uses is None:
            out.append(failure(self.id, f"{where}:timeout-minutes", job.location,
                               f"job {job.id} has no timeout-minutes (GitHub waits 6 hours); add "
                               f"`timeout-minutes:` with a bound a little above its usual run time"))
        if job.permissions is None and workflow.permissions != {}:
            out.append(failure(self.id, f"{where}:permissions", job.location,
                               f"job {job.id} has no permissions, so its token gets the default "
                               f"rights; add `permissions:` with only what it needs"))
        return out
