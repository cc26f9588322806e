"""remote-sql-traps: transaction control and >100 KB statements, at the statement's file:line."""

from __future__ import annotations

from drift_helpers import Build

from opsdocs.drift.remote_sql_traps import RemoteSqlTraps


def findings(build: Build, sql: str) -> list[tuple[str, str]]:
    project = build({"migrations/0001_init.sql": sql})
    return [(f.id.split(":", 2)[2], f.where) for f in RemoteSqlTraps().check(project, [])]


def test_plain_migrations_pass(build: Build) -> None:
    sql = ("-- BEGIN TRANSACTION in a comment is fine\nCREATE TABLE a (x TEXT DEFAULT 'COMMIT;');\n"
           "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n  UPDATE a SET x = 'y';\nEND;\n")
    assert findings(build, sql) == []


def test_transaction_statements_are_reported_at_their_lines(build: Build) -> None:
    sql = "BEGIN TRANSACTION;\nCREATE TABLE a (x);\nSAVEPOINT s1;\nRELEASE s1;\n\nCOMMIT;\n"
    assert findings(build, sql) == [(f"migrations/0001_init.sql:{n}", f"migrations/0001_init.sql:{n}")
                                    for n in (1, 3, 4, 6)]


def test_a_statement_over_100_kb(build: Build) -> None:
    rows = ",".join(f"({i}, '{'x' * 20}')" for i in range(5000))
    sql = f"CREATE TABLE a (i, s);\nINSERT INTO a VALUES {rows};\n"
    (finding,) = RemoteSqlTraps().check(build({"migrations/0001_init.sql": sql}), [])
    assert finding.where == "migrations/0001_init.sql:2" and "remote D1 refuses statements over 100 KB" in finding.message
