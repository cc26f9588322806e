"""``literal-config-value``: pages render config values with macros instead of typing them."""

from __future__ import annotations

import re
from collections.abc import Sequence

from opsdocs._credentials import CURRENT
from opsdocs.drift._base import failure, word_pattern
from opsdocs.project.model import Location, Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage

# Names wrangler itself reads from the environment: fixed by wrangler, not by this project's config.
WRANGLER_ENV_VARS = frozenset(CURRENT)
# Jinja expressions, statements and comments, and HTML comments: what the reader never sees as typed.
_HIDDEN = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<!--.*?-->", re.S)


def _blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))  # keep newlines so line numbers stay true


def config_values(project: Project) -> dict[re.Pattern[str], tuple[str, str]]:
    """Pattern -> (value, where it comes from) for every value a page must not type."""
    found: dict[str, str] = {}
    cfg = project.wrangler.relpath
    for env in project.wrangler.environments:
        scope = f"env.{env.name}." if env.name else ""
        worker = f"the Worker name of env.{env.name}" if env.name else "the top-level Worker name"
        found.setdefault(env.worker_name, f"{worker} ({cfg})")
        for i, db in enumerate(env.d1_databases):
            for key in ("database_name", "database_id", "preview_database_id", "binding"):
                value = getattr(db, key)
                if value:
                    found.setdefault(value, f"{scope}d1_databases[{i}].{key} in {cfg}")
    for name in [*project.secrets, *project.secret_docs]:
        if name not in WRANGLER_ENV_VARS:
            found.setdefault(name, "a secret name (.github/workflows, checks/secrets.yml)")
    out = {word_pattern(value): (value, origin) for value, origin in found.items()}
    # Environment names are English words ("production"): only their use as a flag value is a value.
    for name in project.wrangler.envs:
        flag = re.compile(rf"(?<![\w-])(?:--env[ =]|-e )({re.escape(name)})(?![\w-])")
        out[flag] = (name, f"the wrangler environment env.{name} ({cfg})")
    return out


class LiteralConfigValue:
    id = "literal-config-value"
    title = "Pages render config values with macros instead of typing them"
    doc = """
        A page must not type a value that comes from the config: Worker names (top level and `<name>-<env>`), D1
        database names, ids and binding names, secret names, and wrangler environment names used as `--env`/`-e`
        values. Typed values are how docs drift: the config changes and the page keeps the old name. The page
        source is scanned outside `{{ }}`, `{% %}`, `{# #}` and HTML comments, in prose and code alike, for
        whole words (case-sensitive; `my-api` does not match inside `my-api-production`, `DB` not inside `DBs`).
        Environment names are checked only as flag values because words like `production` are also prose; job
        ids are not checked for the same reason; wrangler's own variables (`CLOUDFLARE_API_TOKEN`,
        `CLOUDFLARE_ACCOUNT_ID`) are fixed names, not config. Fix a finding by rendering the value with the
        macro that reads it from the config.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        patterns = config_values(project)
        out: dict[str, Finding] = {}
        for page in pages:
            visible = _HIDDEN.sub(_blank, page.source)
            for lineno, line in enumerate(visible.splitlines(), start=1):
                for pattern, (value, origin) in patterns.items():
                    if pattern.search(line):
                        f = failure(self.id, f"{page.relpath}:{lineno}:{value}", Location(page.relpath, lineno),
                                    f"'{value}' is typed literally; it is {origin}: render it with a macro "
                                    f"so the page follows the config")
                        out.setdefault(f.id, f)
        return list(out.values())
