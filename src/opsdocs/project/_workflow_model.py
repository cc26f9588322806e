"""The workflows' part of the model (:mod:`opsdocs.project.model` re-exports every name): what
``.github/workflows/*.yml`` say, typed, each value at its :class:`Location`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from opsdocs.project._location import Location

__all__ = ["ActionRef", "Job", "SecretRef", "Step", "Workflow"]

# --- .github/workflows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SecretRef:
    """One ``secrets.X`` in a workflow expression."""

    name: str
    workflow: str  # relpath of the workflow file
    job: str | None  # job id, None when used at workflow level
    location: Location


@dataclass(frozen=True)
class ActionRef:
    """One ``uses: owner/repo[/path]@ref``."""

    uses: str
    action: str  # "owner/repo[/path]" (or "./local" / "docker://...")
    ref: str | None
    workflow: str
    job: str | None
    location: Location

    @property
    def pinned(self) -> bool:
        """Pinned to a full commit SHA (40 hex digits)."""
        r = self.ref or ""
        return len(r) == 40 and all(c in "0123456789abcdef" for c in r.lower())


@dataclass(frozen=True)
class Step:
    name: str | None
    id: str | None
    uses: str | None
    run: str | None
    with_: dict[str, Any]
    env: dict[str, Any]
    if_: str | None
    location: Location
    working_directory: str | None = None  # `working-directory:` of a run step


@dataclass(frozen=True)
class Job:
    id: str
    name: str | None
    workflow: str  # relpath of the workflow file
    needs: tuple[str, ...]
    environment: str | None  # GitHub environment name
    environment_url: str | None
    permissions: dict[str, str] | str | None
    timeout_minutes: float | str | None
    concurrency: Any
    runs_on: Any
    if_: str | None
    uses: str | None  # reusable workflow call
    steps: tuple[Step, ...]
    location: Location
    end_line: int  # last line of the job's block, for mapping lines to jobs
    env: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    working_directory: str | None = None  # `defaults.run.working-directory`


@dataclass(frozen=True)
class Workflow:
    path: Path
    relpath: str
    name: str
    triggers: dict[str, Any]  # the "on:" mapping, normalised (a string or list becomes a mapping)
    permissions: dict[str, str] | str | None
    concurrency: Any
    env: dict[str, Any]
    jobs: dict[str, Job]  # in file order
    secrets: tuple[SecretRef, ...]
    actions: tuple[ActionRef, ...]
    location: Location

    @property
    def schedules(self) -> tuple[str, ...]:
        sched = self.triggers.get("schedule") or []
        return tuple(str(s.get("cron")) for s in sched if isinstance(s, dict) and s.get("cron"))
