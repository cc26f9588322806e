"""Every check's result is the same small record; every report is a view of a list of them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from opsdocs.project.model import Location

__all__ = ["REFERENCE_PAGE", "Finding", "Kind", "Location", "Status", "location_of"]

Kind = Literal["runbook", "health", "drift", "link", "workflow"]
Status = Literal["passed", "failed", "skipped"]

# The site's page with one section per drift rule, anchored by the rule's id.
REFERENCE_PAGE = "reference/drift-rules.md"


@dataclass(frozen=True)
class Finding:
    """One result. ``id`` is stable text for people and reports; code reads the typed fields.

    The identity is (``kind``, ``check``, ``subject``): which check (a drift rule's id, an audit tool, a
    health check's name, a runbook page) and what in it (a secret's name, a step's line, ``local``).
    """

    id: str  # e.g. "runbook:docs/migrations.md:42" or "drift:undocumented-secret:FOO"
    kind: Kind
    status: Status
    location: Location | None  # None when there is no place
    message: str  # what was expected and what came back; secrets already masked
    duration_s: float = 0.0
    check: str = ""
    subject: str = ""

    def __post_init__(self) -> None:
        if not (self.location is None or isinstance(self.location, Location)):  # a "path:line" string, say
            raise TypeError(f"Finding.location must be a Location or None, not {type(self.location).__name__} "
                            f"{self.location!r}: pass Location(path, line, col)")

    @property
    def path(self) -> str:
        return self.location.path if self.location else ""

    @property
    def line(self) -> int | None:
        return self.location.line if self.location else None

    @property
    def column(self) -> int | None:
        return self.location.col if self.location else None

    @property
    def where(self) -> str:
        """``path:line`` for people ("" without a place)."""
        return str(self.location) if self.location else ""

    @property
    def help(self) -> str | None:
        """The site page (relative to the docs folder) that explains this finding's check, when one does."""
        if self.kind == "drift" and self.check:
            return f"{REFERENCE_PAGE}#{self.check}"
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "kind": self.kind, "status": self.status, "location": self.where,
            "message": self.message, "duration_s": self.duration_s, "check": self.check,
            "subject": self.subject, "path": self.path, "line": self.line, "column": self.column,
            "help": self.help,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        """The finding :meth:`to_json` wrote; the place comes from the typed path/line/column fields."""
        path = data.get("path") or ""
        location = Location(path, data.get("line") or 1, data.get("column") or 1) if path else None
        return cls(data["id"], data["kind"], data["status"], location, data["message"], data["duration_s"],
                   data.get("check", ""), data.get("subject", ""))


def location_of(err: Any) -> Location | None:
    """The place an :class:`~opsdocs.errors.OpsdocsError` names, as a Location (None without a path)."""
    if not getattr(err, "path", None):
        return None
    return Location(err.path, err.line or 1, err.col or 1)
