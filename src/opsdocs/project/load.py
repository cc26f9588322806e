"""Build the one :class:`Project` value from a checkout, once per build or run.

``load_project`` is memoised on the root and the modification times of every input file, so MkDocs'
per-page hooks and pytest's collection share one parse; an edit (``mkdocs serve`` reload) re-reads.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from opsdocs.errors import ConfigError
from opsdocs.project.model import Project
from opsdocs.project.secret_docs import load_secret_docs
from opsdocs.project.workflows import load_workflows
from opsdocs.project.wrangler import find_config, load_wrangler

# The built-in site (mkdocs.yml, docs/, runbooks/) is package data: it ships in the wheel. The project
# the pages describe can be any wrangler checkout (--root).
GUIDES_DIR = Path(__file__).resolve().parents[1] / "guides"
# The opsdocs source checkout when running from one (an editable install): its node_modules holds the
# pinned dev toolchain and its root is the sample app. In an installed wheel this path is meaningless
# and nothing is found there.
CHECKOUT_ROOT = Path(__file__).resolve().parents[3]


def default_root() -> Path:
    return Path(os.environ.get("OPSDOCS_ROOT") or CHECKOUT_ROOT)


def load_project(root: str | Path | None = None, *, site_root: str | Path | None = None) -> Project:
    root_path = Path(root) if root is not None else default_root()
    if not root_path.is_dir():
        raise ConfigError("project root is not a directory", path=root_path,
                          hint="pass --root with the path of a wrangler project checkout")
    site = Path(site_root) if site_root is not None else GUIDES_DIR
    resolved = root_path.resolve()
    return _load(resolved, site.resolve(), _signature(resolved))


def _signature(root: Path) -> tuple[tuple[str, float], ...]:
    """Modification times of every file the Project is read from."""
    paths = [root / "wrangler.jsonc", root / "wrangler.json", root / "checks"]
    for sub in ("checks", ".github/workflows", "migrations"):
        d = root / sub
        if d.is_dir():
            paths.extend(d.iterdir())
    out = []
    for p in paths:
        try:
            out.append((str(p), p.stat().st_mtime))
        except OSError:
            continue
    return tuple(sorted(out))


@lru_cache(maxsize=8)
def _load(root: Path, site_root: Path, _sig: tuple[tuple[str, float], ...]) -> Project:
    from opsdocs.project.checks import load_health_checks

    wrangler = load_wrangler(find_config(root), root)
    workflows = load_workflows(root / ".github" / "workflows", root)
    checks_dir = root / "checks"
    return Project(
        root=root,
        wrangler=wrangler,
        workflows=workflows,
        secret_docs=load_secret_docs(checks_dir / "secrets.yml", "checks/secrets.yml"),
        health_checks=load_health_checks(checks_dir / "health.yml", root),
        docs_dir=site_root / "docs",
        runbooks_dir=site_root / "runbooks",
        checks_dir=checks_dir,
    )
