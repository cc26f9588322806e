"""``unpinned-action``: every action a workflow uses is pinned to a full commit SHA."""

from __future__ import annotations

from opsdocs.drift._base import failure
from opsdocs.drift._visit import WorkflowAudit
from opsdocs.project.model import ActionRef, Project, Workflow
from opsdocs.report.finding import Finding


def _needs_pin(ref: ActionRef) -> bool:
    if ref.action.startswith(("./", "$/")):  # this repository's own code (`$/`: the self-repository form)
        return False
    if ref.action.startswith("docker://"):
        return "@sha256:" not in ref.uses
    return not ref.pinned


class UnpinnedAction(WorkflowAudit):
    id = "unpinned-action"
    title = "Every action is pinned to a full commit SHA"
    doc = """
        Every `uses:` in a workflow must name a full 40-character commit SHA (`owner/repo@<sha> # v4.2.0`), and
        a `docker://` image a `@sha256:` digest; local `./` actions and workflows are this repository's own code
        and need no pin. A tag or branch can be moved to different code after review, and the jobs that hold the
        production token would run it. Fix a finding by replacing the ref with the commit the tag points at and
        keeping the tag as a comment.
    """

    def visit_workflow(self, project: Project, workflow: Workflow) -> list[Finding]:
        return [
            failure(self.id, f"{ref.workflow}:{ref.location.line}", ref.location,
                    f"{ref.uses} is not pinned to a commit; use {ref.action}@<40-hex commit SHA> "
                    f"# {ref.ref or 'tag'}")
            for ref in workflow.actions
            if _needs_pin(ref)
        ]
