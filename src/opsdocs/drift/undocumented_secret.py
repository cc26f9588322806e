"""``undocumented-secret``: every secret a workflow reads has an entry in ``checks/secrets.yml``."""

from __future__ import annotations

from collections.abc import Sequence

from opsdocs.drift._base import failure
from opsdocs.project.model import Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage


class UndocumentedSecret:
    id = "undocumented-secret"
    title = "Every secret a workflow uses is documented in checks/secrets.yml"
    doc = """
        Every `secrets.NAME` in `.github/workflows/*.yml` (except `GITHUB_TOKEN`, which GitHub provides) must
        have an entry in `checks/secrets.yml`: the secrets guide is rendered from that file, so a secret without
        one is a secret nobody can recreate during an incident (what it is for, which permissions it needs,
        where it is set, how to rotate it). The finding points at the first use; fix it by adding `NAME:` with
        `purpose`, `permissions`, `where` and `rotation` to `checks/secrets.yml`, or by removing the use.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        out = []
        for name, refs in project.secrets.items():
            if name in project.secret_docs:
                continue
            first, *others = refs
            also = f" (also used at {', '.join(str(r.location) for r in others)})" if others else ""
            out.append(failure(
                self.id, name, first.location,
                f"secret {name} is used here{also} but checks/secrets.yml does not document it; add "
                f"`{name}:` with purpose, permissions, where and rotation to checks/secrets.yml",
            ))
        return out
