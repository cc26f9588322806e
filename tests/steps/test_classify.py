"""The safety classifier: every rule, every refusal and every allowed form (mutation-tested)."""

from __future__ import annotations

import pytest

from opsdocs.errors import PageError
from opsdocs.steps import Step, check_safety, classify
from opsdocs.steps._shell import ShellSyntaxError, split_commands
from opsdocs.steps._tools import is_loopback, sandbox_path
from opsdocs.steps._wrangler_rules import sql_is_read_only
from opsdocs.steps.classify import Command, parse_wrangler_args


def one(command: str) -> Command:
    cmds = classify(command)
    assert len(cmds) == 1, cmds
    return cmds[0]


def step(command: str, mode: str = "rehearse", line: int = 10) -> Step:
    return Step(page="docs/p.md", line=line, mode=mode, command=command, title=None,  # type: ignore[arg-type]
                why="w" if mode == "never" else None, expect=None, expect_re=None)


def refused(command: str, mode: str = "rehearse") -> PageError:
    with pytest.raises(PageError) as info:
        check_safety(step(command, mode))
    return info.value


# --- recognising wrangler ---------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", [
    "wrangler", "npx wrangler", "npx --yes wrangler@4", "npx -y wrangler@4.86.0", "npx --no-install wrangler",
    "node_modules/.bin/wrangler", "./node_modules/.bin/wrangler", "pnpm wrangler", "pnpm exec wrangler",
    "pnpm dlx wrangler", "yarn wrangler", "yarn dlx wrangler", "bunx wrangler", "npm exec wrangler --",
    "npm exec -- wrangler", "npx -- wrangler",
])
def test_every_way_of_calling_wrangler(prefix: str) -> None:
    cmd = one(f"{prefix} d1 migrations apply ledger-db --remote")
    assert cmd.wrangler and cmd.program == "wrangler"
    assert (cmd.path, cmd.positionals, cmd.flags) == (("d1", "migrations", "apply"), ("ledger-db",),
                                                        (("--remote", None),))
    assert cmd.args == ("d1", "migrations", "apply", "ledger-db", "--remote")


@pytest.mark.parametrize("command", [
    "npx mermaid wrangler", "npm run deploy", "npm run wrangler deploy", "foo exec wrangler deploy",
    "npx -- --yes wrangler deploy", "wranglerx deploy", "/usr/bin/wrangler deploy", "npx", "npm exec",
    "pnpm", "npx --yes", "echo wrangler deploy", "npm wrangler deploy",
])
def test_things_that_are_not_wrangler(command: str) -> None:
    cmd = one(command)
    assert not cmd.wrangler and cmd.path == () and cmd.args == ()
    assert cmd.program == command.split()[0]


def test_environment_assignments_are_recorded() -> None:
    cmd = one("CI=true WRANGLER_SEND_METRICS=false npx wrangler whoami")
    assert cmd.argv == ("npx", "wrangler", "whoami") and cmd.path == ("whoami",)
    assert cmd.assigns == ("CI=true", "WRANGLER_SEND_METRICS=false")
    assert classify("export A=1 B=2")[0].assigns == ("export",)
    assert classify("A=1")[0].argv == () and classify("A=1")[0].assigns == ("A=1",)
    assert one("export PATH").argv == ("export", "PATH")


def test_blocks_split_into_commands_with_their_lines() -> None:
    block = (
        "# apply, then check\n"
        "npx wrangler d1 migrations apply DB --local && npx wrangler d1 migrations list DB --local\n"
        "\n"
        "npx wrangler d1 execute DB \\\n"
        "  --local --command 'SELECT 1'; echo done || echo failed | grep x  # trailing comment\n"
    )
    cmds = classify(block)
    assert [(c.line, c.program, c.path) for c in cmds] == [
        (2, "wrangler", ("d1", "migrations", "apply")), (2, "wrangler", ("d1", "migrations", "list")),
        (4, "wrangler", ("d1", "execute")), (5, "echo", ()), (5, "echo", ()), (5, "grep", ()),
    ]
    assert cmds[2].text == "npx wrangler d1 execute DB --local --command 'SELECT 1'"
    assert cmds[2].option("--command") == "SELECT 1"
    assert cmds[5].positionals == ("x",)


def test_flags_values_and_positionals() -> None:
    cmd = one('npx wrangler -e production d1 execute "ledger-db" --command="SELECT * FROM t" --json -y')
    assert cmd.path == ("d1", "execute") and cmd.positionals == ("ledger-db",)
    assert cmd.flags == (("-e", "production"), ("--command", "SELECT * FROM t"), ("--json", None), ("-y", None))
    assert cmd.option("--env", "-e") == "production"
    assert cmd.option("--json") == "" and cmd.has("--json") and not cmd.has("--remote")
    assert cmd.option("--remote") is None


def test_option_returns_the_last_value_given() -> None:
    cmd = one("wrangler deploy --env=staging --env production")
    assert cmd.option("--env") == "production"
    assert cmd.flags == (("--env", "staging"), ("--env", "production"))


def test_value_flag_at_the_end_has_no_value() -> None:
    assert one("wrangler deploy --env").flags == (("--env", None),)


def test_parse_wrangler_args_edge_cases() -> None:
    assert parse_wrangler_args(["d1", "execute", "DB", "--", "--remote", "x"]) == (
        ("d1", "execute"), ("DB", "--remote", "x"), ())
    assert parse_wrangler_args(["deploy", "-", "x"]) == (("deploy",), ("-", "x"), ())
    assert parse_wrangler_args(["--env", "prod", "deploy", "src/index.js"]) == (
        ("deploy",), ("src/index.js",), (("--env", "prod"),))
    assert parse_wrangler_args(["--foo", "deploy"]) == (("deploy",), (), (("--foo", None),))
    assert parse_wrangler_args(["--foo", "bar"], frozenset({"--foo"})) == ((), (), (("--foo", "bar"),))
    # a group takes its next word as the subcommand even when unknown; a leaf takes positionals
    assert parse_wrangler_args(["d1", "frob", "DB"]) == (("d1", "frob"), ("DB",), ())
    assert parse_wrangler_args(["queues", "consumer", "add", "q"]) == (("queues", "consumer"), ("add", "q"), ())
    assert parse_wrangler_args(["deploy", "a", "b"]) == (("deploy",), ("a", "b"), ())
    assert parse_wrangler_args(["frob", "x"]) == (("frob",), ("x",), ())


# --- mutating and target ------------------------------------------------------------------------------


EFFECTS = [
    # (command after `npx wrangler`, mutating, target)
    ("", False, "local"),
    ("--version", False, "local"),
    ("deploy --help", False, "local"),
    ("d1 migrations apply DB --remote -h", False, "local"),
    ("whoami", False, "remote"),
    ("tail", False, "remote"),
    ("d1 list", False, "remote"),
    ("d1 info DB", False, "remote"),
    ("d1 insights DB", False, "remote"),
    ("d1 time-travel info DB", False, "remote"),
    ("d1 time-travel restore DB --bookmark b", True, "remote"),
    ("d1 create new-db", True, "remote"),
    ("d1 delete DB", True, "remote"),
    ("deployments list", False, "remote"),
    ("deployments status", False, "remote"),
    ("versions list", False, "remote"),
    ("versions view abc", False, "remote"),
    ("versions secret list", False, "remote"),
    ("versions secret put KEY", True, "remote"),
    ("secret list", False, "remote"),
    ("secret put KEY", True, "remote"),
    ("secret delete KEY", True, "remote"),
    ("secret bulk s.json", True, "remote"),
    ("kv namespace list", False, "remote"),
    ("kv namespace create N", True, "remote"),
    ("d1 migrations apply DB", True, "local"),
    ("d1 migrations apply DB --local", True, "local"),
    ("d1 migrations apply DB --remote", True, "remote"),
    ("d1 migrations apply DB --remote=true", True, "remote"),
    ("d1 migrations apply DB --remote=false", True, "local"),
    ("d1 migrations apply DB --remote=0", True, "local"),
    ("d1 migrations apply DB --remote=no", True, "local"),
    ("d1 migrations apply DB --local=false", True, "remote"),
    ("d1 migrations apply DB --local=FALSE", True, "remote"),
    ("d1 migrations apply DB --local --remote", True, "remote"),
    ("d1 migrations apply DB --no-remote", True, "local"),
    ("d1 migrations apply DB --no-local", True, "remote"),
    ("d1 migrations apply DB --remote=false --local=false", True, "local"),  # wrangler: remote === false
    ("deploy --version", True, "remote"),  # --version is honoured only without a subcommand
    ("deploy -v", True, "remote"),
    ("d1 migrations apply DB --remote --no-remote", True, "remote"),  # yargs: [true, false], truthy
    ("d1 migrations apply DB --no-remote --remote", True, "remote"),
    ("d1 migrations apply DB --local --no-local", True, "remote"),
    ("d1 migrations apply DB --local=false --no-remote", True, "local"),
    ("d1 execute DB --command 'SELECT 1' --file=x.sql", True, "local"),
    ("d1 migrations list DB", False, "local"),
    ("d1 migrations list DB --remote", False, "remote"),
    ("d1 migrations create DB add_things", True, "local"),
    ("d1 export DB --output x.sql", False, "local"),
    ("d1 export DB --output x.sql --remote", False, "remote"),
    ("d1 execute DB --command 'SELECT 1'", False, "local"),
    ("d1 execute DB --command 'SELECT 1' --remote", False, "remote"),
    ("d1 execute DB --command 'DELETE FROM t' --remote", True, "remote"),
    ("d1 execute DB --command 'DELETE FROM t'", True, "local"),
    ("d1 execute DB --file q.sql --command 'SELECT 1'", True, "local"),
    ("d1 execute DB --file=q.sql", True, "local"),
    ("d1 execute DB", True, "local"),
    ("kv key get k", False, "local"),
    ("kv key list", False, "local"),
    ("kv key put k v", True, "local"),
    ("kv key put k v --remote", True, "remote"),
    ("kv key delete k --remote", True, "remote"),
    ("kv bulk get f.json", False, "local"),
    ("kv bulk put f.json --remote", True, "remote"),
    ("kv bulk delete f.json", True, "local"),
    ("r2 object get b/k", False, "local"),
    ("r2 object put b/k --file f --remote", True, "remote"),
    ("r2 object delete b/k", True, "local"),
    ("types", False, "local"),
    ("complete bash", False, "local"),
    ("deploy", True, "remote"),
    ("deploy --env production", True, "remote"),
    ("deploy --dry-run --outdir dist", False, "local"),
    ("deploy --dry-run=false", True, "remote"),
    ("deploy --dry-run=true", False, "local"),
    ("versions upload", True, "remote"),
    ("versions upload --dry-run", False, "local"),
    ("versions deploy v@100 -y", True, "remote"),
    ("versions deploy --dry-run", False, "remote"),
    ("dev", False, "local"),
    ("dev --local", False, "local"),
    ("dev --remote", True, "remote"),
    ("dev -r", True, "remote"),
    ("dev --remote=false", False, "local"),
    ("rollback", True, "remote"),
    ("rollback abc --message m", True, "remote"),
    ("delete", True, "remote"),
    ("triggers deploy", True, "remote"),
    ("login", True, "remote"),
    ("logout", True, "remote"),
    ("init my-app", True, "remote"),
    ("auth token", True, "remote"),  # prints the credentials: never run it
    ("auth list", True, "remote"),
    ("queues list", False, "remote"),
    ("queues info q", False, "remote"),
    ("hyperdrive get id", False, "remote"),
    ("pages project list", True, "remote"),  # the verb is not where the generic rule looks: fail safe
    ("queues create q", True, "remote"),
    ("queues", True, "remote"),
    ("d1 frob DB", True, "remote"),
    ("d1", True, "remote"),
    ("frobnicate", True, "remote"),
    ("d1 migrations", True, "remote"),
]


@pytest.mark.parametrize(("args", "mutating", "target"), EFFECTS)
def test_mutating_and_target(args: str, mutating: bool, target: str) -> None:
    cmd = one(f"npx wrangler {args}".strip())
    assert (cmd.mutating, cmd.target) == (mutating, target), cmd


# A project with a `"remote": true` binding: wrangler 4.164's d1 commands read only their own flags, so an
# explicit --local stays on the machine; anything less explicit is read as remote, as is `wrangler dev`.
REMOTE_BINDING_EFFECTS = [
    ("d1 migrations apply DB --local", True, "local"),
    ("d1 migrations apply DB --local --env live", True, "local"),
    ("d1 migrations list DB --local", False, "local"),
    ("d1 execute DB --local --command 'SELECT 1'", False, "local"),
    ("d1 export DB --local --output x.sql", False, "local"),
    ("d1 migrations list DB --persist-to .wrangler/x", False, "local"),  # wrangler refuses it, locally
    ("d1 migrations list DB --persist-to .wrangler/x --remote", False, "remote"),
    ("d1 migrations list DB --persist-to .wrangler/x --local=false", False, "remote"),
    ("d1 migrations apply DB", True, "remote"),
    ("d1 migrations apply DB --no-remote", True, "remote"),
    ("d1 migrations apply DB --local=false", True, "remote"),
    ("d1 migrations apply DB --local --remote", True, "remote"),
    ("d1 migrations apply DB --local --local", True, "remote"),
    ("d1 execute DB --command 'SELECT 1'", False, "remote"),
    ("dev", True, "remote"),
    ("dev --local", False, "local"),  # wrangler 4: "run locally with remote bindings disabled"
    ("dev --local --remote", True, "remote"),
    ("dev --local --tunnel", True, "remote"),
    ("kv key get k", False, "local"),
]


@pytest.mark.parametrize(("args", "mutating", "target"), REMOTE_BINDING_EFFECTS)
def test_remote_bindings_keep_explicit_local(args: str, mutating: bool, target: str) -> None:
    [cmd] = classify(f"npx wrangler {args}", remote_bindings=True)
    assert (cmd.mutating, cmd.target) == (mutating, target), cmd


@pytest.mark.parametrize(("sql", "read_only"), [
    ("SELECT 1", True),
    ("  select * from accounts ;  ", True),
    ("SELECT 1;;", True),
    ("SELECT 1 ; ;", True),
    ("PRAGMA table_list;", True),
    ("DROP table_list", False),
    ("EXPLAIN QUERY PLAN SELECT 1", True),
    ("PRAGMA table_list", True),
    ("pragma table_info(accounts)", True),
    ("PRAGMA main.table_info(accounts)", True),
    ("PRAGMA user_version", True),
    ("PRAGMA user_version = 3", False),
    ("PRAGMA foreign_keys=ON", False),
    ("PRAGMA optimize", False),
    ("PRAGMA", False),
    ("SELECT 1; DELETE FROM t", False),
    ("SELECT ';'", False),  # a ; in a literal still counts as a second statement: fail safe
    ("WITH x AS (SELECT 1) SELECT * FROM x", False),
    ("DELETE FROM t", False),
    ("INSERT INTO t VALUES (1)", False),
    ("-- comment\nSELECT 1", False),
    ("", False),
    (";", False),
])
def test_sql_read_only(sql: str, read_only: bool) -> None:
    assert sql_is_read_only(sql) is read_only


@pytest.mark.parametrize(("command", "mutating", "target"), [
    ("curl -fsS http://127.0.0.1:8787/health", False, "local"),
    ("curl -X POST http://localhost:8787/x", False, "local"),
    ("curl https://api.example.com/health", False, "remote"),
    ("curl -X POST https://api.example.com/x", True, "remote"),
    ("curl -d a=1 https://api.example.com/x", True, "remote"),
    ("git push", True, "remote"),
    ("cat wrangler.jsonc", False, "local"),
    ("rm -rf .wrangler", False, "local"),
    ("sqlite3 x.sqlite 'SELECT 1'", False, "local"),
    ("sed -n 1p x", False, "local"),
    ("opsdocs health --base-url http://127.0.0.1:8787", False, "local"),
    ("opsdocs health --base-url=https://api.example.com", False, "remote"),
    ("opsdocs health", False, "remote"),
])
def test_other_programs_effect(command: str, mutating: bool, target: str) -> None:
    cmd = one(command)
    assert (cmd.mutating, cmd.target) == (mutating, target)


# --- check_safety: never ------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    "npx wrangler deploy --env production",
    "npx wrangler d1 time-travel restore ledger-db --bookmark 00000085",
    "git push origin main",
    "echo $(whoami) &",
    "echo 'unclosed",
])
def test_never_blocks_are_not_judged(command: str) -> None:
    check_safety(step(command, "never"))


# --- check_safety: rehearse -----------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    "npx wrangler d1 migrations apply ledger-db --local",
    "npx wrangler d1 migrations apply ledger-db",
    "npx wrangler d1 migrations list ledger-db --local --persist-to .state",
    "npx wrangler d1 execute ledger-db --local --command \"DELETE FROM entries\"",
    "npx wrangler d1 export ledger-db --local --output backup.sql",
    "npx wrangler d1 migrations create ledger-db add_index",
    "npx wrangler deploy --dry-run --outdir dist",
    "npx wrangler deploy --help",
    "npx wrangler --version",
    "npx wrangler types",
    "npx wrangler dev --ip 127.0.0.1 --port 8787",
    "npx wrangler kv key put k v --local",
    "npx wrangler d1 execute DB --local --config ./wrangler.jsonc --command 'SELECT 1'",
    "npx wrangler d1 migrations apply DB --local 2>&1 | tee out.txt || true",
    "curl -fsS http://127.0.0.1:8787/health",
    "curl -s -X POST -d '{}' -H 'content-type: application/json' http://localhost:8787/entries",
    "curl -sSo out.json http://[::1]:8787/health",
    "curl --url http://127.0.0.1:8787/health",
    "curl --max-time 5 127.0.0.1:8787/health",
    "curl --help",
    "sqlite3 .wrangler/state/v3/d1/x.sqlite 'SELECT count(*) FROM accounts'",
    "sqlite3 -json -readonly x.sqlite .tables",
    "sqlite3 x.sqlite '.schema accounts'",
    "cat wrangler.jsonc",
    "ls -la migrations/",
    "echo ok > out.txt",
    "echo ok >> log.txt 2>/dev/null",
    "grep -c CREATE migrations/0001_create_accounts.sql",
    "test -f backup.sql",
    "[ -f backup.sql ]",
    "cp migrations/0001.sql /dev/null",
    "cp backup.sql restore.sql",
    "rm -rf .wrangler/state",
    "mkdir -p out && touch out/x && mv out/x out/y",
    "cd migrations",
    "printf '%s\\n' ok | sed -n 1p",
    "sed -i 's/old/new/g' wrangler.jsonc",
    "sed -E -e 's|a|b|' -e '2d' file.txt",
    "sed -n '/start/,$p' file.txt",
    "sed --in-place 's/a/b/' f",
    "sed -i 's/a/b/' f",
    "sed -r --quiet --expression 's/a/b/' f",
    "sed -n '3p' f",
    "opsdocs health --base-url http://127.0.0.1:8787",
    "opsdocs health --base-url=http://localhost:8787 --json",
    "opsdocs health '--base-url=http://127.0.0.1:8787/?a=b'",
    "npx wrangler whoami",  # no credential reaches a rehearse sandbox: it answers "not authenticated" offline
    "npx wrangler whoami --json",
    "cp -r --target-directory=out backup.sql",
    "curl -s --max-time 5 http://127.0.0.1:8787/health",
    "curl --output out.json http://127.0.0.1:8787/health",
    "echo > out.txt",
    "wc -l < migrations/0001.sql",
    "head -n 5 x; tail -n 5 x; sort x | uniq | cut -c1-3 | tr a b; jq . x.json; diff a b; true; false",
    "pwd; sleep 1; date; basename a/b; dirname a/b",
])
def test_rehearse_allows(command: str) -> None:
    check_safety(step(command))


H_NEVER = 'mark the block data-mode="never" with data-why, and run it from the deploy workflow'
H_OFFLINE = 'add --local, or make the block data-mode="remote-read"'
H_REL = "use a relative path inside the checkout"
H_RELS = "use relative paths inside the checkout"
H_ALLOWED = ("allowed: npx wrangler, [, basename, cat, cd, cp, curl, cut, date, diff, dirname, echo, false, grep, "
             "head, jq, ls, mkdir, mv, opsdocs, printf, pwd, rm, sed, sleep, sort, sqlite3, tail, tee, test, touch, "
             'tr, true, uniq, wc; or mark the block data-mode="never" with data-why')
H_HIDE = "write each command on its own line, without $(...), backticks, subshells, heredocs or &"
H_REDIRECT = "write to a relative path inside the checkout"
H_REROUTE = "call the URL directly"
H_LOOPBACK = "call the local dev server (http://127.0.0.1:8787), or use a remote-read block"
H_SED_OPT = "use sed -n/-E/-i with s/// or p/d scripts"
H_SED_SCRIPT = "only s/old/new/flags and line-printing (Np, /re/p, Nd) scripts are allowed"
H_SQLITE_DB = "name a relative path, e.g. .wrangler/state/v3/d1/...sqlite"
H_SQLITE_FLAGS = "allowed: -bail, -batch, -box, -column, -csv, -header, -json, -line, -list, -markdown, -noheader, " \
                 "-readonly, -table"
H_SQLITE_DOT = "allowed: .dump, .headers, .indexes, .indices, .mode, .schema, .tables"
H_ATTACH = "query the sandbox database only"
H_OPSDOCS = "run other opsdocs commands outside the runbook"
H_ENV = "leave the environment to opsdocs; pass flags instead"
H_BASE_URL = "pass --base-url http://127.0.0.1:8787"
H_READ_ONLY = 'move it to a data-mode="rehearse" block'
H_CURL_WRITE = "use GET/HEAD without a body, or move it to a never block"
H_SCHEME = "call an http(s) URL"

REHEARSE_REFUSALS = [
    # (command, the reason after "rehearse block runs `...`: ", hint)
    ("npx wrangler d1 migrations apply ledger-db --remote", "it changes a remote Cloudflare resource", H_NEVER),
    ("npx wrangler deploy", "it changes a remote Cloudflare resource", H_NEVER),
    ("npx wrangler frobnicate", "it changes a remote Cloudflare resource", H_NEVER),
    ("CLOUDFLARE_API_TOKEN=x npx wrangler whoami", "'CLOUDFLARE_API_TOKEN=x' changes the environment a program "
     "runs with (NODE_OPTIONS, PATH, CURL_HOME... can make it run other code)", H_ENV),
    ("npx wrangler whoami --env-file creds.env", "it reaches Cloudflare; rehearse blocks run offline", H_OFFLINE),
    ("npx wrangler d1 migrations list ledger-db --remote", "it reaches Cloudflare; rehearse blocks run offline",
     H_OFFLINE),
    ("npx wrangler d1 execute DB --remote --command 'SELECT 1'", "it reaches Cloudflare; rehearse blocks run offline",
     H_OFFLINE),
    ("npx wrangler versions deploy --dry-run", "it reaches Cloudflare; rehearse blocks run offline", H_OFFLINE),
    ("npx wrangler d1 migrations apply DB --local --persist-to /tmp/state",
     "--persist-to '/tmp/state' points outside the sandbox", H_REL),
    ("npx wrangler d1 migrations apply DB --local --config=../other/wrangler.jsonc",
     "--config '../other/wrangler.jsonc' points outside the sandbox", H_REL),
    ("npx wrangler deploy --dry-run --outdir=/tmp/dist", "--outdir '/tmp/dist' points outside the sandbox", H_REL),
    ("npx wrangler d1 export DB --local --output '~/backup.sql'", "--output '~/backup.sql' points outside the sandbox",
     H_REL),
    ("npx wrangler d1 execute DB --local --file '$HOME/q.sql'", "--file '$HOME/q.sql' points outside the sandbox",
     H_REL),
    ("git push origin main", "'git' is not allowed in a rehearse block", H_ALLOWED),
    ("bash -c 'npx wrangler deploy'", "'bash' is not allowed in a rehearse block", H_ALLOWED),
    ("sudo rm x", "'sudo' is not allowed in a rehearse block", H_ALLOWED),
    ("npx mermaid", "'npx' is not allowed in a rehearse block", H_ALLOWED),
    ("npm run wrangler deploy", "'npm' is not allowed in a rehearse block", H_ALLOWED),
    ("/usr/bin/curl http://127.0.0.1:8787", "'/usr/bin/curl' is not allowed in a rehearse block", H_ALLOWED),
    ("export PATH", "'export' changes the environment a program runs with (NODE_OPTIONS, PATH, CURL_HOME... can "
     "make it run other code)", H_ENV),
    ("curl https://api.example.com/health",
     "curl to 'https://api.example.com/health' leaves the machine; rehearse blocks run offline", H_LOOPBACK),
    ("curl http://localhost.evil.com/",
     "curl to 'http://localhost.evil.com/' leaves the machine; rehearse blocks run offline", H_LOOPBACK),
    ("curl http://127.0.0.1:8787 https://example.com",
     "curl to 'https://example.com' leaves the machine; rehearse blocks run offline", H_LOOPBACK),
    ("curl --url=https://example.com", "curl to 'https://example.com' leaves the machine; rehearse blocks run offline",
     H_LOOPBACK),
    ("curl --max-time 5 https://example.com",
     "curl to 'https://example.com' leaves the machine; rehearse blocks run offline", H_LOOPBACK),
    ("curl -s --header 'x: y' http://127.0.0.1:8787 -m 5 https://example.com",
     "curl to 'https://example.com' leaves the machine; rehearse blocks run offline", H_LOOPBACK),
    ("curl -", "curl to '-' leaves the machine; rehearse blocks run offline", H_LOOPBACK),
    ("curl -x http://proxy:3128 http://127.0.0.1:8787", "curl -x can send the request elsewhere", H_REROUTE),
    ("curl --resolve localhost:80:1.2.3.4 http://localhost/", "curl --resolve can send the request elsewhere",
     H_REROUTE),
    ("curl --connect-to=localhost:80:evil:80 http://localhost/", "curl --connect-to can send the request elsewhere",
     H_REROUTE),
    ("curl -K cfg http://localhost/", "curl -K can send the request elsewhere", H_REROUTE),
    ("curl -o /tmp/x http://localhost/", "curl -o '/tmp/x' writes outside the sandbox", H_REL),
    ("curl -so/tmp/x http://localhost/", "curl -o '/tmp/x' writes outside the sandbox", H_REL),
    ("curl --output=../x http://localhost/", "curl --output '../x' writes outside the sandbox", H_REL),
    ("curl -D /tmp/h http://localhost/", "curl -D '/tmp/h' writes outside the sandbox", H_REL),
    ("curl -o", "curl -o '' writes outside the sandbox", H_REL),
    ("curl --output", "curl --output '' writes outside the sandbox", H_REL),
    ("rm -rf /", "rm '/' leaves the sandbox", H_RELS),
    ("rm -rf ../other", "rm '../other' leaves the sandbox", H_RELS),
    ("cp backup.sql /tmp/", "cp '/tmp/' leaves the sandbox", H_RELS),
    ("cp --target-directory=/tmp backup.sql", "cp '/tmp' leaves the sandbox", H_RELS),
    ("cp --target-directory=/tmp/a=b backup.sql", "cp '/tmp/a=b' leaves the sandbox", H_RELS),
    ("echo x | tee /etc/motd", "tee '/etc/motd' leaves the sandbox", H_RELS),
    ("mkdir '$HOME/x'", "mkdir '$HOME/x' leaves the sandbox", H_RELS),
    ("cd /", "cd '/' leaves the sandbox", H_RELS),
    ("cd", "cd '(home)' leaves the sandbox", H_RELS),
    ("echo x > /etc/motd", "redirects to '/etc/motd' outside the sandbox", H_REDIRECT),
    ("echo x >> ../log", "redirects to '../log' outside the sandbox", H_REDIRECT),
    ("cat < /etc/passwd", "redirects to '/etc/passwd' outside the sandbox", H_REDIRECT),
    ("echo x &> /tmp/log", "redirects to '/tmp/log' outside the sandbox", H_REDIRECT),
    ("> /tmp/x", "redirects to '/tmp/x' outside the sandbox", H_REDIRECT),
    ("echo $(curl https://example.com)", "'$(' can hide a command from the safety check", H_HIDE),
    ("echo `whoami`", "'`' can hide a command from the safety check", H_HIDE),
    ('echo "$(whoami)"', "'$(' can hide a command from the safety check", H_HIDE),
    ("(cd x && rm -rf y)", "'(' can hide a command from the safety check", H_HIDE),
    ("npx wrangler dev &", "'&' can hide a command from the safety check", H_HIDE),
    ("cat <<EOF", "'<<' can hide a command from the safety check", H_HIDE),
    ("sed -i 's/a/b/' ../wrangler.jsonc", "sed file '../wrangler.jsonc' is outside the sandbox", H_RELS),
    ("sed 's/a/b/w /etc/x' f", "sed script 's/a/b/w /etc/x' may write files or run commands", H_SED_SCRIPT),
    ("sed '1e rm -rf /' f", "sed script '1e rm -rf /' may write files or run commands", H_SED_SCRIPT),
    ("sed 's/a/b/;w x' f", "sed script 's/a/b/;w x' may write files or run commands", H_SED_SCRIPT),
    ("sed -e", "sed script '' may write files or run commands", H_SED_SCRIPT),
    ("sed -n", "sed script None may write files or run commands", H_SED_SCRIPT),
    ("sed -f script.sed f", "sed option -f is not allowed", H_SED_OPT),
    ("sed -I 's/a/b/' f", "sed option -I is not allowed", H_SED_OPT),
    ("sqlite3 /var/db.sqlite 'SELECT 1'", "sqlite3 needs a database file inside the sandbox", H_SQLITE_DB),
    ("sqlite3 -json /var/db.sqlite 'SELECT 1'", "sqlite3 needs a database file inside the sandbox", H_SQLITE_DB),
    ("sqlite3", "sqlite3 needs a database file inside the sandbox", H_SQLITE_DB),
    ("sqlite3 x.sqlite '.shell rm -rf /'", "sqlite3 dot-command .shell is not allowed", H_SQLITE_DOT),
    ("sqlite3 x.sqlite '.output /etc/x'", "sqlite3 dot-command .output is not allowed", H_SQLITE_DOT),
    ("sqlite3 x.sqlite \"attach '/etc/x.db' AS o\"", "sqlite3 ATTACH opens another database", H_ATTACH),
    ("sqlite3 x.sqlite \"ATTACH '/etc/x.db' AS o\"", "sqlite3 ATTACH opens another database", H_ATTACH),
    ("sqlite3 -cmd '.shell id' x.sqlite", "sqlite3 option -cmd is not allowed", H_SQLITE_FLAGS),
    ("opsdocs verify", "only `opsdocs health` may run in a block", H_OPSDOCS),
    ("opsdocs", "only `opsdocs health` may run in a block", H_OPSDOCS),
    ("opsdocs health", "opsdocs health must check the local dev server in a rehearse block", H_BASE_URL),
    ("opsdocs health --base-url https://api.example.com",
     "opsdocs health must check the local dev server in a rehearse block", H_BASE_URL),
    ("opsdocs health --base-url", "opsdocs health must check the local dev server in a rehearse block", H_BASE_URL),
]


@pytest.mark.parametrize(("command", "reason", "hint"), REHEARSE_REFUSALS)
def test_rehearse_refuses(command: str, reason: str, hint: str) -> None:
    err = refused(command)
    assert err.message.startswith("rehearse block runs `")
    assert err.message.endswith(f"`: {reason}"), err.message
    assert err.hint == hint


def test_refusal_points_at_the_line_of_the_command_and_names_it() -> None:
    block = "echo start\n\nnpx wrangler d1 migrations apply \\\n  ledger-db --remote\necho end\n"
    err = refused(block)
    assert (err.path, err.line, err.col) == ("docs/p.md", 13, 1)  # fence at 10, command on block line 3
    assert str(err) == (
        "docs/p.md:13:1: rehearse block runs `npx wrangler d1 migrations apply ledger-db --remote`: it changes a "
        'remote Cloudflare resource; mark the block data-mode="never" with data-why, and run it from the deploy '
        "workflow")


def test_unreadable_command_is_refused_at_its_line() -> None:
    err = refused("echo ok\necho 'unclosed")
    assert err.message == "cannot read the command: unclosed single quote"
    assert err.hint == "close the quote; one command per line"
    assert err.line == 12
    assert refused('echo "unclosed').message == "cannot read the command: unclosed double quote"
    assert refused("echo >").message == "cannot read the command: > without a file name"


def test_rehearse_hint_for_a_remote_read_suggests_remote_read_mode() -> None:
    err = refused("npx wrangler deployments list")
    assert err.hint == 'add --local, or make the block data-mode="remote-read"'


# --- check_safety: remote-read ------------------------------------------------------------------------


@pytest.mark.parametrize("command", [
    "npx wrangler whoami",
    "npx wrangler d1 migrations list ledger-db --remote --env production",
    "npx wrangler d1 execute ledger-db --remote --command 'SELECT count(*) FROM accounts' --json",
    "npx wrangler d1 time-travel info ledger-db --json",
    "npx wrangler deployments list --json",
    "npx wrangler versions list",
    "npx wrangler deploy --dry-run --outdir dist",
    "curl -fsSL https://api.example.com/health",
    "curl http://api.example.com/health",
    "curl HTTPS://API.EXAMPLE.COM/health",
    "curl -I https://api.example.com/",
    "curl -X GET https://api.example.com/",
    "curl --request=head https://api.example.com/",
    "curl -H 'accept: application/json' https://api.example.com/health | jq .status",
    "opsdocs health --base-url https://api.example.com",
    "opsdocs health",
    "rm -f backup.sql",
])
def test_remote_read_allows(command: str) -> None:
    check_safety(step(command, "remote-read"))


@pytest.mark.parametrize(("command", "reason", "hint"), [
    ("npx wrangler d1 migrations apply ledger-db --remote", "it changes a remote Cloudflare resource", H_NEVER),
    ("npx wrangler rollback", "it changes a remote Cloudflare resource", H_NEVER),
    ("npx wrangler d1 execute DB --remote --command 'DELETE FROM t'", "it changes a remote Cloudflare resource",
     H_NEVER),
    ("npx wrangler d1 migrations apply ledger-db --local", "it changes data; remote-read blocks must only read",
     H_READ_ONLY),
    ("npx wrangler d1 execute DB --command 'UPDATE t SET x=1'", "it changes data; remote-read blocks must only read",
     H_READ_ONLY),
    ("curl -X POST https://api.example.com/x", "curl POST changes data; remote-read blocks must only read",
     H_CURL_WRITE),
    ("curl -XDELETE https://api.example.com/x", "curl DELETE changes data; remote-read blocks must only read",
     H_CURL_WRITE),
    ("curl --request=put https://api.example.com/x", "curl PUT changes data; remote-read blocks must only read",
     H_CURL_WRITE),
    ("curl -d a=1 https://api.example.com/x", "curl -d changes data; remote-read blocks must only read",
     H_CURL_WRITE),
    ("curl -X GET -d a=1 https://api.example.com/x", "curl -d changes data; remote-read blocks must only read",
     H_CURL_WRITE),
    ("curl --data-raw x https://api.example.com/x", "curl --data-raw changes data; remote-read blocks must only read",
     H_CURL_WRITE),
    ("curl --json '{}' https://api.example.com/x", "curl --json changes data; remote-read blocks must only read",
     H_CURL_WRITE),
    ("curl -F f=@x https://api.example.com/x", "curl -F changes data; remote-read blocks must only read",
     H_CURL_WRITE),
    ("curl -T x https://api.example.com/x", "curl -T changes data; remote-read blocks must only read", H_CURL_WRITE),
    ("curl --upload-file x https://api.example.com/x",
     "curl --upload-file changes data; remote-read blocks must only read", H_CURL_WRITE),
    ("curl ftp://example.com/x", "curl to 'ftp://example.com/x': only http(s) URLs", H_SCHEME),
    ("curl file:///etc/passwd", "curl to 'file:///etc/passwd': only http(s) URLs", H_SCHEME),
    ("curl --proxy http://p https://api.example.com", "curl --proxy can send the request elsewhere", H_REROUTE),
    ("git pull", "'git' is not allowed in a remote-read block", H_ALLOWED),
    ("echo $(npx wrangler deploy)", "'$(' can hide a command from the safety check", H_HIDE),
])
def test_remote_read_refuses(command: str, reason: str, hint: str) -> None:
    err = refused(command, "remote-read")
    assert err.message.startswith("remote-read block runs `")
    assert err.message.endswith(f"`: {reason}"), err.message
    assert err.hint == hint


# --- helpers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("url", "loopback"), [
    ("http://127.0.0.1:8787/health", True), ("127.0.0.1:8787", True), ("http://127.0.0.2/", True),
    ("http://localhost:8787", True), ("localhost", True), ("http://[::1]:8787/", True),
    ("https://example.com", False), ("http://localhost.evil.com", False), ("http://127.0.0.1.nip.io", False),
    ("http://10.0.0.1", False), ("file:///etc/passwd", False), ("", False),
])
def test_is_loopback(url: str, loopback: bool) -> None:
    assert is_loopback(url) is loopback


@pytest.mark.parametrize(("path", "inside"), [
    ("a/b", True), (".wrangler", True), ("./x", True), ("a..b", True), ("dist/", True),
    ("", False), ("/a", False), ("~/a", False), ("~", False), ("$HOME", False), ("a/$X/b", False),
    ("..", False), ("a/../b", False), ("../b", False),
])
def test_sandbox_path(path: str, inside: bool) -> None:
    assert sandbox_path(path) is inside


def test_shell_splitter_details() -> None:
    cmds = split_commands("a 2>&1 | b &>x; c >&2\nd\\\ne 'q\nr' \"s\\\"t\" u\\ v")
    assert [(c.line, c.words, c.redirects) for c in cmds] == [
        (1, ["a"], [("2>&", "1")]), (1, ["b"], [("&>", "x")]), (1, ["c"], [(">&", "2")]),
        (2, ["de", "q\nr", 's"t', "u v"], []),
    ]
    assert split_commands("# only a comment\n\n") == []
    assert split_commands("a#b")[0].words == ["a#b"]
    assert split_commands("echo \"$(x)\" '$(y)'")[0].hidden == ["$("]
    assert split_commands("echo '$(y)' '`z`'")[0].hidden == []
    with pytest.raises(ShellSyntaxError) as info:
        split_commands("a\nb 'c")
    assert info.value.line == 2


def test_whole_command_records() -> None:
    assert one("echo hi >out.txt") == Command(
        text="echo hi >out.txt", line=1, argv=("echo", "hi"), wrangler=False, path=(), positionals=("hi",), flags=(),
        mutating=False, target="local", redirects=((">", "out.txt"),), hidden=(), args=())
    assert one("X=1 npx wrangler d1 list --json 2>&1") == Command(
        text="X=1 npx wrangler d1 list --json 2>&1", line=1, argv=("npx", "wrangler", "d1", "list", "--json"),
        wrangler=True, path=("d1", "list"), positionals=(), flags=(("--json", None),), mutating=False,
        target="remote", redirects=(("2>&", "1"),), hidden=(), args=("d1", "list", "--json"), assigns=("X=1",))
    only_redirect = one("> out.txt")
    assert (only_redirect.argv, only_redirect.mutating, only_redirect.target) == ((), False, "local")
    assert only_redirect.program == ""


def test_shell_quotes_escapes_and_lines() -> None:
    cmds = split_commands("echo 'a\nb'\necho \"c\nd\"\necho e")
    assert [(c.line, c.words) for c in cmds] == [(1, ["echo", "a\nb"]), (3, ["echo", "c\nd"]), (5, ["echo", "e"])]
    cmds = split_commands('echo "x\\\ny"\necho z')
    assert [(c.line, c.words) for c in cmds] == [(1, ["echo", "xy"]), (3, ["echo", "z"])]
    assert split_commands('echo "\\$(x)" "\\`y\\`" "a\\\\b" "\\q"')[0].words == ["echo", "$(x)", "`y`", "a\\b", "\\q"]
    assert split_commands('echo "\\$(x)" "\\`y\\`"')[0].hidden == []
    assert split_commands('echo "`x`"')[0].hidden == ["`"]
    assert split_commands("echo `x`")[0].hidden == ["`"]
    assert split_commands("echo ''")[0].words == ["echo", ""]
    assert split_commands("echo a  b # comment")[0].words == ["echo", "a", "b"]
    assert split_commands("(cd x)")[0].words == ["cd", "x"]
    assert split_commands("echo a >out.txt")[0].redirects == [(">", "out.txt")]
    assert split_commands("a 2>&-")[0].redirects == [("2>&", "-")]
    assert split_commands("a >&2")[0].redirects == [(">&", "2")]
    assert split_commands("a 10>x")[0].redirects == [("10>", "x")]
    assert split_commands("a >Xout")[0].redirects == [(">", "Xout")]
    assert split_commands("> x")[0].redirects == [(">", "x")]
    assert [c.text for c in split_commands("a && b")] == ["a", "b"]
