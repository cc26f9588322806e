"""``rollback-readiness``: a Worker rollback must still be possible; Durable Object migrations block it."""

from __future__ import annotations

from collections.abc import Sequence

from opsdocs.drift._base import failure
from opsdocs.project.model import Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage


class RollbackReadiness:
    id = "rollback-readiness"
    title = "A Worker rollback is still possible: no Durable Object migration in the latest deploy"
    doc = """
        The rollback page promises `wrangler rollback`; this checks, before it is needed, that Cloudflare will
        accept it. Cloudflare refuses a rollback when a Durable Object migration happened between the active
        version and the target, and when the target binds an R2 bucket, KV namespace or queue that no longer
        exists (https://developers.cloudflare.com/workers/configuration/versions-and-deployments/rollbacks/); a
        rollback reaches only the 100 most recent versions
        (https://developers.cloudflare.com/changelog/2025-09-11-increased-version-rollback-limit/). For each
        environment it compares the config's Durable Object `migrations` with the previous deploy's (git: the
        working tree against HEAD when the config has uncommitted changes, else HEAD against HEAD~1); a tag the
        latest deploy adds, or any tag when there is no git history to date it, is reported as "Worker rollback
        blocked" at the migration's `file:line`. `opsdocs run` shows the same verdict as a banner at the start
        of a rollback procedure, with what only the account knows when a read-only token is set, and the D1
        side: Time Travel restores any minute of the last 30 days on Workers Paid, 7 on Free, and a restore to
        before a migration makes it pending again, so it re-runs on the next apply
        (https://developers.cloudflare.com/d1/reference/time-travel/). Fix a finding by planning to fix forward
        (a new deploy, with a new migration that undoes the change) instead of rolling back, and say so on the
        rollback page; the finding clears with the next deploy that adds no Durable Object migration.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        # Imported here: the opsdocs.runmode package loads the whole terminal mode (rich), and the site's
        # drift_rules() macro imports every rule for its id, title and doc only.
        from opsdocs.runmode.readiness import check_readiness

        out = []
        for env in project.wrangler.environments:
            verdict = check_readiness(project, env)
            for reason in verdict.worker_rollback:
                if reason.blocking:
                    label = env.name or "top"
                    out.append(failure(self.id, label, reason.location or project.wrangler.relpath,
                                       f"{env.worker_name}: {reason.text}"))
        return out
