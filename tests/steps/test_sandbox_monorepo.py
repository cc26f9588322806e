"""A monorepo whose migrations_dir leaves the Worker's folder (``../../packages/db/drizzle``): the sandbox
mirrors the repository from its root, so local migrations find their files, and still nothing else of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from opsdocs.project.load import load_project
from opsdocs.steps.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests/fixtures/projects/monorepo"


@pytest.fixture
def monorepo(tmp_path: Path) -> Path:
    root = tmp_path / "mono"
    shutil.copytree(FIXTURE, root)
    (root / "packages/db/secret-notes.txt").write_text("not for the sandbox\n")
    (root / "packages/db/drizzle/.env").write_text("CLOUDFLARE_API_TOKEN=planted\n")
    (root / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)  # hoisted, as npm does
    return root / "apps/api"


def test_migrations_outside_the_project_are_copied_and_applied(monorepo: Path) -> None:
    project = load_project(monorepo)
    with Sandbox(project) as sb:
        top = sb.root.parents[1]
        assert (top / "packages/db/drizzle/0000_init.sql").is_file()
        assert (top / "packages/db/drizzle/meta/_journal.json").is_file()
        assert not (top / "packages/db/secret-notes.txt").exists()  # only the migrations folder
        assert not (top / "packages/db/drizzle/.env").exists()
        result = sb.run("npx wrangler d1 migrations apply acme --local --env production", 180)
        assert result.exit_code == 0, result.output
        assert "0000_init.sql" in result.output and "0001_posts.sql" in result.output
        tables = sb.run("npx wrangler d1 execute acme --local --env production "
                        "--command \"SELECT name FROM sqlite_master WHERE type='table' AND name='posts'\"", 120)
        assert "posts" in tables.output, tables.output
        # the real checkout is out of sight: the step cannot read it by its absolute path
        seen = sb.run(f"ls {monorepo.parent.parent / 'packages/db'} || echo hidden", 30)
        assert "secret-notes.txt" not in seen.output
    assert not (monorepo / ".wrangler").exists()
    assert not (monorepo.parent.parent / "packages/db/drizzle/.wrangler").exists()
