"""``undescribed-environment``: the environments guide has a heading or table row for every environment."""

from __future__ import annotations

import re
from collections.abc import Sequence

from opsdocs.drift._base import failure, find_page, word_pattern
from opsdocs.project.model import Location, Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage

GUIDE = "environments.md"
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"^ {0,3}#{1,6}\s")


def _describing_lines(text: str) -> list[str]:
    """Headings and table rows: where a guide describes something, not where it mentions it in passing."""
    lines = _COMMENT.sub("", text).splitlines()
    return [ln for ln in lines if _HEADING.match(ln) or ln.lstrip().startswith("|")]


class UndescribedEnvironment:
    id = "undescribed-environment"
    title = "Every GitHub and wrangler environment is described in the environments guide"
    doc = """
        Every GitHub environment a job uses (`environment:`) and every `env.<name>` in wrangler.jsonc must
        appear, as a whole word, in a heading or a table row of the rendered `docs/environments.md`. A mention
        in running prose does not count: `production` is also an English word, and an environment is described
        only where it gets its own section or row. An environment missing there is one whose protection rules,
        secrets and Worker name nobody wrote down. Fix it by adding a section or a table row for it, rendered
        from the config with a macro.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        page = find_page(pages, GUIDE)
        lines = _describing_lines(page.text) if page else []
        where = "docs/environments.md" if page else "docs/environments.md, which does not exist"

        def described(name: str) -> bool:
            pattern = word_pattern(name)
            return any(pattern.search(ln) for ln in lines)

        # (finding detail, what to call it, name to look for, where it is configured)
        wanted: list[tuple[str, str, str, Location]] = [
            (f"github:{name}", f"GitHub environment {name}", name, jobs[0].location)
            for name, jobs in project.github_environments.items()
        ]
        wanted += [(f"wrangler:{name}", f"wrangler environment env.{name}", name, env.location)
                   for name, env in project.wrangler.envs.items()]
        return [
            failure(self.id, detail, location,
                    f"{label} is not described in {where}; add a heading or a table row naming it")
            for detail, label, name, location in wanted
            if not described(name)
        ]
