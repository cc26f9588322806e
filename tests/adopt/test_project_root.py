"""The current folder is the project: found as wrangler finds its config; --root and $OPSDOCS_ROOT win."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest
from adopt_helpers import SAMPLE_NAMES

from opsdocs.cli import main
from opsdocs.errors import ConfigError
from opsdocs.project.load import default_root, find_project_root


def _touch(path: Path, text: str = "{}") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize("name", ["wrangler.jsonc", "wrangler.json", "wrangler.toml"])
def test_nearest_config_at_or_above_the_folder(tmp_path: Path, name: str) -> None:
    _touch(tmp_path / "app" / name)
    deep = tmp_path / "app" / "src" / "routes"
    deep.mkdir(parents=True)
    assert find_project_root(deep) == tmp_path / "app"
    assert find_project_root(tmp_path / "app") == tmp_path / "app"


def test_names_are_searched_in_wranglers_order(tmp_path: Path) -> None:
    # wrangler 4 looks for wrangler.json up the whole tree before wrangler.jsonc, then wrangler.toml
    _touch(tmp_path / "wrangler.json")
    _touch(tmp_path / "pkg" / "wrangler.jsonc")
    _touch(tmp_path / "pkg" / "inner" / "wrangler.toml", "")
    assert find_project_root(tmp_path / "pkg" / "inner") == tmp_path
    (tmp_path / "wrangler.json").unlink()
    assert find_project_root(tmp_path / "pkg" / "inner") == tmp_path / "pkg"


def test_a_folder_named_like_a_config_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "a" / "wrangler.jsonc").mkdir(parents=True)
    _touch(tmp_path / "wrangler.jsonc")
    assert find_project_root(tmp_path / "a") == tmp_path


def test_none_up_to_the_filesystem_root_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        find_project_root(tmp_path)
    text = str(err.value)
    assert "\n" not in text and str(tmp_path) in text
    assert "--root DIR" in text and "$OPSDOCS_ROOT" in text


def test_env_overrides_the_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # nothing to find here
    monkeypatch.setenv("OPSDOCS_ROOT", str(tmp_path / "elsewhere"))
    assert default_root() == tmp_path / "elsewhere"
    monkeypatch.delenv("OPSDOCS_ROOT")
    with pytest.raises(ConfigError):
        default_root()


def _opsdocs(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, err.getvalue()


@pytest.fixture
def project_in_cwd(parcel_tracker: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = parcel_tracker
    monkeypatch.delenv("OPSDOCS_ROOT", raising=False)
    (root / "src" / "deep").mkdir()
    monkeypatch.chdir(root / "src" / "deep")
    return root


@pytest.mark.slow
def test_build_from_a_subfolder_documents_that_project_under_it(project_in_cwd: Path) -> None:
    code, err = _opsdocs("build")
    assert code == 0, err
    home = (project_in_cwd / "site" / "index.html").read_text(encoding="utf-8")
    assert "parcel-tracker" in home and "parcels-live" in (project_in_cwd / "site/runbook/index.html").read_text()
    assert not any(name in home for name in SAMPLE_NAMES)
    assert os.environ.get("OPSDOCS_ROOT") is None  # the build leaves the environment as it found it


def test_build_with_nothing_to_find_is_one_line_and_exit_2(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPSDOCS_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    code, err = _opsdocs("build")
    assert code == 2
    assert err.count("\n") == 1 and "no wrangler.json, wrangler.jsonc or wrangler.toml" in err
    assert not (tmp_path / "site").exists()


def test_root_flag_beats_the_env(project_in_cwd: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSDOCS_ROOT", str(tmp_path / "missing"))
    code, err = _opsdocs("verify", "--root", str(tmp_path / "missing-too"), "-m", "drift")
    assert code == 2 and "missing-too" in err and "\n" == err[-1] and err.count("\n") == 1
