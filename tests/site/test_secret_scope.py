"""Where a secret must be set: an environment secret reaches only jobs in that environment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from opsdocs.project.load import load_project
from opsdocs.site._tables import secret_scope

WF = """\
name: w
on: push
jobs:
  gated:
    runs-on: x
    environment: production
    steps:
      - run: echo ${{ secrets.ONLY_GATED }} ${{ secrets.SHARED }}
  nightly:
    runs-on: x
    steps:
      - run: echo ${{ secrets.SHARED }} ${{ secrets.ONLY_NIGHTLY }}
  staging:
    runs-on: x
    environment: staging
    steps:
      - run: echo ${{ secrets.TWO_ENVS }}
  prod:
    runs-on: x
    environment: production
    steps:
      - run: echo ${{ secrets.TWO_ENVS }}
"""


def test_scope_is_the_one_environment_of_every_reader(make_project: Callable[..., Path]) -> None:
    project = load_project(make_project({".github/workflows/w.yml": WF}))
    assert secret_scope(project, "ONLY_GATED") == "production"
    assert secret_scope(project, "SHARED") is None  # the nightly job could not read an environment secret
    assert secret_scope(project, "ONLY_NIGHTLY") is None
    assert secret_scope(project, "TWO_ENVS") is None  # one repository secret, not two copies
    assert secret_scope(project, "UNKNOWN") is None
