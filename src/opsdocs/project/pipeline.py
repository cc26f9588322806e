"""The one deploy-pipeline model: every workflow step's calls, and the roles found from what they run.

Computed once at load time and kept on the Project; the site (pages, tables, diagram) and the drift rules
read this same value. Roles are found by what steps run, across all workflows, never by job names:

- a *deploy* makes a version live (``wrangler deploy``, ``versions deploy``, ``pages deploy``, wrangler-action's
  default command, a script or wrapper that ends in one); each deploy is one :class:`Lane`, so staging and
  production are two lanes;
- *migrations*: ``d1 migrations apply ... --remote`` for the lane's wrangler environment, in a job the deploy
  needs or earlier in the deploy job;
- the *quality gate*: a job the deploy needs that runs tests or calls a reusable workflow (else any job it
  needs), a test step earlier in the deploy job, or a ``workflow_run`` trigger naming another workflow;
- *verification* after the deploy (``curl``, ``opsdocs health``, a health/smoke script) and *rollback*;
- the *approval gate*: the GitHub environment of the deploy job; *credentials*: the secrets each role hands
  to wrangler as token and account.

Any role may be missing (``None``); the deployed wrangler environment is whatever the deploy targets.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from opsdocs.project._calls import Call, WranglerCall, normalise_dir
from opsdocs.project._step_calls import Credentials, StepCalls, credentials, secret_for, step_calls
from opsdocs.project._step_kinds import downstream, is_verification, runs_tests, upstream
from opsdocs.project.model import Environment, Job, Location, Step, Workflow, WranglerConfig

__all__ = ["Credentials", "Lane", "Missing", "Pipeline", "QualityGate", "Role", "StepCalls", "config_dir",
           "credentials", "downstream", "is_verification", "runs_tests", "secret_for", "step_calls", "upstream"]

T = TypeVar("T")


class _Part(Generic[T]):
    """A Pipeline attribute: ``part`` (job or step) of the primary lane's ``role``, else Missing(what)."""

    def __init__(self, role: str, part: str, what: str) -> None:
        self.role, self.part, self.what = role, part, what

    def __get__(self, pipeline: Any, owner: type | None = None) -> T | Missing:
        lane = pipeline.primary if pipeline is not None else None
        found = getattr(lane, self.role, None) if lane else None
        return getattr(found, self.part) if found else Missing(self.what)


class _OfSite(Generic[T]):
    """A Role's attribute that is its step's (``role.job`` is ``role.site.job``)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, role: Any, owner: type | None = None) -> T:
        value: T = getattr(role.site, self.name)
        return value


@dataclass(frozen=True)
class Role:
    """A step that plays a part (``call``: the wrangler call that makes it so, when there is one)."""

    site: StepCalls
    call: Call | None = None
    job = _OfSite[Job]()
    step = _OfSite[Step]()
    workflow = _OfSite[Workflow]()
    location = _OfSite[Location]()
    name = _OfSite[str]()


@dataclass(frozen=True)
class QualityGate:
    kind: str  # "needs" (a job the deploy waits for), "reusable", "step" (earlier in the job), "workflow_run"
    location: Location
    job: Job | None = None
    workflow: Workflow | None = None  # the reusable or workflow_run workflow, when it is in this repository
    called: str | None = None  # what `uses:` or `workflows:` names, as written

    @property
    def id(self) -> str:
        return self.job.id if self.job is not None else (self.workflow.name if self.workflow else self.called or "")

    @property
    def uses(self) -> str:
        if self.called:
            return self.called
        return self.job.uses or "" if self.job is not None else ""

    @property
    def name(self) -> str:
        return (self.job.name or self.job.id) if self.job is not None else self.id


@dataclass(frozen=True)
class Lane:
    """One deploy of one wrangler environment and the roles around it."""

    deploy: Role
    env: Environment  # the wrangler environment deployed (the top level when no --env)
    env_name: str | None  # as the deploy names it (may be unknown to the config, or chosen at run time)
    kind: str  # "deploy", "versions" (upload + deploy), "pages", or the wrapper/script it went through
    migrations: tuple[Role, ...]  # remote migrations of this environment that run before the deploy
    stray_migrations: tuple[Role, ...]  # ... of this environment that do not run before it
    quality: QualityGate | None
    verify: Role | None
    rollback: Role | None
    upload: Role | None  # `versions upload` before a `versions deploy`
    credentials: Credentials

    @property
    def github_env(self) -> str | None:
        """The approval gate: the GitHub environment of the deploy job."""
        return self.deploy.job.environment

    @property
    def workflow(self) -> Workflow:
        return self.deploy.workflow

    @property
    def migrate(self) -> Role | None:
        return self.migrations[0] if self.migrations else None

    @property
    def is_pages(self) -> bool:
        """A Cloudflare Pages deploy (`wrangler pages deploy`): no D1 migrations, no `wrangler rollback`."""
        return self.kind == "pages"

    @property
    def label(self) -> str:
        if self.is_pages:
            return "the Pages project"
        return f"env.{self.env.name}" if self.env_name else "the top-level Worker"

    @property
    def deploy_env_known(self) -> bool:
        """The ``--env`` names an environment of the config (or is chosen at run time)."""
        return not self.env_name or self.env.name == self.env_name or self.env_name.startswith("$")

    @property
    def needs_migrations(self) -> bool:
        """The deployed environment binds D1 databases, so its schema must reach them first."""
        return bool(self.env.d1_databases) and not self.is_pages


def config_dir(wrangler: WranglerConfig, repo_relpath: str) -> str:
    """The config's folder relative to the repository root ("" at the root)."""
    return normalise_dir(str(repo_relpath).rsplit("/", 1)[0] if "/" in repo_relpath else "")


class Missing:
    """A role the project does not have, as a page sees it: falsy, empty, and any attribute of it is
    missing too, so ``{{ pipeline.migrate.id }}`` renders "—" instead of failing the build. The page says
    what is missing with ``missing_role(...)`` at the spot where the role would be."""

    __slots__ = ("role",)

    def __init__(self, role: str) -> None:
        self.role = role

    def __bool__(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Missing:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __getitem__(self, key: object) -> Missing:
        return self

    def __iter__(self) -> Iterator[object]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"Missing({self.role!r})"


@dataclass(frozen=True)
class Pipeline:
    """Every step's calls, every deploy lane, and the primary lane the guides describe."""

    steps: tuple[StepCalls, ...]
    lanes: tuple[Lane, ...]
    primary: Lane | None
    top: Environment  # the config's top level: the target when nothing deploys
    read_token_secret: str | None = None  # an API token secret read by a job outside every lane
    calls: tuple[tuple[StepCalls, WranglerCall], ...] = ()  # every wrangler call acting on this config

    # The primary lane's roles, as pages name them (a Missing placeholder when absent).
    @property
    def workflow(self) -> Workflow | Missing:
        return self.primary.workflow if self.primary else Missing("deploy workflow")

    @property
    def deploy(self) -> Job | Missing:
        return self.primary.deploy.job if self.primary else Missing("deploy")

    @property
    def deploy_step(self) -> Step | Missing:
        return self.primary.deploy.step if self.primary else Missing("deploy")

    # The primary lane's role parts, as pages name them (Missing(what) when the lane has no such role).
    migrate = _Part[Job]("migrate", "job", "migrations")
    migrate_step = _Part[Step]("migrate", "step", "migrations")
    health_step = _Part[Step]("verify", "step", "post-deploy verification")
    rollback_step = _Part[Step]("rollback", "step", "rollback")

    @property
    def quality(self) -> QualityGate | Missing:
        return self.primary.quality if self.primary and self.primary.quality else Missing("quality gate")

    @property
    def env(self) -> Environment:
        return self.primary.env if self.primary else self.top

    @property
    def github_env(self) -> str | Missing:
        lane = self.primary
        return lane.github_env if lane and lane.github_env else Missing("approval gate")

    @property
    def token_secret(self) -> str | Missing:
        lane = self.primary
        return lane.credentials.token if lane and lane.credentials.token else Missing("API token secret")

    @property
    def account_secret(self) -> str | Missing:
        lane = self.primary
        return lane.credentials.account if lane and lane.credentials.account else Missing("account id secret")

    @property
    def missing_roles(self) -> tuple[str, ...]:
        """The roles the primary lane lacks, in pipeline order (``deploy`` when nothing deploys)."""
        lane = self.primary
        if lane is None:
            return ("deploy",)
        out = []
        if lane.quality is None:
            out.append("quality")
        if lane.needs_migrations and not lane.migrations:
            out.append("migrations")
        if not lane.github_env:
            out.append("approval")
        if lane.verify is None:
            out.append("verify")
        elif lane.rollback is None:
            out.append("rollback")
        return tuple(out)

    @property
    def verify_url(self) -> str | Missing:
        """What the verification step reads the deployed URL from (``${{ vars.BASE_URL }}``)."""
        lane = self.primary
        step = lane.verify.step if lane and lane.verify else None
        for key, value in (step.env.items() if step else ()):
            if "URL" in key.upper() or "url" in str(value).lower():
                return str(value)
        return Missing("deployed URL")

    @property
    def db(self) -> object:
        """The deployed environment's first D1 database."""
        dbs = self.env.d1_databases
        return dbs[0] if dbs else None
