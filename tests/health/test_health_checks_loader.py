"""checks/health.yml loader: every mistake is one ``path:line:col: message; hint`` line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from opsdocs.errors import ConfigError
from opsdocs.project.checks import load_health_checks

REPO = Path(__file__).resolve().parents[2]


def write(root: Path, text: str) -> Path:
    path = root / "checks" / "health.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_health_checks(write(tmp_path, text), tmp_path)
    message = str(info.value)
    assert "\n" not in message
    assert info.value.hint, "every error carries a hint"
    return message


# (YAML, expected "line:col" prefix, a fragment of the message)
BAD = {
    "bad-yaml": ("- name: a\n  path: /x\n   status: 200\n", "3:10", "invalid YAML"),
    "unclosed-quote": ("- name: 'a\n  path: /x\n", "3:1", "invalid YAML"),
    "not-a-list": ("name: health\npath: /health\n", "1:1", "must be a list of checks"),
    "item-not-mapping": ("- /health\n", "1:3", "each check must be a mapping"),
    "missing-path": ("- name: a\n  status: 200\n", "1:3", "check is missing 'path'"),
    "missing-name": ("- name: a\n  path: /a\n- path: /b\n", "3:3", "check is missing 'name'"),
    "status-not-int": ("- name: a\n  path: /x\n  status: '200'\n", "3:11", "status must be an integer, got '200'"),
    "status-bool": ("- name: a\n  path: /x\n  status: yes\n", "3:11", "status must be an integer, got True"),
    "status-range": ("- name: a\n  path: /x\n  status: 999\n", "3:11", "status must be >= 100 and <= 599"),
    "unknown-key": ("- name: a\n  path: /x\n  statsu: 200\n", "3:3", "unknown key 'statsu'"),
    "negative-retries": ("- name: a\n  path: /x\n  retries: -1\n", "3:12", "retries must be >= 0"),
    "float-retries": ("- name: a\n  path: /x\n  retries: 1.5\n", "3:12", "retries must be an integer"),
    "zero-latency": ("- name: a\n  path: /x\n  latency_ms: 0\n", "3:15", "latency_ms must be > 0"),
    "zero-timeout": ("- name: a\n  path: /x\n  timeout: 0\n", "3:12", "timeout must be > 0"),
    "path-no-slash": ("- name: a\n  path: health\n", "2:9", "must start with '/'"),
    "empty-name": ("- name: ''\n  path: /x\n", "1:9", "name must be a non-empty string"),
    "mutating-method": ("- name: a\n  path: /x\n  method: post\n", "3:11", "method 'POST' is not allowed"),
    "json-not-mapping": ("- name: a\n  path: /x\n  json: [status]\n", "3:9", "json must be a mapping"),
    "fields-not-list": ("- name: a\n  path: /x\n  json_fields: version\n", "3:16", "json_fields must be a list"),
    "head-with-json": ("- name: a\n  path: /x\n  method: HEAD\n  json: {a: 1}\n", "4:9", "HEAD responses"),
    "duplicate-key": ("- name: a\n  path: /x\n  path: /y\n", "3:3", "duplicate key 'path'"),
    "duplicate-name": ("- name: a\n  path: /x\n- name: a\n  path: /y\n", "3:9", "duplicate check name 'a'"),
    "python-tag": ("- name: !!python/name:os.system a\n  path: /x\n", "1:9", "invalid value"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_input_is_one_located_line(tmp_path: Path, case: str) -> None:
    text, where, fragment = BAD[case]
    message = load_error(tmp_path, text)
    assert message.startswith(f"checks/health.yml:{where}: "), message
    assert fragment in message, message


def test_unknown_key_suggests_the_close_one(tmp_path: Path) -> None:
    assert "did you mean 'status'?" in load_error(tmp_path, BAD["unknown-key"][0])
    far = load_error(tmp_path, "- name: a\n  path: /x\n  zzz: 1\n")
    assert "known keys: name, path, method" in far


def test_path_outside_root_is_shown_as_given(tmp_path: Path) -> None:
    path = write(tmp_path, "- name: a\n")
    with pytest.raises(ConfigError) as info:
        load_health_checks(path, tmp_path / "elsewhere")
    assert str(info.value).startswith(f"{path}:1:3: ")


def test_missing_and_empty_files_declare_nothing(tmp_path: Path) -> None:
    assert load_health_checks(tmp_path / "checks" / "health.yml", tmp_path) == ()
    assert load_health_checks(write(tmp_path, "# nothing yet\n"), tmp_path) == ()


def test_unreadable_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "checks" / "health.yml"
    path.parent.mkdir()
    path.write_bytes(b"- name: \xff\xfe\n")
    with pytest.raises(ConfigError) as info:
        load_health_checks(path, tmp_path)
    # Located at the first bad byte, with what to do.
    assert str(info.value) == ("checks/health.yml:1:9: the health checks file is not valid UTF-8 (byte 0xff); "
                               "save it as UTF-8")


def test_values_defaults_and_locations(tmp_path: Path) -> None:
    path = write(tmp_path, """\
        # comment
        - name: health
          path: /health
          method: get
          json: {status: ok, nested.flag: true}
          json_fields: [version]
          latency_ms: 250.5
          retries: 3
          backoff: 0.25
          timeout: 2

        - name: root
          path: /
        """)
    first, second = load_health_checks(path, tmp_path)
    assert (first.name, first.path, first.method, first.expect_status) == ("health", "/health", "GET", 200)
    assert first.expect_json == {"status": "ok", "nested.flag": True}
    assert first.expect_json_fields == ("version",)
    assert (first.latency_budget_ms, first.retries, first.backoff_s, first.timeout_s) == (250.5, 3, 0.25, 2.0)
    assert str(first.location) == "checks/health.yml:2"
    assert str(second.location) == "checks/health.yml:12"
    assert (second.retries, second.backoff_s, second.timeout_s, second.latency_budget_ms) == (2, 0.5, 10.0, 1000.0)


def test_shipped_checks_cover_health_root_and_404() -> None:
    checks = {c.path: c for c in load_health_checks(REPO / "checks" / "health.yml", REPO)}
    assert checks["/health"].expect_json == {"status": "ok", "db": "ok"}
    assert "version" in checks["/health"].expect_json_fields
    assert checks["/"].expect_status == 200 and "health" in checks["/"].expect_json_fields
    assert [c.expect_status for c in checks.values()].count(404) == 1
    assert all(c.location.path == "checks/health.yml" for c in checks.values())
