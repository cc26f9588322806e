"""``nav-coverage``: the guides exist and every page can be reached from the site's navigation."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from opsdocs.drift._base import failure
from opsdocs.project.model import Location, Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage

GUIDES = ("index.md", "runbook.md", "secrets.md", "rollback.md", "troubleshooting.md", "migrations.md",
          "workflow.md", "environments.md")


def _markdown(directory: Path) -> list[str]:
    """``*.md`` under ``directory`` (posix, relative), skipping dot files and folders as MkDocs does."""
    if not directory.is_dir():
        return []
    pages = (p.relative_to(directory).as_posix() for p in directory.rglob("*.md"))
    return sorted(p for p in pages if not any(part.startswith(".") for part in p.split("/")))


class NavCoverage:
    id = "nav-coverage"
    title = "The guides exist and every page is in the site navigation"
    doc = """
        The index and the seven guides (`runbook`, `secrets`, `rollback`, `troubleshooting`, `migrations`,
        `workflow`, `environments`) must exist under `docs/`, and every page under `docs/` must be listed in the
        `nav:` of `mkdocs.yml` (unless it matches `exclude_docs` or `not_in_nav`; with no `nav:` at all, MkDocs
        lists every page itself). A page outside the nav is built but unreachable: on-call never finds it.
        Runbooks live in `runbooks/`, outside `docs/`: once the nav lists any `runbooks/...` page it must list
        all of them; otherwise they count as covered only when a hook named in `mkdocs.yml` `hooks:` adds the
        runbooks to the site (its source mentions `runbooks`). Fix a finding by creating the guide, or by adding
        the page to `nav:`.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        docs = project.docs_dir.name
        out = [
            failure(self.id, f"{docs}/{guide}", f"{docs}/{guide}",
                    f"the guide {docs}/{guide} does not exist; create it and add it to the nav")
            for guide in GUIDES
            if not (project.docs_dir / guide).is_file()
        ]
        config = project.site  # the site's mkdocs.yml, read by the loader with every other input
        if config is None:
            return [*out, failure(self.id, "mkdocs.yml", "mkdocs.yml",
                                  "there is no mkdocs.yml beside docs/, so there is no site to navigate")]
        listed = config.nav or frozenset()
        unlisted = [f"{docs}/{p}" for p in _markdown(project.docs_dir)
                    if config.nav is not None and p not in listed and not config.is_ignored(p)]
        folder = project.runbooks_dir.name
        runbooks = [f"{folder}/{p}" for p in _markdown(project.runbooks_dir)]
        if any(p.startswith(f"{folder}/") for p in listed):  # the nav lists runbooks: it must list all
            unlisted += [p for p in runbooks if p not in listed]
        elif not config.hooks_mention(folder):
            unlisted += runbooks
        at = Location(config.relpath, config.nav_line)
        return out + [
            failure(self.id, page, at, f"{page} is not in the nav of mkdocs.yml, so readers cannot reach "
                    "it; add it under the section it belongs to")
            for page in unlisted
        ]
