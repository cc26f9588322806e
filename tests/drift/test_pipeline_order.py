"""pipeline-order: quality gate -> remote migrations -> production deploy -> opsdocs health."""

from __future__ import annotations

import pytest
from drift_helpers import Build

from opsdocs.drift.pipeline_order import PipelineOrder

WRANGLER = """\
{
  "name": "demo-api",
  "main": "src/index.js",
  "d1_databases": [{"binding": "DB", "database_name": "demo-db"}],
  "env": {"production": {"d1_databases": [{"binding": "DB", "database_name": "prod-db"}]}},
}
"""
DEPLOY = """\
name: deploy
on: push
jobs:
  quality:
    uses: ./.github/workflows/quality.yml
  migrate:
    needs: quality
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: cloudflare/wrangler-action@v3
        with:
          command: d1 migrations apply prod-db --remote --env production
  deploy:
    needs: migrate
    runs-on: ubuntu-latest
    environment:
      name: production
    steps:
      - uses: cloudflare/wrangler-action@v3
        with:
          environment: production
      - run: opsdocs health --base-url x
      - if: failure()
        run: npx wrangler rollback --env production
"""


def findings(build: Build, deploy: str | None = DEPLOY, **files: str) -> list[tuple[str, str]]:
    written = {"wrangler.jsonc": WRANGLER, **{f".github/workflows/{k}.yml": v for k, v in files.items()}}
    if deploy is not None:
        written[".github/workflows/deploy.yml"] = deploy
    return [(f.id.removeprefix("drift:pipeline-order:"), f.where)
            for f in PipelineOrder().check(build(written), [])]


WF = ".github/workflows/deploy.yml"


def test_the_promised_order_passes(build: Build) -> None:
    assert findings(build) == []


def test_missing_health_check_points_at_the_deploy_step(build: Build) -> None:
    assert findings(build, DEPLOY.replace("      - run: opsdocs health --base-url x\n", "")) == [
        (f"{WF}:deploy:health", f"{WF}:20")]


def test_a_later_step_that_is_not_a_health_check_does_not_count(build: Build) -> None:
    text = DEPLOY.replace("opsdocs health --base-url x", "echo deployed") + "      - uses: actions/cache@v4\n"
    (finding,) = PipelineOrder().check(build({"wrangler.jsonc": WRANGLER, WF: text}), [])
    assert (finding.id, finding.where) == (f"drift:pipeline-order:{WF}:deploy:health", f"{WF}:20")
    assert finding.message == ("job deploy deploys env.production here but nothing checks the live Worker after "
                               "it; add a step that verifies the deployment (`opsdocs health`, `curl --fail`, "
                               "a smoke test)")


def test_a_health_check_before_the_deploy_does_not_count(build: Build) -> None:
    moved = DEPLOY.replace("      - run: opsdocs health --base-url x\n", "").replace(
        "    steps:\n      - uses: cloudflare/wrangler-action@v3\n        with:\n          environment:",
        "    steps:\n      - run: opsdocs health\n      - uses: cloudflare/wrangler-action@v3\n"
        "        with:\n          environment:")
    assert findings(build, moved) == [(f"{WF}:deploy:health", f"{WF}:21")]


def test_deploy_not_after_migrations_names_the_job_to_need(build: Build) -> None:
    project_findings = PipelineOrder().check(build({
        "wrangler.jsonc": WRANGLER, f"{WF}": DEPLOY.replace("needs: migrate", "needs: quality")}), [])
    assert [(f.id, f.where) for f in project_findings] == [
        (f"drift:pipeline-order:{WF}:deploy:migrations", f"{WF}:14")]
    assert project_findings[0].message == (
        "job deploy deploys env.production but nothing before it applies its remote D1 migrations; "
        "add `needs: migrate`")


def test_no_migration_job_at_all(build: Build) -> None:
    text = DEPLOY.replace("--remote ", "").replace("needs: migrate", "needs: quality")  # a local apply
    (finding,) = PipelineOrder().check(build({"wrangler.jsonc": WRANGLER, WF: text}), [])
    assert finding.message.endswith(
        "; add a step before the deploy running `wrangler d1 migrations apply prod-db --remote --env production`")


def test_migrations_before_the_quality_gate(build: Build) -> None:
    (finding,) = PipelineOrder().check(build({"wrangler.jsonc": WRANGLER,
                                              WF: DEPLOY.replace("    needs: quality\n", "")}), [])
    assert (finding.id, finding.where) == (f"drift:pipeline-order:{WF}:migrate:quality", f"{WF}:6")
    assert finding.message.startswith("job migrate runs before any quality gate; make it need (directly or "
                                      "through another job) a job that runs the tests")


def test_the_deploy_job_needs_a_github_environment(build: Build) -> None:
    text = DEPLOY.replace("    environment:\n      name: production\n", "")
    found = PipelineOrder().check(build({"wrangler.jsonc": WRANGLER, WF: text}), [])
    assert [(f.id.removeprefix("drift:pipeline-order:"), f.where) for f in found] == [
        (f"{WF}:deploy:environment", f"{WF}:14")]
    assert found[0].message == (
        "job deploy deploys env.production without a GitHub environment, so nothing waits for an approval; "
        "add `environment: <name>` and give that environment required reviewers")


def test_migrations_wait_in_the_deploy_jobs_environment(build: Build) -> None:
    # The approval gate is whatever GitHub environment the deploy uses: no name is special.
    text = DEPLOY.replace("\n    environment: production\n", "\n").replace("name: production", "name: prod-gate")
    found = PipelineOrder().check(build({"wrangler.jsonc": WRANGLER, WF: text}), [])
    assert [(f.id.removeprefix("drift:pipeline-order:"), f.where) for f in found] == [
        (f"{WF}:migrate:environment", f"{WF}:6")]
    assert found[0].message == (
        "job migrate applies the remote D1 migrations of env.production outside the `prod-gate` GitHub "
        "environment its deploy waits in; add `environment: prod-gate`")


def test_a_verified_deploy_without_rollback(build: Build) -> None:
    text = DEPLOY.replace("      - if: failure()\n        run: npx wrangler rollback --env production\n", "")
    assert findings(build, text) == [(f"{WF}:deploy:rollback", f"{WF}:23")]



def test_needs_are_followed_transitively(build: Build) -> None:
    text = DEPLOY.replace("needs: migrate", "needs: [smoke]").replace(
        "  deploy:\n", "  smoke:\n    needs: migrate\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo\n  deploy:\n")
    assert findings(build, text) == []


RUN_PIPELINE = """\
name: deploy
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: .venv/bin/pytest -q
  ship:
    needs: test
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: npx wrangler d1 migrations apply prod-db --remote --env=production
      - run: |
          npx wrangler@4 deploy \\
            -e production
      - run: .venv/bin/opsdocs   health
      - if: failure()
        run: npx wrangler rollback -e production
"""


def test_run_steps_and_a_migration_earlier_in_the_same_job(build: Build) -> None:
    assert findings(build, RUN_PIPELINE) == []


def test_a_migration_after_the_deploy_step_does_not_count(build: Build) -> None:
    text = RUN_PIPELINE.replace("      - run: npx wrangler d1 migrations apply prod-db --remote --env=production\n", "")
    text = text.replace("      - if: failure()\n", "      - run: npx wrangler d1 migrations apply prod-db --remote --env=production\n"
                        "      - if: failure()\n")
    assert findings(build, text) == [(f"{WF}:ship:migrations", f"{WF}:8")]


@pytest.mark.parametrize(("command", "expected"), [
    ("d1 migrations apply prod-db --remote\n            deploy", []),
    ("deploy\n            d1 migrations apply prod-db --remote", [(f"{WF}:ship:migrations", f"{WF}:8")]),
])
def test_commands_of_one_step_run_in_order(build: Build, command: str, expected: list[tuple[str, str]]) -> None:
    text = RUN_PIPELINE.replace("""      - run: npx wrangler d1 migrations apply prod-db --remote --env=production
      - run: |
          npx wrangler@4 deploy \\
            -e production
""", f"""      - uses: cloudflare/wrangler-action@v3
        with:
          environment: production
          command: |
            {command}
""")
    assert "wrangler-action" in text
    assert findings(build, text) == expected


def test_same_job_migration_still_needs_a_quality_gate_upstream(build: Build) -> None:
    text = RUN_PIPELINE.replace("  ship:\n    needs: test\n", "  ship:\n")
    assert findings(build, text) == [(f"{WF}:ship:quality", f"{WF}:8")]


@pytest.mark.parametrize(("gate", "gated"), [
    ("    uses: org/repo/.github/workflows/quality.yml@0123\n", True),
    ("    uses: ./.github/workflows/checks.yml\n", True),  # calls a local workflow that runs the tests
    ("    uses: ./.github/workflows/lint.yml\n", True),  # any reusable workflow the deploy waits for
    ("    runs-on: x\n    steps:\n      - run: make test\n", True),
    ("    runs-on: x\n    steps:\n      - run: npm run test\n", True),
    ("    runs-on: x\n    steps:\n      - run: npm test\n", True),
    ("    runs-on: x\n    steps:\n      - run: npx vitest run\n", True),
    ("    runs-on: x\n    steps:\n      - run: make testing\n", True),  # any job it waits for
    ("    runs-on: x\n    steps:\n      - uses: actions/checkout@v5\n", True),
])
def test_what_counts_as_a_quality_gate(build: Build, gate: str, gated: bool) -> None:
    text = DEPLOY.replace("    uses: ./.github/workflows/quality.yml\n", gate)
    checks = "name: checks\non: workflow_call\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: make test\n"
    lint = "name: lint\non: workflow_call\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: make lint\n"
    line = 5 + gate.count("\n")  # the migrate job's key moves down with a longer gate
    expected = [] if gated else [(f"{WF}:migrate:quality", f"{WF}:{line}")]
    assert findings(build, text, checks=checks, lint=lint) == expected


def test_no_production_deploy_anywhere(build: Build) -> None:
    staging_only = DEPLOY.replace("environment: production\n      - run", "environment: staging\n      - run")
    assert findings(build, staging_only) == [(f"{WF}:deploy:env", f"{WF}:20")]


def test_no_workflows_at_all(build: Build) -> None:
    (finding,) = PipelineOrder().check(build({"wrangler.jsonc": WRANGLER}), [])
    assert (finding.id, finding.where) == ("drift:pipeline-order:no-deploy", ".github/workflows:1")
    assert finding.message == ("no workflow deploys demo-api (`wrangler deploy`, wrangler-action, `versions "
                               "deploy`, `pages deploy`); the pipeline the docs describe does not exist")


def test_without_env_production_the_top_level_worker_is_production(build: Build) -> None:
    top_only = '{"name": "demo-api", "d1_databases": [{"binding": "DB", "database_name": "demo-db"}]}\n'
    text = DEPLOY.replace(" --env production", "").replace("        with:\n          environment: production\n", "")
    assert [(f.id, f.where) for f in PipelineOrder().check(build({"wrangler.jsonc": top_only, WF: text}), [])
            ] == []
    (finding,) = PipelineOrder().check(build({"wrangler.jsonc": top_only, WF: DEPLOY}), [])
    assert finding.id == f"drift:pipeline-order:{WF}:deploy:env"
    assert finding.message.startswith("job deploy deploys --env production here, which is not an environment")


_PAGES = '{"name": "site", "pages_build_output_dir": "./dist", "compatibility_date": "2025-02-01"}\n'
_PAGES_DEPLOY = DEPLOY.split("  migrate:")[0] + """\
  publish:
    needs: quality
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: npx wrangler pages deploy dist --project-name site
"""


def test_a_pages_deploy_is_named_as_one(build: Build) -> None:
    project = build({"wrangler.jsonc": _PAGES, ".github/workflows/deploy.yml": _PAGES_DEPLOY})
    messages = [f.message for f in PipelineOrder().check(project, [])]
    assert messages == ["job publish deploys the Pages project here but nothing checks the live site after it; "
                        "add a step that verifies the deployment (`opsdocs health`, `curl --fail`, a smoke test)"]
    verified = _PAGES_DEPLOY + "      - run: opsdocs health --base-url https://site.pages.dev\n"
    project = build({"wrangler.jsonc": _PAGES, ".github/workflows/deploy.yml": verified})
    assert PipelineOrder().check(project, []) == []  # no `wrangler rollback` to ask for: Pages has none
