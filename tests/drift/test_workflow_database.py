"""workflow-database: a workflow's d1 commands name databases the environment really has."""

from __future__ import annotations

from drift_helpers import Build

from opsdocs.drift.workflow_database import WorkflowDatabase

WRANGLER = """\
{
  "name": "demo-api",
  "main": "src/index.js",
  "d1_databases": [{"binding": "DB", "database_name": "demo-db-staging"}],
  "env": {"production": {"d1_databases": [{"binding": "DB", "database_name": "demo-db"}]}},
}
"""

WORKFLOW = """\
name: deploy
on: push
jobs:
  migrate:
    runs-on: ubuntu-latest
    steps:
      - name: action, production by name
        uses: cloudflare/wrangler-action@da0e0dfe58b7a431659754fdf3f186c529afbe65
        with:
          command: d1 migrations apply {prod} --remote
          environment: production
      - name: run, staging by binding
        run: npx wrangler d1 migrations apply {staging} --remote
      - name: run, execute
        run: npx wrangler d1 execute {exec} --env production --remote --command "SELECT 1"
      - name: not a database command
        run: npx wrangler d1 list && npx wrangler deploy --env production
"""


def _wf(prod: str = "demo-db", staging: str = "DB", exec_: str = "DB") -> str:
    return WORKFLOW.format(prod=prod, staging=staging, exec=exec_)


def test_names_of_each_environment_pass(build: Build) -> None:
    project = build({"wrangler.jsonc": WRANGLER, ".github/workflows/deploy.yml": _wf()})
    assert WorkflowDatabase().check(project, []) == []


def test_a_renamed_database_is_found_at_its_step(build: Build) -> None:
    project = build({"wrangler.jsonc": WRANGLER,
                     ".github/workflows/deploy.yml": _wf(prod="ledger-db", exec_="demo-db-staging")})
    findings = WorkflowDatabase().check(project, [])
    assert [f.where for f in findings] == [".github/workflows/deploy.yml:7", ".github/workflows/deploy.yml:14"]
    assert "'ledger-db' is not declared in env.production" in findings[0].message
    assert "demo-db" in findings[0].message  # what it has, so the fix is obvious
    # staging's database exists at the top level only: named under --env production it is drift
    assert "'demo-db-staging' is not declared in env.production" in findings[1].message


def test_an_unknown_environment_is_named(build: Build) -> None:
    wf = "name: d\non: push\njobs:\n  m:\n    runs-on: x\n    steps:\n      - run: npx wrangler d1 migrations apply DB --env prod --remote\n"
    project = build({"wrangler.jsonc": WRANGLER, ".github/workflows/d.yml": wf})
    (finding,) = WorkflowDatabase().check(project, [])
    assert finding.where == ".github/workflows/d.yml:7"
    assert "--env prod is not an environment" in finding.message


def test_a_database_chosen_at_run_time_is_not_judged(build: Build) -> None:
    wf = ("name: d\non: push\njobs:\n  m:\n    runs-on: x\n    steps:\n"
          "      - run: npx wrangler d1 migrations apply ${{ vars.DB }} --remote\n")
    project = build({"wrangler.jsonc": WRANGLER, ".github/workflows/d.yml": wf})
    assert WorkflowDatabase().check(project, []) == []
