from __future__ import annotations

from pathlib import Path

import pytest
from adopt_helpers import copy_fixture


@pytest.fixture
def parcel_tracker(tmp_path: Path) -> Path:
    """A pnpm project: workflows, migrations in sql/migrations, a route, no checks/ yet."""
    return copy_fixture("parcel-tracker", tmp_path / "parcel-tracker")
