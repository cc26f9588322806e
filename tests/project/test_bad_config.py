"""Bad configuration: one located line with a hint, never a traceback (table-driven)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from opsdocs.errors import ConfigError
from opsdocs.project.load import load_project

GOOD_DB = '{"binding": "DB", "database_name": "d", "database_id": "x", "migrations_dir": "migrations"}'
WF_HEAD = "name: w\non: push\njobs:\n"

# (id, files, expected "path:line" prefix, words the message must contain)
CASES: list[tuple[str, dict[str, str], str, str]] = [
    ("jsonc-missing-comma", {"wrangler.jsonc": '{\n  "name": "a"\n  "main": "x.js"\n}'}, "wrangler.jsonc:3",
     "invalid JSONC"),
    ("jsonc-unclosed", {"wrangler.jsonc": '{\n  "name": "a",\n'}, "wrangler.jsonc:", "invalid JSONC"),
    ("jsonc-top-array", {"wrangler.jsonc": '[1, 2]'}, "wrangler.jsonc:1", "must be an object"),
    ("missing-name", {"wrangler.jsonc": '{\n  "main": "x.js",\n}'}, "wrangler.jsonc:1", "'name'"),
    ("name-not-string", {"wrangler.jsonc": '{\n  "name": 42,\n}'}, "wrangler.jsonc:2", "must be string"),
    ("name-invalid", {"wrangler.jsonc": '{\n  "name": "My Worker",\n}'}, "wrangler.jsonc:2", "invalid Worker name"),
    ("d1-not-array", {"wrangler.jsonc": '{"name": "a",\n "d1_databases": {"binding": "DB"}}'}, "wrangler.jsonc:2",
     "must be array"),
    ("d1-entry-not-object", {"wrangler.jsonc": '{"name": "a",\n "d1_databases": [\n  "DB"]}'}, "wrangler.jsonc:3",
     "must be an object"),
    ("binding-missing", {"wrangler.jsonc": '{"name": "a",\n "d1_databases": [\n  {"database_name": "d"}]}'},
     "wrangler.jsonc:3", "'binding'"),
    ("binding-wrong-type", {"wrangler.jsonc": '{"name": "a", "d1_databases": [{\n"binding": true}]}'},
     "wrangler.jsonc:2", "must be string"),
    ("binding-duplicate", {"wrangler.jsonc": '{"name": "a", "d1_databases": [\n' + GOOD_DB + ",\n" + GOOD_DB + "]}"},
     "wrangler.jsonc:3", "declared twice"),
    ("compat-date-bad", {"wrangler.jsonc": '{"name": "a",\n"compatibility_date": "March 1st"}'}, "wrangler.jsonc:2",
     "YYYY-MM-DD"),
    ("env-not-object", {"wrangler.jsonc": '{"name": "a", "env": {\n"production": []}}'}, "wrangler.jsonc:2",
     "must be an object"),
    ("env-vars-not-object", {"wrangler.jsonc": '{"name": "a", "env": {"p": {\n"vars": [1]}}}'}, "wrangler.jsonc:2",
     "'vars' must be object"),
    ("workers-dev-not-bool", {"wrangler.jsonc": '{"name": "a",\n"workers_dev": "yes"}'}, "wrangler.jsonc:2",
     "must be bool"),
    ("yaml-syntax", {".github/workflows/w.yml": "name: w\non: push\njobs:\n  a:\n    runs-on: [x\n"},
     ".github/workflows/w.yml:", "invalid YAML"),
    ("yaml-not-mapping", {".github/workflows/w.yml": "- just\n- a list\n"}, ".github/workflows/w.yml:1",
     "must be a mapping"),
    ("yaml-empty", {".github/workflows/w.yml": "# nothing\n"}, ".github/workflows/w.yml:1", "must be a mapping"),
    ("workflow-no-on", {".github/workflows/w.yml": "name: w\njobs:\n  a:\n    runs-on: x\n"},
     ".github/workflows/w.yml:1", "missing 'on:'"),
    ("workflow-no-jobs", {".github/workflows/w.yml": "name: w\non: push\njobs: {}\n"},
     ".github/workflows/w.yml:3", "'jobs'"),
    ("job-not-mapping", {".github/workflows/w.yml": WF_HEAD + "  a: 3\n"}, ".github/workflows/w.yml:4",
     "must be a mapping"),
    ("job-no-runs-on", {".github/workflows/w.yml": WF_HEAD + "  a:\n    steps: []\n"},
     ".github/workflows/w.yml:4", "runs-on"),
    ("unknown-needs", {".github/workflows/w.yml": WF_HEAD + "  a:\n    runs-on: x\n  b:\n    needs: [a, c]\n"
                       "    runs-on: x\n"}, ".github/workflows/w.yml:6", "unknown job 'c'"),
    ("needs-not-list", {".github/workflows/w.yml": WF_HEAD + "  a:\n    runs-on: x\n    needs: {x: 1}\n"},
     ".github/workflows/w.yml:6", "'needs'"),
    ("step-not-mapping", {".github/workflows/w.yml": WF_HEAD + "  a:\n    runs-on: x\n    steps:\n      - echo\n"},
     ".github/workflows/w.yml:7", "step 1"),
    ("secrets-doc-missing-key", {"checks/secrets.yml": "TOKEN:\n  purpose: p\n  where: w\n  rotation: r\n"},
     "checks/secrets.yml:1", "'permissions'"),
    ("secrets-doc-unknown-key", {"checks/secrets.yml": "TOKEN:\n  purpose: p\n  permissions: [a]\n  where: w\n"
                                 "  rotation: r\n  owner: me\n"}, "checks/secrets.yml:6", "unknown key 'owner'"),
    ("secrets-doc-not-mapping", {"checks/secrets.yml": "- TOKEN\n"}, "checks/secrets.yml:1", "mapping"),
]


@pytest.mark.parametrize(("files", "where", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_config_is_one_located_line(make_project: Callable[..., Path], files: dict[str, str], where: str,
                                        words: str) -> None:
    root = make_project(files)
    with pytest.raises(ConfigError) as info:
        load_project(root)
    text = str(info.value)
    assert text.startswith(where), text
    assert words in text, text
    assert "\n" not in text
    assert info.value.hint, "every config error says what to do"


def test_no_wrangler_config(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no wrangler.json, wrangler.jsonc or wrangler.toml found"):
        load_project(tmp_path)
    (tmp_path / "wrangler.toml").write_text('name = "x"\n')
    assert load_project(tmp_path).wrangler.name == "x"


def test_root_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a directory"):
        load_project(tmp_path / "missing")


def test_step_with_must_be_a_mapping(make_project: Callable[..., Path]) -> None:
    root = make_project({".github/workflows/w.yml": WF_HEAD + "  a:\n    runs-on: x\n    steps:\n"
                         "      - uses: actions/checkout@v5\n        with: oops\n"})
    with pytest.raises(ConfigError) as info:
        load_project(root)
    assert str(info.value).startswith(".github/workflows/w.yml:8"), str(info.value)


def test_an_unknown_need_hints_the_closest_jobs_in_one_short_line(make_project: Callable[..., Path]) -> None:
    jobs = "".join(f"  job-{i}:\n    runs-on: x\n" for i in range(300))
    text = WF_HEAD + jobs + "  build:\n    runs-on: x\n  deploy:\n    runs-on: x\n    needs: buidl\n"
    root = make_project({".github/workflows/w.yml": text})
    with pytest.raises(ConfigError) as err:
        load_project(root)
    hint = err.value.hint or ""
    assert hint.startswith("use one of: build, ") and hint.endswith("(and 294 more)"), hint
    assert len(str(err.value)) < 300 and "\n" not in str(err.value)
