"""Render every page exactly as the built site shows it, without running MkDocs.

The steps and drift checks read :func:`render_pages`; the MkDocs build renders through the same
:func:`render_source` (see :mod:`opsdocs.site.macros`), so a check sees what a reader copies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.utils.meta import get_data

from opsdocs.project.load import GUIDES_DIR, load_project
from opsdocs.project.model import Project
from opsdocs.site._context import build_context
from opsdocs.site._jinja import make_environment, render_markdown
from opsdocs.project.pages import RenderedPage
from opsdocs.site.sources import page_files

__all__ = ["page_context", "page_files", "render_pages", "render_source", "split_front_matter"]

# One environment and context per Project value; load_project is memoised, so one per build (a reload
# makes a new one). The plugin's variables and our own rendering share them: built once, not twice.
_ENVS: dict[int, tuple[Project, Environment, dict[str, Any]]] = {}


def page_context(site_root: Path | None = None, root: Path | None = None) -> dict[str, Any]:
    """The variables and macros pages are rendered with (root: ``$OPSDOCS_ROOT``, else this checkout)."""
    return _cached(load_project(root, site_root=site_root or GUIDES_DIR))[2]


def _cached(project: Project) -> tuple[Project, Environment, dict[str, Any]]:
    cached = _ENVS.get(id(project))
    if cached is None or cached[0] is not project:
        if len(_ENVS) > 8:
            _ENVS.clear()
        context = build_context(project)
        cached = (project, make_environment(project.docs_dir, context), context)
        _ENVS[id(project)] = cached
    return cached


def render_source(site_root: Path, source: str, relpath: str, *, first_line: int = 1,
                  project: Project | None = None) -> str:
    """One page's Markdown (front matter already removed) after the macros; PageError at page:line."""
    project = project or load_project(site_root=site_root)
    return render_markdown(_cached(project)[1], source, relpath, first_line=first_line)


def split_front_matter(source: str) -> tuple[str, int]:
    """The Markdown MkDocs renders (YAML front matter removed, as MkDocs does) and its first line."""
    body, _meta = get_data(source)
    if body == source:
        return source, 1
    return body, source.count("\n") - body.count("\n") + 1


def render_pages(project: Project, site_root: Path | None = None) -> tuple[RenderedPage, ...]:
    """Every page of the site (the project's own pages included, see :mod:`opsdocs.site.sources`),
    rendered with the build's context; the first error is raised."""
    site = Path(site_root) if site_root is not None else project.docs_dir.parent
    pages = []
    from opsdocs.project._read import inside, read_input

    for relpath, path in page_files(site, project.root):
        inside(path, [site, project.root], relpath)
        try:
            source = read_input(path, relpath, limit=4 << 20, what="page")
        except FileNotFoundError:
            continue  # removed while the site was being listed
        body, first_line = split_front_matter(source)
        text = render_source(site, body, relpath, first_line=first_line, project=project)
        pages.append(RenderedPage(relpath=relpath, path=path, source=source, text=text))
    return tuple(pages)
