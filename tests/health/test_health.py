"""opsdocs.health against real HTTP servers on loopback: every failure mode ends as one clear line."""

from __future__ import annotations

import asyncio
import os
import signal
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from opsdocs.errors import ConfigError
from opsdocs.health import MAX_REDIRECTS, check_all, parse_base_url, run_health_checks
from opsdocs.project.model import HealthCheck
from opsdocs.report.finding import Finding

if TYPE_CHECKING:
    from conftest import Server

MakeCheck = Callable[..., HealthCheck]


def run_one(check: HealthCheck, base_url: str) -> Finding:
    [finding] = run_health_checks([check], base_url)
    assert "\n" not in finding.message
    return finding


def test_passing_check_records_id_location_and_status(server: Server, make_check: MakeCheck) -> None:
    check = make_check("/health", name="health", expect_json={"status": "ok", "db": "ok"},
                       expect_json_fields=("version", "checks.d1.ok"))
    finding = run_one(check, server.base_url + "/")
    assert finding.status == "passed", finding.message
    assert finding.id == f"health:health@{server.base_url}"
    assert finding.kind == "health"
    assert finding.where == "checks/health.yml:7"
    assert f"GET {server.base_url}/health: 200 in " in finding.message
    assert "(1 attempt)" in finding.message
    assert server.hits["/health"] == 1


def test_500_is_retried_then_reported_with_status_and_body(server: Server, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/500", retries=2, backoff_s=0.01), server.base_url)
    assert finding.status == "failed"
    assert "expected status 200, got 500" in finding.message
    assert "after 3 attempts" in finding.message
    assert "Internal Server Error" in finding.message and "worker threw" in finding.message
    assert server.hits["/500"] == 3


def test_backoff_doubles_between_attempts(server: Server, make_check: MakeCheck) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:  # the injected clock: record the wait instead of waiting
        waits.append(seconds)

    (finding,) = run_health_checks([make_check("/500", retries=2, backoff_s=0.2)], server.base_url, sleep=sleep)
    assert waits == [0.2, 0.4] and "after 3 attempts" in finding.message


def test_expected_5xx_is_not_retried(server: Server, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/500", expect_status=500, retries=3), server.base_url)
    assert finding.status == "passed", finding.message
    assert server.hits["/500"] == 1


def test_wrong_json_value_says_expected_and_got(server: Server, make_check: MakeCheck) -> None:
    check = make_check("/degraded", expect_json={"status": "ok", "db": "ok"}, expect_json_fields=("accounts",),
                       retries=3)
    finding = run_one(check, server.base_url)
    assert finding.status == "failed"
    assert "expected JSON field 'db' = 'ok', got 'error'" in finding.message
    assert "expected JSON field 'accounts', it is missing" in finding.message
    assert "'status'" not in finding.message.split("; got 200")[0].split("budget")[0].replace(
        "expected JSON field 'db'", "")  # the matching field is not reported
    assert server.hits["/degraded"] == 1  # a wrong answer is final: no retry


def test_json_comparison_is_exact_true_is_not_one(server: Server, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/health", expect_json={"count": True}), server.base_url)
    assert finding.status == "failed"
    assert "expected JSON field 'count' = True, got 1" in finding.message
    assert run_one(make_check("/health", expect_json={"count": 1}), server.base_url).status == "passed"


def test_invalid_json(server: Server, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/invalid", expect_json={"status": "ok"}), server.base_url)
    assert finding.status == "failed"
    assert "expected a JSON body, got invalid JSON" in finding.message
    assert "{'status': ok" in finding.message  # the excerpt shows what came back


def test_body_excerpt_is_truncated(server: Server, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/huge-error"), server.base_url)
    assert finding.status == "failed"
    assert "x" * 200 in finding.message and "x" * 201 not in finding.message
    assert len(finding.message) < 500


def test_slow_answer_over_budget_fails(server: Server, make_check: MakeCheck) -> None:
    server.delay_s = 0.3
    over = run_one(make_check("/slow", latency_budget_ms=100), server.base_url)
    assert over.status == "failed"
    assert "over the 100 ms budget" in over.message
    within = run_one(make_check("/slow", latency_budget_ms=3000), server.base_url)
    assert within.status == "passed", within.message


def test_timeout_is_retried_and_reported(server: Server, make_check: MakeCheck) -> None:
    server.delay_s = 1.0
    finding = run_one(make_check("/slow", timeout_s=0.2, retries=1), server.base_url)
    assert finding.status == "failed"
    assert "timed out" in finding.message and "after 0.2 s" in finding.message
    assert "after 2 attempts" in finding.message


def test_timeout_covers_a_slow_drip_body(server: Server, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/drip", timeout_s=0.5), server.base_url)
    assert finding.status == "failed"
    assert "timed out after 0.5 s" in finding.message  # the whole 10 s body, not one read, is timed


def test_connection_refused(closed_port: int, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/health", retries=1, backoff_s=0.01), f"http://127.0.0.1:{closed_port}")
    assert finding.status == "failed"
    assert f"connection refused by 127.0.0.1:{closed_port}" in finding.message
    assert "after 2 attempts" in finding.message


def test_redirect_is_followed(server: Server, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/moved", expect_json={"status": "ok"}), server.base_url)
    assert finding.status == "passed", finding.message
    assert server.hits["/health"] == 1


def test_expected_redirect_is_not_followed(server: Server, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/moved", expect_status=301), server.base_url)
    assert finding.status == "passed", finding.message
    assert server.hits["/health"] == 0


def test_redirect_loop(server: Server, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/loop-a", retries=2), server.base_url)
    assert finding.status == "failed"
    base = server.base_url
    assert f"redirect loop: {base}/loop-a -> {base}/loop-b -> {base}/loop-a" in finding.message
    assert server.hits["/loop-a"] == 1  # a loop is final: no retry
    assert MAX_REDIRECTS >= 2


def test_tls_error_against_plain_http(server: Server, make_check: MakeCheck) -> None:
    tls_url = server.base_url.replace("http://", "https://")
    finding = run_one(make_check("/health", retries=3, backoff_s=0.5), tls_url)
    assert finding.status == "failed"
    assert "TLS handshake failed" in finding.message
    assert "does not speak HTTPS" in finding.message
    assert "after 1 attempt" in finding.message  # retrying a TLS mismatch cannot help


def test_transient_503_then_success(server: Server, make_check: MakeCheck) -> None:
    server.flaky_failures = 2
    check = make_check("/flaky", expect_json={"db": "ok"}, retries=3, backoff_s=0.01)
    finding = run_one(check, server.base_url)
    assert finding.status == "passed", finding.message
    assert "(3 attempts)" in finding.message
    assert server.hits["/flaky"] == 3


def test_retries_exhausted_on_persistent_503(server: Server, make_check: MakeCheck) -> None:
    server.flaky_failures = 10
    finding = run_one(make_check("/flaky", retries=1, backoff_s=0.01), server.base_url)
    assert finding.status == "failed"
    assert "expected status 200, got 503" in finding.message and "degraded" in finding.message


def test_base_url_with_path_prefix(server: Server, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/health"), server.base_url + "/prefix/app/")
    assert finding.status == "passed", finding.message
    assert server.hits["/prefix/app/health"] == 1
    assert finding.id == f"health:health@{server.base_url}/prefix/app"


def test_checks_run_concurrently(server: Server, make_check: MakeCheck) -> None:
    server.delay_s, server.gather = 0.0, 10  # each answer waits until all ten requests are in flight
    checks = [make_check("/slow", name=f"slow-{i}", timeout_s=20) for i in range(10)]
    findings = run_health_checks(checks, server.base_url)
    assert [f.status for f in findings] == ["passed"] * 10, findings[0].message
    assert [f.check for f in findings] == [f"slow-{i}" for i in range(10)]
    assert server.peak == 10


def test_concurrency_limit_is_respected(server: Server, make_check: MakeCheck) -> None:
    server.delay_s = 0.05
    checks = [make_check("/slow", name=f"slow-{i}") for i in range(4)]
    run_health_checks(checks, server.base_url, concurrency=1)
    assert server.hits["/slow"] == 4 and server.peak == 1


def test_password_in_base_url_is_masked(server: Server, make_check: MakeCheck) -> None:
    secret_url = server.base_url.replace("http://", "http://deploy:s3cr3t-value@")
    finding = run_one(make_check("/500"), secret_url)
    assert "s3cr3t-value" not in finding.message and "s3cr3t-value" not in finding.id
    assert "deploy:***@" in finding.id


@pytest.mark.parametrize("bad", ["", "example.com", "ftp://example.com", "https://", "http://x/?a=1",
                                 "http://[::1"])
def test_bad_base_url(bad: str, make_check: MakeCheck) -> None:
    with pytest.raises(ConfigError) as info:
        run_health_checks([make_check()], bad)
    assert "invalid base URL" in str(info.value) and "\n" not in str(info.value)


def test_parse_base_url_strips_trailing_slash() -> None:
    assert parse_base_url(" https://api.example.com/v1/ ") == "https://api.example.com/v1"


def test_sync_wrapper_works_inside_a_running_loop(server: Server, make_check: MakeCheck) -> None:
    async def inside() -> list[Finding]:
        return run_health_checks([make_check("/health")], server.base_url)

    assert [f.status for f in asyncio.run(inside())] == ["passed"]


def test_check_all_with_a_caller_client(server: Server, make_check: MakeCheck) -> None:
    import httpx

    async def go() -> tuple[list[Finding], bool]:
        async with httpx.AsyncClient() as client:
            findings = await check_all([make_check("/health"), make_check("/missing", expect_status=404)],
                                       server.base_url, client=client)
            return findings, client.is_closed

    findings, closed = asyncio.run(go())
    assert [f.status for f in findings] == ["passed", "passed"]
    assert not closed  # a client we were given is not ours to close


def test_head_check(server: Server, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/health", method="HEAD"), server.base_url)
    assert finding.status == "passed", finding.message
    assert finding.message.startswith("HEAD ")


@pytest.fixture
def untrusted_tls_url(tmp_path: Path) -> Iterator[str]:
    """A real HTTPS server with a fresh self-signed certificate (made by the openssl CLI)."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    cmd = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
           "-days", "1", "-subj", "/CN=127.0.0.1"]
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    except FileNotFoundError:
        pytest.skip("openssl CLI not installed")
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    assert proc.returncode == 0, err
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), SimpleHTTPRequestHandler)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def test_untrusted_certificate_is_one_clear_line(untrusted_tls_url: str, make_check: MakeCheck) -> None:
    finding = run_one(make_check("/", retries=2, backoff_s=0.5), untrusted_tls_url)
    assert finding.status == "failed"
    assert "TLS certificate verification failed: self-signed certificate" in finding.message
    assert "after 1 attempt" in finding.message
