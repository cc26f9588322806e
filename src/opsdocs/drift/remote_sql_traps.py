"""``remote-sql-traps``: SQL a local apply accepts but remote D1 rejects, found in the migration files."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from opsdocs.drift._base import failure
from opsdocs.project.model import Location, Migration, Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage

LIMIT = 100_000  # bytes per statement (https://developers.cloudflare.com/d1/platform/limits/)
_TRANSACTION = re.compile(r"^(BEGIN(\s+(DEFERRED|IMMEDIATE|EXCLUSIVE))?(\s+TRANSACTION)?|COMMIT(\s+TRANSACTION)?|"
                          r"END(\s+TRANSACTION)?|ROLLBACK(\s+TRANSACTION)?|SAVEPOINT\s+\S+|RELEASE(\s+SAVEPOINT)?\s+\S+)"
                          r"\s*$", re.I)


class RemoteSqlTraps:
    id = "remote-sql-traps"
    title = "Migrations avoid SQL that applies locally but fails on remote D1"
    doc = """
        A green local `d1 migrations apply --local` does not prove the remote apply: local D1 is SQLite in
        workerd, remote D1 runs each migration file inside its own transaction and enforces its limits. Explicit
        transaction control (`BEGIN TRANSACTION`, `COMMIT`, `END`, `ROLLBACK`, `SAVEPOINT`, `RELEASE`) applies
        locally and is rejected remotely (D1 docs: https://developers.cloudflare.com/d1/sql-api/sql-statements/
        and https://developers.cloudflare.com/d1/reference/migrations/; workerd issue
        https://github.com/cloudflare/workerd/issues/5411), and a statement longer than 100 KB is refused
        (https://developers.cloudflare.com/d1/platform/limits/). Such a file fails in the deploy pipeline after
        every local check passed. Each finding names the file and line of the statement. To fix it, drop the
        transaction statements (the file is already atomic), and split a long statement (batch big inserts).
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        return [f for db in project.migration_databases for m in db.migrations for f in _file_findings(self.id, m)]


def _file_findings(rule: str, m: Migration) -> list[Finding]:
    out = []
    for line, statement in statements(m.sql):
        where = Location(m.location.path, line)
        words = " ".join(statement.split())
        if _TRANSACTION.match(words.rstrip(";").strip()):
            out.append(failure(rule, f"{m.location.path}:{line}", where,
                               f"`{words[:40]}` controls a transaction: local D1 applies it, remote D1 rejects it "
                               f"(each migration file already runs in one transaction); remove it"))
        size = len(statement.encode())
        if size > LIMIT:
            out.append(failure(rule, f"{m.location.path}:{line}:size", where,
                               f"this statement is {size // 1000} KB; remote D1 refuses statements over 100 KB; "
                               f"split it (e.g. one INSERT per batch of rows)"))
    return out


def statements(sql: str) -> Iterator[tuple[int, str]]:
    """(first line, text) of each statement: split at ``;`` outside quotes and comments (drizzle's
    ``--> statement-breakpoint`` is a comment between statements)."""
    start, i, n = 0, 0, len(sql)
    while i < n:
        c = sql[i]
        if c in "'\"`[":
            j = sql.find("]" if c == "[" else c, i + 1)
            i = n if j < 0 else j + 1
            continue
        if sql.startswith("--", i) or sql.startswith("/*", i):
            j = sql.find("\n" if sql[i + 1] == "-" else "*/", i + 2)
            i = n if j < 0 else j + 1
            continue
        if c == ";" and not _in_trigger(sql[start:i]):
            yield from _emit(sql, start, i + 1)
            start = i + 1
        i += 1
    yield from _emit(sql, start, n)


_TRIGGER = re.compile(r"\bCREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TRIGGER\b", re.I)
_END = re.compile(r"\bEND\s*$", re.I)


def _in_trigger(chunk: str) -> bool:
    """Inside ``CREATE TRIGGER ... BEGIN ...; END``: its ``;`` do not end the statement."""
    return bool(_TRIGGER.search(chunk)) and not _END.search(chunk)


_LEAD = re.compile(r"(?:\s+|--[^\n]*|/\*.*?\*/)*", re.S)


def _emit(sql: str, start: int, end: int) -> Iterator[tuple[int, str]]:
    lead = _LEAD.match(sql, start, end)
    first = lead.end() if lead else start
    body = sql[first:end].strip()
    if body:
        yield sql.count("\n", 0, first) + 1, body
