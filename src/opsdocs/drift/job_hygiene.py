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
        required. A job without its own `permissions` inherits the workflow's: a workflow-level `permissions:
        {}`, `read-all`, or a mapping of only `read`/`none` covers its jobs (their token can change nothing);
        one that grants any `write` does not, since every job then gets it whether it needs it or not. Fix a
        finding by adding the key to the job, with the smallest permissions it needs (often `contents: read`).
    """

    def visit_job(self, project: Project, workflow: Workflow, job: Job) -> list[Finding]:
        out = []
        where = f"{workflow.relpath}:{job.id}"
        if job.timeout_minutes is None and job.uses is None:
            out.append(failure(self.id, f"{where}:timeout-minutes", job.location,
                               f"job {job.id} has no timeout-minutes (GitHub waits 6 hours); add "
                               f"`timeout-minutes:` with a bound a little above its usual run time"))
        if job.permissions is None:
            message = _inherited(job.id, workflow.permissions)
            if message is not None:
                out.append(failure(self.id, f"{where}:permissions", job.location, message))
        return out


def _inherited(job: str, permissions: object) -> str | None:
    """What is wrong with the workflow-level permissions a job without its own gets (None: nothing)."""
    fix = "add `permissions:` to the job with only what it needs"
    if permissions is None:
        return f"job {job} has no permissions, so its token gets the default rights; {fix}"
    if permissions in ({}, "read-all"):
        return None
    if isinstance(permissions, dict):
        writes = sorted(f"{k}: {v}" for k, v in permissions.items() if v not in ("read", "none"))
        if not writes:
            return None
        return (f"job {job} has no permissions of its own, so it inherits the workflow's "
                f"{', '.join(writes)}; {fix}")
    return f"job {job} has no permissions of its own, so it inherits the workflow's {permissions}; {fix}"
