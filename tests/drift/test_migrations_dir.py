"""migrations-dir: a migrations directory per database, files numbered 1, 2, 3... in name order."""

from __future__ import annotations

import pytest
from drift_helpers import Build

from opsdocs.drift.migrations_dir import MigrationsDir

SQL = "SELECT 1;\n"
TWO_ENVS = """\
{
  "name": "demo-api",
  "d1_databases": [{"binding": "DB", "database_name": "demo-db"}],
  "env": {"production": {"d1_databases": [{"binding": "DB", "database_name": "prod-db"}]}},
}
"""


def test_every_break_in_the_sequence_is_reported_at_the_file(build: Build) -> None:
    names = ["-draft", "0001_a", "0002_b", "0002_dup", "0005_c", "0007_d", "0008_e", "10_x", "9_y", "notes"]
    project = build({f"migrations/{n}.sql": SQL for n in names}, migrations=False)
    findings = MigrationsDir().check(project, [])
    assert [(f.id, f.where) for f in findings] == [
        (f"drift:migrations-dir:migrations/{n}.sql", f"migrations/{n}.sql:1")
        for n in ["-draft", "0002_dup", "0005_c", "0007_d", "10_x", "9_y", "notes"]
    ]
    messages = [f.message for f in findings]
    assert messages[0] == ("migration -draft.sql does not start with digits, so its place in the order is an "
                           "accident of its name; rename it NNNN_<message>.sql")
    assert messages[1] == "migration 0002_dup.sql repeats number 2; give it the next free number"
    assert messages[2] == ("migration 0005_c.sql is number 5 but 3-4 is missing; renumber it, or restore the "
                           "missing file if it was already applied anywhere")
    assert messages[3].startswith("migration 0007_d.sql is number 7 but 6 is missing;")
    assert messages[4].startswith("migration 10_x.sql is number 10 but 9 is missing;")
    assert messages[5] == ("migration 9_y.sql is number 9 but its name sorts after number 10: wrangler applies "
                           "it by number (before 10) while the directory (and wrangler 4.86's `migrations list`) "
                           "show it after; "
                           "pad its number with zeros")
    assert messages[6].startswith("migration notes.sql does not start with digits")


@pytest.mark.parametrize(("name", "expected"), [("0002_b", "is number 2 but 1 is missing"),
                                                  ("0003_c", "is number 3 but 1-2 is missing")])
def test_the_sequence_starts_at_one(build: Build, name: str, expected: str) -> None:
    project = build({f"migrations/{name}.sql": SQL}, migrations=False)
    (finding,) = MigrationsDir().check(project, [])
    assert expected in finding.message


@pytest.mark.parametrize(("names", "flagged"), [(["0000_init", "0001_posts"], []),
                                                  (["0000_a", "0000_b"], ["migrations/0000_b.sql:1"])])
def test_a_sequence_may_start_at_zero_as_drizzle_kit_writes_it(build: Build, names: list[str],
                                                                flagged: list[str]) -> None:
    project = build({f"migrations/{n}.sql": SQL for n in names}, migrations=False)
    assert [f.where for f in MigrationsDir().check(project, [])] == flagged


def test_a_clean_sequence_shared_by_environments_passes(build: Build) -> None:
    files = {"wrangler.jsonc": TWO_ENVS, "migrations/0001_a.sql": SQL, "migrations/0002_b.sql": SQL,
             "migrations/0003_c.sql": SQL, "migrations/README.md": "not a migration"}
    assert MigrationsDir().check(build(files, migrations=False), []) == []


def test_an_empty_directory_is_fine(build: Build) -> None:
    project = build({"migrations/.keep": ""}, migrations=False)
    assert MigrationsDir().check(project, []) == []


def test_shared_directory_is_reported_once(build: Build) -> None:
    files = {"wrangler.jsonc": TWO_ENVS, "migrations/0001_a.sql": SQL, "migrations/0001_b.sql": SQL}
    findings = MigrationsDir().check(build(files, migrations=False), [])
    assert [f.where for f in findings] == ["migrations/0001_b.sql:1"]


def test_a_database_without_a_directory_is_reported_at_its_entry(build: Build) -> None:
    findings = MigrationsDir().check(build({"wrangler.jsonc": TWO_ENVS}, migrations=False), [])
    assert [(f.id, f.where) for f in findings] == [("drift:migrations-dir:migrations", "wrangler.jsonc:3")]
    assert findings[0].message == ("database demo-db has no migrations directory migrations/; create its first "
                                   "migration with `wrangler d1 migrations create demo-db <message>`")


def test_each_directory_is_checked_on_its_own(build: Build) -> None:
    wrangler = """\
    {
      "name": "demo-api",
      "d1_databases": [
        {"binding": "LOGS", "database_name": "b"},
        {"binding": "DB", "database_name": "a", "migrations_dir": "db/a"},
      ],
      "env": {"x": {"d1_databases": [{"binding": "LOGS"}, {"binding": "NEW", "migrations_dir": "db/n"}]}},
    }
    """
    files = {"wrangler.jsonc": wrangler, "db/a/0001_x.sql": SQL, "db/a/0003_y.sql": SQL, "db/n/x.sql": SQL}
    findings = MigrationsDir().check(build(files, migrations=False), [])
    assert [(f.id, f.where) for f in findings] == [
        ("drift:migrations-dir:migrations", "wrangler.jsonc:4"),
        ("drift:migrations-dir:db/a/0003_y.sql", "db/a/0003_y.sql:1"),
        ("drift:migrations-dir:db/n/x.sql", "db/n/x.sql:1"),  # after a directory already seen
    ]
