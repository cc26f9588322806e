"""The local D1 state just after the migrations, kept per inputs, for the run's one ``wrangler dev``.

Applying the migrations before ``wrangler dev`` starts is several wrangler/workerd start-ups, on the
critical path of every run; in an unchanged re-verify it is most of the run. When nothing it reads has
changed, the folder it left is copied in instead.

Key: the wrangler config's bytes, every file of each top-level database's migrations folder (relative
path and bytes), the wrangler and Node versions and opsdocs' version. A state is stored only after every
apply succeeded, under a temp name renamed into place (never half-written), and only the newest key is
kept. Trust is the rehearsal cache's (``opsdocs.verify._cache``): the folder is as trustworthy as whoever
can write it, which is why CI restores ``.opsdocs/cache`` only from the default branch.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from opsdocs.project.model import Project
from opsdocs.toolchain import Toolchain

__all__ = ["restore", "save", "state_key"]


def state_key(project: Project, tools: Toolchain) -> str:
    from opsdocs import __version__

    digest = hashlib.sha256()
    for part in (tools.wrangler_version, tools.node_version, __version__):
        digest.update(part.encode() + b"\0")
    digest.update(project.wrangler.path.read_bytes())
    config_dir = project.wrangler.path.parent
    for folder in sorted({(config_dir / db.migrations_dir) for db in project.wrangler.top.d1_databases}):
        files = sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []
        digest.update(os.path.relpath(folder, config_dir).encode() + b"\0")
        for path in files:
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


def restore(cache_dir: Path, key: str, state_dir: Path) -> bool:
    """Copy the stored state of ``key`` to ``state_dir`` (which must not exist yet); False when none."""
    stored = cache_dir / key
    if not stored.is_dir() or state_dir.exists():
        return False
    try:
        shutil.copytree(stored, state_dir, symlinks=True)
    except OSError:
        shutil.rmtree(state_dir, ignore_errors=True)  # a partial copy must not look migrated
        return False
    return True


def save(cache_dir: Path, key: str, state_dir: Path) -> None:
    """Store ``state_dir`` as ``key``'s state and drop the older ones; a failure only costs the next run."""
    if not state_dir.is_dir():
        return
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=cache_dir, prefix=".state-"))
        shutil.copytree(state_dir, tmp / "s", symlinks=True)
        target = cache_dir / key
        if target.exists():
            shutil.rmtree(tmp, ignore_errors=True)
            return
        (tmp / "s").rename(target)
        shutil.rmtree(tmp, ignore_errors=True)
    except OSError:
        return
    for old in cache_dir.iterdir():
        if old.name != key and not old.name.startswith("."):
            shutil.rmtree(old, ignore_errors=True)
