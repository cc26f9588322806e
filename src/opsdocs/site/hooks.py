"""MkDocs hooks (``hooks:`` in mkdocs.yml): drills from ``runbooks/`` and an offline mermaid.

- ``runbooks/*.md`` live outside ``docs/`` (the steps runner owns them); they join the site as
  ``runbooks/<name>.md`` pages, rendered with the macros like any page, under a generated "Drills" nav
  section placed before "Status". No runbooks: no section, no error.
- Mermaid comes from ``node_modules/mermaid`` (pinned in package.json), copied into the built site and
  loaded by ``extra_javascript``, so Material never fetches it from unpkg (it only does so when
  ``window.mermaid`` is undefined).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from opsdocs.project.load import default_root, watch_paths

MERMAID_URI = "assets/vendor/mermaid.min.js"
DRILLS = "Drills"
_BEFORE = "Status"


def _site_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def runbook_pages(site_root: Path) -> list[Path]:
    directory = site_root / "runbooks"
    if not directory.is_dir():
        return []
    # README.md describes the folder for GitHub readers; it is not a drill.
    return sorted(p for p in directory.glob("*.md") if p.is_file() and p.name != "README.md")


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    pages = [f"runbooks/{p.name}" for p in runbook_pages(_site_root(config))]
    nav = config.nav
    if pages and isinstance(nav, list) and not any(isinstance(i, dict) and DRILLS in i for i in nav):
        keys = [next(iter(i)) if isinstance(i, dict) else i for i in nav]
        at = keys.index(_BEFORE) if _BEFORE in keys else len(nav)
        nav.insert(at, {DRILLS: pages})
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    site_root = _site_root(config)
    for path in runbook_pages(site_root):
        uri = f"runbooks/{path.name}"
        if files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(path)))
    files.append(File.generated(config, MERMAID_URI, abs_src_path=str(_mermaid(site_root))))
    return files


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """Reload when the project the pages describe, or a drill, changes (not only docs/)."""
    root = default_root()
    # Every file and folder the Project was read from (a migrations_dir outside the root included).
    candidates = [*watch_paths(root), _site_root(config) / "runbooks", root / ".opsdocs"]
    for path in candidates:
        if path.exists():
            server.watch(str(path))
    return server


def _mermaid(site_root: Path) -> Path:
    """The pinned mermaid: beside this site's mkdocs.yml, else in the opsdocs checkout (a site copied
    elsewhere for --site-root has no node_modules of its own)."""
    from opsdocs.errors import EnvironmentProblem
    from opsdocs.project.load import CHECKOUT_ROOT

    tried = []
    for base in dict.fromkeys((site_root, default_root(), CHECKOUT_ROOT)):
        path = base / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
        if path.is_file():
            return path
        tried.append(path)
    raise EnvironmentProblem("mermaid is not installed", path=tried[0],
                             hint="run `npm ci` (it is pinned in package.json)")

