"""Bad inputs in the project's config: wrangler.jsonc, checks/*.yml, .github/workflows/*.yml.

Each builder breaks a fresh copy of the shipped project and returns the location the one line must name,
found in the broken file (so a change to the shipped files moves the expectation with it).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from catalogue_helpers import closed_port, copy_project, edit, line_of

W = "wrangler.jsonc"
DEPLOY = ".github/workflows/deploy.yml"
HEALTH = "checks/health.yml"
SECRETS = "checks/secrets.yml"


@dataclass(frozen=True)
class Run:
    """What to run and the line to expect. ``where``: the ``path:line`` (or path) the line must name,
    None when the mistake is in no file (a missing flag)."""

    argv: list[str]
    where: str | None
    word: str  # a word of the message
    kind: Literal["error", "finding", "health"] = "error"
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    timeout: float = 90.0


@dataclass(frozen=True)
class Case:
    id: str
    build: Callable[[Path, ExitStack], Run]


# --- how each command is pointed at a broken copy -----------------------------------------------------


def project_copy(tmp: Path) -> Path:
    return copy_project(tmp / "project")


def verify(p: Path, *extra: str) -> list[str]:
    return ["verify", "--root", str(p), "--report", str(p.parent / "out" / "report.json"), *extra]


def drift(p: Path, *extra: str) -> list[str]:
    return verify(p, "-m", "drift", *extra)


def build(p: Path, *extra: str) -> list[str]:
    return ["build", "--root", str(p), "--site-dir", str(p.parent / "site-out"), *extra]


def jsonc(mutate: Callable[[Path], str], word: str, *, cmd: Callable[[Path], list[str]] = drift,
          kind: Literal["error", "finding"] = "error") -> Callable[[Path, ExitStack], Run]:
    """A wrangler.jsonc case: ``mutate`` breaks the copy and returns the expected location."""

    def make(tmp: Path, _: ExitStack) -> Run:
        p = project_copy(tmp)
        where = mutate(p)
        return Run(cmd(p), where, word, kind)

    return make


def _at(p: Path, rel: str, needle: str) -> str:
    return f"{rel}:{line_of(p / rel, needle)}"


# --- wrangler.jsonc ------------------------------------------------------------------------------------


def _missing_comma(p: Path) -> str:
    edit(p / W, '"main": "worker/index.js",', '"main": "worker/index.js"')
    return _at(p, W, '"compatibility_date"')  # the parser trips on the next key


def _top_array(p: Path) -> str:
    (p / W).write_text('[\n  {"name": "ledger-api"}\n]\n')
    return f"{W}:1"


def _no_name(p: Path) -> str:
    edit(p / W, '  "name": "ledger-api",\n', "")
    return f"{W}:1"


def _name_number(p: Path) -> str:
    edit(p / W, '"name": "ledger-api",', '"name": 42,')
    return _at(p, W, '"name": 42')


def _workers_dev_string(p: Path) -> str:
    edit(p / W, '"workers_dev": true,', '"workers_dev": "yes",')
    return _at(p, W, '"workers_dev"')


def _bad_date(p: Path) -> str:
    edit(p / W, '"compatibility_date": "2025-09-01",', '"compatibility_date": "1 Sept 2025",')
    return _at(p, W, '"compatibility_date"')


def _routes_string(p: Path) -> str:
    edit(p / W, '"workers_dev": true,', '"workers_dev": true,\n  "routes": "api.example.com/*",')
    return _at(p, W, '"routes"')


_SECOND_DB = ('{\n      "binding": "DB",\n      "database_name": "ledger-db-staging",\n      "database_id": '
              '"3f1c2b7a-5d4e-4a8b-9c6d-1e2f3a4b5c6d",\n      "migrations_dir": "migrations",\n    },\n    {\n'
              '      "binding": "{binding}",\n      "database_name": "audit-db",\n      "database_id": '
              '"00000000-0000-4000-8000-000000000001",\n      "migrations_dir": "migrations",\n    },')


def _add_top_db(p: Path, binding: str) -> None:
    edit(p / W, '{\n      "binding": "DB",\n      "database_name": "ledger-db-staging",\n      "database_id": '
         '"3f1c2b7a-5d4e-4a8b-9c6d-1e2f3a4b5c6d",\n      "migrations_dir": "migrations",\n    },',
         _SECOND_DB.replace("{binding}", binding))


def _duplicate_binding(p: Path) -> str:
    _add_top_db(p, "DB")
    needle = '"binding": "DB"'
    return f"{W}:{line_of(p / W, needle, after=line_of(p / W, needle))}"  # the second one


def _migrations_gone(p: Path) -> str:
    shutil.rmtree(p / "migrations")
    return _at(p, W, '"migrations_dir"')


def _env_lacks_var(p: Path) -> str:
    edit(p / W, '        "APP_VERSION": "production",\n        "DOCS_URL": "https://docs.example.com/runbook/",\n',
         '        "APP_VERSION": "production",\n')
    return _at(p, W, '"production": {')


def _env_lacks_binding(p: Path) -> str:
    _add_top_db(p, "AUDIT")  # a second top-level database that env.production does not repeat
    return _at(p, W, '"production": {')


def _no_config(p: Path) -> str:
    (p / W).unlink()
    return str(p)


def _toml_broken(p: Path) -> str:
    (p / W).unlink()
    (p / "wrangler.toml").write_text('name = "ledger-api"\nmain = "worker/index.js"\n[vars\nA = "1"\n')
    return "wrangler.toml:3"


def _not_utf8(p: Path) -> str:
    (p / W).write_bytes(b'{"name": "ledger-\xff"}\n')
    return W


def _deep(p: Path) -> str:
    text = (p / W).read_text(encoding="utf-8")
    (p / W).write_text(text.replace('"vars": {', '"vars": {"deep": ' + "[" * 400 + "]" * 400 + ",", 1))
    return f"{W}:{line_of(p / W, 'deep')}"


def _deep_objects(p: Path) -> str:
    (p / W).write_text('{"name": "x", "vars": ' + '{"a": ' * 300 + "1" + "}" * 300 + "}\n")
    return f"{W}:1"


def _nul_in_config(p: Path) -> str:
    text = (p / W).read_text(encoding="utf-8")
    (p / W).write_text(text.replace('"name"', '"na\x00me"', 1))
    return f"{W}:{line_of(p / W, 'na')}"


def _huge_config(p: Path) -> str:
    filler = "".join(f'    "K{i}": "{"v" * 40}", // filler\n' for i in range(110_000))
    text = (p / W).read_text(encoding="utf-8")
    (p / W).write_text(text.replace('"vars": {', '"vars": {\n' + filler, 1))
    return W  # 5 MB read fast; the copy has a finding or passes, never hangs: any one line is fine


def _nul_in_workflow(p: Path) -> str:
    text = (p / DEPLOY).read_text(encoding="utf-8")
    (p / DEPLOY).write_text(text.replace("jobs:", "jobs:\x00", 1))
    return f"{DEPLOY}:{line_of(p / DEPLOY, 'jobs:')}"


def _workflow_env_list(p: Path) -> str:
    edit(p / DEPLOY, "jobs:", "env: [A, B]\njobs:")
    return f"{DEPLOY}:{line_of(p / DEPLOY, 'env: [A, B]')}"


def _workflow_uses(value: str) -> Callable[[Path], str]:
    def mutate(p: Path) -> str:
        text = (p / DEPLOY).read_text(encoding="utf-8")
        at = text.index("uses: ")
        end = text.index("\n", at)
        (p / DEPLOY).write_text(text[:at] + f"uses: {value}" + text[end:])
        return f"{DEPLOY}:{text.count(chr(10), 0, at) + 1}"
    return mutate


def _health_special(kind: str) -> Callable[[Path], str]:
    def mutate(p: Path) -> str:
        import os

        (p / HEALTH).unlink()
        if kind == "fifo":
            os.mkfifo(p / HEALTH)
        else:
            (p / HEALTH).symlink_to("/dev/zero")
        return HEALTH
    return mutate


def _health_not_utf8(p: Path) -> str:
    (p / HEALTH).write_bytes(b"- name: h\xff\n  path: /\n")
    return f"{HEALTH}:1"


# --- checks/ -----------------------------------------------------------------------------------------


def checks(mutate: Callable[[Path], str], word: str, cmd: str = "verify") -> Callable[[Path, ExitStack], Run]:
    def make(tmp: Path, _: ExitStack) -> Run:
        p = project_copy(tmp)
        where = mutate(p)
        if cmd == "health":
            return Run(["health", "--root", str(p), "--base-url", f"http://127.0.0.1:{closed_port()}"], where, word)
        return Run(drift(p) if cmd == "verify" else build(p), where, word)

    return make


def _health_bad_yaml(p: Path) -> str:
    edit(p / HEALTH, "  status: 200\n  json:\n    status: ok", "  status: 200\n json:\n    status: ok")
    return f"{HEALTH}:{line_of(p / HEALTH, ' json:', after=line_of(p / HEALTH, '- name: health'))}"


def _health_mapping(p: Path) -> str:
    (p / HEALTH).write_text("health:\n  path: /health\n")
    return f"{HEALTH}:1"


def _health_status_text(p: Path) -> str:
    edit(p / HEALTH, "  status: 404", "  status: not-found")
    return _at(p, HEALTH, "status: not-found")


def _health_typo(p: Path) -> str:
    edit(p / HEALTH, "  status: 404", "  stauts: 404")
    return _at(p, HEALTH, "stauts")


def _health_post(p: Path) -> str:
    edit(p / HEALTH, "  path: /\n", "  path: /\n  method: POST\n")
    return _at(p, HEALTH, "method: POST")


def _health_duplicate(p: Path) -> str:
    edit(p / HEALTH, "- name: root", "- name: health")
    first = line_of(p / HEALTH, "- name: health")
    return f"{HEALTH}:{line_of(p / HEALTH, '- name: health', after=first)}"  # the second one


def _secrets_missing_key(p: Path) -> str:
    edit(p / SECRETS, '  where: "GitHub repository secret"\n', "")
    return _at(p, SECRETS, "CLOUDFLARE_READ_TOKEN:")


def _secrets_bad_yaml(p: Path) -> str:
    edit(p / SECRETS, '  where: "GitHub repository secret"\n', '  where: "GitHub repository secret\n')
    return SECRETS  # where the parser notices depends on what follows


def _secrets_list(p: Path) -> str:
    (p / SECRETS).write_text("- CLOUDFLARE_API_TOKEN\n")
    return f"{SECRETS}:1"


# --- workflows ---------------------------------------------------------------------------------------


def _wf_bad_yaml(p: Path) -> str:
    edit(p / DEPLOY, "    needs: quality\n", "    needs: quality\n   stray: [\n")
    return DEPLOY


def _wf_list(p: Path) -> str:
    (p / ".github/workflows/extra.yml").write_text("- just\n- a list\n")
    return ".github/workflows/extra.yml:1"


def _wf_unknown_needs(p: Path) -> str:
    edit(p / DEPLOY, "    needs: migrate\n", "    needs: [migrate, tests]\n")
    return _at(p, DEPLOY, "  deploy:")


def _wf_no_runner(p: Path) -> str:
    edit(p / DEPLOY, "    needs: migrate\n    runs-on: ubuntu-latest\n", "    needs: migrate\n")
    return _at(p, DEPLOY, "  deploy:")


def _wf_no_on(p: Path) -> str:
    edit(p / DEPLOY, "on:\n  push:", "triggers:\n  push:")
    return f"{DEPLOY}:1"


def _wf_step_text(p: Path) -> str:
    edit(p / DEPLOY, "      - name: Install wrangler from the lockfile\n",
         "      - npm ci\n      - name: Install wrangler from the lockfile\n")
    return _at(p, DEPLOY, "- npm ci")


def _wf_undocumented_secret(p: Path) -> str:
    edit(p / DEPLOY, "CLOUDFLARE_ACCOUNT_ID: ${{ secrets.CLOUDFLARE_ACCOUNT_ID }}",
         "CLOUDFLARE_ACCOUNT_ID: ${{ secrets.CF_ACCOUNT }}")
    return _at(p, DEPLOY, "secrets.CF_ACCOUNT")


CONFIG_CASES: list[Case] = [
    # wrangler.jsonc
    Case("jsonc-missing-comma", jsonc(_missing_comma, "invalid JSONC")),
    Case("jsonc-top-level-array", jsonc(_top_array, "must be an object", cmd=build)),
    Case("jsonc-missing-name", jsonc(_no_name, "missing required key 'name'")),
    Case("jsonc-name-not-string", jsonc(_name_number, "'name' must be string, got number")),
    Case("jsonc-workers-dev-not-boolean", jsonc(_workers_dev_string, "must be boolean, got string")),
    Case("jsonc-bad-compat-date", jsonc(_bad_date, "is not YYYY-MM-DD", cmd=build)),
    Case("jsonc-routes-not-array", jsonc(_routes_string, "'routes' must be array")),
    Case("jsonc-duplicate-binding", jsonc(_duplicate_binding, "declared twice")),
    Case("jsonc-migrations-dir-missing", jsonc(_migrations_gone, "has no migrations directory", kind="finding")),
    Case("jsonc-env-lacks-var", jsonc(_env_lacks_var, "lacks var DOCS_URL", kind="finding")),
    Case("jsonc-env-lacks-binding", jsonc(_env_lacks_binding, "lacks binding AUDIT", kind="finding")),
    Case("jsonc-no-config", jsonc(_no_config, "no wrangler.json, wrangler.jsonc or wrangler.toml")),
    Case("toml-bad-syntax", jsonc(_toml_broken, "invalid TOML")),
    Case("jsonc-not-utf8", jsonc(_not_utf8, "UTF-8")),
    # crashes and hangs: each one located line, fast
    Case("jsonc-deep-arrays", jsonc(_deep, "levels deep")),
    Case("jsonc-deep-objects", jsonc(_deep_objects, "levels deep")),
    Case("jsonc-nul-byte", jsonc(_nul_in_config, "NUL byte")),
    Case("workflow-nul-byte", jsonc(_nul_in_workflow, "NUL byte")),
    Case("workflow-env-is-a-list", jsonc(_workflow_env_list, "'env' must be a mapping")),
    Case("workflow-uses-number", jsonc(_workflow_uses("5"), "'uses' must be a string")),
    Case("workflow-uses-mapping", jsonc(_workflow_uses("{a: 1}"), "'uses' must be a string")),
    Case("health-yml-fifo", checks(_health_special("fifo"), "not a regular file", "health")),
    Case("health-yml-dev-zero", checks(_health_special("zero"), "not a regular file", "health")),
    Case("health-yml-not-utf8", checks(_health_not_utf8, "not valid UTF-8", "health")),
    # checks/
    Case("health-yml-bad-yaml", checks(_health_bad_yaml, "invalid YAML", "health")),
    Case("health-yml-not-a-list", checks(_health_mapping, "must be a list of checks", "health")),
    Case("health-yml-status-not-int", checks(_health_status_text, "status must be an integer")),
    Case("health-yml-unknown-key", checks(_health_typo, "did you mean 'status'")),
    Case("health-yml-post", checks(_health_post, "'POST' is not allowed", "health")),
    Case("health-yml-duplicate-name", checks(_health_duplicate, "duplicate check name", "build")),
    Case("secrets-yml-missing-key", checks(_secrets_missing_key, "missing 'where'")),
    Case("secrets-yml-bad-yaml", checks(_secrets_bad_yaml, "invalid YAML", "build")),
    Case("secrets-yml-not-mapping", checks(_secrets_list, "must be a mapping")),
    # workflows
    Case("workflow-bad-yaml", checks(_wf_bad_yaml, "invalid YAML")),
    Case("workflow-not-a-mapping", checks(_wf_list, "must be a mapping, got a list")),
    Case("workflow-unknown-needs", checks(_wf_unknown_needs, "unknown job 'tests'")),
    Case("workflow-no-runs-on", checks(_wf_no_runner, "neither 'runs-on' nor 'uses'", "build")),
    Case("workflow-no-on", checks(_wf_no_on, "missing 'on:'")),
    Case("workflow-step-not-mapping", checks(_wf_step_text, "must be a mapping")),
    Case("workflow-undocumented-secret", jsonc(_wf_undocumented_secret, "secret CF_ACCOUNT", kind="finding")),
]
