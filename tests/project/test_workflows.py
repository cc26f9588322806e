"""Workflow loading: triggers, jobs, needs, environments, actions, and secrets with file:line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from opsdocs.project.load import load_project

WORKFLOW = """\
name: ship
on:
  push:
    branches: [main]
  workflow_dispatch:
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions: {contents: read}
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5
      # a comment naming secrets.NOT_A_USE must not count
      - run: make test
  release:
    needs: test
    runs-on: ubuntu-latest
    environment:
      name: production
      url: https://example.com
    timeout-minutes: 15
    steps:
      - uses: cloudflare/wrangler-action@v3
        with:
          apiToken: ${{ secrets.CF_TOKEN }}
          accountId: ${{ secrets['CF_ACCOUNT'] }}
      - name: notify
        if: ${{ secrets.SLACK_HOOK != '' }}
        env:
          HOOK: ${{ secrets.SLACK_HOOK }}
          GH: ${{ secrets.GITHUB_TOKEN }}
        run: echo done
"""


def test_jobs_needs_environments_and_actions(make_project: Callable[..., Path]) -> None:
    root = make_project({".github/workflows/ship.yml": WORKFLOW})
    (wf,) = load_project(root).workflows
    assert wf.name == "ship"
    assert set(wf.triggers) == {"push", "workflow_dispatch"}  # `on:` is not YAML's boolean True
    assert list(wf.jobs) == ["test", "release"]
    release = wf.jobs["release"]
    assert release.needs == ("test",)
    assert release.environment == "production"
    assert release.environment_url == "https://example.com"
    assert wf.jobs["test"].permissions == {"contents": "read"}
    assert wf.jobs["test"].timeout_minutes == 10
    pinned = {a.action: a.pinned for a in wf.actions}
    assert pinned == {"actions/checkout": True, "cloudflare/wrangler-action": False}
    assert release.location.line == WORKFLOW.splitlines().index("  release:") + 1


def test_secret_references_carry_file_line_and_job(make_project: Callable[..., Path]) -> None:
    root = make_project({".github/workflows/ship.yml": WORKFLOW})
    project = load_project(root)
    lines = WORKFLOW.splitlines()
    got = [(r.name, r.job, str(r.location)) for r in project.secret_refs]
    expected = []
    for i, text in enumerate(lines, 1):
        for name in ("CF_TOKEN", "CF_ACCOUNT", "SLACK_HOOK", "GITHUB_TOKEN"):
            if name in text and not text.lstrip().startswith("#"):
                expected.append((name, "release", f".github/workflows/ship.yml:{i}"))
    assert got == expected
    # GITHUB_TOKEN is GitHub's own: not a secret anyone sets up
    assert list(project.secrets) == ["CF_ACCOUNT", "CF_TOKEN", "SLACK_HOOK"]
    assert len(project.secrets["SLACK_HOOK"]) == 2
    assert project.github_environments["production"][0].id == "release"


def test_no_workflows_dir_means_no_workflows(make_project: Callable[..., Path]) -> None:
    assert load_project(make_project()).workflows == ()


def test_shipped_workflows_have_the_promised_jobs() -> None:
    project = load_project()
    assert {wf.path.name for wf in project.workflows} >= {"quality.yml", "deploy.yml", "docs-nightly.yml"}
    assert "CLOUDFLARE_API_TOKEN" in project.secrets
