"""What a workflow step runs: wrangler through every runner, wrangler-action, package.json scripts."""

from __future__ import annotations

import pytest

from opsdocs.project._calls import (ActionCall, CommandCall, ScriptCall, WranglerCall, action_calls, run_calls,
                                    walk)

SCRIPTS = {
    "": {"deploy": "pnpm run build && wrangler deploy --minify", "build": "vite build",
         "db:migrate:remote": "wrangler d1 migrations apply app-db --remote",
         "release": "npm run db:migrate:remote && npm run deploy", "loop": "npm run loop",
         "predeploy": "echo before", "cf:deploy": "opennextjs-cloudflare build && opennextjs-cloudflare deploy"},
    "apps/api": {"deploy": "wrangler deploy --env production"},
}


def scripts(folder: str) -> dict[str, str]:
    return SCRIPTS.get(folder, {})


def wrangler(calls: tuple[object, ...]) -> list[tuple[str, ...]]:
    return [c.args for c in walk(calls) if isinstance(c, WranglerCall)]  # type: ignore[arg-type]


@pytest.mark.parametrize(("script", "expected"), [
    ("wrangler deploy", [("deploy",)]),
    ("npx wrangler@4.86.0 deploy --dry-run # comment\nnpx wrangler rollback && echo", [("deploy", "--dry-run"),
                                                                                        ("rollback",)]),
    ("npx wrangler versions deploy; ./bin/wrangler-x deploy; my-wrangler deploy", [("versions", "deploy")]),
    ("npx wrangler \\\n  deploy -e p", [("deploy", "-e", "p")]),
    ("npx --yes wrangler@4 d1 migrations apply DB --remote", [("d1", "migrations", "apply", "DB", "--remote")]),
    ("pnpm exec wrangler deploy", [("deploy",)]),
    ("pnpm dlx wrangler@4 deploy", [("deploy",)]),
    ("yarn wrangler deploy", [("deploy",)]),
    ("bunx wrangler deploy", [("deploy",)]),
    ("bun x wrangler deploy", [("deploy",)]),
    ("npm exec -- wrangler deploy", [("deploy",)]),
    ("node_modules/.bin/wrangler deploy", [("deploy",)]),
    ("CI=1 time npx wrangler deploy", [("deploy",)]),
    ("npx wrangler deploy --env ${{ inputs.environment }}", [("deploy", "--env", "${{inputs.environment}}")]),
    ("echo 'wrangler deploy'", []),
    ("cat <<EOF\nnot 'closed\nEOF", []),
])
def test_wrangler_through_runners(script: str, expected: list[tuple[str, ...]]) -> None:
    assert wrangler(run_calls(script, scripts)) == expected


@pytest.mark.parametrize(("script", "expected"), [
    ("npm run deploy", [("deploy", "--minify")]),
    ("pnpm deploy", [("deploy", "--minify")]),
    ("pnpm run deploy -- --env staging", [("deploy", "--minify", "--env", "staging")]),
    ("yarn run db:migrate:remote", [("d1", "migrations", "apply", "app-db", "--remote")]),
    ("bun run release", [("d1", "migrations", "apply", "app-db", "--remote"), ("deploy", "--minify")]),
    ("npm run cf:deploy", [("deploy",)]),
    ("cd apps/api && npm run deploy", [("deploy", "--env", "production")]),
    ("pnpm -C apps/api run deploy", [("deploy", "--env", "production")]),
    ("npm --prefix apps/api run deploy", [("deploy", "--env", "production")]),
    ("npm run loop", []),  # a script calling itself stops, it does not hang
    ("npm run nope", []),
])
def test_package_json_scripts_are_followed(script: str, expected: list[tuple[str, ...]]) -> None:
    assert wrangler(run_calls(script, scripts)) == expected


def test_script_calls_keep_their_names_and_npm_pre_scripts() -> None:
    calls = list(walk(run_calls("npm run deploy", scripts)))
    names = [c.name for c in calls if isinstance(c, ScriptCall)]
    assert names == ["predeploy", "deploy", "build"]
    assert any(isinstance(c, CommandCall) and c.words == ("vite", "build") for c in calls)
    (missing,) = run_calls("npm run nope", scripts)
    assert isinstance(missing, ScriptCall) and missing.text is None


def test_wrapper_deploys_say_how_they_were_reached() -> None:
    (call,) = [c for c in walk(run_calls("npx opennextjs-cloudflare deploy", scripts)) if isinstance(c, WranglerCall)]
    assert call.via == "opennextjs-cloudflare" and call.is_deploy


def test_cwd_follows_cd_and_working_directory() -> None:
    (call,) = run_calls("cd web\nnpx wrangler deploy", scripts, cwd="apps")
    assert isinstance(call, WranglerCall) and call.cwd == "apps/web"


@pytest.mark.parametrize(("inputs", "expected"), [
    ({}, [("deploy",)]),
    ({"command": "d1 migrations apply db --remote\n\ndeploy", "environment": "production"},
     [("d1", "migrations", "apply", "db", "--remote", "--env", "production"), ("deploy", "--env", "production")]),
    ({"command": "wrangler versions upload"}, [("versions", "upload")]),
    ({"preCommands": "npm run db:migrate:remote"}, [("d1", "migrations", "apply", "app-db", "--remote"),
                                                    ("deploy",)]),
])
def test_wrangler_action(inputs: dict[str, str], expected: list[tuple[str, ...]]) -> None:
    calls = action_calls("cloudflare/wrangler-action@v4", inputs, scripts)
    assert isinstance(calls[0], ActionCall) and calls[0].ref == "v4"
    assert wrangler(calls) == expected


def test_wrangler_action_working_directory() -> None:
    calls = action_calls("cloudflare/wrangler-action@v3", {"workingDirectory": "apps/api"}, scripts)
    assert [c.cwd for c in calls if isinstance(c, WranglerCall)] == ["apps/api"]


def test_other_actions_run_no_wrangler() -> None:
    assert wrangler(action_calls("someone/wrangler-action@v3", {}, scripts)) == []
    assert wrangler(action_calls("cloudflare/pages-action@v1", {"directory": "dist", "projectName": "site"},
                                 scripts)) == [("pages", "deploy", "dist", "--project-name", "site")]


@pytest.mark.parametrize(("args", "env"), [
    (("deploy",), None), (("deploy", "--env", "p"), "p"), (("deploy", "-e", "p"), "p"),
    (("deploy", "--env=p"), "p"), (("deploy", "--env"), None), (("deploy", "--dry-run", "-e", "s"), "s"),
])
def test_target_environment(args: tuple[str, ...], env: str | None) -> None:
    assert WranglerCall(args).env == env


def test_call_kinds() -> None:
    assert WranglerCall(("deploy", "--env", "p")).is_deploy
    assert WranglerCall(("versions", "deploy")).is_deploy
    assert WranglerCall(("pages", "deploy", "dist")).is_deploy
    assert not WranglerCall(("deploy", "--dry-run")).is_deploy
    assert WranglerCall(("versions", "upload")).is_upload
    assert WranglerCall(("d1", "migrations", "apply", "db", "--remote")).is_remote_migration
    assert not WranglerCall(("d1", "migrations", "apply", "db", "--local")).is_remote_migration
    assert not WranglerCall(("d1", "migrations", "list", "db", "--remote")).is_remote_migration
    assert WranglerCall(("--env", "x", "d1", "migrations", "apply", "DB", "--remote")).database == "DB"
    assert WranglerCall(("d1", "execute", "--remote", "DB", "--command", "select 1")).database == "DB"
    assert WranglerCall(("d1", "list")).database is None
    assert WranglerCall(("rollback", "--env", "p")).is_rollback
