"""Every check's result is the same small record; every report is a view of a list of them."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Kind = Literal["runbook", "health", "drift", "link", "workflow"]
Status = Literal["passed", "failed", "skipped"]


@dataclass(frozen=True)
class Finding:
    id: str  # stable, e.g. "runbook:docs/migrations.md:42" or "drift:undocumented-secret:FOO"
    kind: Kind
    status: Status
    location: str  # "path:line" ("" when there is no place)
    message: str  # what was expected and what came back; secrets already masked
    duration_s: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def path(self) -> str:
        return self.location.rsplit(":", 1)[0] if ":" in self.location else self.location

    @property
    def line(self) -> int | None:
        tail = self.location.rsplit(":", 1)[-1] if ":" in self.location else ""
        return int(tail) if tail.isdigit() else None
