"""opsdocs.toolchain: which Node and which wrangler every call uses (the real pinned pair, and projects
with their own node_modules). A stub ``node`` script stands in for an old Node only where the test is
about the refusal message."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from opsdocs import load_project, toolchain
from opsdocs.errors import EnvironmentProblem
from opsdocs.steps.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[1]
PINNED = json.loads((REPO / "node_modules" / "wrangler" / "package.json").read_text())


def _stub_node(directory: Path, version: str) -> Path:
    """A ``node`` that only answers ``--version`` (an old system Node, for the refusal path)."""
    directory.mkdir(parents=True, exist_ok=True)
    node = directory / "node"
    node.write_text(f"#!/bin/sh\necho v{version}\n")
    node.chmod(node.stat().st_mode | stat.S_IXUSR)
    return node


def _own_wrangler(root: Path, *, version: str = "9.1.0", engines: str | None = ">=22.12.0") -> Path:
    """A project whose node_modules holds its own wrangler (and no node binary)."""
    pkg = root / "node_modules" / "wrangler"
    (pkg / "bin").mkdir(parents=True)
    data: dict[str, object] = {"name": "wrangler", "version": version, "bin": {"wrangler": "./bin/wrangler.js"}}
    if engines is not None:
        data["engines"] = {"node": engines}
    (pkg / "package.json").write_text(json.dumps(data))
    (pkg / "bin" / "wrangler.js").write_text("console.log(require('../package.json').version)\n")
    return root


def test_the_pinned_pair_is_node_from_node_modules_and_wranglers_own_entry() -> None:
    tools = toolchain.resolve(REPO)
    assert tools.node == REPO / "node_modules" / ".bin" / "node"
    assert tools.wrangler_js == REPO / "node_modules" / "wrangler" / "bin" / "wrangler.js"
    assert tools.wrangler_version == PINNED["version"] and tools.wrangler_engines == PINNED["engines"]["node"]
    major = int(tools.node_version.split(".")[0])
    assert major >= 22 and tools.node_version in tools.describe()


def test_a_project_without_node_modules_is_one_line_never_the_pinned_pair(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the project's own wrangler (issue 9): no silent fallback to the one this checkout pins.
    monkeypatch.delenv(toolchain.NODE_MODULES_ENV, raising=False)
    (tmp_path / "package.json").write_text('{"devDependencies": {"wrangler": "4.164.0"}}')
    (tmp_path / "yarn.lock").write_text("# yarn lockfile v1\n")
    with pytest.raises(EnvironmentProblem) as err:
        toolchain.resolve(tmp_path)
    assert "never another version" in str(err.value) and "\n" not in str(err.value)
    assert err.value.hint == "run `yarn install --frozen-lockfile` in it"


def test_the_projects_own_wrangler_wins_and_runs_on_path_node(tmp_path: Path) -> None:
    root = _own_wrangler(tmp_path / "proj", engines=">=18")
    (root / "sub").mkdir()
    node = _stub_node(tmp_path / "bin", "22.1.0")
    tools = toolchain.resolve(root / "sub", path=str(node.parent))  # found in a parent (workspaces)
    assert (tools.wrangler_version, tools.node, tools.node_version) == ("9.1.0", node, "22.1.0")
    assert tools.argv("d1", "list") == [str(node), str(root / "node_modules/wrangler/bin/wrangler.js"), "d1", "list"]


def test_a_node_too_old_for_wranglers_engines_is_one_line_saying_what_to_install(tmp_path: Path) -> None:
    root = _own_wrangler(tmp_path / "proj")
    node = _stub_node(tmp_path / "bin", "20.20.2")
    with pytest.raises(EnvironmentProblem) as info:
        toolchain.resolve(root, path=str(node.parent))
    text = str(info.value)
    assert text.startswith(f"wrangler 9.1.0 needs Node >=22.12.0, but {node} is v20.20.2; install Node >=22.12.0")
    assert "node@22" in text and "\n" not in text


def test_a_node_in_node_modules_beats_path(tmp_path: Path) -> None:
    root = _own_wrangler(tmp_path / "proj")
    bundled = _stub_node(root / "node_modules" / ".bin", "22.23.3")
    old = _stub_node(tmp_path / "bin", "20.0.0")
    assert toolchain.resolve(root, path=str(old.parent)).node == bundled
    _stub_node(root / "node_modules" / ".bin", "21.0.0")  # an outdated node package: reinstall it
    with pytest.raises(EnvironmentProblem, match=r"is v21\.0\.0; run `npm ci`"):
        toolchain.resolve(root, path=str(old.parent))


def test_no_node_at_all_and_no_engines(tmp_path: Path) -> None:
    root = _own_wrangler(tmp_path / "proj", engines=None)
    with pytest.raises(EnvironmentProblem, match="Node.js is not on PATH"):
        toolchain.resolve(root, path=str(tmp_path / "empty"))
    node = _stub_node(tmp_path / "bin", "16.0.0")  # wrangler states no engines: nothing to hold it to
    assert toolchain.resolve(root, path=str(node.parent)).wrangler_engines is None


def test_broken_wrangler_package_and_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "proj"
    (root / "node_modules" / "wrangler").mkdir(parents=True)
    (root / "node_modules" / "wrangler" / "package.json").write_text("{not json")
    with pytest.raises(EnvironmentProblem, match="cannot read the wrangler version"):
        toolchain.resolve(root)
    monkeypatch.setenv(toolchain.NODE_MODULES_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(EnvironmentProblem, match=r"not installed in \$OPSDOCS_NODE_MODULES"):
        toolchain.resolve(REPO)  # the override is the only place looked at, even beside a good install


@pytest.mark.slow
def test_every_way_a_step_calls_node_or_wrangler_reaches_the_same_pair(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The caller's PATH starts with an old Node: a step must still get the toolchain's.
    old = _stub_node(tmp_path / "bin", "20.0.0")
    monkeypatch.setenv("PATH", f"{old.parent}{os.pathsep}{os.environ['PATH']}")
    tools = toolchain.resolve(REPO)
    script = ("node --version; wrangler --version; npx wrangler --version; node_modules/.bin/wrangler --version;"
              " npx --no-install wrangler --version")
    with Sandbox(load_project(REPO)) as sb:
        result = sb.run(script, 120)
    lines = [ln.strip() for ln in result.output.splitlines() if ln.strip()]
    assert result.exit_code == 0, result.output
    assert lines == [f"v{tools.node_version}"] + [tools.wrangler_version] * 4
