"""A project with Durable Object migrations and a small site of drills, for the terminal tests (and for
``record_session.py``, which records the README's terminal session)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from shipped_project import copy_project

DO_CONFIG = """\
  "durable_objects": {"bindings": [{"name": "ROOMS", "class_name": "Room"}]},
  "migrations": [
    {"tag": "v1", "new_classes": ["Room"]},
  ],
"""

ROLLBACK_DRILL = '''\
# Drill: roll back a bad data change

## Prepare

```{.bash title="Create the table" data-mode="rehearse"}
npx wrangler d1 execute {{ db.name }} --local --command "CREATE TABLE notes (body TEXT)"
```

```{.bash title="Show the local vars" data-mode="remote-read"}
cat .dev.vars
```

## Undo

```{.bash title="Drop the table" data-mode="never" data-why="Drops the notes table and every row in it."}
npx wrangler d1 execute {{ db.name }} --local --command "DROP TABLE notes"
```

```{.bash title="The table is gone" data-mode="rehearse" data-exit="1"}
npx wrangler d1 execute {{ db.name }} --local --command "INSERT INTO notes VALUES ('x')"
```
'''

LONG_DRILL = '''\
# Drill: a long step

```{.bash title="Create the table" data-mode="rehearse"}
npx wrangler d1 execute {{ db.name }} --local --command "CREATE TABLE notes (body TEXT)"
```

```{.bash title="Wait for the replica" data-mode="rehearse" data-timeout="900"}
sleep 747
```

```{.bash title="Write a note" data-mode="rehearse" data-expect="1 command executed successfully"}
npx wrangler d1 execute {{ db.name }} --local --command "INSERT INTO notes VALUES ('after resume')"
```
'''


BOOKMARK_DRILL = '''\
# Drill: pick a bookmark

```{.bash title="Current bookmark" data-mode="rehearse"}
echo "The current bookmark is '00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683'"
```

```{.bash title="Production's bookmark" data-mode="remote-read"}
npx wrangler d1 time-travel info {{ target_db.name }} {{ target.env_flag }}
```

```{.bash title="Restore (rehearsed)" data-mode="rehearse" data-expect="restoring to 00000085-"}
echo "restoring to $BOOKMARK"
```
'''


@pytest.fixture(scope="module")
def drills(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_drills(tmp_path_factory.mktemp("runmode"))


def make_drills(base: Path) -> tuple[Path, Path]:
    """(project root, site root): the shipped project plus a Durable Object migration, and two drills."""
    root = copy_project(base / "project")
    config = root / "wrangler.jsonc"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('  "d1_databases": [\n', DO_CONFIG + '  "d1_databases": [\n', 1), encoding="utf-8")
    site = base / "site"
    (site / "docs").mkdir(parents=True)
    (site / "runbooks").mkdir()
    (site / "mkdocs.yml").write_text("site_name: Drills\nsite_url: https://docs.example.com/\n", encoding="utf-8")
    (site / "docs" / "index.md").write_text("# Drills\n", encoding="utf-8")
    (site / "runbooks" / "rollback-drill.md").write_text(textwrap.dedent(ROLLBACK_DRILL), encoding="utf-8")
    (site / "runbooks" / "long-drill.md").write_text(textwrap.dedent(LONG_DRILL), encoding="utf-8")
    (site / "runbooks" / "bookmark-drill.md").write_text(textwrap.dedent(BOOKMARK_DRILL), encoding="utf-8")
    return root, site
