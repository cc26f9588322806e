from __future__ import annotations

import copy
import json
import os
import stat
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, get_args

import jsonschema
import pytest

import opsdocs.report.json as rjson
from opsdocs.errors import ConfigError
from opsdocs.report import Finding, Report, build_report, current_commit, read_report, write_report
from opsdocs.project.model import Location
from opsdocs._fs import atomic_write_text
from opsdocs.report._schema import report_schema, validate
from opsdocs.report.finding import Kind, Status

GUIDES_DOCS = Path(__file__).resolve().parents[2] / "src" / "opsdocs" / "guides" / "docs"


def _jsonschema_errors(instance: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(
        report_schema(), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [e.message for e in validator.iter_errors(instance)]


def test_schema_file_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(report_schema())


def test_schema_enums_match_the_finding_types() -> None:
    item = report_schema()["properties"]["checks"]["items"]["properties"]
    assert set(item["kind"]["enum"]) == set(get_args(Kind))
    assert set(item["status"]["enum"]) == set(get_args(Status))


def test_built_report_matches_the_schema(report_json: dict[str, Any]) -> None:
    report = report_json
    assert validate(report, report_schema()) == []
    assert _jsonschema_errors(report) == []
    assert report["version"] == 1
    assert report["root"] == "/srv/app"
    assert report["started_at"] == "2026-05-01T12:30:05+00:00"
    assert report["duration_s"] == 2.346
    assert report["summary"] == {"passed": 3, "failed": 2, "skipped": 2}


def test_checks_are_failed_then_skipped_then_passed_stable_within(
    report: Report, findings: list[Finding]
) -> None:
    ids = [f.id for f in report.findings]
    assert ids == [
        "runbook:docs/migrations.md:42",
        "drift:undocumented-secret:FOO",
        "health:/healthz",
        "runbook:docs/rollback.md:10",
        "link:docs/index.md:3",
        "workflow:actionlint",
        "runbook:docs/migrations.md:50",
    ]
    assert report.findings[0] == findings[1]
    assert report.to_json()["checks"][0] == findings[1].to_json()


def test_started_at_is_always_utc() -> None:
    plus2 = timezone(timedelta(hours=2))
    r = build_report([], root=Path("."), started_at=datetime(2026, 1, 1, 14, 0, tzinfo=plus2), duration_s=0)
    assert r.header.started_at == "2026-01-01T12:00:00+00:00"
    naive = build_report([], root=Path("."), started_at=datetime(2026, 1, 1, 14, 0), duration_s=0)
    assert naive.header.started.tzinfo == timezone.utc
    assert validate(naive.to_json(), report_schema()) == []


BROKEN: list[tuple[str, Any]] = [
    ("/summary/failed", "many"),
    ("/checks/0/status", "error"),
    ("/checks/0/kind", "lint"),
    ("/checks/0/duration_s", -1),
    ("/started_at", "yesterday"),
    ("/started_at", "2026-05-01T12:00:00"),  # no time zone
    ("/commit", 42),
    ("/version", True),
    ("/extra", 1),
    ("/checks/0/extra", 1),
]


@pytest.mark.parametrize(("pointer", "value"), BROKEN)
def test_tiny_validator_and_jsonschema_agree_on_broken_reports(
    report_json: dict[str, Any], pointer: str, value: Any
) -> None:
    broken = copy.deepcopy(report_json)
    *parents, last = pointer.strip("/").split("/")
    target: Any = broken
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    target[last] = value
    assert validate(broken, report_schema()), pointer
    # jsonschema checks "date-time" only with rfc3339-validator installed; the tiny validator always does.
    if pointer != "/started_at":
        assert _jsonschema_errors(broken), pointer


@pytest.mark.parametrize(
    "key", ["version", "root", "started_at", "duration_s", "commit", "summary", "checks"]
)
def test_every_top_level_key_is_required(report_json: dict[str, Any], key: str) -> None:
    report = report_json
    del report[key]
    assert validate(report, report_schema()) == [f"/: missing {key!r}"]
    assert _jsonschema_errors(report)


def test_tiny_validator_refuses_keywords_it_does_not_enforce() -> None:
    with pytest.raises(ValueError, match="pattern"):
        validate("x", {"type": "string", "pattern": "^y$"})


# --- masking ------------------------------------------------------------------------------------


def test_the_runs_masker_masks_longest_first_and_ignores_short_values(tmp_path: Path, make_project: Any) -> None:
    """Through the hook `opsdocs verify` runs at the end, with the credentials of its environment."""
    from opsdocs.verify._session import OpsdocsSession
    from opsdocs.verify.context import VerifyContext, VerifyOptions

    env = {"CLOUDFLARE_API_TOKEN": "abcd1234", "CLOUDFLARE_EMAIL": "abcd", "CLOUDFLARE_ACCOUNT_ID": "yes",
           "PATH": os.environ["PATH"]}
    options = VerifyOptions(root=make_project(), report=tmp_path / "r.json", env=env)
    session = OpsdocsSession(options, ctx=VerifyContext(options))
    session.findings = [Finding("health:x", "health", "failed", None, "token=abcd1234 and abcd; a yes b")]
    session.pytest_sessionfinish(None, 0)  # type: ignore[arg-type]
    (check,) = json.loads((tmp_path / "r.json").read_text())["checks"]
    assert check["message"] == "token=*** and ***; a yes b"  # "yes" is shorter than 4: ordinary words stay


def test_the_runs_report_masks_every_field_with_the_runs_masker(tmp_path: Path, make_project: Any) -> None:
    """Through the hook `opsdocs verify` runs at the end: the context's Masker, the JSON and JUnit files."""
    from opsdocs.verify._session import OpsdocsSession
    from opsdocs.verify.context import VerifyContext, VerifyOptions

    secret = "s3cr3t-T0KEN-value"
    options = VerifyOptions(root=make_project(), report=tmp_path / "r.json", junit=tmp_path / "j.xml",
                            env={"CLOUDFLARE_API_TOKEN": secret, "PATH": os.environ["PATH"]})
    session = OpsdocsSession(options, ctx=VerifyContext(options))
    session.findings = [
        Finding(f"runbook:{secret}.md:1", "runbook", "failed", Location(f"{secret}.md", 1),
                f"curl -H 'Bearer {secret}' failed", check=f"{secret}.md", subject="1"),
        Finding("health:x", "health", "passed", None, f"ok\n{secret}"),
    ]
    session.pytest_sessionfinish(None, 0)  # type: ignore[arg-type]
    report = json.loads((tmp_path / "r.json").read_text())
    assert [c["message"] for c in report["checks"]] == ["curl -H 'Bearer ***' failed", "ok\n***"]
    for name in ("r.json", "j.xml"):
        assert secret.encode() not in (tmp_path / name).read_bytes()


# --- writing and reading ------------------------------------------------------------------------


def test_write_then_read_round_trips(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "deep" / "dir" / "report.json"
    write_report(report, path)
    assert read_report(path) == report  # typed, field for field: locations, columns, identity, timings
    assert json.loads(path.read_text(encoding="utf-8")) == report.to_json()
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert [p.name for p in path.parent.iterdir()] == ["report.json"]  # no temp file left


def test_a_failed_write_leaves_the_old_file_and_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "report.json"
    path.write_text("old", encoding="utf-8")

    def refuse(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_text(path, "new")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_read_report_is_none_when_there_is_no_report(tmp_path: Path) -> None:
    assert read_report(tmp_path / "missing.json") is None


def test_corrupt_json_is_a_config_error_at_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text('{\n  "version": 1,\n  "root": oops\n}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_report(path)
    err = info.value
    assert (err.path, err.line, err.col) == (str(path), 3, 11)
    assert str(err).startswith(f"{path}:3:11: the report is not valid JSON: Expecting value; ")
    assert "opsdocs verify" in str(err) and "\n" not in str(err)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda r: r["checks"][0].update(status="exploded"), "/checks/0/status"),
        (lambda r: r.pop("summary"), "missing 'summary'"),
        (lambda r: r["summary"].update(failed=9), "/summary/failed: says 9 but 2 checks are failed"),
        (lambda r: r.update(version=2), "report version 2 is not 1"),
    ],
)
def test_a_report_that_does_not_match_the_schema_is_a_config_error(
    report_json: dict[str, Any], tmp_path: Path, mutate: Any, expected: str
) -> None:
    report = report_json
    mutate(report)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report), encoding="utf-8")
    with pytest.raises(ConfigError, match=expected.replace("(", r"\(")) as info:
        read_report(path)
    assert info.value.path == str(path) and info.value.hint


def test_a_json_list_is_not_a_report(tmp_path: Path) -> None:
    path = tmp_path / "report.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(ConfigError, match="expected object, got array"):
        read_report(path)


# --- current_commit -----------------------------------------------------------------------------


def _git(cwd: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
    }
    out = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=30, check=True
    )
    return out.stdout.strip()


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Keep git from finding a repository above the temp dir.
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    repo = tmp_path / "repo"
    repo.mkdir()
    return repo


def test_current_commit_is_head_of_a_real_repository(isolated: Path) -> None:
    assert current_commit(isolated) is None  # not a repository yet
    _git(isolated, "init", "-q")
    assert current_commit(isolated) is None  # a repository without commits has no HEAD
    (isolated / "f").write_text("x")
    _git(isolated, "add", "f")
    _git(isolated, "commit", "-q", "-m", "one")
    head = current_commit(isolated)
    assert head == _git(isolated, "rev-parse", "HEAD") and len(head) == 40


def test_current_commit_gives_up_on_a_hanging_git_and_kills_its_children(
    isolated: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    pidfile = tmp_path / "child.pid"
    fake = bindir / "git"
    fake.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pidfile}\nwait\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(rjson, "_GIT_TIMEOUT_S", 0.5)
    assert current_commit(isolated) is None
    child = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie is dead, just not yet reaped by its new parent


def test_checks_carry_typed_location_identity_and_the_rules_section(tmp_path: Path) -> None:
    from opsdocs.drift.registry import RULES
    from opsdocs.site._sections import drift_rules

    rule = RULES[0]
    finding = Finding(f"drift:{rule.id}:X", "drift", "failed", Location("a:b.md", 4, 9), "m", check=rule.id,
                      subject="X")
    report = build_report([finding], root=tmp_path, started_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
                          duration_s=0)
    (check,) = report.to_json()["checks"]
    assert {k: check[k] for k in ("location", "path", "line", "column", "check", "subject")} == {
        "location": "a:b.md:4", "path": "a:b.md", "line": 4, "column": 9, "check": rule.id, "subject": "X"}
    page, anchor = check["help"].split("#")
    assert (GUIDES_DOCS / page).is_file() and f"{{ #{anchor} }}" in drift_rules()  # the section exists
    write_report(report, tmp_path / "r.json")
    assert read_report(tmp_path / "r.json") == report  # the schema knows the new fields


def test_importing_a_finding_does_not_import_rich() -> None:
    code = ("import sys; from opsdocs.report.finding import Finding; import opsdocs.report; "
            "sys.exit(bool({'rich', 'xml.etree.ElementTree'} & set(sys.modules)))")
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_a_location_string_is_refused_with_what_to_pass() -> None:
    with pytest.raises(TypeError, match=r"pass Location\(path, line, col\)"):
        Finding("drift:x", "drift", "failed", "a.md:3", "m")  # type: ignore[arg-type]


def test_from_json_is_the_typed_report_and_refuses_what_is_not_one(report: Report) -> None:
    """The public pair a reader of reports (the status page, `opsdocs report merge`) builds on."""
    data = json.loads(json.dumps(report.to_json()))
    again = Report.from_json(data)
    assert again == report and again.summary.failed == 2 and again.findings[0].location == Location(
        "docs/migrations.md", 42, 1)
    data["checks"][0]["status"] = "exploded"
    with pytest.raises(ValueError, match="/checks/0/status"):
        Report.from_json(data)
