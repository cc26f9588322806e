from __future__ import annotations

from pathlib import Path

import pytest
from adopt_helpers import copy_fixture


@pytest.fixture
def parcel_tracker(tmp_path: Path) -> Path:
    """A pnpm project: workflows, migrations in sql/migrations, a route, no checks/ yet."""
    return copy_fixture("parcel-tracker", tmp_path / "parcel-tracker")


@pytest.fixture
def team_site(tmp_path: Path) -> Path:
    """A project with its own mkdocs.yml (teal Material, two pages) that adds `plugins: [opsdocs]`."""
    return copy_fixture("team-site", tmp_path / "team-site")
