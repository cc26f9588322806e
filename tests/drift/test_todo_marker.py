"""todo-marker: every TODO(opsdocs) that `opsdocs init` left is a failure at its file:line."""

from __future__ import annotations

from drift_helpers import Build, secret_docs

from opsdocs.drift.todo_marker import TodoMarker
from opsdocs.project.load import load_project
from opsdocs.scaffold import apply, plan

CI = """\
name: ci
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    timeout-minutes: 5
    environment: production
    steps:
      - run: echo "${{ secrets.DEPLOY_TOKEN }}"
"""


def test_markers_in_checks_and_workflows_fail_at_their_lines(build: Build) -> None:
    todo = "TODO(opsdocs)"
    secrets = secret_docs("DEPLOY_TOKEN").replace("rotation: yearly", f'rotation: "{todo}: how often"')
    workflow = CI.replace('echo "', f'echo "{todo} the URL ')
    project = build({".github/workflows/ci.yml": workflow, "checks/secrets.yml": secrets,
                     "checks/health.yml": f"# Deployed at: https://{todo}-host\n- name: h\n  path: /\n"})
    findings = TodoMarker().check(project, [])
    assert [(f.where, f.status) for f in findings] == [
        ("checks/health.yml:1", "failed"), ("checks/secrets.yml:5", "failed"),
        (".github/workflows/ci.yml:9", "failed")]
    assert findings[1].message == "placeholder left by opsdocs init: how often; write the real answer here"


def test_filled_in_files_pass(build: Build) -> None:
    project = build({".github/workflows/ci.yml": CI, "checks/secrets.yml": secret_docs("DEPLOY_TOKEN"),
                     "checks/health.yml": "- name: h\n  path: /\n"})
    assert TodoMarker().check(project, []) == []


def test_init_output_fails_until_every_answer_is_written(build: Build) -> None:
    project = build({".github/workflows/ci.yml": CI})
    for item in plan(project, opsdocs_version="0.1.0"):
        apply(project.root, item)
    reloaded = load_project(project.root, site_root=project.root)
    by_file = sorted({f.path for f in TodoMarker().check(reloaded, [])})
    # no route and no workers.dev subdomain known offline: the URL is a placeholder too
    assert by_file == [".github/workflows/opsdocs-nightly.yml", "checks/health.yml", "checks/secrets.yml"]
    secrets = (project.root / "checks/secrets.yml").read_text()
    assert secrets.count("TODO(opsdocs)") == 4  # DEPLOY_TOKEN: purpose, permissions, rotation; read-only: rotation
    assert "# used at .github/workflows/ci.yml:9\nDEPLOY_TOKEN:" in secrets
    assert 'where: "GitHub environment secret: production"' in secrets
