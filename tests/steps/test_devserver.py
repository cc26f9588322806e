"""DevServer: the real wrangler dev, real workerd, real local D1; nothing survives it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from opsdocs.devserver import DevServer
from opsdocs.errors import EnvironmentProblem
from opsdocs.project.load import CHECKOUT_ROOT, load_project
from opsdocs.steps._proc import group_members
from opsdocs.steps.sandbox import Sandbox

pytestmark = [pytest.mark.slow]  # wrangler is there: tests/conftest.py stops the suite without `npm ci`


def _workerd_pids() -> set[int]:
    """Live workerd processes. Zombies are left out: a killed workerd is reparented to pid 1 and stays a
    zombie (dead, holding no port or memory) until init reaps it, which here takes a second or two."""
    out = subprocess.run(["pgrep", "workerd"], capture_output=True, text=True, timeout=10).stdout
    return {int(p) for p in out.split() if _state(int(p)) not in ("Z", "gone")}


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return "gone"


def _wait_empty(pgid: int, within_s: float = 10.0) -> list[int]:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and group_members(pgid):
        time.sleep(0.1)
    return group_members(pgid)


def test_serves_the_worker_with_migrated_d1_and_leaves_nothing_behind() -> None:
    project = load_project(CHECKOUT_ROOT)
    with Sandbox(project) as sb:
        with DevServer(sb) as dev:
            assert dev.base_url.startswith("http://127.0.0.1:")
            response = httpx.get(dev.base_url + "/health", timeout=10)
            # accounts comes from a real query: the migrations ran against the state wrangler dev serves
            assert response.status_code == 200, response.text
            assert response.json()["db"] == "ok" and response.json()["accounts"] >= 1
            pgid = dev.pgid
            assert pgid is not None
            ours = _workerd_pids() & set(group_members(pgid))
            assert ours, "wrangler dev runs workerd inside its process group"
        assert _wait_empty(pgid, within_s=1) == []
        assert ours.isdisjoint(_workerd_pids())
        assert not (CHECKOUT_ROOT / "worker" / ".wrangler").exists()


def test_a_remote_binding_is_served_from_local_state(make_project: Callable[..., Path]) -> None:
    # With `"remote": true`, plain `wrangler dev` opens a remote proxy session and, offline and without a
    # token, exits before it answers. The server disables remote bindings (`--local`), so the local check
    # runs against the migrated local D1.
    root = make_project({
        "wrangler.jsonc": """\
            {"name": "demo-worker", "main": "src/index.js", "compatibility_date": "2025-01-01",
             "d1_databases": [{"binding": "DB", "database_name": "demo-db", "remote": true,
                               "database_id": "00000000-0000-0000-0000-000000000001"}]}
            """,
        "migrations/0001_init.sql": "CREATE TABLE t (id INTEGER);\nINSERT INTO t VALUES (7);\n",
        "src/index.js": """\
            export default { async fetch(req, env) {
              const row = await env.DB.prepare("SELECT id FROM t").first();
              return new Response(`id=${row.id}`);
            } };
            """,
    })
    with Sandbox(load_project(root)) as sb, DevServer(sb, startup_timeout_s=60) as dev:
        response = httpx.get(dev.base_url + "/", timeout=10)
    assert response.status_code == 200 and response.text == "id=7", response.text


def test_taken_port_is_a_one_line_environment_problem() -> None:
    project = load_project(CHECKOUT_ROOT)
    with socket.socket() as busy, Sandbox(project) as sb:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(EnvironmentProblem) as err:
            DevServer(sb, port=port, migrate=False).__enter__()
    assert f"port {port} on 127.0.0.1 is already in use" in str(err.value)
    assert "\n" not in str(err.value)


def test_worker_that_cannot_start_shows_the_log_and_is_killed(make_project: Callable[..., Path]) -> None:
    root = make_project({"src/index.js": "export default {\n  fetch( {\n"})  # a syntax error
    with Sandbox(load_project(root)) as sb:
        server = DevServer(sb, startup_timeout_s=15)
        with pytest.raises(EnvironmentProblem) as err:
            server.__enter__()
        pgid = server.pgid
    message = str(err.value)
    assert "\n" not in message
    assert "wrangler dev" in message and "index.js" in message  # the build error, from wrangler's log
    assert "does not build" in message and "Logs were written" not in message
    assert pgid is not None and _wait_empty(pgid, within_s=1) == []


_CHILD = textwrap.dedent("""
    import sys, time
    from opsdocs import load_project
    from opsdocs.devserver import DevServer
    from opsdocs.steps.sandbox import Sandbox
    with Sandbox(load_project()) as sb, DevServer(sb) as dev:
        print(dev.pgid, sb.root, flush=True)
        time.sleep(300)
""")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupting_the_process_kills_workerd(sig: signal.Signals) -> None:
    env = {**os.environ, "PYTHONPATH": str(CHECKOUT_ROOT / "src")}
    child = subprocess.Popen([sys.executable, "-c", _CHILD], cwd=CHECKOUT_ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    try:
        assert child.stdout is not None
        pgid_text, sandbox_root = child.stdout.readline().split()
        pgid = int(pgid_text)
        ours = _workerd_pids() & set(group_members(pgid))
        assert ours
        child.send_signal(sig)  # what Ctrl-C (SIGINT) or a cancelled CI job (SIGTERM) sends
        child.wait(timeout=30)
        assert _wait_empty(pgid, within_s=2) == []
        assert ours.isdisjoint(_workerd_pids())
        assert not Path(sandbox_root).exists()  # the stack unwound: the sandbox is gone too
        assert child.returncode == -sig  # it really ended, reported as killed by that signal
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        if child.stdout:
            child.stdout.close()


def test_the_pages_health_step_checks_a_worker_with_the_venv_not_on_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The remote-read `opsdocs health --base-url "$OPSDOCS_BASE_URL"` step, as the nightly job runs it
    (`.venv/bin/opsdocs verify`, venv not activated), against a real Worker standing in for production."""
    from opsdocs.site.render import render_pages
    from opsdocs.steps.masking import Masker
    from opsdocs.steps.parse import collect_steps
    from opsdocs.steps.run import run_step

    project = load_project(CHECKOUT_ROOT)
    steps = [s for rb in collect_steps(render_pages(project)) for s in rb.steps
             if s.mode == "remote-read" and s.command.strip().startswith("opsdocs health")]
    assert steps, "the runbook shows the post-deploy health command"
    path_without_venv = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                                        if Path(p).resolve() != Path(sys.executable).parent.resolve())
    monkeypatch.setenv("PATH", path_without_venv)
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "not-a-real-token-0000")
    with Sandbox(project) as sb, DevServer(sb) as dev:
        monkeypatch.setenv("OPSDOCS_BASE_URL", dev.base_url)
        with Sandbox(project) as steps_box:
            finding = run_step(steps[0], steps_box, masker=Masker.from_env(project), remote_enabled=True)
    assert finding.status == "passed", finding.message


def test_the_migrated_state_is_kept_and_served_when_nothing_changed(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    project = load_project(CHECKOUT_ROOT)
    cache = tmp_path / "dev-state"
    with Sandbox(project) as sb, DevServer(sb, state_cache=cache):
        pass
    assert len([p for p in cache.iterdir() if not p.name.startswith(".")]) == 1
    monkeypatch.setattr(DevServer, "_apply_migrations", lambda self: pytest.fail("applied again"))
    with Sandbox(project) as sb, DevServer(sb, state_cache=cache) as dev:
        response = httpx.get(dev.base_url + "/health", timeout=10)
        # the real wrangler dev serves the copied state: the tables the migrations made answer a query
        assert response.status_code == 200 and response.json()["accounts"] >= 1, response.text
    with Sandbox(project) as sb, pytest.raises(pytest.fail.Exception, match="applied again"):
        with DevServer(sb, state_cache=cache, reuse_state=False):  # verify --no-cache: apply anyway
            pass


def test_the_state_key_follows_the_migrations_and_the_config(make_project) -> None:
    from opsdocs import toolchain
    from opsdocs.steps._state_cache import state_key

    root = make_project({"README.md": "x"})
    tools = toolchain.resolve(root)
    first = state_key(load_project(root), tools)
    (root / "README.md").write_text("y")  # nothing the migrations read
    assert state_key(load_project(root), tools) == first
    (root / "migrations" / "0002_more.sql").write_text("CREATE TABLE u (id INTEGER);\n")
    second = state_key(load_project(root), tools)
    assert second != first
    (root / "wrangler.jsonc").write_text((root / "wrangler.jsonc").read_text() + "\n")
    assert state_key(load_project(root), tools) != second
