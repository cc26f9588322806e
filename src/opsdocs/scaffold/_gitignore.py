"""``.opsdocs/`` in the project's ``.gitignore``: run output and caches are never committed.

A committed ``.opsdocs/cache`` is refused by ``opsdocs verify`` (a commit could claim passes), and a
committed report is stale the moment it lands. Appended to the team's own file, never rewritten; nothing
is added when a ``.gitignore`` from the project up to the repository's top already ignores it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["ENTRY", "gitignore_text"]

ENTRY = ".opsdocs/"
_ANYWHERE = {".opsdocs", ".opsdocs/", "**/.opsdocs", "**/.opsdocs/", ".opsdocs/*", ".opsdocs/**"}
_HERE = {"/" + p for p in _ANYWHERE if not p.startswith("**")}
_BLOCK = f"\n# opsdocs: run reports and caches (a committed cache is refused by `opsdocs verify`)\n{ENTRY}\n"


def gitignore_text(root: Path, top: Path) -> str | None:
    """The project's ``.gitignore`` with ``.opsdocs/`` appended, or None when it is ignored already."""
    root, top = Path(root).resolve(), Path(top).resolve()
    folders = [root, *(p for p in root.parents if p.is_relative_to(top))]
    for folder in folders:
        wanted = _ANYWHERE | (_HERE if folder == root else set())
        if _patterns(folder / ".gitignore") & wanted:
            return None
    path = root / ".gitignore"
    old = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    if not old:
        return _BLOCK.lstrip("\n")
    return old + ("" if old.endswith("\n") else "\n") + _BLOCK


def _patterns(path: Path) -> set[str]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return set()
    # A later `!` line could re-include it; then opsdocs adds its own entry again, which is harmless.
    if any(line.strip().startswith("!") and ".opsdocs" in line for line in lines):
        return set()
    return {line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")}
