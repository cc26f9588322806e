"""``opsdocs init``: the files a project needs to adopt opsdocs, planned from its Project, then written.

Planning reads nothing but the Project and the lockfile (no network). Writing is idempotent: a file
that already says the same is left alone; one that says something else is not touched unless forced,
and its diff is shown instead. Each write goes through a temp file and a rename: never half-written.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from opsdocs._fs import atomic_write_text
from opsdocs.packagemanager import detect_package_manager
from opsdocs.project.model import Project
from opsdocs.scaffold._health import deployed_url, render_health
from opsdocs.scaffold._marker import TODO
from opsdocs.scaffold._secrets import render_secrets
from opsdocs.scaffold._workflow import WORKFLOW, render_workflow

__all__ = ["TODO", "Planned", "apply", "plan"]


@dataclass(frozen=True)
class Planned:
    relpath: str
    text: str
    state: str  # "new", "same", "differs"
    diff: str  # unified diff against the file on disk ("" unless differs)


def plan(project: Project, *, opsdocs_version: str) -> list[Planned]:
    pm = detect_package_manager(project.root)
    url, _how = deployed_url(project)
    files = {
        "checks/secrets.yml": render_secrets(project),
        "checks/health.yml": render_health(project),
        WORKFLOW: render_workflow(pm, base_url=url, opsdocs_version=opsdocs_version),
    }
    return [_compare(project.root, rel, text) for rel, text in files.items()]


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
