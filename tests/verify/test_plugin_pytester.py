"""The pytest plugin in-process through ``pytester``: ini options beside flags, the header, the collector."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from opsdocs.drift.registry import RULES
from opsdocs.pytest_plugin import SESSION_KEY, CheckItem, ProjectChecks

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_remote(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CLOUDFLARE_API_TOKEN", "OPSDOCS_BASE_URL", "OPSDOCS_ROOT"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Path:
    return make_project()


def test_ini_options_resolve_relative_to_the_ini_file(pytester: pytest.Pytester, project: Path) -> None:
    pytester.makeini(f"[pytest]\nopsdocs_root = {project}\nopsdocs_report = out/r.json\n"
                     "opsdocs_base_url = https://ini.example\nopsdocs_external = true\n")
    sub = pytester.mkdir("sub")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(sub)  # paths in the ini are the ini file's, not the cwd's
        config = pytester.parseconfigure("--opsdocs", str(sub))
    options = config.stash[SESSION_KEY].options
    assert options.root == project
    assert options.report == pytester.path / "out" / "r.json"
    assert options.base_url == "https://ini.example"
    assert options.external is True


def test_flags_win_over_the_ini(pytester: pytest.Pytester, project: Path, tmp_path: Path) -> None:
    pytester.makeini("[pytest]\nopsdocs_root = nowhere\nopsdocs_report = ini.json\nopsdocs_base_url = https://ini\n")
    config = pytester.parseconfigure("--opsdocs", f"--opsdocs-root={project}", "--opsdocs-report=flag.json",
                                     "--opsdocs-base-url=https://flag", str(pytester.path))
    options = config.stash[SESSION_KEY].options
    assert (options.root, options.report, options.base_url) == (
        project, pytester.path / "flag.json", "https://flag")
    assert options.external is False


def test_inert_without_the_flag_even_with_ini_options(pytester: pytest.Pytester, project: Path) -> None:
    pytester.makeini(f"[pytest]\nopsdocs_root = {project}\n")
    pytester.makepyfile("def test_x():\n    pass\n")
    config = pytester.parseconfigure(str(pytester.path))
    assert SESSION_KEY not in config.stash
    pytester.runpytest().assert_outcomes(passed=1)


def test_items_are_yielded_by_the_opsdocs_collector(pytester: pytest.Pytester, project: Path) -> None:
    items, _ = pytester.inline_genitems("--opsdocs", f"--opsdocs-root={project}", str(pytester.path))
    assert items and all(isinstance(i, CheckItem) for i in items)
    (parent,) = {i.parent for i in items}
    assert isinstance(parent, ProjectChecks) and parent.name == "opsdocs"
    assert [i.name for i in parent.collect()] == [i.name for i in items]  # collect() really yields them
    assert any(i.name.startswith("[drift] ") for i in items)


def test_header_names_the_project_and_its_wrangler(pytester: pytest.Pytester, project: Path) -> None:
    version = json.loads((REPO / "node_modules" / "wrangler" / "package.json").read_text())["version"]
    result = pytester.runpytest("--opsdocs", f"--opsdocs-root={project}", "--collect-only", str(pytester.path))
    result.stdout.fnmatch_lines([f"opsdocs: project demo-worker ({project / 'wrangler.jsonc'}), wrangler {version}"])


def test_a_bad_root_is_one_failing_item_and_named_in_the_header(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nopsdocs_root = nowhere\n")
    result = pytester.runpytest("--opsdocs", str(pytester.path))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["opsdocs: *nowhere: project root is not a directory*"])


def test_selected_drift_checks_run_and_write_the_ini_report(pytester: pytest.Pytester, project: Path) -> None:
    pytester.makeini(f"[pytest]\nopsdocs_root = {project}\nopsdocs_report = r.json\n")
    result = pytester.runpytest("--opsdocs", "-m", "drift", str(pytester.path))
    outcomes = result.parseoutcomes()
    report = json.loads((pytester.path / "r.json").read_text())
    assert report["checks"] and all(c["kind"] == "drift" for c in report["checks"])
    assert outcomes.get("passed", 0) + outcomes.get("failed", 0) == len(RULES)  # one item per rule
