"""wrangler.toml (and the other shapes wrangler accepts): values by tomllib, keys at their lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsdocs import load_project
from opsdocs.errors import ConfigError
from opsdocs.project._toml import locate_keys

TOML = """\
# a TOML worker with environments
name = "shop-api"
main = "src/index.ts"
compatibility_date = "2025-03-01"

[vars]
MODE = "dev"

[[d1_databases]]
binding = "DB"
database_name = "shop-dev"
database_id = "<your-database-id>"
migrations_dir = "db/migrations"

[env.production]
vars = { MODE = "live" }

[[env.production.d1_databases]]
binding = "DB"
database_name = "shop"
database_id = "11111111-2222-4333-8444-555555555555"
migrations_dir = "db/migrations"

[[env.production.d1_databases]]
binding = "AUDIT"
database_name = "shop-audit"
"""


def test_locations_of_tables_arrays_and_keys() -> None:
    found = locate_keys(TOML)
    assert found["/name"] == (2, 1)
    assert found["/vars/MODE"] == (7, 1)
    assert found["/d1_databases/0"] == (9, 1)
    assert found["/d1_databases/0/migrations_dir"] == (13, 1)
    assert found["/env/production"] == (15, 1)
    assert found["/env/production/vars"] == (16, 1)
    assert found["/env/production/d1_databases/0/binding"] == (19, 1)
    assert found["/env/production/d1_databases/1/binding"] == (25, 1)


def test_dotted_keys_and_multiline_strings() -> None:
    text = 'name = "a"\nobservability.enabled = true\nx = """\nname = "not a key"\n"""\n[env."qa.eu"]\nk = 1\n'
    found = locate_keys(text)
    assert found["/observability/enabled"] == (2, 1)
    assert "/name" in found and found["/name"] == (1, 1)
    assert found["/env/qa.eu/k"] == (7, 1)


@pytest.mark.parametrize("transform", [
    lambda t: t.encode(), lambda t: ("\ufeff" + t).encode(), lambda t: t.replace("\n", "\r\n").encode(),
], ids=["plain", "bom", "crlf"])
def test_toml_project_loads_with_lines(tmp_path: Path, transform: object) -> None:
    (tmp_path / "wrangler.toml").write_bytes(transform(TOML))  # type: ignore[operator]
    (tmp_path / "db/migrations").mkdir(parents=True)
    (tmp_path / "db/migrations/0001_init.sql").write_text("CREATE TABLE t (id INTEGER);\n")
    config = load_project(tmp_path).wrangler
    assert config.relpath == "wrangler.toml" and config.name == "shop-api"
    prod = config.envs["production"]
    assert [db.binding for db in prod.d1_databases] == ["DB", "AUDIT"]
    assert prod.worker_name == "shop-api-production" and prod.vars == {"MODE": "live"}
    assert str(prod.d1_databases[1].location) == "wrangler.toml:24"
    assert [m.name for m in config.top.d1_databases[0].migrations] == ["0001_init.sql"]
    assert config.top.d1_databases[0].database_id == "<your-database-id>"  # a placeholder is kept as written


def test_a_toml_type_error_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "wrangler.toml").write_text('name = "a"\n\n[[d1_databases]]\nbinding = 7\n')
    with pytest.raises(ConfigError) as info:
        load_project(tmp_path)
    assert str(info.value).startswith("wrangler.toml:4:1: 'binding' must be string, got number")


def test_a_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "wrangler.toml").write_text('name = "a"\nmain = "x.js"\n[vars\nA = "1"\n')
    with pytest.raises(ConfigError) as info:
        load_project(tmp_path)
    assert str(info.value).startswith("wrangler.toml:3:") and "invalid TOML" in str(info.value)


def test_jsonc_with_bom_and_crlf(tmp_path: Path) -> None:
    text = '// c\r\n{\r\n  "name": "a",\r\n  "vars": {"K": "v"},\r\n}\r\n'
    (tmp_path / "wrangler.jsonc").write_bytes(b"\xef\xbb\xbf" + text.encode())
    config = load_project(tmp_path).wrangler
    assert config.top.vars == {"K": "v"} and str(config.locate("/vars/K")) == "wrangler.jsonc:4"


def test_wrangler_json_is_read_before_jsonc_and_toml(tmp_path: Path) -> None:
    (tmp_path / "wrangler.toml").write_text('name = "from-toml"\n')
    (tmp_path / "wrangler.json").write_text('{"name": "from-json"}\n')
    assert load_project(tmp_path).wrangler.name == "from-json"
