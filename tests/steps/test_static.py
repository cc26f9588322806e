"""Static checks against the REAL pinned wrangler's --help and a real wrangler.jsonc (no mocks)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from opsdocs import load_project
from opsdocs.errors import EnvironmentProblem
from opsdocs.project.model import Project
from opsdocs.report.finding import Finding
from opsdocs.steps import Step, WranglerHelp, check_step_static
from opsdocs.steps._help_text import parse_help
from opsdocs.steps.static import wrangler_paths

REPO = Path(__file__).resolve().parents[2]
WRANGLER_VERSION = json.loads((REPO / "node_modules/wrangler/package.json").read_text())["version"]

CONFIG = """\
// staging at the top level, production as an environment that repeats its binding
{
  "name": "app",
  "main": "src/index.js",
  "compatibility_date": "2025-01-01",
  "d1_databases": [{"binding": "DB", "database_name": "app-db-staging", "database_id": "1"}],
  "env": {
    "production": {
      "d1_databases": [{"binding": "DB", "database_name": "app-db", "database_id": "2"}],
    },
    "preview": {},
  },
}
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("proj")
    (root / "wrangler.jsonc").write_text(CONFIG)
    return load_project(root)


@pytest.fixture(scope="module")
def help_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def wrangler_help(help_cache: Path) -> WranglerHelp:
    help_ = WranglerHelp.for_version(REPO, cache_dir=help_cache)
    # Each --help is a Node start-up (~1 s): fetch what these tests use concurrently, once.
    help_.prefetch(tuple(p.split()) for p in (
        "d1 migrations apply", "d1 migrations list", "d1 execute", "d1 export", "d1 create", "d1 list",
        "d1 time-travel restore", "deploy", "rollback", "versions deploy", "secret put", "whoami",
        "deployments list"))
    return help_


def step(command: str, mode: str = "never", line: int = 20) -> Step:
    return Step(page="runbooks/r.md", line=line, mode=mode, command=command, title=None,  # type: ignore[arg-type]
                why="production", expect=None, expect_re=None)


def check(command: str, project: Project, help_: WranglerHelp, mode: str = "never") -> Finding:
    findings = check_step_static(step(command, mode), project, help_)
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.id, finding.kind) == ("static:runbooks/r.md:20", "runbook")
    return finding


def failed(command: str, project: Project, help_: WranglerHelp) -> str:
    finding = check(command, project, help_)
    assert finding.status == "failed", finding
    return finding.message


# --- the cases the brief names -----------------------------------------------------------------------


def test_typo_in_a_flag_of_a_never_block(project: Project, wrangler_help: WranglerHelp) -> None:
    finding = check("npx wrangler d1 migrations apply app-db --env production --remot", project, wrangler_help)
    assert finding.status == "failed"
    assert finding.where == "runbooks/r.md:21"  # the command's line, under the fence at 20
    assert finding.message == ("`npx wrangler d1 migrations apply app-db --env production --remot`: unknown flag "
                               "--remot for `wrangler d1 migrations apply`; did you mean --remote?")


def test_unknown_subcommand(project: Project, wrangler_help: WranglerHelp) -> None:
    message = failed("npx wrangler d1 migrate apply DB", project, wrangler_help)
    assert message.endswith(f"wrangler {WRANGLER_VERSION} has no command `wrangler d1 migrate`; did you mean "
                            "migrations?")
    message = failed("npx wrangler deplyo --env production", project, wrangler_help)
    assert message.endswith("has no command `wrangler deplyo`; did you mean deploy?")
    message = failed("npx wrangler zzzzzz", project, wrangler_help)
    assert message.endswith("has no command `wrangler zzzzzz`")


def test_unknown_database(project: Project, wrangler_help: WranglerHelp) -> None:
    message = failed("npx wrangler d1 execute app-db-stagng --command 'SELECT 1'", project, wrangler_help)
    assert message.endswith("no D1 database 'app-db-stagng' in the top-level environment of wrangler.jsonc; "
                            "did you mean app-db-staging?")
    message = failed("npx wrangler d1 migrations list zzz --env production", project, wrangler_help)
    assert message.endswith("no D1 database 'zzz' in env 'production' of wrangler.jsonc; env 'production' has: "
                            "DB, app-db")
    message = failed("npx wrangler d1 export zzz -e preview --output x.sql", project, wrangler_help)
    assert message.endswith("env 'preview' has no d1_databases")


def test_database_that_exists_only_in_another_environment(project: Project, wrangler_help: WranglerHelp) -> None:
    message = failed("npx wrangler d1 migrations apply app-db --local", project, wrangler_help)
    assert "D1 database 'app-db' is not bound in the top-level environment (it is in env 'production'); add " \
           "--env production" in message
    message = failed("npx wrangler d1 migrations apply app-db-staging --env production --remote", project,
                     wrangler_help)
    assert "not bound in env 'production' (it is in the top-level environment); drop --env" in message
    assert "wrangler does not inherit d1_databases into environments" in message


def test_environment_that_does_not_exist(project: Project, wrangler_help: WranglerHelp) -> None:
    message = failed("npx wrangler deploy --env staging", project, wrangler_help)
    assert message.endswith("--env staging: no such environment in wrangler.jsonc; environments: production, "
                            "preview")
    message = failed("npx wrangler d1 migrations apply DB -e prodution --remote", project, wrangler_help)
    assert message.endswith("--env prodution: no such environment in wrangler.jsonc; did you mean production?")


@pytest.mark.parametrize("command", [
    "npx wrangler d1 migrations apply app-db-staging --local",
    "npx wrangler d1 migrations apply DB",
    "npx wrangler d1 migrations apply DB --env production --remote",
    "npx wrangler d1 migrations apply app-db --env=production --remote --preview",
    "npx wrangler -e production d1 time-travel restore app-db --bookmark 00000085-0000024c --json",
    "npx wrangler d1 execute DB --local --persist-to .state --command 'SELECT 1' --json -y",
    "npx wrangler d1 export app-db-staging --local --output backup.sql --no-schema",
    "npx wrangler d1 create brand-new-db",
    "npx wrangler deploy --env production --minify --no-minify --keep-vars",
    "npx wrangler deploy --dry-run --outdir dist",
    "npx wrangler rollback --message 'bad deploy' -y --env production",
    "npx wrangler versions deploy v1@100 --yes",
    "npx wrangler secret put API_KEY --env production",
    "npx wrangler whoami",
    "npx wrangler --version",
    "npx wrangler d1 --help",
    "npx wrangler d1 execute other-db --config other/wrangler.jsonc --command 'SELECT 1'",
    "echo not wrangler",
])
def test_valid_commands_pass(command: str, project: Project, wrangler_help: WranglerHelp) -> None:
    finding = check(command, project, wrangler_help)
    assert finding.status == "passed", finding.message
    assert finding.where == "runbooks/r.md:20"


def test_passed_message_says_what_was_checked(project: Project, wrangler_help: WranglerHelp) -> None:
    finding = check("npx wrangler whoami && echo ok && npx wrangler deployments list", project, wrangler_help)
    assert finding.message == f"2 wrangler command(s) match wrangler {WRANGLER_VERSION} and wrangler.jsonc"
    assert check("ls", project, wrangler_help).message == "no wrangler command"


# --- more things wrangler would refuse ---------------------------------------------------------------


@pytest.mark.parametrize(("command", "ending"), [
    ("npx wrangler d1", "`wrangler d1` needs a subcommand: one of create, info, list, delete, execute, export, "
                        "time-travel, migrations, insights"),
    ("npx wrangler d1 migrations apply", "`wrangler d1 migrations apply` needs <database>"),
    ("npx wrangler d1 migrations apply DB --env", "--env needs a value"),
    ("npx wrangler d1 migrations apply DB --local --remote", "--local and --remote together: wrangler refuses; "
                                                            "pick one"),
    ("npx wrangler d1 migrations apply DB --preview", "--preview needs --remote"),
    ("npx wrangler d1 migrations apply DB --remote --persist-to x", "--persist-to only applies to the local "
                                                                    "database; drop it or --remote"),
    ("npx wrangler d1 execute DB --no-command", "unknown flag --no-command for `wrangler d1 execute`; did you "
                                               "mean --command?"),
])
def test_other_static_errors(command: str, ending: str, project: Project, wrangler_help: WranglerHelp) -> None:
    assert failed(command, project, wrangler_help).endswith(ending)


def test_false_boolean_values_do_not_trip_the_d1_rules(project: Project, wrangler_help: WranglerHelp) -> None:
    assert check("npx wrangler d1 migrations apply DB --local --remote=false", project,
                 wrangler_help).status == "passed"
    assert check("npx wrangler d1 migrations apply DB --local=0 --remote", project, wrangler_help).status == "passed"


def test_every_bad_command_of_a_block_is_reported_at_the_first(project: Project,
                                                                wrangler_help: WranglerHelp) -> None:
    block = "echo start\nnpx wrangler whoami\nnpx wrangler d1 list --jsn\nnpx wrangler deploy -e nope\n"
    finding = check(block, project, wrangler_help)
    assert finding.where == "runbooks/r.md:23"
    assert finding.message.startswith("`npx wrangler d1 list --jsn`: unknown flag --jsn for `wrangler d1 list`; "
                                      "did you mean --json?; `npx wrangler deploy -e nope`: --env nope:")


def test_unreadable_block(project: Project, wrangler_help: WranglerHelp) -> None:
    finding = check("echo ok\nnpx wrangler deploy 'oops", project, wrangler_help)
    assert (finding.status, finding.where) == ("failed", "runbooks/r.md:22")
    assert finding.message == "cannot read the command: unclosed single quote"


def test_wrangler_paths_for_prefetch() -> None:
    steps = [step("npx wrangler d1 migrations apply DB && echo x"), step("npx wrangler deploy"), step("'bad")]
    assert wrangler_paths(steps) == {("d1", "migrations", "apply"), ("deploy",)}


# --- the help cache ------------------------------------------------------------------------------------


def test_help_is_cached_per_version_and_reused_without_running_wrangler(
        project: Project, wrangler_help: WranglerHelp, help_cache: Path) -> None:
    check("npx wrangler d1 migrations apply DB --local", project, wrangler_help)
    cache_file = help_cache / f"wrangler-help-{WRANGLER_VERSION}.json"
    data = json.loads(cache_file.read_text())
    assert data["version"] == WRANGLER_VERSION
    assert {"", "d1", "d1 migrations", "d1 migrations apply"} <= set(data["commands"])
    # A binary that does not exist: every answer below must come from the file.
    offline = WranglerHelp([str(help_cache / "no-such-wrangler")], WRANGLER_VERSION, cache_file)
    spec = offline.command(("d1", "migrations", "apply"))
    assert spec is not None and spec.flag("--remote") is not None and spec.flag("--remot") is None
    assert offline.command(("d1", "migrate")) is None  # answered from the parent's subcommand list
    with pytest.raises(EnvironmentProblem, match="cannot run `wrangler d1 info --help`"):
        offline.command(("d1", "info"))  # not cached yet: it really tries to run wrangler


def test_cache_of_another_version_or_damaged_is_ignored(tmp_path: Path) -> None:
    cache_file = tmp_path / "wrangler-help-9.9.9.json"
    cache_file.write_text(json.dumps({"version": "1.0.0", "commands": {"": {"subcommands": ["deploy"],
                                                                             "positionals": [], "flags": []}}}))
    with pytest.raises(EnvironmentProblem):
        WranglerHelp([str(tmp_path / "missing")], "9.9.9", cache_file).command(())
    cache_file.write_text("{not json")
    with pytest.raises(EnvironmentProblem):
        WranglerHelp([str(tmp_path / "missing")], "9.9.9", cache_file).command(())


def test_prefetch_runs_only_what_exists_and_fills_the_cache(tmp_path: Path) -> None:
    fresh = WranglerHelp.for_version(REPO, cache_dir=tmp_path)
    fresh.prefetch([("d1", "execute"), ("deploy",), ("d1", "nope", "x")])
    commands = json.loads((tmp_path / f"wrangler-help-{WRANGLER_VERSION}.json").read_text())["commands"]
    assert set(commands) == {"", "d1", "d1 execute", "deploy"}
    execute = fresh.command(("d1", "execute"))
    assert execute is not None
    assert [p.name for p in execute.positionals] == ["database"] and execute.positionals[0].required
    command_flag, json_flag = execute.flag("--command"), execute.flag("--json")
    assert command_flag is not None and command_flag.takes_value
    assert json_flag is not None and not json_flag.takes_value
    assert execute.flag("-e") == execute.flag("--env") is not None  # global flags on every command
    assert execute.flag("--no-json") == json_flag and execute.flag("--no-command") is None


def test_for_version_finds_node_modules_in_a_parent_and_never_another(tmp_path: Path) -> None:
    nested = WranglerHelp.for_version(REPO / "src" / "opsdocs", cache_dir=tmp_path)
    assert nested.version == WRANGLER_VERSION
    # opsdocs.toolchain's pair: the pinned Node (node_modules/.bin/node) running wrangler's bundle, as its
    # bin/wrangler.js would spawn it (one Node, not two)
    assert nested.wrangler == [str(REPO / "node_modules" / ".bin" / "node"), "--no-warnings",
                               str(REPO / "node_modules" / "wrangler" / "wrangler-dist" / "cli.js")]
    default = WranglerHelp.for_version(REPO)
    assert default.cache_file == REPO / ".opsdocs" / "cache" / f"wrangler-help-{WRANGLER_VERSION}.json"
    with pytest.raises(EnvironmentProblem, match="the project has no wrangler installed"):
        WranglerHelp.for_version(tmp_path)  # no node_modules of its own: never another wrangler
    broken = tmp_path / "b"
    (broken / "node_modules" / "wrangler").mkdir(parents=True)
    (broken / "node_modules" / "wrangler" / "package.json").write_text("{}")
    with pytest.raises(EnvironmentProblem, match="cannot read the wrangler version"):
        WranglerHelp.for_version(broken)


def test_help_text_parser_on_wrapped_descriptions_and_categories() -> None:
    text = textwrap.dedent("""\
        wrangler

        COMMANDS
          wrangler docs [search..]  Open docs

        ACCOUNT
          wrangler whoami           Who am I

        STORAGE & DATABASES
          wrangler d1               Manage D1

        GLOBAL FLAGS
          -e, --env       Environment  [string]

        OPTIONS
              --keep-vars  When not used, Wrangler deletes vars.
                           When used, they stay.  [boolean] [default: false]
              --no-type    A flag whose type is not shown
          -y, --yes        Yes  [boolean]
              --mode       Mode  [choices: "a", "b"]

        - a bullet in an epilogue
        """)
    spec = parse_help((), text)
    assert spec.subcommands == ("docs", "whoami", "d1")
    assert [(f.names, f.type) for f in spec.flags] == [
        (("-e", "--env"), "string"), (("--keep-vars",), "boolean"), (("--no-type",), "boolean"),
        (("-y", "--yes"), "boolean"), (("--mode",), "choices"),
    ]
    mode = spec.flag("--mode")
    assert mode is not None and mode.takes_value
