"""What each wrangler command touches: the rule table behind ``classify`` (from ../shared/FACTS.md and
the pinned wrangler's ``--help``, re-checked for 4.164; tests/steps/test_wrangler_rules_vs_help.py holds the
table to the pinned wrangler's command tree and value flags).

Anything not listed here is mutating and remote: a new or misspelt subcommand must fail safe.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from opsdocs.project.model import Project

from opsdocs import _credentials

Target = Literal["local", "remote"]
Path = tuple[str, ...]

# Group -> children. A group not listed but present in _TOP_GROUPS has children we do not model.
GROUPS: dict[Path, frozenset[str]] = {
    ("d1",): frozenset({"create", "info", "list", "delete", "execute", "export", "time-travel", "migrations",
                        "insights"}),
    ("d1", "migrations"): frozenset({"create", "list", "apply"}),
    ("d1", "time-travel"): frozenset({"info", "restore"}),
    ("versions",): frozenset({"view", "list", "upload", "deploy", "secret"}),
    ("versions", "secret"): frozenset({"put", "bulk", "delete", "list"}),
    ("deployments",): frozenset({"list", "status"}),
    ("secret",): frozenset({"put", "delete", "list", "bulk"}),
    ("kv",): frozenset({"namespace", "key", "bulk"}),
    ("kv", "namespace"): frozenset({"create", "list", "delete", "rename"}),
    ("kv", "key"): frozenset({"put", "list", "get", "delete"}),
    ("kv", "bulk"): frozenset({"get", "put", "delete"}),
    ("r2",): frozenset({"object", "bucket", "sql"}),  # `r2 sql`: wrangler <= 4.86 only
    ("r2", "object"): frozenset({"get", "put", "delete"}),
    ("triggers",): frozenset({"deploy"}),
    # `pages` stays in OTHER_GROUPS; only its offline Functions build is modelled (site/_pages_project.py)
    ("pages", "functions"): frozenset({"build"}),
}
# Top-level commands that take arguments rather than subcommands.
TOP_LEAVES = frozenset({"docs", "complete", "delete", "deploy", "dev", "init", "login", "logout", "whoami",
                        "preview", "rollback", "setup", "tail", "types"})
# Top-level groups whose children are not modelled: the next word is taken as the subcommand.
OTHER_GROUPS = frozenset({"email", "auth", "ai", "ai-search", "browser", "containers", "dispatch-namespace",
                          "pages", "queues", "vpc", "workflows", "hyperdrive", "pipelines", "secrets-store",
                          "vectorize", "cert", "mtls-certificate", "tunnel",
                          # new in wrangler 4.164 (`pipelines` moved under `basin`)
                          "agent-memory", "artifacts", "basin", "flagship", "k2", "turnstile"})

# Always remote, never changes anything.
REMOTE_READS = frozenset({
    ("whoami",), ("tail",), ("d1", "list"), ("d1", "info"), ("d1", "insights"), ("d1", "time-travel", "info"),
    ("deployments", "list"), ("deployments", "status"), ("versions", "list"), ("versions", "view"),
    ("versions", "secret", "list"), ("secret", "list"), ("kv", "namespace", "list"),
})
# Remote reads that, without a credential, answer offline: a rehearse sandbox passes no token and has its
# own HOME, so `whoami` can only report "not authenticated" (exit 0; 1 with --json) without a request.
# That is the behaviour the secrets page proves. A block that sets a credential itself is still refused.
OFFLINE_WITHOUT_CREDENTIALS = frozenset({("whoami",)})
CREDENTIAL_VARS = _credentials.CURRENT  # one list for every reader: opsdocs/_credentials.py
# Local unless --remote (wrangler's isLocal: neither flag means local). Value: does it change data?
LOCAL_BY_DEFAULT: dict[Path, bool] = {
    ("d1", "execute"): True,  # refined by the SQL: see sql_is_read_only
    ("d1", "export"): False,
    ("d1", "migrations", "list"): False,
    ("d1", "migrations", "apply"): True,
    ("kv", "key", "get"): False, ("kv", "key", "list"): False,
    ("kv", "key", "put"): True, ("kv", "key", "delete"): True,
    ("kv", "bulk", "get"): False, ("kv", "bulk", "put"): True, ("kv", "bulk", "delete"): True,
    ("r2", "object", "get"): False, ("r2", "object", "put"): True, ("r2", "object", "delete"): True,
}
# Never leave the machine. Value: does it write? (migrations create writes a .sql file in the checkout)
ALWAYS_LOCAL: dict[Path, bool] = {
    ("d1", "migrations", "create"): True,
    ("types",): False,
    ("complete",): False,
    ("pages", "functions", "build"): True,  # bundles functions/ into --outdir; no account, no upload
}
# With --dry-run these build without uploading. Value: the dry run's target.
DRY_RUNNABLE: dict[Path, Target] = {
    ("deploy",): "local",  # FACTS: `deploy --dry-run --outdir DIR` builds without authentication
    ("versions", "upload"): "local",
    ("versions", "deploy"): "remote",  # still reads the Worker's versions from the API
}
# Generic read verbs for groups whose children are not modelled (`queues list`, `pages project list`...).
READ_VERBS = frozenset({"list", "info", "get", "view", "status", "show", "describe"})

# Flags that take a value, so the next word is not a positional. Global ones first.
VALUE_FLAGS = frozenset({
    "--env", "-e", "--config", "-c", "--cwd", "--env-file",
    "--command", "--file", "--output", "--persist-to", "--timestamp", "--bookmark", "--name", "--message", "-m",
    "--outdir", "--outfile", "--port", "--ip", "--host", "--tag", "--version-id", "--percentage", "--binding",
    "--namespace-id", "--path", "--ttl", "--expiration", "--metadata", "--compatibility-date",
    "--compatibility-flags", "--compatibility-flag", "--assets", "--var", "--define", "--alias", "--routes",
    "--route", "--triggers", "--schedule", "--schedules", "--domains", "--domain", "--jsx-factory",
    "--jsx-fragment", "--tsconfig", "--metafile", "--old-asset-ttl", "--dispatch-namespace",
    "--containers-rollout", "--secrets-file", "--preview-alias", "--table", "--format", "--status", "--header",
    "--method", "--search", "--sampling-rate", "--inspector-port", "--local-protocol", "--content-type",
    "--jurisdiction", "-J", "--storage-class", "-s", "--limit", "--prefix", "--location", "--script-name",
    # wrangler 4.164: a global auth profile, deploy/rollback/versions options, dev tunnels, d1 export
    "--profile", "--zone", "--zones", "--zone-id", "--zone-ids", "--durable-objects-code-update-mode",
    "--version-tag", "--tunnel-name", "--tunnel-allowed-mail", "--compatibility",
    # value flags of `dev` and `whoami` the table had missed (the help test found them)
    "--inspector-ip", "--https-key-path", "--https-cert-path", "--local-upstream", "--upstream-protocol",
    "--log-level", "--account",
    # `pages functions build`
    "--output-config-path", "--build-metadata-path", "--project-directory", "--output-routes-path",
    "--fallback-service", "--build-output-directory", "--external",
})
# Commands whose positionals are a path they write (``wrangler types ./worker-configuration.d.ts``).
POSITIONAL_PATHS = frozenset({("types",)})
# Flags whose value is a file or directory: in a rehearse block it must stay inside the sandbox.
PATH_FLAGS = frozenset({"--config", "-c", "--cwd", "--env-file", "--file", "-f", "--output", "--persist-to",
                        "--outdir", "--outfile", "--path", "--secrets-file", "--metafile", "--tsconfig",
                        "--https-key-path", "--https-cert-path", "--output-config-path",
                        "--build-metadata-path", "--project-directory", "--output-routes-path",
                        "--build-output-directory"})

_READ_PRAGMAS = frozenset({
    "table_list", "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "foreign_key_check", "integrity_check", "quick_check", "database_list", "compile_options",
    "user_version", "schema_version", "page_count", "page_size", "freelist_count", "function_list",
    "pragma_list", "collation_list",
})


# Reading PRAGMAs whose parenthesised argument names what to read, not a value to set.
_ARG_READ_PRAGMAS = frozenset({"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo",
                               "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
                               "table_list"})


def sql_is_read_only(sql: str) -> bool:
    """One SELECT/EXPLAIN statement, or one reading PRAGMA; anything else (WITH, several statements,
    a PRAGMA that sets a value) counts as a write. A ``;`` inside a string literal also counts as a second
    statement: refusing a harmless read is better than running a hidden write.
    """
    body = sql.strip()
    while body.endswith(";"):
        body = body[:-1].rstrip()
    if not body or ";" in body:
        return False
    words = body.split()
    first = words[0].upper()
    if first in ("SELECT", "EXPLAIN"):
        return True
    if first != "PRAGMA":
        return False
    # PRAGMA name; PRAGMA name(arg) reads only for the table-valued ones (table_info(t)); name = v and
    # name(v) of a setting (user_version(7), journal_mode(DELETE)) assign.
    m = re.fullmatch(r"PRAGMA\s+(?:(\w+)\s*\.\s*)?(\w+)\s*(?:\((.*)\))?", body, re.IGNORECASE | re.DOTALL)
    if m is None:
        return False  # "=", quotes around the name, anything else: a write
    name, arg = m.group(2).lower(), m.group(3)
    if arg is None:
        return name in _READ_PRAGMAS
    return name in _ARG_READ_PRAGMAS


def has_remote_bindings(project: Project) -> bool:
    """Any binding, at the top or in an environment, with ``"remote": true`` (wrangler dev then connects
    it to the real account)."""
    return _any_remote(project.wrangler.raw, 0)


def _any_remote(value: object, depth: int) -> bool:
    if depth > 64:
        return True  # deeper than any config: fail safe
    if isinstance(value, dict):
        if value.get("remote") is True or value.get("experimental_remote") is True:
            return True
        return any(_any_remote(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_any_remote(v, depth + 1) for v in value)
    return False


# How a command line can name the wrangler executable itself (a package runner's forms are parsed apart).
WRANGLER_BINS = ("wrangler", "node_modules/.bin/wrangler", "./node_modules/.bin/wrangler")


def other_wrangler(argv: tuple[str, ...]) -> str | None:
    """The word of a package runner's command line that picks a wrangler other than the installed one:
    ``wrangler@<version>``, or ``--package``/``-p``/``--call``/``-c`` (``npx --package=x wrangler``)."""
    if not argv or argv[0] in WRANGLER_BINS:
        return None
    for word in argv[1:]:
        if word.startswith(("--package", "--call")) or word in ("-p", "-c") or word.startswith(("-p=", "-c=")):
            return word
        if word == "wrangler" or word.startswith("wrangler@"):
            return word if word.startswith("wrangler@") else None
    return None
