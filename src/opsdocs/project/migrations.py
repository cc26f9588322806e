"""The SQL migration files of one D1 database, in order: file name (what wrangler applies), or the order
of a drizzle-kit journal (``meta/_journal.json``) when the folder has one."""

from __future__ import annotations

import json
import re
from pathlib import Path

from opsdocs.project.model import Location, Migration
from opsdocs.project._read import read_input

_NUMBER = re.compile(r"^(\d+)")
JOURNAL = "meta/_journal.json"


def list_migrations(directory: Path, rel_dir: str) -> tuple[Migration, ...]:
    """Every ``*.sql`` in ``directory``; ``rel_dir`` is how locations name the folder."""
    files = sorted(directory.glob("*.sql"), key=lambda p: p.name)
    order = {tag: i for i, tag in enumerate(journal_tags(directory))}
    if order:  # journal order first; files it does not list after them (the drift rule names those)
        files.sort(key=lambda p: (order.get(p.stem, len(order)), p.name))
    out = []
    for path in files:
        m = _NUMBER.match(path.name)
        try:
            sql = read_input(path, f"{rel_dir.rstrip('/')}/{path.name}", what="migration file")
        except OSError:
            sql = ""
        out.append(Migration(
            number=int(m.group(1)) if m else None,
            name=path.name,
            path=path.resolve(),
            location=Location(f"{rel_dir.rstrip('/')}/{path.name}", 1),
            sql=sql,
        ))
    return tuple(out)


def journal_tags(directory: Path) -> list[str]:
    """The ``tag`` of every entry of a drizzle-kit journal, in order ([] without a readable journal)."""
    try:
        data = json.loads(read_input(directory / JOURNAL, str(directory / JOURNAL), what="drizzle journal"))
    except (OSError, ValueError):
        return []
    entries = data.get("entries") if isinstance(data, dict) else None
    return [str(e["tag"]) for e in entries if isinstance(e, dict) and "tag" in e] if isinstance(entries, list) else []
