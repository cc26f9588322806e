"""Copy part of a project into a sandbox without following anything out of the project.

- A symlink whose target stays inside the project is copied as what it points to (a plain file or a
  folder), never as a link: a write through it inside the sandbox cannot reach the checkout.
- A symlink that leaves the project (``/etc``, ``/proc/self/environ``, ``../other``) is left out.
- FIFOs, sockets and devices are left out: reading one would hang or stream forever.
- Secrets wrangler or npm would load are left out: ``.env*`` and ``.dev.vars*`` (but ``*.example``),
  ``.npmrc``/``.yarnrc*``/``.curlrc``/``.netrc``: ``assets.directory: "."`` must not put them in a sandbox.
- ``.wrangler`` (local state), ``node_modules`` and ``.git`` are never copied.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from opsdocs.project.model import Project

__all__ = ["SKIP_DIRS", "copy_base", "copy_into", "is_secret_file", "levels_above"]

SKIP_DIRS = frozenset({".wrangler", "node_modules", ".git"})
_SECRET_NAMES = frozenset({".npmrc", ".yarnrc", ".yarnrc.yml", ".pnpmrc", ".curlrc", "_curlrc", ".netrc",
                           "_netrc", ".wgetrc", ".git-credentials", ".pypirc"})
_MAX_DEPTH = 64  # a folder linked into itself (inside the project) must not recurse forever


def is_secret_file(name: str) -> bool:
    """A file wrangler, npm or curl reads credentials or behaviour from (``.env.example`` is not one)."""
    if name in _SECRET_NAMES:
        return True
    if name.endswith(".example") or name.endswith(".sample"):
        return False
    return name in (".env", ".dev.vars") or name.startswith((".env.", ".dev.vars."))


def copy_into(path: Path, project_root: Path, dest_root: Path) -> None:
    """Copy ``path`` (a file or folder of the project) to the same place under ``dest_root``."""
    root = project_root.resolve()
    real = _inside(path, root)
    if real is None:
        return  # outside the project (../shared, a link to /etc): a rehearsal must not reach it
    _copy(real, dest_root / _relative(path, project_root, real, root), root, 0)


def _relative(path: Path, project_root: Path, real: Path, root: Path) -> Path:
    """Where ``path`` sits in the project as written (a linked config keeps its name), else where it points."""
    lexical, base = Path(os.path.abspath(path)), Path(os.path.abspath(project_root))
    return lexical.relative_to(base) if lexical.is_relative_to(base) else real.relative_to(root)


def _inside(path: Path, root: Path) -> Path | None:
    """The real path of ``path`` when it exists and stays inside ``root``; else None."""
    try:
        real = Path(path).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return real if real.is_relative_to(root) else None


def _copy(src: Path, dest: Path, root: Path, depth: int) -> None:
    if depth > _MAX_DEPTH or is_secret_file(src.name) and depth > 0:
        return
    try:
        mode = src.stat().st_mode  # src is already resolved: this is the target's type
    except OSError:
        return
    if stat.S_ISDIR(mode):
        if src.name in SKIP_DIRS and depth > 0:
            return
        dest.mkdir(parents=True, exist_ok=True)
        try:
            entries = sorted(os.scandir(src), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if is_secret_file(entry.name) or entry.name in SKIP_DIRS:
                continue
            real = _inside(Path(entry.path), root)
            if real is not None:
                _copy(real, dest / entry.name, root, depth + 1)
    elif stat.S_ISREG(mode) and not is_secret_file(src.name):
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest, follow_symlinks=True)
        shutil.copymode(src, dest)


def copy_base(project: Project) -> Path:
    """The project root, or the repository root when a migrations folder lies outside the project but in it."""
    root = project.root.resolve()
    repo = project.repo_root.resolve() if project.repo_root is not None else None
    config_dir = project.wrangler.path.parent
    for db in project.databases:
        where = (config_dir / db.migrations_dir).resolve()
        if not where.is_relative_to(root) and repo is not None and where.is_relative_to(repo) \
                and root.is_relative_to(repo):
            return repo
    return root


def levels_above(project: Project) -> int:
    """How many folders above the project root its sandbox copy reaches (``..`` a step may climb)."""
    return len(project.root.resolve().relative_to(copy_base(project)).parts)
