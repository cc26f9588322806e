"""Build the one :class:`Project` value from a checkout, once per build or run.

``load_project`` is memoised on the root and the modification times of every file and folder the last
load of that root read (the config, migrations folders wherever they are, workflows, package.json files,
checks), so MkDocs' per-page hooks and pytest's collection share one parse; an edit re-reads.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from opsdocs.errors import ConfigError
from opsdocs.project._roles import build_pipeline
from opsdocs.project.build import missing_build
from opsdocs.project.model import Project
from opsdocs.project.pipeline import config_dir, step_calls
from opsdocs.project.secret_docs import load_secret_docs
from opsdocs.project.workflows import load_workflows
from opsdocs.project.wrangler import CONFIG_NAMES, find_config, load_wrangler
from opsdocs.project._read import read_input

# The built-in site (mkdocs.yml, docs/, runbooks/) is package data: it ships in the wheel. The project
# the pages describe can be any wrangler checkout (--root).
GUIDES_DIR = Path(__file__).resolve().parents[1] / "guides"
# The opsdocs source checkout when running from one (an editable install): its node_modules holds the
# pinned dev toolchain. In an installed wheel this path is meaningless and nothing is found there.
CHECKOUT_ROOT = Path(__file__).resolve().parents[3]
_READ: dict[Path, tuple[Path, ...]] = {}  # root -> what its last load read (the next memo key)


# The order wrangler 4 searches in (findWranglerConfig in its cli.js): each name is looked for up the
# whole tree before the next, so a wrangler.json two folders up wins over a wrangler.jsonc beside you.
# Following it exactly means opsdocs documents the project wrangler would deploy from here.
CONFIG_SEARCH = ("wrangler.json", "wrangler.jsonc", "wrangler.toml")
ROOT_ENV = "OPSDOCS_ROOT"


def find_project_root(start: Path | None = None) -> Path:
    """The folder holding the wrangler config wrangler itself would use when run in ``start`` (the cwd)."""
    here = (start or Path.cwd()).resolve()
    for name in CONFIG_SEARCH:
        for folder in (here, *here.parents):
            if (folder / name).is_file():
                return folder
    raise ConfigError(f"no wrangler.json, wrangler.jsonc or wrangler.toml here or in any folder above {here}",
                      hint=f"run opsdocs inside your Worker's project, or pass --root DIR (or set ${ROOT_ENV})")


def default_root() -> Path:
    """``$OPSDOCS_ROOT`` when set, else the project found from the current folder, as wrangler finds it."""
    env = os.environ.get(ROOT_ENV)
    return Path(env) if env else find_project_root()


def load_project(root: str | Path | None = None, *, site_root: str | Path | None = None) -> Project:
    root_path = Path(root) if root is not None else default_root()
    if not root_path.is_dir():
        raise ConfigError("project root is not a directory", path=root_path,
                          hint="pass --root with the path of a wrangler project checkout")
    site = Path(site_root) if site_root is not None else GUIDES_DIR
    resolved = root_path.resolve()
    project = _load(resolved, site.resolve(), _signature(resolved))
    _READ[resolved] = project.read_paths
    return project


def watch_paths(root: Path) -> tuple[Path, ...]:
    """What ``serve`` watches for this root: every path its Project was read from."""
    return _READ.get(root.resolve()) or tuple(_candidates(root.resolve()))


def repo_root(root: Path) -> Path:
    """The folder whose ``.github/workflows`` the project ships with: the root, or in a monorepo the
    nearest parent that has workflows naming the project's folder (``working-directory: apps/api``),
    never crossing a repository boundary (``.git``). A parent whose workflows never mention the folder
    is some other checkout the project happens to sit in."""
    if (root / ".github" / "workflows").is_dir():
        return root
    here = root
    while not (here / ".git").exists() and here.parent != here:
        here = here.parent
        workflows = here / ".github" / "workflows"
        if workflows.is_dir():
            rel = root.relative_to(here).as_posix()
            for path in sorted(workflows.glob("*.y*ml")):
                try:
                    if rel in read_input(path, path.name, what="workflow"):
                        return here
                except OSError:
                    continue
            return root
    return root


def _candidates(root: Path) -> list[Path]:
    repo = repo_root(root)
    return [*(root / n for n in CONFIG_NAMES), root / "checks", root / "package.json", repo / ".github" / "workflows",
            root / "migrations"]


def _signature(root: Path) -> tuple[tuple[str, float], ...]:
    """Modification times of every file the Project is read from (folders too: a new file changes them)."""
    paths = {*_candidates(root), *_READ.get(root, ())}
    out = []
    for p in paths:
        try:
            out.append((str(p), p.stat().st_mtime))
        except OSError:
            out.append((str(p), -1.0))
    return tuple(sorted(out))


class _Scripts:
    """package.json scripts by folder (relative to the repository root), each file read once."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.read: list[Path] = []
        self._cache: dict[str, dict[str, Any]] = {}

    def package(self, folder: str) -> dict[str, Any]:
        if folder not in self._cache:
            path = self.repo / folder / "package.json"
            data: Any = {}
            if path.is_file():
                self.read.append(path)
                try:
                    data = json.loads(path.read_text(encoding="utf-8-sig"))
                except (OSError, UnicodeDecodeError, ValueError):
                    data = {}  # a broken package.json is npm's error to report; we only look for scripts
            self._cache[folder] = data if isinstance(data, dict) else {}
        return self._cache[folder]

    def __call__(self, folder: str) -> dict[str, str]:
        scripts = self.package(folder).get("scripts")
        return {str(k): str(v) for k, v in scripts.items()} if isinstance(scripts, dict) else {}


def _report_inputs(root: Path) -> list[Path]:
    """The last report (the status page), even before there is one: the memo key sees it appear."""
    return [root / ".opsdocs" / "report.json"]


@lru_cache(maxsize=8)
def _load(root: Path, site_root: Path, _sig: tuple[tuple[str, float], ...]) -> Project:
    from opsdocs.project.checks import load_health_checks
    from opsdocs.project.site_config import load_site_config

    wrangler = load_wrangler(find_config(root), root)
    repo = repo_root(root)
    workflows_dir = repo / ".github" / "workflows"
    workflows = load_workflows(workflows_dir, root)
    checks_dir = root / "checks"
    here = os.path.relpath(wrangler.path, repo).replace(os.sep, "/")
    scripts = _Scripts(repo)
    steps = step_calls(workflows, scripts)
    pipeline = build_pipeline(workflows, wrangler, steps, config_dir(wrangler, here))
    package = scripts.package(config_dir(wrangler, here))
    main = wrangler.path.parent / wrangler.main if wrangler.main else None
    site = load_site_config(site_root)
    read = [wrangler.path, workflows_dir, *(wf.path for wf in workflows), checks_dir,
            checks_dir / "secrets.yml", checks_dir / "health.yml", *scripts.read, *wrangler.read_paths,
            # the site's config and hooks; without one, its folder (creating mkdocs.yml changes it)
            *([site_root / "mkdocs.yml", *site.read_paths] if site else [site_root]),
            # the last report (the status page): a new one makes a new Project and a rebuild under serve
            *_report_inputs(root)]
    return Project(
        root=root,
        wrangler=wrangler,
        workflows=workflows,
        secret_docs=load_secret_docs(checks_dir / "secrets.yml", "checks/secrets.yml"),
        health_checks=load_health_checks(checks_dir / "health.yml", root),
        docs_dir=site_root / "docs",
        runbooks_dir=site_root / "runbooks",
        checks_dir=checks_dir,
        pipeline=pipeline,
        # `main` even when absent: building it must make the next load see it
        read_paths=tuple(dict.fromkeys([*(p for p in read if p.exists()), *([main] if main else []),
                                         *_report_inputs(root)])),
        repo_root=repo,
        package_json=package,
        missing_build=missing_build(wrangler.path.parent, wrangler.main, package, repo),
        site=site,
    )
