"""``opsdocs health`` as a real process: output lines and exit codes (0 pass, 1 fail, 2 cannot run)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Server

CHECKS = """\
- name: health
  path: /health
  json: {status: ok, db: ok}
  json_fields: [version]
- name: missing
  path: /nope
  status: 404
"""


def opsdocs(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI in its own process group, killed whole on timeout."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("OPSDOCS_BASE_URL", "OPSDOCS_ROOT")}
    full_env.update(env or {})
    cmd = [sys.executable, "-c", "import sys; from opsdocs.cli import main; sys.exit(main())", "health", *args]
    proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def project(tmp_path: Path, text: str = CHECKS) -> Path:
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "health.yml").write_text(text, encoding="utf-8")
    return tmp_path


def test_all_pass_exit_0_one_line_per_check(tmp_path: Path, server: Server) -> None:
    result = opsdocs("--base-url", server.base_url, cwd=project(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"ok   health: GET {server.base_url}/health: 200 in ")
    assert lines[1].startswith(f"ok   missing: GET {server.base_url}/nope: 404 in ")
    assert lines[2].startswith("2 passed, 0 failed in ")
    assert result.stderr == ""


def test_a_failure_exits_1_and_points_at_the_check(tmp_path: Path, server: Server) -> None:
    root = project(tmp_path, CHECKS + "- name: broken\n  path: /500\n  retries: 0\n")
    result = opsdocs("--base-url", server.base_url, "--root", str(root), cwd=Path.cwd())
    assert result.returncode == 1
    fail = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert len(fail) == 1
    assert "broken:" in fail[0] and "expected status 200, got 500" in fail[0]
    assert fail[0].endswith("[checks/health.yml:8]")
    assert "2 passed, 1 failed" in result.stdout


def test_base_url_from_environment(tmp_path: Path, server: Server) -> None:
    result = opsdocs(cwd=project(tmp_path), env={"OPSDOCS_BASE_URL": server.base_url})
    assert result.returncode == 0, result.stdout + result.stderr


def test_json_output(tmp_path: Path, server: Server) -> None:
    result = opsdocs("--base-url", server.base_url, "--json", cwd=project(tmp_path))
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert [f["id"] for f in data] == [f"health:health@{server.base_url}", f"health:missing@{server.base_url}"]
    assert {f["status"] for f in data} == {"passed"}
    assert data[0]["location"] == "checks/health.yml:1" and data[0]["kind"] == "health"


def test_refused_connection_exit_1_no_traceback(tmp_path: Path, closed_port: int) -> None:
    text = "- name: health\n  path: /health\n  retries: 0\n"
    result = opsdocs("--base-url", f"http://127.0.0.1:{closed_port}", cwd=project(tmp_path, text))
    assert result.returncode == 1
    assert "connection refused" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_url_exit_2_one_line(tmp_path: Path) -> None:
    result = opsdocs(cwd=project(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "opsdocs: no base URL to check; pass --base-url https://<worker>.workers.dev or set OPSDOCS_BASE_URL"
    ]


def test_bad_url_exit_2_one_line(tmp_path: Path) -> None:
    result = opsdocs("--base-url", "ftp://example.com", cwd=project(tmp_path))
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("opsdocs: invalid base URL 'ftp://example.com'")


def test_bad_checks_file_exit_2_located(tmp_path: Path, server: Server) -> None:
    root = project(tmp_path, "- name: a\n  path: /x\n  retries: -2\n")
    result = opsdocs("--base-url", server.base_url, cwd=root)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "opsdocs: checks/health.yml:3:12: retries must be >= 0 and <= 10, got -2; how many times to retry "
        "on connection errors, timeouts and 5xx, an integer >= 0 (default 2)"
    ]
    assert server.hits.total() == 0  # nothing is requested when the definition is wrong


def test_missing_checks_file_exit_2(tmp_path: Path, server: Server) -> None:
    result = opsdocs("--base-url", server.base_url, "--checks", "nope.yml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("opsdocs: nope.yml: health checks file not found;")


def test_shipped_checks_against_a_server_that_is_not_the_worker(server: Server) -> None:
    # The repo's own checks/health.yml: /health answers but not with accounts, / and the probe 404 differ.
    repo = Path(__file__).resolve().parents[2]
    result = opsdocs("--base-url", server.base_url, cwd=repo)
    assert result.returncode == 1
    assert "ok   health:" in result.stdout  # the test server's /health has every declared field
    assert "FAIL root:" in result.stdout
