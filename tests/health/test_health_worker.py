"""The shipped checks/health.yml against the real Worker under ``wrangler dev`` with a local D1."""

from __future__ import annotations

import dataclasses
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from opsdocs import toolchain
from opsdocs.health import run_health_checks
from opsdocs.project.checks import load_health_checks

REPO = Path(__file__).resolve().parents[2]
WRANGLER = REPO / "node_modules" / ".bin" / "wrangler"
ENV = {**os.environ, "WRANGLER_SEND_METRICS": "false", "CLOUDFLARE_CF_FETCH_ENABLED": "false", "CI": "true"}

pytestmark = [pytest.mark.slow]  # wrangler is there: tests/conftest.py stops the suite without `npm ci`


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wrangler(args: list[str], cwd: Path, timeout: float) -> None:
    proc = subprocess.Popen(toolchain.resolve(REPO).argv(*args), cwd=cwd, env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(proc)
        raise
    assert proc.returncode == 0, out.decode(errors="replace")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _serve(tmp_path: Path, *, migrate: bool) -> Iterator[str]:
    # A copy of the Worker, so wrangler's .wrangler/ scratch never lands in the checkout.
    work = tmp_path / "worker-copy"
    work.mkdir()
    shutil.copy(REPO / "wrangler.jsonc", work)
    shutil.copytree(REPO / "worker", work / "worker")
    shutil.copytree(REPO / "migrations", work / "migrations")
    state = tmp_path / "state"
    if migrate:
        _wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", str(state)], work, 120)
    port = _free_port()
    log = (tmp_path / "wrangler-dev.log").open("wb")
    proc = subprocess.Popen(
        toolchain.resolve(REPO).argv("dev", "--ip", "127.0.0.1", "--port", str(port), "--persist-to", str(state)),
        cwd=work, env=ENV, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "wrangler-dev.log").read_text(errors="replace")
            try:
                httpx.get(base + "/", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    pytest.fail("wrangler dev did not start within 90 s")
                time.sleep(0.3)
        yield base
    finally:
        _stop(proc)
        log.close()


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[str]:
    yield from _serve(tmp_path, migrate=True)


@pytest.fixture
def worker_without_schema(tmp_path: Path) -> Iterator[str]:
    yield from _serve(tmp_path, migrate=False)


def test_shipped_checks_pass_against_the_real_worker(worker: str) -> None:
    checks = load_health_checks(REPO / "checks" / "health.yml", REPO)
    findings = run_health_checks(checks, worker)
    assert [f.status for f in findings] == ["passed"] * len(checks), [f.message for f in findings]


def test_worker_without_d1_schema_fails_the_health_check(worker_without_schema: str) -> None:
    # No migrations applied: the Worker's D1 query fails and it answers 503 "degraded".
    checks = [dataclasses.replace(c, retries=0) for c in load_health_checks(REPO / "checks" / "health.yml", REPO)]
    by_path = {c.path: f for c, f in zip(checks, run_health_checks(checks, worker_without_schema), strict=True)}
    health = by_path["/health"]
    assert health.status == "failed"
    assert "expected status 200, got 503" in health.message
    assert '"status":"degraded"' in health.message and "no such table: accounts" in health.message
    assert by_path["/"].status == "passed"  # only what depends on D1 fails
