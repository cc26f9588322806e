"""The context header: which project, environment, Worker and database a session acts on, and what is
deployed now. The "deployed now" part is read-only and fails soft: offline or without a token it says so."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass

from opsdocs.project.model import Environment, Project
from opsdocs.runmode.execute import Executor
from opsdocs.runmode.targets import env_label

__all__ = ["Context", "gather_context", "github_repo"]

_GITHUB_API = "https://api.github.com"
_TIMEOUT_S = 8.0


@dataclass(frozen=True)
class Context:
    project: str
    config: str
    env: str
    worker: str
    databases: tuple[str, ...]
    deployed_github: str
    deployed_cloudflare: str


def gather_context(project: Project, env: Environment, executor: Executor | None, *, online: bool) -> Context:
    dbs = tuple(f"{db.name} (binding {db.binding})" for db in env.d1_databases)
    return Context(
        project=str(project.root),
        config=project.wrangler.relpath,
        env=env_label(env),
        worker=env.worker_name,
        databases=dbs,
        deployed_github=_github_deployed(project, env) if online else "not looked up (--offline)",
        deployed_cloudflare=_cloudflare_deployed(project, env, executor) if online else "not looked up (--offline)",
    )


def github_repo(project: Project) -> str | None:
    """``owner/name`` from $GITHUB_REPOSITORY or the checkout's ``origin`` remote."""
    if os.environ.get("GITHUB_REPOSITORY"):
        return os.environ["GITHUB_REPOSITORY"]
    try:
        url = subprocess.run(["git", "-C", str(project.root), "remote", "get-url", "origin"], capture_output=True,
                             text=True, timeout=5, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"github\.com[:/]([\w.-]+/[\w.-]+?)(?:\.git)?$", url)
    return m.group(1) if m else None


def _github_deployed(project: Project, env: Environment) -> str:
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    if not token:
        return "unknown (set GITHUB_TOKEN, read-only, to look up the last deploy run)"
    repo = github_repo(project)
    if repo is None:
        return "unknown (no GitHub remote and no GITHUB_REPOSITORY)"
    deploying = {j.workflow for j in project.jobs if j.environment == (env.name or None) or "deploy" in j.id}
    import httpx

    try:
        resp = httpx.get(f"{_GITHUB_API}/repos/{repo}/actions/runs", params={"status": "success", "per_page": 30},
                         headers={"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"},
                         timeout=_TIMEOUT_S)
        resp.raise_for_status()
        runs = resp.json().get("workflow_runs", [])
    except (httpx.HTTPError, ValueError) as exc:
        return f"unknown (GitHub API: {type(exc).__name__})"
    for run in runs:
        if not deploying or run.get("path") in deploying:
            return (f"run #{run.get('run_number')} of {run.get('path')} at {str(run.get('head_sha', ''))[:7]} "
                    f"({run.get('updated_at')}) {run.get('html_url')}")
    return "no successful deploy run among the last 30 runs"


def _cloudflare_deployed(project: Project, env: Environment, executor: Executor | None) -> str:
    if not os.environ.get("CLOUDFLARE_API_TOKEN") or executor is None:
        return "unknown (set CLOUDFLARE_API_TOKEN, read-only, to look up the deployed version)"
    flags = f" --env {env.name}" if env.name else ""
    result = executor.run(f"npx wrangler deployments list --json{flags}", 30, local=False)
    if result.exit_code != 0:
        from opsdocs.runmode.readiness_online import error_line

        return f"unknown (wrangler deployments list failed: {error_line(result.output)})"
    try:
        deployments = json.loads(result.output[result.output.index("["):])
        latest = max(deployments, key=lambda d: d.get("created_on", ""))
        versions = ", ".join(f"{v.get('version_id')} at {v.get('percentage')} %" for v in latest.get("versions", []))
    except (ValueError, TypeError, AttributeError):
        return "unknown (could not read wrangler deployments list --json)"
    return f"version {versions} (deployed {latest.get('created_on')})"
