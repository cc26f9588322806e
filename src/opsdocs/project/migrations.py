"""The SQL migration files of one D1 database, in the order wrangler applies them (by file name)."""

from __future__ import annotations

import re
from pathlib import Path

from opsdocs.project.model import Location, Migration

_NUMBER = re.compile(r"^(\d+)")


def list_migrations(directory: Path, rel_dir: str) -> tuple[Migration, ...]:
    """Every ``*.sql`` in ``directory`` sorted by name; ``rel_dir`` is how locations name the folder."""
    out = []
    for path in sorted(directory.glob("*.sql"), key=lambda p: p.name):
        m = _NUMBER.match(path.name)
        out.append(Migration(
            number=int(m.group(1)) if m else None,
            name=path.name,
            path=path.resolve(),
            location=Location(f"{rel_dir.rstrip('/')}/{path.name}", 1),
        ))
    return tuple(out)
