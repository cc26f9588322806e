"""rollback-readiness: a Durable Object migration in the latest deploy blocks a Worker rollback."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from drift_helpers import Build

from opsdocs.drift.rollback_readiness import RollbackReadiness
from opsdocs.project.load import load_project

# A seed-like Worker: a Durable Object class and its migrations (line 9 is the latest migration entry).
WITH_DO = """\
{
  "name": "chat-api",
  "main": "src/index.js",
  "durable_objects": {"bindings": [{"name": "ROOMS", "class_name": "Room"}]},
  "d1_databases": [{"binding": "DB", "database_name": "chat-db"}],
  "migrations": [
    {"tag": "v1", "new_classes": ["Room"]},
    {"tag": "v2",
     "renamed_classes": [{"from": "Room", "to": "ChatRoom"}]},
  ],
}
"""


def test_durable_object_migrations_without_history_block_the_rollback_at_the_latest_tag(build: Build) -> None:
    findings = RollbackReadiness().check(build({"wrangler.jsonc": WITH_DO}), [])
    assert [(f.id, f.where) for f in findings] == [("drift:rollback-readiness:top", "wrangler.jsonc:8")]
    message = findings[0].message
    assert message.startswith("chat-api: Worker rollback blocked: Durable Object migration 'v2' is the latest")
    assert "Cloudflare refuses a rollback across a Durable Object migration" in message


def test_an_environment_with_its_own_migrations_is_reported_at_its_own_key(build: Build) -> None:
    config = """\
    {
      "name": "chat-api",
      "env": {
        "production": {
          "migrations": [{"tag": "p1", "new_classes": ["Room"]}],
        },
      },
    }
    """
    findings = RollbackReadiness().check(build({"wrangler.jsonc": config}), [])
    assert [(f.id, f.where) for f in findings] == [("drift:rollback-readiness:production", "wrangler.jsonc:5")]
    assert findings[0].message.startswith("chat-api-production: Worker rollback blocked")


def test_a_worker_without_durable_object_migrations_passes(build: Build) -> None:
    assert RollbackReadiness().check(build(), []) == []


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
                   check=True, capture_output=True, timeout=30)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_with_git_history_only_a_migration_the_latest_deploy_adds_blocks(tmp_path: Path) -> None:
    before = WITH_DO.replace('    {"tag": "v2",\n     "renamed_classes": [{"from": "Room", "to": "ChatRoom"}]},\n', "")
    (tmp_path / "wrangler.jsonc").write_text(before)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "v1")
    # The latest deploy (HEAD against HEAD~1) adds v2: blocked, at v2's entry.
    (tmp_path / "wrangler.jsonc").write_text(WITH_DO)
    _git(tmp_path, "commit", "-qam", "v2")
    findings = RollbackReadiness().check(load_project(tmp_path, site_root=tmp_path), [])
    assert [f.where for f in findings] == ["wrangler.jsonc:8"]
    assert "the latest deploy (HEAD against HEAD~1) adds Durable Object migration v2" in findings[0].message
    # A later deploy that changes only code: the previous version has v2 too, a rollback to it is fine.
    (tmp_path / "src.js").write_text("export default {}\n")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "code only")
    assert RollbackReadiness().check(load_project(tmp_path, site_root=tmp_path), []) == []
    # Uncommitted: a new tag in the working tree is what the next deploy ships, against HEAD.
    (tmp_path / "wrangler.jsonc").write_text(WITH_DO.replace('"to": "ChatRoom"}]},', '"to": "ChatRoom"}]},\n'
                                                             '    {"tag": "v3", "deleted_classes": ["Old"]},'))
    findings = RollbackReadiness().check(load_project(tmp_path, site_root=tmp_path), [])
    assert [f.where for f in findings] == ["wrangler.jsonc:10"]
    assert "uncommitted changes against HEAD" in findings[0].message and "migration v3" in findings[0].message


def test_a_toml_config_is_reported_at_its_latest_migration_table(tmp_path: Path) -> None:
    (tmp_path / "wrangler.toml").write_text(
        'name = "chat-api"\nmain = "src/index.js"\n\n[[durable_objects.bindings]]\nname = "ROOMS"\n'
        'class_name = "Room"\n\n[[migrations]]\ntag = "v1"\nnew_classes = ["Room"]\n\n[[migrations]]\n'
        'tag = "v2"\nrenamed_classes = [{ from = "Room", to = "ChatRoom" }]\n')
    findings = RollbackReadiness().check(load_project(tmp_path, site_root=tmp_path), [])
    assert [f.where for f in findings] == ["wrangler.toml:12"]
    assert "Worker rollback blocked: Durable Object migration 'v2' is the latest in wrangler.toml" in findings[0].message
