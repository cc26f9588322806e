"""Node's compile cache: opsdocs fills it once, outside the sandbox; a step's wrangler reads it and cannot
change it; a Node without one gets nothing. And the help texts of a wrangler build are shared by every
checkout: a second project with the same wrangler runs no `--help`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opsdocs import toolchain
from opsdocs.project.load import load_project
from opsdocs.steps import _compile_cache, _isolation
from opsdocs.steps._proc import TRACE_ENV
from opsdocs.steps._wrangler_help import WranglerHelp
from opsdocs.steps.sandbox import Sandbox

needs_bwrap = pytest.mark.skipif(not _isolation.status().available, reason="no kernel sandbox here")


@pytest.fixture
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "opsdocs"


@needs_bwrap
def test_a_step_reads_the_compiled_bundle_and_cannot_write_it(make_project, user_cache: Path) -> None:
    with Sandbox(load_project(make_project())) as sandbox:
        folder = user_cache / "node-compile"
        before = sorted(p.name for p in folder.rglob("*"))
        assert any(name.startswith(".filled-") for name in before)  # opsdocs filled it, before any step
        seen = sandbox.run('NODE_DEBUG_NATIVE=COMPILE_CACHE npx wrangler --version 2>&1', 60.0)
        assert seen.exit_code == 0 and sandbox.toolchain.wrangler_version in seen.output
        assert "wrangler-dist/cli.js was accepted" in seen.output  # compiled once, read here
        plain = sandbox.run("npx wrangler --version", 60.0)
        assert plain.output.strip() == sandbox.toolchain.wrangler_version  # nothing else is printed
        write = sandbox.run('touch "$NODE_COMPILE_CACHE/x" || echo refused; '
                            'for f in "$NODE_COMPILE_CACHE"/v*/*; do break; done; echo x > "$f" || echo refused too',
                            30.0)
        assert "refused\n" in write.output and "refused too" in write.output
        assert sorted(p.name for p in folder.rglob("*")) == before


def test_a_node_without_a_compile_cache_gets_none(user_cache: Path) -> None:
    tools = toolchain.resolve(Path(__file__).resolve().parents[2])
    old = toolchain.Toolchain(tools.node, "20.20.2", tools.node_modules, tools.wrangler_js,
                              tools.wrangler_version, tools.wrangler_engines)
    assert _compile_cache.compile_cache(old) is None
    assert not (user_cache / "node-compile").exists()


def test_a_second_checkout_runs_no_help(make_project, tmp_path: Path, user_cache: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    first = make_project()
    WranglerHelp.for_version(first).prefetch([("d1", "execute"), ("deploy",)])
    shared = next((user_cache / "wrangler-help").glob("*.json"))
    second = tmp_path / "copy"
    second.mkdir()
    (second / "node_modules").symlink_to(first / "node_modules", target_is_directory=True)
    trace = tmp_path / "trace.jsonl"
    monkeypatch.setenv(TRACE_ENV, str(trace))
    help_ = WranglerHelp.for_version(second)
    assert help_.shared_file == shared
    spec = help_.command(("d1", "execute"))
    assert spec is not None and spec.flag("--local") is not None
    assert help_.command(("deploy",)) is not None
    assert not trace.exists()  # answered from the user's cache: no wrangler ran


def test_the_key_follows_the_bundle_bytes_not_its_mtime(tmp_path: Path) -> None:
    # `npm ci` on a CI runner rewrites the same bundle with a new mtime each run: the carried cache must
    # still be found. A patched bundle (same size, other bytes) must not be.
    real = toolchain.resolve(Path(__file__).resolve().parents[2])
    dist = tmp_path / "node_modules" / "wrangler" / "wrangler-dist"
    dist.mkdir(parents=True)
    (dist.parent / "bin").mkdir()
    launcher = dist.parent / "bin" / "wrangler.js"
    launcher.write_text("")
    bundle = dist / "cli.js"
    bundle.write_text("console.log(1)\n")
    tools = toolchain.Toolchain(real.node, real.node_version, tmp_path / "node_modules", launcher,
                                real.wrangler_version, real.wrangler_engines)
    first = _compile_cache.build_key(tools)
    os.utime(bundle, ns=(10**18, 10**18))
    assert _compile_cache.build_key(tools) == first
    bundle.write_text("console.log(2)\n")
    assert _compile_cache.build_key(tools) != first
