"""job-hygiene: every job has timeout-minutes (unless it calls a workflow) and permissions."""

from __future__ import annotations

import pytest
from drift_helpers import Build

from opsdocs.drift.job_hygiene import JobHygiene

CI = """\
name: ci
on: push
{workflow_permissions}
jobs:
  bare:
    runs-on: x
    steps: [{{run: echo}}]
  timed:
    runs-on: x
    timeout-minutes: 5
    steps: [{{run: echo}}]
  allowed:
    runs-on: x
    permissions: {{}}
    steps: [{{run: echo}}]
  call:
    uses: ./.github/workflows/other.yml
  good:
    runs-on: x
    timeout-minutes: 5
    permissions: read-all
    steps: [{{run: echo}}]
"""
WF = ".github/workflows/ci.yml"


def test_each_missing_key_is_a_finding_at_the_job(build: Build) -> None:
    project = build({WF: CI.format(workflow_permissions="permissions: {contents: read, deployments: write}")})
    findings = JobHygiene().check(project, [])
    assert [(f.id, f.where) for f in findings] == [
        (f"drift:job-hygiene:{WF}:bare:timeout-minutes", f"{WF}:5"),
        (f"drift:job-hygiene:{WF}:bare:permissions", f"{WF}:5"),
        (f"drift:job-hygiene:{WF}:timed:permissions", f"{WF}:8"),
        (f"drift:job-hygiene:{WF}:allowed:timeout-minutes", f"{WF}:12"),
        (f"drift:job-hygiene:{WF}:call:permissions", f"{WF}:16"),
    ]
    assert findings[0].message == ("job bare has no timeout-minutes (GitHub waits 6 hours); add "
                                   "`timeout-minutes:` with a bound a little above its usual run time")
    assert findings[1].message == ("job bare has no permissions of its own, so it inherits the workflow's "
                                   "deployments: write; add `permissions:` to the job with only what it needs")


@pytest.mark.parametrize("workflow_permissions", ["permissions: {}", "permissions: read-all",
                                                  "permissions: {contents: read, actions: none}"])
def test_read_only_workflow_permissions_cover_the_jobs(build: Build, workflow_permissions: str) -> None:
    # Inherited read-only rights are already bounded: "gets the default rights" would be false there.
    findings = JobHygiene().check(build({WF: CI.format(workflow_permissions=workflow_permissions)}), [])
    assert not [f for f in findings if f.id.endswith(":permissions")]


def test_write_all_at_the_workflow_level_is_named(build: Build) -> None:
    findings = JobHygiene().check(build({WF: CI.format(workflow_permissions="permissions: write-all")}), [])
    (bare,) = [f for f in findings if f.id.endswith(":bare:permissions")]
    assert "inherits the workflow's write-all" in bare.message


@pytest.mark.parametrize("workflow_permissions", ["permissions: {}", ""])
def test_workflow_level_no_permissions_covers_the_jobs(build: Build, workflow_permissions: str) -> None:
    findings = JobHygiene().check(build({WF: CI.format(workflow_permissions=workflow_permissions)}), [])
    ids = [f.id.rsplit(":", 2)[1] + ":" + f.id.rsplit(":", 1)[1] for f in findings]
    if workflow_permissions:
        assert ids == ["bare:timeout-minutes", "allowed:timeout-minutes"]
    else:  # no workflow-level permissions at all: the jobs get the repository default
        assert "bare:permissions" in ids and "call:permissions" in ids
