"""Rollback readiness: is a Worker rollback, and a D1 Time Travel restore, possible now, and why not.

Offline, from the config and its git history:

* Durable Object migrations in the latest deploy: Cloudflare refuses a rollback to a version from before
  a Durable Object migration (https://developers.cloudflare.com/workers/configuration/versions-and-deployments/rollbacks/).
  Without git history the latest migration tag cannot be dated, so it is taken as part of the latest
  deploy: a rollback must be assumed blocked until someone checks.
* Bindings changed between the previous and the latest deploy: a version carries its bindings; a rollback
  to one whose KV namespace, R2 bucket or queue no longer exists is refused (same page).
* D1 migrations added inside Time Travel's window: restoring to a point before one makes it pending again,
  and the next ``migrations apply`` re-runs it (https://developers.cloudflare.com/d1/reference/time-travel/).

With a read-only token the session adds what only the account knows (see ``readiness_online``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from opsdocs.project.model import Environment, Location, Project
from opsdocs.runmode.history import ConfigHistory, added_dates, config_history

__all__ = ["Readiness", "Reason", "check_readiness", "BINDING_KEYS", "TIME_TRAVEL_DAYS"]

TIME_TRAVEL_DAYS = 30  # Workers Paid; 7 on Free (https://developers.cloudflare.com/d1/reference/time-travel/)
BINDING_KEYS = ("d1_databases", "kv_namespaces", "r2_buckets", "queues", "services", "durable_objects",
                "vectorize", "hyperdrive", "analytics_engine_datasets", "ai", "browser", "workflows")


@dataclass(frozen=True)
class Reason:
    text: str
    location: Location | None = None
    blocking: bool = False


@dataclass(frozen=True)
class Readiness:
    env: Environment
    worker_rollback: tuple[Reason, ...]
    restore: tuple[Reason, ...]

    @property
    def worker_blocked(self) -> bool:
        return any(r.blocking for r in self.worker_rollback)

    @property
    def restore_blocked(self) -> bool:
        return any(r.blocking for r in self.restore)


def check_readiness(project: Project, env: Environment, *, now: datetime | None = None,
                    history: ConfigHistory | None | bool = True) -> Readiness:
    """The offline verdicts for one environment (``history=True``: read it from git)."""
    hist = config_history(project.root, project.wrangler.path) if history is True else (history or None)
    worker = [*_do_migrations(project, env, hist), *_bindings_changed(project, env, hist)]
    restore = _migrations_in_window(project, env, now or datetime.now(UTC))
    return Readiness(env, tuple(worker), tuple(restore))


def _section(raw: dict[str, Any], env: Environment) -> tuple[dict[str, Any], str]:
    """The config object of ``env`` and its JSON pointer prefix."""
    if env.name:
        envs = raw.get("env")
        obj = envs.get(env.name) if isinstance(envs, dict) else None
        return (obj if isinstance(obj, dict) else {}), f"/env/{env.name}"
    return raw, ""


def _migrations_of(raw: dict[str, Any] | None, env: Environment) -> tuple[list[dict[str, Any]], str]:
    """Durable Object migrations that apply to ``env`` (its own, else the top level's) and their pointer."""
    if raw is None:
        return [], ""
    obj, prefix = _section(raw, env)
    for source, where in ((obj, prefix), (raw, "")):
        value = source.get("migrations")
        if isinstance(value, list) and value:
            return [m for m in value if isinstance(m, dict)], f"{where}/migrations"
    return [], ""


def _do_migrations(project: Project, env: Environment, hist: ConfigHistory | None) -> list[Reason]:
    current, pointer = _migrations_of(project.wrangler.raw, env)
    if not current:
        return []
    before = {str(m.get("tag")) for m in _migrations_of(hist.previous, env)[0]} if hist is not None else set()
    new = [(i, m) for i, m in enumerate(current) if str(m.get("tag")) not in before]
    if hist is not None and not new:
        return []
    index, latest = new[-1] if new else (len(current) - 1, current[-1])
    where = project.wrangler.locate(f"{pointer}/{index}")
    tags = ", ".join(str(m.get("tag")) for _, m in new)
    if hist is None:
        why = (f"Durable Object migration {latest.get('tag')!r} is the latest in {project.wrangler.relpath}, and "
               "without git history it cannot be told whether the latest deploy carried it; Cloudflare refuses a "
               "rollback across a Durable Object migration")
    else:
        why = (f"the latest deploy ({'uncommitted changes' if hist.against == 'HEAD' else 'HEAD'} against "
               f"{hist.against}) adds Durable Object migration {tags}; Cloudflare refuses a rollback across a "
               "Durable Object migration")
    return [Reason(f"Worker rollback blocked: {why}. Fix forward, or deploy the old code with a new migration "
                   "that undoes the change", where, blocking=True)]


def _bindings(raw: dict[str, Any] | None, env: Environment) -> dict[str, Any]:
    if raw is None:
        return {}
    obj, _ = _section(raw, env)
    return {key: obj.get(key) for key in BINDING_KEYS if obj.get(key) not in (None, [], {})}


def _bindings_changed(project: Project, env: Environment, hist: ConfigHistory | None) -> list[Reason]:
    if hist is None or hist.previous is None:
        return []
    now, before = _bindings(project.wrangler.raw, env), _bindings(hist.previous, env)
    changed = sorted(k for k in set(now) | set(before) if now.get(k) != before.get(k))
    if not changed:
        return []
    _, prefix = _section(project.wrangler.raw, env)
    where = project.wrangler.locate(f"{prefix}/{changed[0]}" if changed[0] in now else prefix or "/")
    return [Reason(f"bindings changed since {hist.against}: {', '.join(changed)}; the previous version keeps its "
                   "old bindings, and Cloudflare refuses a rollback to a version whose KV namespace, R2 bucket or "
                   "queue no longer exists", where)]


def _migrations_in_window(project: Project, env: Environment, now: datetime) -> list[Reason]:
    out = []
    oldest = now - timedelta(days=TIME_TRAVEL_DAYS)
    for db in env.d1_databases:
        if not db.migrations:
            continue
        dates = added_dates(project.root, project.wrangler.path.parent / db.migrations_dir)
        if dates is None:
            out.append(Reason(f"{db.name}: no git history to date its migrations; every migration applied after "
                              "the restore point is pending again after a restore and re-runs on the next apply"))
            continue
        recent = sorted(((dates[m.name], m) for m in db.migrations if m.name in dates and dates[m.name] >= oldest),
                        key=lambda t: (t[0], t[1].name), reverse=True)
        if recent:
            listed = ", ".join(f"{m.name} (added {when:%Y-%m-%d %H:%M} UTC)" for when, m in recent)
            out.append(Reason(f"{db.name}: restoring to a point before a migration was added makes it pending "
                              f"again, and the next `migrations apply` re-runs it (make sure it can run twice): "
                              f"{listed}", recent[0][1].location))
    return out
