"""``drizzle-journal``: a drizzle-kit journal and its SQL files list the same migrations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from opsdocs.drift._base import failure
from opsdocs.project.migrations import JOURNAL, journal_tags
from opsdocs.project.model import Location, Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage
from opsdocs.project._read import read_input


class DrizzleJournal:
    id = "drizzle-journal"
    title = "A drizzle-kit journal and its SQL files list the same migrations"
    doc = """
        drizzle-kit writes each migration twice: a SQL file (`0003_add_posts.sql`, statements separated by `-->
        statement-breakpoint`) and an entry with that `tag` in `meta/_journal.json`, which drizzle's own
        migrator follows (https://orm.drizzle.team/docs/kit-overview). wrangler ignores the journal and applies
        the SQL files by name (https://developers.cloudflare.com/d1/reference/migrations/). A journal entry
        whose file was deleted, or a SQL file written by hand and never journalled, makes the two disagree:
        `drizzle-kit generate` then diffs against the wrong snapshot, and the database the Worker sees differs
        from the one drizzle believes in. Each finding names the journal line or the file; fix it by restoring
        the file, removing the stale entry, or regenerating with drizzle-kit.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        out = []
        for db in project.migration_databases:
            directory = (project.wrangler.path.parent / db.migrations_dir).resolve()
            tags = journal_tags(directory)
            if not tags:
                continue
            rel = f"{Path(project.wrangler.relpath).parent / db.migrations_dir}".removeprefix("./")
            text = read_input(directory / JOURNAL, f"{rel}/{JOURNAL}", what="drizzle journal")
            files = {m.path.stem: m for m in db.migrations}
            for tag in tags:
                if tag not in files:
                    where = Location(f"{rel}/{JOURNAL}", _line(text, tag))
                    out.append(failure(self.id, f"{rel}:{tag}", where,
                                       f"journal entry {tag} has no {tag}.sql in {rel}/; restore the file or "
                                       f"remove the entry (drizzle-kit drop)"))
            for stem, m in files.items():
                if stem not in tags:
                    out.append(failure(self.id, f"{rel}:{m.name}", m.location,
                                       f"migration {m.name} is not in {rel}/{JOURNAL}, so drizzle-kit does not "
                                       f"know it; generate migrations with drizzle-kit, or add its entry"))
        return out


def _line(text: str, tag: str) -> int:
    m = re.search(rf'"tag"\s*:\s*"{re.escape(tag)}"', text)
    return text.count("\n", 0, m.start()) + 1 if m else 1
