"""Helpers for the site tests: run `opsdocs build` in-process, copy this project to edit it."""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

from opsdocs.cli import main


@dataclass(frozen=True)
class Build:
    code: int
    stderr: str
    site: Path

    def page(self, url: str) -> str:
        """HTML of a page by its URL path (``""`` for the home page, ``"rollback"``...)."""
        return (self.site / url / "index.html").read_text(encoding="utf-8")


def run_build(*args: str, site: Path) -> Build:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["build", "--site-dir", str(site), *args])
    return Build(code, err.getvalue(), site)
