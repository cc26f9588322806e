"""One walk over the workflows for every rule that looks at them (as zizmor's ``Audit`` trait): a rule
declares what it sees at each level (``visit_workflow``, ``visit_job``, ``visit_step``) and the walker
calls it in file order. No rule re-walks workflows, jobs and steps itself."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from opsdocs.project.model import Job, Project, Step, Workflow
from opsdocs.project.pages import RenderedPage
from opsdocs.report.finding import Finding

__all__ = ["WorkflowAudit", "walk_workflows"]


class WorkflowAudit:
    """A drift rule over the workflows. Override the visits you need; each returns its findings."""

    id: str
    title: str
    doc: str

    def visit_workflow(self, project: Project, workflow: Workflow) -> Iterable[Finding]:
        return ()

    def visit_job(self, project: Project, workflow: Workflow, job: Job) -> Iterable[Finding]:
        return ()

    def visit_step(self, project: Project, workflow: Workflow, job: Job, step: Step) -> Iterable[Finding]:
        return ()

    def finish(self, project: Project) -> Iterable[Finding]:
        """After the walk: findings about the project as a whole (none by default)."""
        return ()

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        return walk_workflows(project, (self,))


def walk_workflows(project: Project, audits: Sequence[WorkflowAudit]) -> list[Finding]:
    """Every workflow, then each of its jobs, then each job's steps, in file order, for every audit."""
    out: list[Finding] = []
    for wf in project.workflows:
        for audit in audits:
            out.extend(audit.visit_workflow(project, wf))
        for job in wf.jobs.values():
            for audit in audits:
                out.extend(audit.visit_job(project, wf, job))
            for step in job.steps:
                for audit in audits:
                    out.extend(audit.visit_step(project, wf, job, step))
    for audit in audits:
        out.extend(audit.finish(project))
    return out
