"""Rollback readiness from the account, with the operator's read-only token: what only Cloudflare knows.

* the previous version is still among the last 100 (``wrangler rollback`` reaches no further:
  https://developers.cloudflare.com/changelog/2025-09-11-increased-version-rollback-limit/);
* the Time Travel window: 30 days on Workers Paid, 7 on Free (https://developers.cloudflare.com/d1/reference/time-travel/);
* the current bookmark, shown so it can be written down before anything changes.

Every call is read-only, has a timeout, and fails soft: offline, a line says what could not be looked up.
"""

from __future__ import annotations

import json
import os
from typing import Any

from opsdocs.project.model import Environment
from opsdocs.runmode.execute import Executor
from opsdocs.runmode.readiness import Reason

__all__ = ["error_line", "online_reasons"]

_TIMEOUT_S = 30.0
VERSION_REACH = 100


def _json(executor: Executor, command: str) -> tuple[Any, str | None]:
    result = executor.run(command, _TIMEOUT_S, local=False)
    if result.exit_code != 0:
        return None, f"`{command}` failed: {error_line(result.output)}"
    text = result.output
    start = min((i for i in (text.find("["), text.find("{")) if i >= 0), default=-1)
    try:
        return json.loads(text[start:]), None
    except ValueError:
        return None, f"`{command}` printed no JSON"


def error_line(output: str) -> str:
    """wrangler's own error line (``✘ [ERROR] ...``), else its last line that is not the log-file notice."""
    lines = [line.strip() for line in output.splitlines() if line.strip() and "Logs were written" not in line]
    marked = [line for line in lines if "[ERROR]" in line or line.startswith("✘")]
    text = (marked or lines[-1:] or ["no output"])[0]
    return text.removeprefix("✘").strip().removeprefix("[ERROR]").strip()[:160]


def online_reasons(executor: Executor, env: Environment) -> tuple[list[Reason], list[Reason]]:
    """(Worker rollback reasons, restore reasons) from the account; empty without CLOUDFLARE_API_TOKEN."""
    if not os.environ.get("CLOUDFLARE_API_TOKEN"):
        note = Reason("not checked against the account: set CLOUDFLARE_API_TOKEN (read-only) to see the previous "
                      f"version's reach (last {VERSION_REACH}), the Time Travel window and the current bookmark")
        return [note], []
    flags = f" --env {env.name}" if env.name else ""
    return _worker(executor, flags), _restore(executor, env, flags)


def _worker(executor: Executor, flags: str) -> list[Reason]:
    deployments, problem = _json(executor, f"npx wrangler deployments list --json{flags}")
    if problem is not None or not isinstance(deployments, list) or len(deployments) < 2:
        return [Reason(problem or "fewer than two deployments: there is no earlier deployment to roll back to",
                       blocking=problem is None)]
    ordered = sorted(deployments, key=lambda d: str(d.get("created_on", "")), reverse=True)
    current = {v.get("version_id") for v in ordered[0].get("versions", [])}
    previous = next((v.get("version_id") for d in ordered[1:] for v in d.get("versions", [])
                     if v.get("version_id") not in current), None)
    versions, problem = _json(executor, f"npx wrangler versions list --json{flags}")
    if previous is None:
        return [Reason("no earlier version in the deployment history", blocking=True)]
    if problem is None and isinstance(versions, list) and previous in {v.get("id") for v in versions}:
        return [Reason(f"previous version {previous} is among the latest versions: within the last {VERSION_REACH}")]
    return [Reason(f"previous version {previous}: not among the versions `versions list` shows; rollback reaches "
                   f"the last {VERSION_REACH} versions, check the dashboard")]


def _restore(executor: Executor, env: Environment, flags: str) -> list[Reason]:
    out = [Reason("Time Travel window: 30 days on Workers Paid, 7 on Free (wrangler checks only the 30)")]
    for db in env.d1_databases:
        info, problem = _json(executor, f"npx wrangler d1 time-travel info {db.name} --json{flags}")
        bookmark = info.get("bookmark") if isinstance(info, dict) else None
        out.append(Reason(f"{db.name}: current bookmark {bookmark} (write it down: it is the way back)" if bookmark
                          else f"{db.name}: current bookmark unknown ({problem or 'no bookmark in the answer'})"))
    return out
