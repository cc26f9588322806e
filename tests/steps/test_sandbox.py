"""The sandbox and its process groups, with real processes, real files and the real wrangler."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from opsdocs.errors import EnvironmentProblem
from opsdocs.project.load import CHECKOUT_ROOT, load_project
from opsdocs.steps import _proc
from opsdocs.steps.sandbox import Sandbox

WORKER = "export default { fetch() { return new Response('ok'); } };\n"


def _alive(pid: int) -> bool:
    """Running and not a zombie (a zombie has exited; only its exit status is left)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _wait_gone(pids: list[int], within_s: float = 5.0) -> list[int]:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    return [p for p in pids if _alive(p)]


def _pids(path: Path) -> list[int]:
    return [int(word) for word in path.read_text().split()]


# --- _proc: process groups -----------------------------------------------------------------------


def test_timeout_kills_the_whole_tree(tmp_path: Path) -> None:
    script = "echo $$ > pids; sleep 60 & echo $! >> pids; echo started; wait"
    began = time.monotonic()
    result = _proc.run(["bash", "-c", script], cwd=tmp_path, env=dict(os.environ), timeout_s=1)
    assert result.timed_out
    assert time.monotonic() - began < 10
    assert "started" in result.output
    pids = _pids(tmp_path / "pids")
    assert len(pids) == 2
    assert _wait_gone(pids, within_s=0.5) == []  # gone when run() returns, not eventually


def test_background_child_dies_with_a_finished_step(tmp_path: Path) -> None:
    # The child keeps the output open; run() must neither wait for it nor let it live on.
    script = "sleep 60 & echo $! > pid; echo done"
    began = time.monotonic()
    result = _proc.run(["bash", "-c", script], cwd=tmp_path, env=dict(os.environ), timeout_s=30)
    assert (result.exit_code, result.timed_out) == (0, False)
    assert time.monotonic() - began < 10
    assert _wait_gone(_pids(tmp_path / "pid"), within_s=0.5) == []


def test_exit_code_and_merged_output_without_colours(tmp_path: Path) -> None:
    script = r"echo to-stdout; echo to-stderr >&2; printf '\033[31mred\033[0m\n'; exit 3"
    result = _proc.run(["bash", "-c", script], cwd=tmp_path, env=dict(os.environ), timeout_s=10)
    assert result.exit_code == 3 and not result.timed_out
    assert "to-stdout" in result.output and "to-stderr" in result.output
    assert "red" in result.output and "\x1b" not in result.output


_CHILD = textwrap.dedent("""
    import sys, time
    from opsdocs.steps import _proc
    how = sys.argv[1]
    if how == "run":  # interrupted while run() waits
        _proc.run(["bash", "-c", "sleep 60 & echo $! > pid; echo $$ >> pid; wait"], cwd=".", env={},
                  timeout_s=120)
    else:  # a started group, interrupted while Python does something else
        _proc.start(["bash", "-c", "sleep 60 & echo $! > pid; echo $$ >> pid; wait"], cwd=".", env={})
        time.sleep(120)
""")


@pytest.mark.parametrize(("how", "sig"), [("run", signal.SIGINT), ("start", signal.SIGINT),
                                          ("start", signal.SIGTERM)])
def test_signal_to_the_parent_kills_its_groups(tmp_path: Path, how: str, sig: signal.Signals) -> None:
    env = {**os.environ, "PYTHONPATH": str(CHECKOUT_ROOT / "src")}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, how], cwd=tmp_path, env=env,
                             start_new_session=True, stderr=subprocess.PIPE)
    try:
        pid_file = tmp_path / "pid"
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(pid_file.read_text().split() if pid_file.exists() else []) < 2:
            time.sleep(0.05)
        pids = _pids(pid_file)
        assert all(_alive(p) for p in pids)
        child.send_signal(sig)
        child.wait(timeout=15)
        assert _wait_gone(pids, within_s=2) == []
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        if child.stderr:
            child.stderr.close()


# --- Sandbox -------------------------------------------------------------------------------------


@pytest.fixture
def project_root(make_project: Callable[..., Path]) -> Path:
    return make_project({"src/index.js": WORKER, "src/lib/util.js": "export const x = 1;\n",
                         "package.json": "{}\n", "notes/private.txt": "not copied\n"})


def test_copies_what_wrangler_reads_and_nothing_else(project_root: Path) -> None:
    project = load_project(project_root)
    with Sandbox(project) as sb:
        copied = {p.relative_to(sb.root).as_posix() for p in sb.root.rglob("*") if p.is_file()
                  and "node_modules" not in p.relative_to(sb.root).parts}
        assert copied == {"wrangler.jsonc", "package.json", "migrations/0001_init.sql", "src/index.js",
                          "src/lib/util.js"}
        assert (sb.root / "node_modules").is_symlink()
        assert sb.state_dir.is_relative_to(sb.root)
        tmp = sb.root.parent
    assert not tmp.exists()


def test_removed_on_error(project_root: Path) -> None:
    with pytest.raises(RuntimeError), Sandbox(load_project(project_root)) as sb:
        tmp = sb.root.parent
        raise RuntimeError("a step blew up")
    assert not tmp.exists()


def test_environment_keeps_credentials_out_of_every_block(
    project_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "tok-123456789")
    monkeypatch.setenv("UNRELATED_SECRET", "leaky-value")
    script = 'echo "token=${CLOUDFLARE_API_TOKEN:-unset} other=${UNRELATED_SECRET:-unset} home=$HOME ci=$CI"'
    with Sandbox(load_project(project_root)) as sb:
        rehearse = sb.run(script, 10).output
        remote = sb.run(script, 10, remote=True).output
        home = str(sb.home)
    assert "token=unset" in rehearse and "other=unset" in rehearse
    assert f"home={home}" in rehearse and "ci=true" in rehearse
    # remote-read too: only the wrangler the credential broker starts holds the token (test_broker.py)
    assert "token=unset" in remote and "other=unset" in remote


def test_bash_stops_at_the_first_failing_line(project_root: Path) -> None:
    with Sandbox(load_project(project_root)) as sb:
        result = sb.run("echo one\nfalse | cat\necho two", 10)
    assert result.exit_code == 1  # pipefail: a failure inside a pipeline counts
    assert "one" in result.output and "two" not in result.output


def test_wrangler_state_stays_in_the_sandbox(project_root: Path) -> None:
    project = load_project(project_root)
    with Sandbox(project) as sb:
        result = sb.run("npx wrangler d1 migrations apply demo-db --local", 120)
        assert result.exit_code == 0, result.output
        assert "0001_init.sql" in result.output
        assert (sb.state_dir / "v3" / "d1").is_dir()
        again = sb.run("npx wrangler d1 migrations apply demo-db --local", 120)
        assert "No migrations to apply" in again.output
    assert not (project_root / ".wrangler").exists()


def test_no_real_login_is_visible(project_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN", raising=False)
    with Sandbox(load_project(project_root)) as sb:
        assert not any(sb.home.rglob("*.toml"))  # no wrangler login config to find
        result = sb.run("npx wrangler whoami --json", 60)
    assert result.exit_code != 0


def test_missing_wrangler_is_an_environment_problem(project_root: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "empty_node_modules"
    empty.mkdir()
    monkeypatch.setenv("OPSDOCS_NODE_MODULES", str(empty))
    with pytest.raises(EnvironmentProblem) as err, Sandbox(load_project(project_root)):
        pass
    assert "npm ci" in str(err.value) and "\n" not in str(err.value)
