from __future__ import annotations

from pathlib import Path

import pytest
from shipped_project import copy_project


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")
