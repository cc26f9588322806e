"""Every binding kind, vars and secrets.required: read per environment, not inherited, shown in the tables."""

from __future__ import annotations

from pathlib import Path

from opsdocs import load_project
from opsdocs.drift.env_missing_bindings import EnvMissingBindings
from opsdocs.site._tables import bindings_table

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "projects" / "durable-objects"


def test_every_kind_is_read_with_its_line() -> None:
    config = load_project(FIXTURE).wrangler
    assert [(b.kind, b.name, b.resource, str(b.location)) for b in config.top.bindings] == [
        ("KV namespace", "CACHE", "0123456789abcdef0123456789abcdef", "wrangler.jsonc:11"),
        ("R2 bucket", "UPLOADS", "chat-uploads", "wrangler.jsonc:12"),
        ("Durable Object", "ROOMS", "ChatRoom", "wrangler.jsonc:6"),
        ("queue producer", "EVENTS", "chat-events", "wrangler.jsonc:13"),
    ]
    assert config.top.secrets_required == ("SIGNING_KEY",)
    assert [(t, str(at)) for t, _, at in config.do_migrations] == [("v1", "wrangler.jsonc:8"), ("v2", "wrangler.jsonc:9")]


def test_an_environment_inherits_none_of_them() -> None:
    project = load_project(FIXTURE)
    prod = project.wrangler.envs["production"]
    assert prod.missing_bindings == ("UPLOADS", "EVENTS") and prod.missing_secrets == ("SIGNING_KEY",)
    (finding,) = EnvMissingBindings().check(project, [])
    assert finding.where == "wrangler.jsonc:17"
    assert "binding UPLOADS, binding EVENTS, required secret SIGNING_KEY" in finding.message
    table = bindings_table(project)
    assert "<code>SIGNING_KEY</code> | ⚠️ **missing**: not inherited" in table
    assert "| top level | <code>v2</code> | Durable Object migration |" in table


def test_assets_are_inherited_and_remote_is_shown(tmp_path: Path) -> None:
    (tmp_path / "wrangler.jsonc").write_text(
        '{"name": "a", "assets": {"directory": "public", "binding": "ASSETS"},\n'
        ' "kv_namespaces": [{"binding": "KV", "id": "x", "remote": true}],\n'
        ' "env": {"prod": {"kv_namespaces": [{"binding": "KV", "id": "y"}]}}}\n')
    project = load_project(tmp_path)
    assert project.wrangler.envs["prod"].missing_bindings == ()
    assert "KV namespace (<code>remote: true</code>)" in bindings_table(project)
