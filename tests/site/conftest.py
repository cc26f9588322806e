"""Site tests build real sites with the real MkDocs, once per fixture (each build takes seconds)."""

from __future__ import annotations

import pytest
from sitebuild import Build, run_build


@pytest.fixture(scope="module")
def repo_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    build = run_build(site=tmp_path_factory.mktemp("site") / "out")
    assert build.code == 0, build.stderr
    return build

