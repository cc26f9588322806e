"""Tables the guides built with ``{% for %}``/``{% if %}`` blocks, as macros.

Compiling a page costs per tag (~0.1-0.3 ms each, more than rendering it; benchmarks/README.md "Site
build, issue 15 part 4"): a table loop of some twenty tags is one call here, and its logic is typed
Python with a test (tests/site/test_overview.py checks each against the template it replaced). Each
writes its rows as the template did, spaces included, so the pages read the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from opsdocs.project.model import Project
from opsdocs.site._tables import NONE, code, env_label

__all__ = ["deploy_order_table", "deployed_table", "environment_sections", "schedules_table"]

_MISSING = "⚠️ **missing**"


def _codes(values: Iterable[object], fmt: str = "{}") -> str:
    """Each value as inline code followed by one space (the cell the template's loop wrote)."""
    return "".join(code(fmt.format(v)) + " " for v in values)


def _rows(header: str, rows: Iterable[str], *, end: str = "") -> str:
    return "\n".join([header, *rows]) + end


def deployed_table(project: Project) -> str:
    """Each wrangler environment: its Worker and its D1 databases (binding → name)."""
    rows = (f"| {env_label(env)} | {code(env.worker_name)} | "
            + "".join(f"{code(d.binding)} → {code(d.name)} " for d in env.d1_databases) + "|"
            for env in project.wrangler.environments)
    return _rows("| Wrangler environment | Worker | D1 database (binding → name) |\n|---|---|---|", rows,
                 end="\n")  # a newline per row, as the template's loop wrote


def _concurrency(value: Any) -> str:
    # GitHub's `concurrency:` is a group name or a mapping with `group:` (the template showed "—" for
    # the string form and failed the build on a mapping without a group).
    if isinstance(value, dict):
        return code(value.get("group"))
    return code(value) if isinstance(value, str) else NONE


def schedules_table(project: Project) -> str:
    """Each workflow: its triggers (a schedule as its cron lines) and its concurrency group."""
    rows = (f"| {code(wf.relpath)} | {_codes(t for t in wf.triggers if t != 'schedule')}"
            f"{_codes(wf.schedules, 'cron {}')}| {_concurrency(wf.concurrency)} |"
            for wf in project.workflows)
    return _rows("| Workflow | Triggers | Concurrency group |\n|---|---|---|", rows, end="\n")


def _minutes(job: Any) -> str:
    return f"{job.timeout_minutes} min" if job.timeout_minutes is not None else NONE


def deploy_order_table(project: Project) -> str:
    """The primary pipeline's jobs in the order they run: quality gate, remote migrations, deploy."""
    pipeline = project.pipeline
    quality, migrate, deploy = pipeline.quality, pipeline.migrate, pipeline.deploy
    rows = []
    if quality:
        kind = "(reusable workflow)" if quality.kind == "reusable" else f"({quality.kind})"
        rows.append(f"| 1. Quality gate | {code(quality.id)} | — | — | {kind} |")
    else:
        rows.append(f"| 1. Quality gate | {_MISSING} | — | — | — |")
    if migrate:
        rows.append(f"| 2. Remote migrations | {code(migrate.id)} | {_codes(migrate.needs)} | "
                    f"{code(migrate.environment)} | {_minutes(migrate)} |")
    elif pipeline.db:
        rows.append(f"| 2. Remote migrations | {_MISSING} | — | — | — |")
    health = " + health check" if pipeline.health_step else ""
    rows.append(f"| 3. Deploy{health} | {code(deploy.id)} | {_codes(deploy.needs)} | "
                f"{code(deploy.environment)} | {_minutes(deploy)} |")
    return _rows("| Step | Job | Waits for | Gate | Timeout |\n|---|---|---|---|---|", rows)


def environment_sections(project: Project) -> str:
    """A section per wrangler environment: Worker, ``--env`` flag, main module, D1 bindings, location
    (each after a blank line, as the template's loop wrote)."""
    out = []
    for env in project.wrangler.environments:
        heading = "Top level" if env.is_top_level else f"env.{env.name}"
        flag = f", selected with {code(env.env_flag)}" if env.env_flag else ""
        d1 = ", ".join(f"{code(d.binding)} → {code(d.name)}" for d in env.d1_databases) or "none"
        out.append(f"\n### {heading}\n\n- Worker: {code(env.worker_name)}{flag}\n"
                   f"- Main module: {code(env.main)}, compatibility date {code(env.compatibility_date)}\n"
                   f"- D1: {d1}\n- Defined at {code(env.location)}\n")
    return "".join(out)
