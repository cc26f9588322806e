"""MkDocs hooks (``hooks:`` in mkdocs.yml): drills from ``runbooks/`` and an offline mermaid.

- ``runbooks/*.md`` live outside ``docs/`` (the steps runner owns them); they join the site as
  ``runbooks/<name>.md`` pages, rendered with the macros like any page, under a generated "Drills" nav
  section placed before "Status". No runbooks: no section, no error.
- The project's own pages win (:mod:`opsdocs.site.sources`): its ``docs/<page>`` replaces ours, its
  other ``docs/*.md`` join under "Your pages", its ``runbooks/*.md`` join the drills.
- Mermaid comes from ``node_modules/mermaid`` (pinned in package.json; the wheel carries a copy),
  copied into the built site and loaded by ``extra_javascript``, so Material never fetches it from unpkg
  (it only does so when ``window.mermaid`` is undefined).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from opsdocs.errors import OpsdocsError
from opsdocs.project.load import default_root, watch_paths
from opsdocs.site.macros import on_page_read_source  # noqa: F401  (a hook: each page read once)
from opsdocs.site.sources import project_extras, runbook_pages

MERMAID_URI = "assets/vendor/mermaid.min.js"
DRILLS = "Drills"
YOURS = "Your pages"  # the project's own docs/*.md that are not built-in pages
_BEFORE = "Status"


def _site_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def _project_root() -> Path | None:
    try:
        return default_root().resolve()
    except OpsdocsError:  # no project found: the macros report it, with its one line
        return None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    site_root, project_root = _site_root(config), _project_root()
    drills = [f"runbooks/{p.name}" for p in runbook_pages(site_root, project_root)]
    _, joining = project_extras(site_root, project_root)
    yours = sorted(u for u in joining if u.endswith(".md"))
    nav = config.nav
    if isinstance(nav, list):
        for title, pages in ((DRILLS, drills), (YOURS, yours)):
            if pages and not any(isinstance(i, dict) and title in i for i in nav):
                keys = [next(iter(i)) if isinstance(i, dict) else i for i in nav]
                nav.insert(keys.index(_BEFORE) if _BEFORE in keys else len(nav), {title: pages})
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    site_root, project_root = _site_root(config), _project_root()
    replacing, joining = project_extras(site_root, project_root)
    for uri, path in replacing.items():  # your page wins over ours, at the same place in the site
        ours = files.get_file_from_path(uri)
        if ours is not None:
            files.remove(ours)
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    for uri, path in joining.items():
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    for path in runbook_pages(site_root, project_root):
        uri = f"runbooks/{path.name}"
        existing = files.get_file_from_path(uri)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    files.append(File.generated(config, MERMAID_URI, abs_src_path=str(_mermaid(site_root))))
    return files


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    """Reload when the project the pages describe, or a drill, changes (not only docs/)."""
    root = default_root()
    # Every file and folder the Project was read from (a migrations_dir outside the root included).
    candidates = [*watch_paths(root), _site_root(config) / "runbooks", root / "docs",
                  root / "runbooks", root / ".opsdocs"]
    for path in candidates:
        if path.exists():
            server.watch(str(path))
    return server


def _mermaid(site_root: Path) -> Path:
    """The pinned mermaid: beside the site's mkdocs.yml or in the project (its own pin wins), else the
    copy the opsdocs wheel carries (setup.py vendors it), else the opsdocs checkout's node_modules."""
    from opsdocs.errors import EnvironmentProblem
    from opsdocs.project.load import CHECKOUT_ROOT, GUIDES_DIR

    in_node_modules = Path("node_modules") / "mermaid" / "dist" / "mermaid.min.js"
    candidates = [site_root / in_node_modules, default_root() / in_node_modules,
                  GUIDES_DIR / "vendor" / "mermaid.min.js", CHECKOUT_ROOT / in_node_modules]
    for path in candidates:
        if path.is_file():
            return path
    raise EnvironmentProblem(
        "mermaid is not available: this opsdocs was installed without it and the project has none",
        path=candidates[1],
        hint="install opsdocs from a wheel built after `npm ci`, or add mermaid to the project "
             "(npm install --save-dev mermaid)")
