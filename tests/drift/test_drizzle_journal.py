"""drizzle-journal: journal entries and SQL files agree; each difference at its file:line."""

from __future__ import annotations

from drift_helpers import Build

from opsdocs.drift.drizzle_journal import DrizzleJournal

WRANGLER = ('{"name": "a", "d1_databases": [{"binding": "DB", "database_name": "a-db",'
            ' "migrations_dir": "drizzle"}]}\n')
JOURNAL = """\
{
  "version": "7",
  "entries": [
    {"idx": 0, "tag": "0000_init"},
    {"idx": 1, "tag": "0001_posts"}
  ]
}
"""


def findings(build: Build, files: dict[str, str]) -> list[tuple[str, str]]:
    project = build({"wrangler.jsonc": WRANGLER, "drizzle/meta/_journal.json": JOURNAL, **files}, migrations=False)
    return [(f.id, f.where) for f in DrizzleJournal().check(project, [])]


def test_matching_journal_passes_and_orders_the_migrations(build: Build) -> None:
    files = {"drizzle/0000_init.sql": "CREATE TABLE u (id integer);\n--> statement-breakpoint\nSELECT 1;\n",
             "drizzle/0001_posts.sql": "CREATE TABLE p (id integer);\n"}
    assert findings(build, files) == []


def test_entry_without_sql_and_sql_without_entry(build: Build) -> None:
    files = {"drizzle/0000_init.sql": "SELECT 1;\n", "drizzle/0002_manual.sql": "SELECT 2;\n"}
    assert findings(build, files) == [
        ("drift:drizzle-journal:drizzle:0001_posts", "drizzle/meta/_journal.json:5"),
        ("drift:drizzle-journal:drizzle:0002_manual.sql", "drizzle/0002_manual.sql:1"),
    ]


def test_journal_order_is_the_listed_order(build: Build) -> None:
    journal = JOURNAL.replace('"0000_init"', '"X"').replace('"0001_posts"', '"0000_init"').replace('"X"', '"0001_posts"')
    project = build({"wrangler.jsonc": WRANGLER, "drizzle/meta/_journal.json": journal,
                     "drizzle/0000_init.sql": "SELECT 1;\n", "drizzle/0001_posts.sql": "SELECT 1;\n"},
                    migrations=False)
    assert [m.name for m in project.wrangler.top.d1_databases[0].migrations] == ["0001_posts.sql", "0000_init.sql"]


def test_without_a_journal_nothing_to_check(build: Build) -> None:
    project = build({"wrangler.jsonc": WRANGLER, "drizzle/0000_init.sql": "SELECT 1;\n"}, migrations=False)
    assert DrizzleJournal().check(project, []) == []
