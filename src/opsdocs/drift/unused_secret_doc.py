"""``unused-secret-doc``: every secret documented in ``checks/secrets.yml`` is still used somewhere."""

from __future__ import annotations

from collections.abc import Sequence

from opsdocs.drift._base import failure
from opsdocs.project.model import Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage


class UnusedSecretDoc:
    id = "unused-secret-doc"
    title = "Every secret documented in checks/secrets.yml is still used by a workflow"
    doc = """
        Every entry in `checks/secrets.yml` must name a secret that some workflow still reads as `secrets.NAME`.
        A stale entry makes the secrets guide tell on-call to create, rotate or guard a secret the pipeline no
        longer uses, and hides a renamed secret behind its old name. Fix it by deleting the entry (and the
        secret in GitHub), or by renaming it to the name the workflows use.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        # Every reference counts, GITHUB_TOKEN included: documenting a used GITHUB_TOKEN is not stale.
        used = {ref.name for ref in project.secret_refs}
        return [
            failure(self.id, name, doc.location,
                    f"secret {name} is documented here but no workflow uses `secrets.{name}`; delete the "
                    f"entry, or rename it to the secret the workflows use")
            for name, doc in project.secret_docs.items()
            if name not in used
        ]
