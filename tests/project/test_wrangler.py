"""wrangler.jsonc loading: JSONC edge cases, environments resolved as wrangler resolves them, locations."""

from __future__ import annotations

from pathlib import Path

from opsdocs.project.load import load_project
from opsdocs.project.wrangler import load_wrangler

JSONC = """\
// leading comment
{
  /* block comment with "quotes" and // slashes */
  "name": "shop-api", // trailing comment
  "main": "src/index.js",
  "compatibility_date": "2025-03-01",
  "observability": {"enabled": true,},
  "vars": {"DOCS": "https://example.com//path", "Q": "a /* not a comment */ b"},
  "routes": [{"pattern": "shop.example.com/*", "zone_name": "example.com"}],
  "d1_databases": [
    {
      "binding": "ORDERS",
      "database_name": "orders-db",
      "database_id": "11111111-2222-3333-4444-555555555555",
      "migrations_dir": "db/migrations",
    },
    {"binding": "AUDIT", "database_name": "audit-db", "database_id": "x",},
  ],
  "env": {
    "staging": {
      "vars": {"DOCS": "https://staging.example.com"},
      "d1_databases": [
        {"binding": "ORDERS", "database_name": "orders-staging", "database_id": "y", "migrations_dir": "db/migrations"},
      ],
    },
    "production": {
      "name": "shop-api-prod",
      "main": "src/prod.js",
      "vars": {"DOCS": "https://example.com", "Q": "q"},
      "d1_databases": [
        {"binding": "ORDERS", "database_name": "orders", "database_id": "z", "migrations_dir": "db/migrations"},
        {"binding": "AUDIT", "database_name": "audit", "database_id": "w"},
      ],
    },
  },
}
"""


def _load(tmp_path: Path, text: str = JSONC):
    (tmp_path / "db" / "migrations").mkdir(parents=True)
    (tmp_path / "db" / "migrations" / "0002_b.sql").write_text("SELECT 1;")
    (tmp_path / "db" / "migrations" / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "wrangler.jsonc").write_text(text)
    return load_wrangler(tmp_path / "wrangler.jsonc", tmp_path)


def test_comments_trailing_commas_and_urls_in_strings(tmp_path: Path) -> None:
    cfg = _load(tmp_path)
    assert cfg.name == "shop-api"
    assert cfg.top.vars == {"DOCS": "https://example.com//path", "Q": "a /* not a comment */ b"}
    assert cfg.top.observability == {"enabled": True}
    assert [db.binding for db in cfg.top.d1_databases] == ["ORDERS", "AUDIT"]


def test_environments_inherit_keys_but_not_bindings_or_vars(tmp_path: Path) -> None:
    cfg = _load(tmp_path)
    staging, production = cfg.envs["staging"], cfg.envs["production"]
    # inherited from the top level
    assert staging.main == "src/index.js"
    assert staging.compatibility_date == "2025-03-01"
    assert staging.observability == {"enabled": True}
    assert staging.routes == cfg.top.routes
    # overridden
    assert production.main == "src/prod.js"
    # worker names: <name>-<env> unless the environment names itself
    assert staging.worker_name == "shop-api-staging"
    assert production.worker_name == "shop-api-prod"
    # bindings and vars are not inherited: staging lacks AUDIT and Q
    assert [db.database_name for db in staging.d1_databases] == ["orders-staging"]
    assert staging.missing_bindings == ("AUDIT",)
    assert staging.missing_vars == ("Q",)
    assert production.missing_bindings == ()
    assert cfg.environment("production") is production
    assert cfg.environment(None) is cfg.top
    assert cfg.environment("nope") is None


def test_locations_point_at_the_lines_of_keys(tmp_path: Path) -> None:
    cfg = _load(tmp_path)
    lines = JSONC.splitlines()

    def line_of(needle: str, start: int = 0) -> int:
        return next(i for i, text in enumerate(lines, 1) if i > start and needle in text)

    assert cfg.locate("/name").line == line_of('"name": "shop-api"')
    prod = line_of('"production": {')
    assert cfg.envs["production"].location.line == prod
    assert cfg.locate("/env/production/d1_databases/1/binding").line == line_of('"binding": "AUDIT"', prod)
    assert cfg.top.d1_databases[1].location.line == line_of('{"binding": "AUDIT"')
    # an unknown pointer falls back to its nearest known parent
    assert cfg.locate("/env/production/nothing/here").line == prod


def test_migrations_listed_in_name_order_with_numbers(tmp_path: Path) -> None:
    cfg = _load(tmp_path)
    orders = cfg.top.d1_databases[0]
    assert [(m.number, m.name) for m in orders.migrations] == [(1, "0001_a.sql"), (2, "0002_b.sql")]
    assert str(orders.migrations[0].location) == "db/migrations/0001_a.sql:1"
    # AUDIT has no explicit migrations_dir and the default one does not exist: no migrations, no error
    assert cfg.top.d1_databases[1].migrations == ()
    assert cfg.top.d1_databases[1].migrations_dir == "migrations"


def test_the_shipped_repo_loads() -> None:
    project = load_project()
    assert project.wrangler.relpath == "wrangler.jsonc"
    assert project.wrangler.top.d1_databases, "the shipped Worker has a D1 database"
    assert "production" in project.wrangler.envs
    assert len(project.wrangler.top.d1_databases[0].migrations) >= 3
