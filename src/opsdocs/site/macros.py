"""mkdocs-macros module: what pages can write inside ``{{ }}``.

Loaded by ``plugins: - macros: modules: [opsdocs.site.macros]``. The Project is loaded once per build
(``load_project`` of ``$OPSDOCS_ROOT``, else this checkout); a ConfigError fails the build with its one
``path:line:col`` line. Never type a config value in a page: use these.

Values
    ``project``              the whole :class:`~opsdocs.project.model.Project`
    ``wrangler_config``      the parsed wrangler.jsonc (``.name``, ``.relpath``, ``.compatibility_date``)
    ``worker``               the top-level Worker (:class:`Environment`: ``.worker_name``, ``.vars``...)
    ``envs``                 named wrangler environments by name (``envs.production.worker_name``)
    ``environments``         top level first, then every ``env.*``
    ``db``                   the first top-level D1 database (``.name``, ``.binding``, ``.database_id``,
                             ``.migrations_dir``, ``.migrations_table``, ``.migrations``)
    ``databases``            every D1 database in every environment
    ``workflows``, ``jobs``  workflows; every job by id (``jobs.migrate.timeout_minutes``)
    ``secrets``              secret name -> its uses (``file:line``); ``secret_docs``: checks/secrets.yml
    ``github_environments``  GitHub environment -> jobs using it
    ``health_checks``        checks/health.yml
    ``pipeline``             the deploy pipeline's roles: ``.workflow``, ``.quality``, ``.migrate``,
                             ``.deploy`` (jobs), ``.health_step``, ``.rollback_step``, ``.github_env``
    ``target``, ``target_db`` the wrangler environment the pipeline deploys, and its first database
                             (``pipeline.token_secret``/``account_secret``/``read_token_secret``: secret names)
    ``cf_env``               ``cf_env.token`` / ``cf_env.account``: the variables wrangler reads credentials from

Macros (return Markdown or a command)
    ``wrangler(*words, env=None)``  ``npx wrangler d1 ... --env NAME`` (refuses an unknown env)
    ``cmd(*words)``                 any command, quoted as needed
    ``secrets_table()``, ``secret_sections(level=3)``, ``bindings_table()``, ``databases_table()``,
    ``environments_table()``, ``github_environments_table()``, ``migrations_table(db=db)``,
    ``secret_scope(name)``          the GitHub environment to set a secret on (None: a repository secret)
    ``deployed_table()``            each environment's Worker and D1 databases (the home page's table)
    ``schedules_table()``           each workflow's triggers, cron lines and concurrency group
    ``deploy_order_table()``        the primary pipeline's quality gate, migrations and deploy, in order
    ``environment_sections()``      a section per wrangler environment (Worker, flag, module, D1, location)
    ``missing_role(role)``, ``missing_roles(*only)``  the admonition for a role the pipeline lacks / for each
    ``jobs_table()``, ``health_checks_table()``, ``pipeline_mermaid(direction="LR")``,
    ``status()`` (the last report), ``drift_rules(level=2)``, ``code(value)`` (inline code, table-safe)
    ``claim(*source_ids)``          after a factual sentence: linked references (src/opsdocs/data/sources.yml)
    ``quote(id)``                   a text wrangler prints, as sources.yml has it (checked against the pin)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from opsdocs.errors import OpsdocsError
from opsdocs.site._source import body_first_line, read_page_source, read_relpath, settle_title
from opsdocs.site.render import page_context, render_source

__all__ = ["define_env", "on_post_page_macros", "on_pre_page_macros"]

_RENDERED = "_opsdocs_rendered"
_SKIP = "render_macros"
_MISSING = object()
_SAVED: dict[int, object] = {}  # id(page.meta) -> its own render_macros (or _MISSING) while we hold it


def define_env(env: Any) -> None:
    """Register the context with the plugin (also what ``macros_info`` lists)."""
    site_root = Path(env.conf["config_file_path"]).resolve().parent
    try:
        context = page_context(site_root)
    except OpsdocsError as err:
        # PluginError: a clean one-line failure under plain `mkdocs build` too; `opsdocs build` unwraps it.
        raise PluginError(str(err)) from err
    for name, value in context.items():
        if callable(value) and not isinstance(value, type):
            env.macro(value, name)
        else:
            env.variables[name] = value


def on_pre_page_macros(env: Any) -> None:
    """Render the page ourselves (same environment as ``render_pages``) so an error names page:line,
    then tell the plugin the page is done: rendering twice would re-expand any ``{{`` in the output."""
    page = env.page
    site_root = Path(env.conf["config_file_path"]).resolve().parent
    project = env.variables.get("project")
    # Computed when the page was read (same site and project root): resolving paths is per-page work.
    relpath = read_relpath(page) or _relpath(Path(page.file.abs_src_path), site_root,
                                             project.root if project is not None else None)
    try:
        # The Project define_env loaded for this build: not re-checked per page.
        env.markdown = render_source(site_root, env.markdown, relpath, first_line=body_first_line(page),
                                     project=project)
        settle_title(page, env.markdown, lambda text: render_source(site_root, text, relpath, project=project))
    except OpsdocsError as err:
        raise PluginError(str(err)) from err
    _SAVED[id(page.meta)] = page.meta.get(_SKIP, _MISSING)
    page.meta[_SKIP] = False  # the plugin's copy of the page shares this dict


def on_post_page_macros(env: Any) -> None:
    """Give the page its own meta back: Material's nav reads every page's meta on every page, and a
    non-empty one costs O(pages²) template lookups (2 s of a 560-page build)."""
    meta = env.page.meta
    saved = _SAVED.pop(id(meta), None)
    if saved is _MISSING:
        meta.pop(_SKIP, None)
    elif saved is not None:
        meta[_SKIP] = saved


def _relpath(path: Path, site_root: Path, project_root: Path | None) -> str:
    """Where a page's errors point: relative to the site, else (the project's own page) to the project."""
    from opsdocs._fs import relpath_in

    return relpath_in(path, (site_root, project_root))


def on_page_read_source(page: Any, config: Any) -> str | None:
    """The hook (``site/hooks.py`` re-exports it): read the page once, remembering where its body starts."""
    site_root = Path(config["config_file_path"]).resolve().parent
    return read_page_source(page, _relpath(Path(page.file.abs_src_path or ""), site_root, _project_root()))


def _project_root() -> Path | None:
    from opsdocs.project.load import default_root

    try:
        return default_root().resolve()
    except OpsdocsError:
        return None
