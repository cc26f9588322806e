"""``checks/health.yml`` for a project: a first check of the deployed Worker, and where it is deployed.

The URL comes from the config when it can be known offline: a route or custom domain gives its host.
A ``workers.dev`` URL needs the account's subdomain, which only the dashboard (or the API) knows, so it
is a TODO marker the drift rule keeps failing on until a person writes it in.
"""

from __future__ import annotations

from typing import Any

from opsdocs.project.model import Environment, Project
from opsdocs.scaffold._marker import TODO


def _host(route: Any) -> str | None:
    pattern = route.get("pattern") if isinstance(route, dict) else route
    if not isinstance(pattern, str) or not pattern.strip():
        return None
    host = pattern.strip().removeprefix("https://").removeprefix("http://").split("/", 1)[0]
    return None if "*" in host or not host else host


def production_environment(project: Project) -> Environment:
    """The environment a deploy most likely targets: ``production``/``prod``/``live``, else the top level."""
    envs = project.wrangler.envs
    for name in ("production", "prod", "live"):
        if name in envs:
            return envs[name]
    return project.wrangler.top


def deployed_url(project: Project) -> tuple[str, str]:
    """``(url, how it was found)``; the url holds the TODO marker when it cannot be known offline."""
    env = production_environment(project)
    where = f"env.{env.name}" if env.name else "the top level"
    for route in env.routes:
        host = _host(route)
        if host:
            return f"https://{host}", f"the first route of {where} in {project.wrangler.relpath}"
    if env.workers_dev is not False:
        return (f"https://{env.worker_name}.{TODO}-your-subdomain.workers.dev",
                f"workers.dev ({where} has no route); the account subdomain is on the dashboard's Workers page")
    return (f"https://{TODO}-the-deployed-host", f"{where} has neither a route nor workers_dev")


def render_health(project: Project) -> str:
    url, how = deployed_url(project)
    return f"""\
# Health checks: the one definition of "the deployment is healthy". `opsdocs health --base-url URL`
# runs them (on-call, and CI right after a deploy); `opsdocs verify` runs them against a local
# `wrangler dev`. Written by `opsdocs init`. Keys: name, path (required); method (GET); status (200);
# json: {{field: exact value}}; json_fields: [fields that must exist]; latency_ms (1000); retries (2);
# backoff (0.5); timeout (10).
#
# Deployed at: {url}
#   (from {how})

- name: home
  path: /
  status: 200
  latency_ms: 1500   # a cold start right after a deploy
  retries: 3
"""
