"""Errors people meet: one type per kind of mistake, each pointing at a file and line.

The CLI and the MkDocs build print ``str(err)`` (``path:line:col: message (hint)``) and exit non-zero.
A traceback reaching a user is a bug.
"""

from __future__ import annotations

from pathlib import Path


class OpsdocsError(Exception):
    """Base class: something the user can fix, at a place in a file when there is one."""

    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        col: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.col = col
        self.hint = hint

    @property
    def location(self) -> str:
        """``path:line:col`` with whatever parts are known (``path`` alone, or empty)."""
        if self.path is None:
            return ""
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.col is not None:
                parts.append(str(self.col))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"; {self.hint}"
        return text


class ConfigError(OpsdocsError):
    """wrangler.jsonc, a workflow, a migration directory or a file under checks/ is wrong."""

    kind = "config"


class PageError(OpsdocsError):
    """A page or runbook is wrong: undefined variable, block without a mode, a refused command."""

    kind = "page"


class EnvironmentProblem(OpsdocsError):
    """The machine is missing something: wrangler, Node, a free port, a browser."""

    kind = "environment"


class CheckFailed(OpsdocsError):
    """A check ran and did not hold (used to fail a pytest item with a located message)."""

    kind = "check"
