"""Rollback readiness beyond the drift rule: bindings changed, migrations inside Time Travel's window, and
what the account side says without a token or a network."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from opsdocs.project.load import load_project
from opsdocs.runmode import context as context_module
from opsdocs.runmode.context import gather_context
from opsdocs.runmode.readiness import check_readiness
from opsdocs.runmode.readiness_online import online_reasons

CONFIG = """\
{
  "name": "notes-api",
  "main": "src/index.js",
  "d1_databases": [{"binding": "DB", "database_name": "notes-db", "migrations_dir": "migrations"}],
}
"""

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(root: Path, *args: str, date: str | None = None) -> None:
    env = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
    subprocess.run(["git", "-C", str(root), "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                   check=True, capture_output=True, timeout=30, env={"PATH": "/usr/bin:/bin", **env})


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "wrangler.jsonc").write_text(CONFIG)
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_init.sql").write_text("CREATE TABLE notes (id INTEGER);\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "init", date="2026-09-01T12:00:00Z")
    return tmp_path


def test_changed_bindings_are_named_but_do_not_block(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "wrangler.jsonc").write_text(CONFIG.replace(
        '  "d1_databases"', '  "kv_namespaces": [{"binding": "CACHE", "id": "abc"}],\n  "d1_databases"'))
    project = load_project(root, site_root=root)
    verdict = check_readiness(project, project.wrangler.top, now=datetime(2026, 12, 1, tzinfo=UTC))
    [reason] = verdict.worker_rollback
    assert not verdict.worker_blocked
    assert reason.text.startswith("bindings changed since HEAD: kv_namespaces;")
    assert str(reason.location) == "wrangler.jsonc:4"


def test_migrations_added_inside_the_window_are_the_ones_a_restore_makes_pending(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    (root / "migrations" / "0002_tags.sql").write_text("ALTER TABLE notes ADD COLUMN tags TEXT;\n")
    _git(root, "add", ".")
    _git(root, "commit", "-qm", "tags", date="2026-11-28T08:30:00Z")
    project = load_project(root, site_root=root)
    verdict = check_readiness(project, project.wrangler.top, now=datetime(2026, 12, 1, tzinfo=UTC))
    [reason] = verdict.restore
    assert "0002_tags.sql (added 2026-11-28 08:30 UTC)" in reason.text
    assert "0001_init.sql" not in reason.text  # added 91 days ago: outside the 30 days a restore can reach
    assert str(reason.location) == "migrations/0002_tags.sql:1"
    later = check_readiness(project, project.wrangler.top, now=datetime(2026, 11, 28, tzinfo=UTC) + timedelta(days=31))
    assert later.restore == ()


def test_without_a_token_the_account_side_says_what_it_did_not_check(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path) -> None:
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN", raising=False)
    project = load_project(_repo(tmp_path), site_root=tmp_path)
    worker, restore = online_reasons(None, project.wrangler.top)  # type: ignore[arg-type] # never called
    assert restore == [] and "set CLOUDFLARE_API_TOKEN (read-only)" in worker[0].text


def test_the_deployed_run_lookup_fails_soft_when_github_cannot_be_reached(monkeypatch: pytest.MonkeyPatch,
                                                                         tmp_path: Path) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_not_a_real_token_0000")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/notes")
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN", raising=False)
    monkeypatch.setattr(context_module, "_GITHUB_API", "http://127.0.0.1:9")  # nothing listens there
    project = load_project(_repo(tmp_path), site_root=tmp_path)
    ctx = gather_context(project, project.wrangler.top, None, online=True)
    assert ctx.deployed_github == "unknown (GitHub API: ConnectError)"
    assert ctx.deployed_cloudflare.startswith("unknown (set CLOUDFLARE_API_TOKEN")


def test_with_a_token_but_no_account_the_lookups_fail_soft_with_wranglers_reason(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # A real wrangler with a token that cannot work (offline here: no DNS; online: not a valid token).
    from opsdocs.runmode.execute import Executor

    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "not-a-real-token-0000")
    project = load_project()
    env = project.wrangler.environments[-1]
    with Executor(project) as executor:
        worker, restore = online_reasons(executor, env)
        ctx = gather_context(project, env, executor, online=True)
    assert len(worker) == 1 and "deployments list --json" in worker[0].text and " failed: " in worker[0].text
    assert "Logs were written" not in worker[0].text
    assert restore[0].text.startswith("Time Travel window: 30 days on Workers Paid, 7 on Free")
    assert [r.text.split(":")[0] for r in restore[1:]] == [db.name for db in env.d1_databases]
    assert all("current bookmark unknown" in r.text for r in restore[1:])
    assert ctx.deployed_cloudflare.startswith("unknown (wrangler deployments list failed: ")
