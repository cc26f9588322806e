"""The Project: everything opsdocs reads from a checkout, typed, loaded once.

Macros render it, checks assert on it; neither reads files on its own. Every value that came from a
file carries a :class:`Location` so a finding can point at ``path:line``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from opsdocs.project._location import Location
from opsdocs.project._workflow_model import ActionRef, Job, SecretRef, Step, Workflow

if TYPE_CHECKING:
    from opsdocs.project.site_config import MkdocsConfig
    from opsdocs.project.pipeline import Pipeline

__all__ = ["ActionRef", "Binding", "D1Database", "Environment", "HealthCheck", "Job", "Location", "Migration",
           "Project", "SecretDoc", "SecretRef", "Step", "Workflow", "WranglerConfig"]


# --- wrangler.jsonc -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Migration:
    """One SQL file in a database's ``migrations_dir`` (``0001_create_accounts.sql``)."""

    number: int | None  # None when the file name does not start with digits
    name: str  # file name, e.g. "0001_create_accounts.sql"
    path: Path  # absolute
    location: Location  # the file itself, line 1
    sql: str = field(default="", repr=False, compare=False)  # the file's text, read once at load time


@dataclass(frozen=True)
class D1Database:
    binding: str
    database_name: str | None
    database_id: str | None
    preview_database_id: str | None
    migrations_dir: str  # as written (default "migrations"), relative to the config file
    migrations_table: str  # default "d1_migrations"
    location: Location  # the entry in d1_databases
    migrations: tuple[Migration, ...] = ()
    dir_location: Location | None = None  # the `migrations_dir` key, when the entry sets one

    @property
    def name(self) -> str:
        """What wrangler commands take as ``<database>``: the name, else the binding."""
        return self.database_name or self.binding


@dataclass(frozen=True)
class Binding:
    """Any binding: D1, KV, R2, Durable Object, service, queue, assets... (``name`` is what code reads)."""

    kind: str  # as the pages show it: "KV namespace", "Durable Object"...
    name: str
    resource: str  # database name, bucket, namespace id, class, service... ("" when none)
    location: Location
    remote: bool = False  # `remote: true`: local dev talks to the real resource
    inherited: bool = False  # wrangler inherits it into environments (assets)


@dataclass(frozen=True)
class Environment:
    """The top-level Worker (``name == ""``) or one ``env.<name>``, resolved as wrangler does.

    Inheritable keys (name, main, compatibility_*, routes, workers_dev, observability...) come from the top
    level unless overridden; ``vars`` and bindings are NOT inherited, so ``d1_databases`` here is only what
    the environment itself declares.
    """

    name: str  # "" for the top level
    worker_name: str  # "<name>" or "<name>-<env>" (what wrangler deploys)
    main: str | None
    compatibility_date: str | None
    vars: dict[str, Any]
    d1_databases: tuple[D1Database, ...]
    routes: tuple[Any, ...]
    workers_dev: bool | None
    observability: dict[str, Any]
    location: Location
    # Top-level bindings (by binding name) this environment does not repeat: wrangler will not have them.
    missing_bindings: tuple[str, ...] = ()
    missing_vars: tuple[str, ...] = ()
    bindings: tuple[Binding, ...] = ()  # every binding it declares itself, D1 included
    secrets_required: tuple[str, ...] = ()  # `secrets.required`
    missing_secrets: tuple[str, ...] = ()  # top-level `secrets.required` it does not repeat

    @property
    def is_top_level(self) -> bool:
        return self.name == ""

    @property
    def env_flag(self) -> str:
        """The ``--env`` flag to pass to wrangler ("" for the top level)."""
        return f"--env {self.name}" if self.name else ""

    def database(self, binding_or_name: str) -> D1Database | None:
        for db in self.d1_databases:
            if binding_or_name in (db.binding, db.database_name):
                return db
        return None


@dataclass(frozen=True)
class WranglerConfig:
    path: Path  # absolute path of wrangler.jsonc (or .json)
    relpath: str  # relative to the project root
    name: str
    main: str | None
    compatibility_date: str | None
    compatibility_flags: tuple[str, ...]
    top: Environment  # the top-level Worker
    envs: dict[str, Environment]  # named environments, in file order
    raw: dict[str, Any]
    # JSON pointer ("/d1_databases/0/binding") -> location, for every key in the file.
    locations: dict[str, Location] = field(default_factory=dict, repr=False)
    read_paths: tuple[Path, ...] = ()  # the config and every migrations folder and file read
    do_migrations: tuple[tuple[str, str, Location], ...] = ()  # Durable Object migrations: tag, change, where

    @property
    def pages_output_dir(self) -> str | None:
        """``pages_build_output_dir`` of a Cloudflare Pages project, else None (a Worker). wrangler warns
        when ``wrangler deploy`` runs on such a config: Pages ships with ``wrangler pages deploy``."""
        value = self.raw.get("pages_build_output_dir")
        return value if isinstance(value, str) and value else None

    @property
    def pages_functions(self) -> Path | None:
        """Where a Pages project keeps its Functions (``functions/`` beside the config, whether or not it
        exists); None for a Worker."""
        return self.path.parent / "functions" if self.pages_output_dir is not None else None

    @property
    def environments(self) -> tuple[Environment, ...]:
        """Top level first, then every ``env.*``."""
        return (self.top, *self.envs.values())

    def environment(self, name: str | None) -> Environment | None:
        return self.top if not name else self.envs.get(name)

    @property
    def remote_binding_names(self) -> tuple[str, ...]:
        """Bindings with ``"remote": true`` in any environment, once each, in config order: plain
        ``wrangler dev`` connects them to the real account (the environments page warns about it)."""
        return tuple(dict.fromkeys(b.name for env in self.environments for b in env.bindings if b.remote))

    def locate(self, pointer: str) -> Location:
        return locate(self.locations, self.relpath, pointer)


# --- checks/ -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SecretDoc:
    """The prose config cannot give, from ``checks/secrets.yml``, keyed by secret name."""

    name: str
    purpose: str
    permissions: tuple[str, ...]
    where: str  # where it is set: "repository secret", "environment secret: production", ...
    rotation: str
    how_to_get: str
    location: Location


@dataclass(frozen=True)
class HealthCheck:
    """One HTTP check from ``checks/health.yml``."""

    name: str
    path: str
    method: str
    expect_status: int
    expect_json: dict[str, Any]  # field -> expected value (exact)
    expect_json_fields: tuple[str, ...]  # fields that must be present, any value
    latency_budget_ms: float
    retries: int
    backoff_s: float
    timeout_s: float
    location: Location


# --- the whole checkout --------------------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    root: Path
    wrangler: WranglerConfig
    workflows: tuple[Workflow, ...]
    secret_docs: dict[str, SecretDoc]
    health_checks: tuple[HealthCheck, ...]
    docs_dir: Path  # the site's pages (root/docs)
    runbooks_dir: Path  # root/runbooks
    checks_dir: Path  # root/checks
    pipeline: Pipeline = field(default=None, repr=False)  # type: ignore[assignment]  # set by the loader
    read_paths: tuple[Path, ...] = ()  # every file and folder the Project was read from
    repo_root: Path | None = None  # the folder holding .github/workflows (root or an ancestor)
    package_json: dict[str, Any] = field(default_factory=dict, repr=False)  # the config folder's
    missing_build: Any = None  # a MissingBuild when `main` is a build output not built yet
    site: MkdocsConfig | None = None  # the site's mkdocs.yml, its hooks' text; None without one

    @property
    def report_path(self) -> Path:
        """Where ``opsdocs verify`` writes its report by default, which the status page shows."""
        return self.root / ".opsdocs" / "report.json"

    @property
    def databases(self) -> tuple[D1Database, ...]:
        """Every database across environments, top level first (same binding may repeat)."""
        return tuple(db for env in self.wrangler.environments for db in env.d1_databases)

    @property
    def migration_databases(self) -> tuple[D1Database, ...]:
        """One database per migrations folder, the first that names it (environments often share one):
        what reads the migrations reads each folder once."""
        seen: set[Path] = set()
        out = []
        for db in self.databases:
            folder = (self.wrangler.path.parent / db.migrations_dir).resolve()
            if folder not in seen:
                seen.add(folder)
                out.append(db)
        return tuple(out)

    @property
    def secret_refs(self) -> tuple[SecretRef, ...]:
        return tuple(ref for wf in self.workflows for ref in wf.secrets)

    @property
    def secrets(self) -> dict[str, tuple[SecretRef, ...]]:
        """Secret name -> every place it is used, sorted by name; GITHUB_TOKEN excluded (GitHub sets it)."""
        out: dict[str, list[SecretRef]] = {}
        for ref in self.secret_refs:
            if ref.name != "GITHUB_TOKEN":
                out.setdefault(ref.name, []).append(ref)
        return {k: tuple(out[k]) for k in sorted(out)}

    @property
    def jobs(self) -> tuple[Job, ...]:
        return tuple(job for wf in self.workflows for job in wf.jobs.values())

    @property
    def github_environments(self) -> dict[str, tuple[Job, ...]]:
        """GitHub environment name -> jobs that use it."""
        out: dict[str, list[Job]] = {}
        for job in self.jobs:
            if job.environment:
                out.setdefault(job.environment, []).append(job)
        return {k: tuple(v) for k, v in out.items()}

    def workflow(self, file_name: str) -> Workflow | None:
        for wf in self.workflows:
            if wf.path.name == file_name or wf.relpath == file_name:
                return wf
        return None

    def relpath(self, path: Path) -> str:
        from opsdocs._fs import relpath

        return relpath(path, self.root)


def locate(locations: dict[str, Location], relpath: str, pointer: str) -> Location:
    """Location of a JSON pointer, falling back to the nearest known parent, then line 1 of the file."""
    while pointer:
        if pointer in locations:
            return locations[pointer]
        pointer = pointer.rsplit("/", 1)[0]
    return Location(relpath, 1)
