"""``plugins: [opsdocs]``: the guides and the live-value macros inside a team's own MkDocs site.

The team keeps its mkdocs.yml, theme and pages. The plugin adds the built-in guides and drills under
``prefix`` (``ops/`` by default) with a nav section, the Markdown extensions the guides need (only those
missing), the stylesheet and the offline mermaid; every page is rendered with the same macros as
``opsdocs build`` (an error names ``page:line``). A page of the team's at ``ops/<page>.md`` wins over
ours. The project is ``$OPSDOCS_ROOT``, else found from mkdocs.yml's folder as wrangler finds it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from opsdocs.errors import OpsdocsError
from opsdocs.project._yaml import BoundedLoader
from opsdocs.project.model import Project

_EXTENSIONS: dict[str, dict[str, Any]] = {
    "admonition": {}, "attr_list": {}, "md_in_html": {}, "tables": {}, "toc": {"permalink": True},
    "pymdownx.details": {}, "pymdownx.highlight": {}, "pymdownx.inlinehilite": {},
    "pymdownx.superfences": {}, "pymdownx.tabbed": {"alternate_style": True},
}


class _Options(Config):  # type: ignore[no-untyped-call]
    prefix = config_options.Type(str, default="ops")
    section = config_options.Type(str, default="Operations")


class _IgnoreTags(BoundedLoader):  # aliases bounded
    """Our mkdocs.yml read for its nav only: ``!!python/name`` values are not needed."""


_IgnoreTags.add_multi_constructor(  # type: ignore[no-untyped-call]
    "tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _prefixed(nav: Any, prefix: str) -> Any:
    if isinstance(nav, str):
        return f"{prefix}/{nav}"
    if isinstance(nav, list):
        return [_prefixed(item, prefix) for item in nav]
    if isinstance(nav, dict):
        return {key: _prefixed(value, prefix) for key, value in nav.items()}
    return nav


class OpsdocsPlugin(BasePlugin[_Options]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        self.project: Project | None = None

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        from opsdocs.project.load import GUIDES_DIR, ROOT_ENV, find_project_root, load_project

        here = Path(config.config_file_path).resolve().parent
        try:
            root = Path(os.environ[ROOT_ENV]) if os.environ.get(ROOT_ENV) else find_project_root(here)
            self.project = load_project(root, site_root=GUIDES_DIR)
        except OpsdocsError as err:
            raise PluginError(f"opsdocs: {err}") from None
        self._extensions(config)
        prefix = self.config.prefix.strip("/")
        config.extra_css.append(f"{prefix}/stylesheets/opsdocs.css")
        config.extra_javascript.append(f"{prefix}/assets/vendor/mermaid.min.js")
        if isinstance(config.nav, list):
            config.nav.append({self.config.section: self._nav(prefix)})
        return config

    def _extensions(self, config: MkDocsConfig) -> None:
        from pymdownx.superfences import fence_code_format

        for name, options in _EXTENSIONS.items():
            if name not in config.markdown_extensions:
                config.markdown_extensions.append(name)
                config.mdx_configs[name] = dict(options)
        fences = config.mdx_configs.setdefault("pymdownx.superfences", {}).setdefault("custom_fences", [])
        if not any(f.get("name") == "mermaid" for f in fences):
            fences.append({"name": "mermaid", "class": "mermaid", "format": fence_code_format})

    def _nav(self, prefix: str) -> list[Any]:
        from opsdocs.project.load import GUIDES_DIR
        from opsdocs.site.sources import runbook_pages

        ours = yaml.load((GUIDES_DIR / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_IgnoreTags)["nav"]
        nav = _prefixed(ours, prefix)
        drills = [f"{prefix}/runbooks/{p.name}" for p in runbook_pages(GUIDES_DIR, self._root())]
        if drills:
            nav.insert(len(nav) - 2 if len(nav) > 2 else len(nav), {"Drills": drills})
        return list(nav)

    def _root(self) -> Path | None:
        return self.project.root if self.project is not None else None

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        from opsdocs.project.load import GUIDES_DIR
        from opsdocs.site.hooks import _mermaid
        from opsdocs.site.sources import runbook_pages

        prefix = self.config.prefix.strip("/")
        docs = GUIDES_DIR / "docs"
        ours = [(p.relative_to(docs).as_posix(), p) for p in sorted(docs.rglob("*")) if p.is_file()]
        ours += [(f"runbooks/{p.name}", p) for p in runbook_pages(GUIDES_DIR, self._root())]
        for rel, path in ours:
            uri = f"{prefix}/{rel}"
            if files.get_file_from_path(uri) is None:  # a page of yours at that place wins
                files.append(File.generated(config, uri, abs_src_path=str(path)))
        mermaid = f"{prefix}/assets/vendor/mermaid.min.js"
        if files.get_file_from_path(mermaid) is None:
            files.append(File.generated(config, mermaid, abs_src_path=str(_mermaid(GUIDES_DIR))))
        self._refuse_outside(files, config)
        return files

    def _refuse_outside(self, files: Files, config: MkDocsConfig) -> None:
        """A page or asset that is a link out of the project (``/proc/self/environ``, ``~/.env``) is an
        error, never copied or rendered into the site; FIFOs and devices likewise."""
        import stat

        from opsdocs.project.load import GUIDES_DIR

        docs_dir = Path(os.path.abspath(config.docs_dir))
        project_root = self._root()
        roots = [GUIDES_DIR.resolve(), docs_dir.resolve().parent]
        roots += [project_root.resolve()] if project_root is not None else []
        for f in list(files):
            src = f.abs_src_path
            if not src or not Path(os.path.abspath(src)).is_relative_to(docs_dir):
                continue  # only the site's own files; the ones opsdocs adds are its own
            real = Path(src).resolve()
            rel = self._relpath(Path(src), Path(config.docs_dir))
            if not any(real.is_relative_to(r) for r in roots):
                raise PluginError(f"{rel}: the file is a link to {real}, outside the project; "
                                  "copy it into the project instead of linking to it")
            try:
                mode = real.stat().st_mode
            except OSError:
                continue
            if not stat.S_ISREG(mode):
                raise PluginError(f"{rel}: not a regular file (a FIFO or a device); replace it with a file")

    def on_page_read_source(self, /, *, page: Page, config: MkDocsConfig) -> str | None:
        from opsdocs.site._source import read_page_source

        return read_page_source(page, self._relpath(Path(page.file.abs_src_path or ""), Path(config.docs_dir)))

    @event_priority(50)  # before mkdocs-macros, should the team use it too: it then skips the page
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        from opsdocs.project.load import GUIDES_DIR
        from opsdocs.site._source import body_first_line, read_relpath, settle_title
        from opsdocs.site.render import render_source

        # The one on_page_read_source computed for the page, when it read it (paths resolved once a page).
        relpath = read_relpath(page) or self._relpath(Path(page.file.abs_src_path or ""), Path(config.docs_dir))
        try:
            text = render_source(GUIDES_DIR, markdown, relpath, first_line=body_first_line(page),
                                 project=self.project)
            settle_title(page, text, lambda t: render_source(GUIDES_DIR, t, relpath, project=self.project))
        except OpsdocsError as err:
            raise PluginError(str(err)) from None
        page.meta["render_macros"] = False
        return text

    def _relpath(self, path: Path, docs_dir: Path) -> str:
        from opsdocs._fs import relpath_in
        from opsdocs.project.load import GUIDES_DIR

        return relpath_in(path, (GUIDES_DIR, self._root(), docs_dir.parent))
