"""The Jinja context every page is rendered with (names documented in :mod:`opsdocs.site.macros`)."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from typing import Any

from jinja2 import Undefined

from opsdocs.claims import claim_macro, load_sources, quote_macro
from opsdocs.errors import ConfigError, PageError
from opsdocs.project.model import Environment, Project
from opsdocs.site import _mermaid, _sections, _tables


def _quote(word: str) -> str:
    return word if word.startswith("-") or word == shlex.quote(word) else shlex.quote(word)


def _wrangler_factory(project: Project) -> Callable[..., str]:
    def wrangler(*args: object, env: Environment | str | None = None) -> str:
        """``npx wrangler <args> [--env NAME]``: each arg may hold several words (``"d1 migrations list"``)."""
        words = [w for arg in args for w in str(arg).split(" ") if w]
        name = env.name if isinstance(env, Environment) else env
        if name:
            if name not in project.wrangler.envs:
                raise PageError(f"no environment '{name}' in {project.wrangler.relpath}",
                                hint=f"known: {', '.join(project.wrangler.envs) or 'none'}")
            words += ["--env", name]
        return " ".join(["npx", "wrangler", *words])

    return wrangler


def _cmd(*args: object) -> str:
    """A shell command from words, quoting only those that need it."""
    return " ".join(_quote(str(a)) for a in args)


def build_context(project: Project) -> dict[str, Any]:
    """Variables and macros for every page; built once per build from the one Project."""
    pipeline = project.pipeline
    sources = load_sources()  # package data: the same for every project
    top = project.wrangler.top
    first_db = top.d1_databases[0] if top.d1_databases else None
    return {
        # values
        "project": project,
        "wrangler_config": project.wrangler,
        "worker": top,
        "envs": project.wrangler.envs,
        "environments": project.wrangler.environments,
        "db": first_db or _NoDatabase(top, project.wrangler.relpath, "db"),
        "databases": project.databases,
        "workflows": project.workflows,
        "jobs": {job.id: job for job in project.jobs},
        "secrets": project.secrets,
        "secret_docs": project.secret_docs,
        "github_environments": project.github_environments,
        "health_checks": project.health_checks,
        "pipeline": pipeline,
        "target": pipeline.env,
        "target_db": pipeline.db or _NoDatabase(pipeline.env, project.wrangler.relpath, "target_db"),
        # the environment variables wrangler reads credentials from (fixed by wrangler, not config)
        "cf_env": {"token": "CLOUDFLARE_API_TOKEN", "account": "CLOUDFLARE_ACCOUNT_ID"},
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
        "migrations_table": lambda db=first_db: _tables.migrations_table(db or _no_db(project)),
        "jobs_table": lambda: _tables.jobs_table(project),
        "pipeline_mermaid": lambda direction="LR": _mermaid.pipeline_mermaid(project, direction),
        "health_checks_table": lambda: _sections.health_checks_table(project),
        "status": lambda: _sections.status(project),
        "drift_rules": lambda level=2: _sections.drift_rules(level),
        "code": _tables.code,
        "claim": claim_macro(sources),  # {{ claim("source-id") }} after a sentence: its linked sources
        "quote": quote_macro(sources),  # {{ quote("id") }}: a text wrangler prints, from sources.yml
    }


def _no_db(project: Project) -> Any:
    raise PageError(f"no D1 database at the top level of {project.wrangler.relpath}",
                    hint="add a d1_databases entry, or pass the database: migrations_table(envs.X.d1_databases[0])")


class _NoDatabase(Undefined):
    """``db``/``target_db`` when that environment binds no D1 database: still falsy (``{% if db %}``), but
    using it fails at the environment in wrangler.jsonc, not with "'None' has no attribute 'binding'"."""

    __slots__ = ("_env", "_relpath", "_var")

    def __init__(self, env: Environment, relpath: str, var: str) -> None:
        super().__init__(name=var)
        self._env, self._relpath, self._var = env, relpath, var

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        where = "the top level" if self._env.is_top_level else f"env.{self._env.name}"
        raise ConfigError(
            f"{where} declares no d1_databases, but the pages use {self._var}",
            path=self._relpath if self._env.is_top_level else self._env.location.path,
            line=None if self._env.is_top_level else self._env.location.line,
            col=None if self._env.is_top_level else self._env.location.col,
            hint=f"add the D1 binding under {where} in {self._relpath}: wrangler does not inherit "
                 "d1_databases into environments",
        )

    __str__ = _fail_with_undefined_error
