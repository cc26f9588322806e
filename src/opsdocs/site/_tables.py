"""Markdown tables generated from the Project: the pages show config, they never retype it."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

from opsdocs import _markdown
from opsdocs.project.model import D1Database, Environment, Job, Project, SecretRef

NONE = "—"


def cell(text: object) -> str:
    """Plain text as one table cell (:func:`opsdocs._markdown.cell`); empty is a dash."""
    return _markdown.cell(str(text)) or NONE


def prose(text: str) -> str:
    """Authored Markdown (checks/secrets.yml) kept as Markdown, made safe for one table cell."""
    return " ".join(text.split()).replace("|", "\\|") or NONE


def code(text: object) -> str:
    """Inline code for one value; ``|`` and backticks are written as entities so they cannot end the cell
    or open a Markdown code span inside the ``<code>`` (a quoted wrangler message can hold backticks)."""
    value = "" if text is None else str(text)
    if not value:
        return NONE
    return "<code>" + html.escape(value).replace("|", "&#124;").replace("`", "&#96;") + "</code>"


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    return _markdown.table(header, list(rows))


def env_label(env: Environment) -> str:
    return "top level" if env.is_top_level else code(f"env.{env.name}")


def _uses(refs: Iterable[SecretRef]) -> str:
    return "<br>".join(f"{code(r.job or '(workflow)')} at {code(r.location)}" for r in refs)


def _readable_from(project: Project, refs: Sequence[SecretRef]) -> str:
    envs = sorted({_job_env(project, r) or "" for r in refs})
    parts = [f"environment {code(e)}" if e else "repository" for e in envs]
    return "<br>".join(parts)


def secret_scope(project: Project, name: str) -> str | None:
    """The GitHub environment to set secret ``name`` on: the one environment every job reading it runs in;
    None (a repository secret) when any reader runs outside it, since environment secrets reach only it."""
    envs = {_job_env(project, r) for r in project.secrets.get(name, ())}
    return envs.pop() if len(envs) == 1 and None not in envs else None


def _job_env(project: Project, ref: SecretRef) -> str | None:
    wf = project.workflow(ref.workflow)
    job = wf.jobs.get(ref.job) if wf and ref.job else None
    return job.environment if job else None


def secrets_table(project: Project) -> str:
    """Secret → every use (``file:line``) → GitHub environment. Compact, so it fits the content column:
    permissions and rotation are prose, in each secret's own section (``secret_sections``)."""
    rows = []
    for name, refs in project.secrets.items():
        documented = "yes" if name in project.secret_docs else "⚠️ not in " + code("checks/secrets.yml")
        rows.append((code(name), _uses(refs), _readable_from(project, refs), documented))
    return table(("Secret", "Used by (job at file:line)", "Read by jobs in", "Documented"), rows)


def databases_table(project: Project) -> str:
    rows = [
        (env_label(env), code(db.binding), code(db.database_name or ""), code(db.database_id or ""),
         code(db.migrations_dir), code(db.migrations_table), code(db.location))
        for env in project.wrangler.environments for db in env.d1_databases
    ]
    return table(("Environment", "Binding", "Database name", "Database id", "Migrations dir",
                  "Migrations table", "Defined at"), rows)


def bindings_table(project: Project) -> str:
    """Every binding (all kinds), var and required secret per environment, and what one failed to repeat."""
    rows = []
    for env in project.wrangler.environments:
        for b in env.bindings:
            kind = cell(b.kind) + (f" ({code('remote: true')})" if b.remote else "")
            rows.append((env_label(env), code(b.name), kind, code(b.resource), code(b.location)))
        for var in env.vars:
            rows.append((env_label(env), code(var), "variable", code(_short(env.vars[var])), NONE))
        for name in env.secrets_required:
            rows.append((env_label(env), code(name), f"secret ({code('secrets.required')})", f"set with {code('wrangler secret put')}",
                         NONE))
        for missing in (*env.missing_bindings, *env.missing_vars, *env.missing_secrets):
            rows.append((env_label(env), code(missing), "⚠️ **missing**: not inherited", NONE, code(env.location)))
    for tag, change, where in project.wrangler.do_migrations:
        rows.append(("top level", code(tag), "Durable Object migration", cell(change), code(where)))
    return table(("Environment", "Binding", "Kind", "Value / resource", "Defined at"), rows)


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def environments_table(project: Project) -> str:
    """Wrangler environments: Worker deployed, flag, bindings, missing bindings flagged."""
    rows = []
    for env in project.wrangler.environments:
        dbs = "<br>".join(f"{code(b.name)} → {code(b.resource)} ({cell(b.kind)})" for b in env.bindings) or NONE
        missing = ", ".join(code(b) for b in (*env.missing_bindings, *env.missing_vars, *env.missing_secrets))
        rows.append((env_label(env), code(env.worker_name), code(env.env_flag) if env.env_flag else NONE,
                     dbs, f"⚠️ {missing}" if missing else "✅ none", code(env.location)))
    return table(("Environment", "Worker", "Flag", "Bindings", "Missing bindings", "Defined at"), rows)


def github_environments_table(project: Project) -> str:
    """GitHub environments with the jobs that use them and the secrets those jobs read."""
    rows = []
    for name, jobs in project.github_environments.items():
        ids = {(j.workflow, j.id) for j in jobs}
        secrets = sorted({r.name for r in project.secret_refs if (r.workflow, r.job) in ids})
        rows.append((code(name), "<br>".join(f"{code(j.id)} ({code(j.location)})" for j in jobs),
                     ", ".join(code(s) for s in secrets) or NONE))
    return table(("GitHub environment", "Jobs (file:line)", "Secrets read by those jobs"), rows)


def migrations_table(db: D1Database) -> str:
    rows = [(cell(m.number if m.number is not None else "⚠️ unnumbered"), code(m.name), code(m.location.path))
            for m in db.migrations]
    return table(("#", "Migration", "File"), rows) if rows else f"*No migrations in {code(db.migrations_dir)} yet.*"


def _permissions(value: dict[str, str] | str | None) -> str:
    if value is None:
        return "inherited"
    if isinstance(value, str):
        return code(value)
    return "<br>".join(code(f"{k}: {v}") for k, v in value.items()) or code("{}")


def jobs_table(project: Project) -> str:
    rows = [(code(j.workflow), code(j.id), cell(j.name or ""), ", ".join(code(n) for n in j.needs) or NONE,
             code(j.environment) if j.environment else NONE, _permissions(j.permissions), _timeout(j))
            for j in project.jobs]
    return table(("Workflow", "Job", "Name", "Needs", "Environment", "Permissions", "Timeout"), rows)


def _timeout(job: Job) -> str:
    if job.uses:
        return f"(calls {code(job.uses)})"
    return f"{job.timeout_minutes} min" if job.timeout_minutes is not None else "⚠️ 360 min (default)"


def deploys_table(project: Project) -> str:
    """Every deploy the workflows run (staging and production alike) and the roles around each."""
    missing = "⚠️ **missing**"
    rows = []
    for lane in project.pipeline.lanes:
        migrations = "<br>".join(f"{code(m.job.id)} at {code(m.location)}" for m in lane.migrations)
        if not migrations:
            migrations = missing if lane.needs_migrations else NONE
        gate = lane.quality
        rows.append((
            code(lane.workflow.relpath), f"{code(lane.deploy.job.id)} at {code(lane.deploy.location)}",
            env_label(lane.env) if lane.deploy_env_known else f"⚠️ {code('--env ' + str(lane.env_name))}",
            code(lane.env.worker_name), code(lane.github_env) if lane.github_env else missing,
            f"{code(gate.id)} ({cell(gate.kind)})" if gate else missing, migrations,
            code(lane.verify.name) if lane.verify else missing,
            code(lane.rollback.name) if lane.rollback else missing,
            code(lane.credentials.token) if lane.credentials.token else NONE,
        ))
    return table(("Workflow", "Deploy job at file:line", "Wrangler environment", "Worker", "Approval gate",
                  "Quality gate", "Remote migrations", "Verified by", "Rolled back by", "Token secret"), rows)
