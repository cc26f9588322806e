"""What git knows about the config and the migrations: the config as the previous deploy had it, and when
each migration file was added. Read-only ``git`` calls with a timeout; no git, no history (never an error).

"The previous deploy" is taken as the commit before the config's current state: the working tree against
``HEAD`` when the config has uncommitted changes, else ``HEAD`` against ``HEAD~1``. A project that deploys
every push to its default branch (the shape opsdocs documents) deploys exactly that.
"""

from __future__ import annotations

import subprocess
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import json5

__all__ = ["ConfigHistory", "config_history", "added_dates"]

_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class ConfigHistory:
    previous: dict[str, Any] | None  # the config before the latest deploy; None: it did not exist yet
    against: str  # "HEAD", "HEAD~1": which revision ``previous`` is


def _git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              timeout=_TIMEOUT_S, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _parse(text: str, name: str) -> dict[str, Any] | None:
    try:
        value = tomllib.loads(text) if name.endswith(".toml") else json5.loads(text)
    except (ValueError, tomllib.TOMLDecodeError):
        return None
    return value if isinstance(value, dict) else None


def config_history(root: Path, config: Path) -> ConfigHistory | None:
    """The previous deploy's config, or None when the checkout has no git history for it."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return None
    try:
        rel = config.resolve().relative_to(Path(top.strip()).resolve()).as_posix()
    except ValueError:
        return None
    head = _git(root, "show", f"HEAD:{rel}")
    if head is None:  # not committed yet: nothing was deployed from git
        tracked = _git(root, "rev-parse", "--verify", "HEAD")
        return ConfigHistory(None, "HEAD") if tracked is not None else None
    current = config.read_text(encoding="utf-8-sig")
    if _parse(head, rel) != _parse(current, rel):
        return ConfigHistory(_parse(head, rel), "HEAD")
    before = _git(root, "show", f"HEAD~1:{rel}")
    return ConfigHistory(_parse(before, rel) if before is not None else None, "HEAD~1")


def added_dates(root: Path, directory: Path) -> dict[str, datetime] | None:
    """File name -> when it was first committed, for the files of ``directory``; None without git."""
    out = _git(root, "log", "--diff-filter=A", "--format=@%ct", "--name-only", "--", str(directory))
    if out is None:
        return None
    dates: dict[str, datetime] = {}
    when: datetime | None = None
    for line in out.splitlines():
        if line.startswith("@"):
            when = datetime.fromtimestamp(int(line[1:]), UTC)
        elif line.strip() and when is not None:
            dates.setdefault(Path(line.strip()).name, when)  # log is newest first; keep the latest addition
    return dates
