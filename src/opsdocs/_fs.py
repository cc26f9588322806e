"""File plumbing every part of opsdocs shares: atomic writes and project-relative paths."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

__all__ = ["PROJECT_CACHE", "atomic_write_text", "committed", "project_cache_dir", "relpath", "user_cache_home"]

_GIT_TIMEOUT_S = 10.0


def atomic_write_text(path: Path, text: str, *, mode: int = 0o644) -> None:
    """Write ``text`` so a reader sees the old content or the new one, never half of either.

    A temp file beside ``path`` (the rename never crosses a filesystem, which would make it a copy, and
    no longer atomic), fsynced, then ``os.replace``d into place. ``mode``: mkstemp makes 0600, while
    reports and generated files are read by other tools (CI artifact upload, test viewers, git); a
    private file (an incident log) passes 0o600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def committed(root: Path, rel: str) -> bool:
    """Whether git tracks ``root/rel``, a file under it, or one of its folders (a committed symlink there
    would lead anywhere). False outside a repository, without git, or when git does not answer in time:
    then no commit can have put the files there."""
    from opsdocs._subprocess import Timeout, run_captured

    parts = Path(rel).parts
    if not parts or not Path(root).is_dir():
        return False
    try:  # git's pathspec stops at a symlink: ask about the top folder, then match here
        proc = run_captured(["git", "ls-files", "-z", "--", parts[0]], cwd=Path(root), timeout_s=_GIT_TIMEOUT_S)
    except (OSError, Timeout):
        return False
    if proc.returncode != 0:
        return False
    want = "/".join(parts)
    prefixes = {"/".join(parts[:i]) for i in range(1, len(parts))}
    return any(e == want or e.startswith(want + "/") or e in prefixes for e in proc.stdout.split("\0") if e)


def relpath(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (both resolved), POSIX-style; ``path`` as given when it is outside."""
    return relpath_in(path, (root,))


def relpath_in(path: Path, bases: Iterable[Path | None]) -> str:
    """``path`` relative to the first of ``bases`` that holds it (all resolved), POSIX-style; ``path`` as
    given when none does. Where a finding or an error points: relative to the site, else the project."""
    resolved = Path(path).resolve()
    for base in bases:
        if base is not None:
            try:
                return resolved.relative_to(Path(base).resolve()).as_posix()
            except ValueError:
                continue
    return Path(path).as_posix()


PROJECT_CACHE = ".opsdocs/cache"  # a project's own cache folder, relative to its root (one spelling)


def project_cache_dir(root: Path) -> Path:
    return root / PROJECT_CACHE


def user_cache_home() -> Path:
    """``$XDG_CACHE_HOME/opsdocs`` (the XDG convention: a relative value is ignored), else ``~/.cache/opsdocs``."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "opsdocs"
