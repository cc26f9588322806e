"""``env-missing-bindings``: a wrangler environment repeats every top-level binding and var."""

from __future__ import annotations

from collections.abc import Sequence

from opsdocs.drift._base import failure
from opsdocs.project.model import Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage


class EnvMissingBindings:
    id = "env-missing-bindings"
    title = "Every wrangler environment repeats the top-level bindings and vars"
    doc = """
        wrangler does not inherit `vars` or bindings (`d1_databases`, ...) into `env.<name>`: an environment
        that does not repeat them deploys a Worker without them, and `env.DB` is undefined in production while
        every local test passes. Each `env.<name>` must declare every D1 binding and every var the top level
        declares, and any binding of another kind (KV, R2, Durable Objects, services, queues...) and every
        `secrets.required` name likewise. A var missing on purpose is still a finding: set it explicitly in the
        environment (an empty string if need be), so the difference is written down. Fix it by adding the
        binding (with that environment's own `database_name` and `database_id`) or the var under `env.<name>` in
        wrangler.jsonc.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        out = []
        for name, env in project.wrangler.envs.items():
            missing = [f"binding {b}" for b in env.missing_bindings]
            missing += [f"var {v}" for v in env.missing_vars]
            missing += [f"required secret {s}" for s in env.missing_secrets]
            if missing:
                out.append(failure(
                    self.id, name, env.location,
                    f"env.{name} lacks {', '.join(missing)} from the top level, and wrangler does not "
                    f"inherit them; repeat them under env.{name} in {project.wrangler.relpath}",
                ))
        return out
