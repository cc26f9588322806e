"""The Jinja context every page is rendered with (names documented in :mod:`opsdocs.site.macros`)."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

from opsdocs._credentials import ACCOUNT, TOKEN
from opsdocs.claims import claim_macro, load_sources, quote_macro
from opsdocs.errors import PageError
from opsdocs.project.model import Environment, Project
from opsdocs.project.pipeline import Missing
from opsdocs.site import _mermaid, _overview, _pages_project, _sections, _tables
from opsdocs.site._missing import missing_role, missing_roles


def _quote(word: str) -> str:
    return word if word.startswith("-") or word == shlex.quote(word) else shlex.quote(word)


def _wrangler_factory(project: Project) -> Callable[..., str]:
    def wrangler(*args: object, env: Environment | str | None = None) -> str:
        """``npx wrangler <args> [--env NAME]``: each arg may hold several words (``"d1 migrations list"``).

        Without ``env``, a database only an environment declares (no top-level bindings) selects that
        environment, as wrangler needs ``--env`` to find it."""
        words = [w for arg in args for w in str(arg).split(" ") if w]
        name = env.name if isinstance(env, Environment) else env
        if not name:
            name = _env_of_database(project, words)
        if name:
            if name not in project.wrangler.envs:
                raise PageError(f"no environment '{name}' in {project.wrangler.relpath}",
                                hint=f"known: {', '.join(project.wrangler.envs) or 'none'}")
            words += ["--env", name]
        return " ".join(["npx", "wrangler", *words])

    return wrangler


def _env_of_database(project: Project, words: list[str]) -> str | None:
    if words[:1] != ["d1"]:
        return None
    top = project.wrangler.top
    for word in words[1:]:
        if not word.startswith("-") and top.database(word) is None:
            env = next((e for e in project.wrangler.envs.values() if e.database(word) is not None), None)
            if env is not None:
                return env.name
    return None


def _cmd(*args: object) -> str:
    """A shell command from words, quoting only those that need it."""
    return " ".join(_quote(str(a)) for a in args)


def build_context(project: Project) -> dict[str, Any]:
    """Variables and macros for every page; built once per build from the one Project."""
    pipeline = project.pipeline
    sources = load_sources()  # package data: the same for every project
    top = project.wrangler.top
    # The database local rehearsals use: the top level's, else the deployed environment's (a config may
    # declare bindings only inside environments).
    first_db = (top.d1_databases or pipeline.env.d1_databases or (None,))[0]
    # ... and the environment it is bound in: local commands on it need that --env (wrangler does not
    # inherit bindings, so a database declared only under env.production is unknown to the top level).
    db_env = top if top.d1_databases or not pipeline.env.d1_databases else pipeline.env
    return {
        # values
        "project": project,
        "wrangler_config": project.wrangler,
        "worker": top,
        "envs": project.wrangler.envs,
        "environments": project.wrangler.environments,
        "db": first_db or NoDatabase("d1"),
        "db_env": db_env,
        "db_flag": f" {db_env.env_flag}" if db_env.env_flag else "",  # for commands written out in full
        "databases": project.databases,
        "workflows": project.workflows,
        "jobs": {job.id: job for job in project.jobs},
        "secrets": project.secrets,
        "secret_docs": project.secret_docs,
        "github_environments": project.github_environments,
        "health_checks": project.health_checks,
        "pipeline": pipeline,
        "target": pipeline.env,
        "target_db": pipeline.db or NoDatabase("d1"),
        # the environment variables wrangler reads credentials from (fixed by wrangler, not config)
        "cf_env": {"token": TOKEN, "account": ACCOUNT},
        # macros
        "wrangler": _wrangler_factory(project),
        "cmd": _cmd,
        "secrets_table": lambda: _tables.secrets_table(project),
        "secret_scope": lambda name: _tables.secret_scope(project, name),
        "secret_sections": lambda level=3: _sections.secret_sections(project, level),
        "bindings_table": lambda: _tables.bindings_table(project),
        "databases_table": lambda: _tables.databases_table(project),
        "environments_table": lambda: _tables.environments_table(project),
        "github_environments_table": lambda: _tables.github_environments_table(project),
        "migrations_table": lambda db=first_db: _tables.migrations_table(db) if db else missing_role(project, "d1"),
        "missing_role": lambda role: missing_role(project, role),
        "missing_roles": lambda *only: missing_roles(project, only),
        "environment_sections": lambda: _overview.environment_sections(project),
        "deploys_table": lambda: _tables.deploys_table(project),
        "jobs_table": lambda: _tables.jobs_table(project),
        "deployed_table": lambda: _overview.deployed_table(project),
        "schedules_table": lambda: _overview.schedules_table(project),
        "deploy_order_table": lambda: _overview.deploy_order_table(project),
        "pages_build": lambda: _pages_project.pages_build(project),
        "pages_rollback": lambda: _pages_project.pages_rollback(project),
        "pipeline_mermaid": lambda direction="LR": _mermaid.pipeline_mermaid(project, direction),
        "health_checks_table": lambda: _sections.health_checks_table(project),
        "status": _sections.status_macro(project),
        "drift_rules": lambda level=2: _sections.drift_rules(level),
        "code": _tables.code,
        "claim": claim_macro(sources),  # {{ claim("source-id") }} after a sentence: its linked sources
        "quote": quote_macro(sources),  # {{ quote("id") }}: a text wrangler prints, from sources.yml
    }


class NoDatabase(Missing):
    """``db``/``target_db`` when no D1 database is bound: falsy, so pages write ``{% if target_db %}`` and
    show ``missing_role("d1")`` otherwise; any use of it renders empty rather than failing the build."""
