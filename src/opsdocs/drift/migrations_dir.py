"""``migrations-dir``: every D1 database has migrations, numbered 1, 2, 3... in file-name order.

wrangler applies pending files by number while directory listings (and ``migrations list`` up to 4.86) show
them by name (sources ``wrangler-d1-migrations-apply``, ``workers-utils-d1-migrations``): the orders must agree.
"""

from __future__ import annotations

from collections.abc import Sequence

from opsdocs.drift._base import failure
from opsdocs.project.model import D1Database, Location, Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage


def _numbering(db: D1Database) -> list[tuple[str, Location, str]]:
    """(file, location, problem) for each file that breaks the sequence, in file-name order."""
    out = []
    previous: int | None = None
    for m in db.migrations:
        if m.number is None:
            out.append((m.name, m.location, "does not start with digits, so its place in the order "
                        "is an accident of its name; rename it NNNN_<message>.sql"))
            continue
        if previous is None:  # the sequence may start at 0000 (drizzle-kit) or 0001 (wrangler)
            previous = -1 if m.number == 0 else 0
        if m.number == previous:
            out.append((m.name, m.location, f"repeats number {m.number}; give it the next free number"))
        elif m.number < previous:
            out.append((m.name, m.location, f"is number {m.number} but its name sorts after number "
                        f"{previous}: wrangler applies it by number (before {previous}) while the directory "
                        "(and wrangler 4.86's `migrations list`) show it after; pad its number with zeros"))
        elif m.number > previous + 1:
            gap = f"{previous + 1}" if m.number == previous + 2 else f"{previous + 1}-{m.number - 1}"
            out.append((m.name, m.location, f"is number {m.number} but {gap} is missing; renumber it, "
                        "or restore the missing file if it was already applied anywhere"))
        previous = max(previous, m.number)
    return out


class MigrationsDir:
    id = "migrations-dir"
    title = "Every D1 database has a migrations directory, numbered without gaps or duplicates"
    doc = """
        Every D1 database in wrangler.jsonc must have its `migrations_dir` (default `migrations/`), and its
        `.sql` files must start with a number and count 1, 2, 3... in file-name order. `wrangler d1 migrations
        apply` runs pending files sorted by the number before the first `_`, while every file listing (and
        `migrations list` up to wrangler 4.86) shows them by name
        ([d1-migrations.ts](https://github.com/cloudflare/workers-sdk/blob/wrangler@4.164.0/packages/workers-utils/src/d1-migrations.ts),
        which both commands list files with in wrangler 4.164);
        the two orders agree only when numbers are padded and unique. A database with no directory has a schema
        nobody can rebuild; a gap usually means a migration deleted after it was applied somewhere; a duplicate
        leaves the order between the two files to their names; a number that sorts out of place (`10_x.sql`
        listed before `9_y.sql`, applied after it) makes what you read differ from what runs. Fix it with
        `wrangler d1 migrations create <database> <message>`, which writes the next `NNNN_<message>.sql`, or by
        renaming the file the finding points at.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        out = []
        base = project.wrangler.path.parent
        seen: set[str] = set()
        for db in project.databases:
            # Environments usually share one directory: report each directory once.
            directory = (base / db.migrations_dir).resolve()
            if str(directory) in seen:
                continue
            seen.add(str(directory))
            if not directory.is_dir():
                out.append(failure(
                    self.id, db.migrations_dir, db.dir_location or db.location,
                    f"database {db.name} has no migrations directory {db.migrations_dir}/; create its "
                    f"first migration with `wrangler d1 migrations create {db.name} <message>`",
                ))
                continue
            for name, location, problem in _numbering(db):
                out.append(failure(self.id, f"{db.migrations_dir}/{name}", location,
                                   f"migration {name} {problem}"))
        return out
