"""``opsdocs init``: the files a project needs to adopt opsdocs, planned from its Project, then written.

Planning reads nothing but the Project and the lockfile (no network). Writing is idempotent: a file
that already says the same is left alone; one that says something else is not touched unless forced,
and its diff is shown instead. Each write goes through a temp file and a rename: never half-written.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from opsdocs._fs import atomic_write_text
from opsdocs.packagemanager import PackageManager, detect_package_manager
from opsdocs.project.load import repo_root
from opsdocs.project.model import Project
from opsdocs.scaffold._gitignore import gitignore_text
from opsdocs.scaffold._health import deployed_url, render_health
from opsdocs.scaffold._marker import TODO
from opsdocs.scaffold._secrets import render_secrets
from opsdocs.scaffold._workflow import WORKFLOW, render_workflow

__all__ = ["TODO", "Planned", "apply", "plan"]


@dataclass(frozen=True)
class Planned:
    relpath: str
    text: str
    state: str  # "new", "same", "differs", "extends" (the team's file, with lines appended)
    diff: str  # unified diff against the file on disk ("" unless differs)


def plan(project: Project, *, opsdocs_version: str) -> list[Planned]:
    home = workflows_home(project.root)
    install_dir, pm = _installer(project.root, home)
    url, _how = deployed_url(project)
    files = {
        "checks/secrets.yml": render_secrets(project),
        "checks/health.yml": render_health(project),
        os.path.relpath(home / WORKFLOW, project.root): render_workflow(
            pm, base_url=url, opsdocs_version=opsdocs_version, project_dir=_rel(project.root, home),
            install_dir=_rel(install_dir, home)),
    }
    out = [_compare(project.root, rel, text) for rel, text in files.items()]
    ignore = gitignore_text(project.root, home)
    if ignore is not None:  # the team's file, extended: never "differs", never needs --force
        state = "extends" if (project.root / ".gitignore").is_file() else "new"
        out.append(Planned(".gitignore", ignore, state, ""))
    return out


def workflows_home(root: Path) -> Path:
    """Where GitHub reads this project's workflows from: the top of its git repository (in a monorepo, not
    the Worker's folder), else the folder whose workflows already name the project, else the project."""
    for here in (root, *root.parents):
        if (here / ".git").exists():
            return here
    return repo_root(root)


def _installer(root: Path, home: Path) -> tuple[Path, PackageManager]:
    """The folder whose lockfile installs the project (a workspace installs from its top) and its manager."""
    here = root
    while True:
        pm = detect_package_manager(here)
        if pm.lockfile or here == home or here.parent == here:
            return (here, pm) if pm.lockfile else (root, detect_package_manager(root))
        here = here.parent


def _rel(path: Path, home: Path) -> str:
    return path.relative_to(home).as_posix() if path.is_relative_to(home) and path != home else "."


def _compare(root: Path, relpath: str, text: str) -> Planned:
    path = root / relpath
    if not path.exists():
        return Planned(relpath, text, "new", "")
    old = path.read_text(encoding="utf-8", errors="replace")
    if old == text:
        return Planned(relpath, text, "same", "")
    diff = "".join(difflib.unified_diff(old.splitlines(keepends=True), text.splitlines(keepends=True),
                                        fromfile=f"{relpath} (yours)", tofile=f"{relpath} (opsdocs init)"))
    return Planned(relpath, text, "differs", diff)


def apply(root: Path, planned: Planned) -> None:
    atomic_write_text(root / planned.relpath, planned.text)
