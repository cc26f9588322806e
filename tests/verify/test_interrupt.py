"""Real `opsdocs verify` runs killed at several points (found by polling, never by sleeping): no process, no
temp dir left, and a report marked `interrupted` that keeps what finished. `--report` never replaces a
file that is not an opsdocs report."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from opsdocs.project.load import CHECKOUT_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    not (CHECKOUT_ROOT / "node_modules" / ".bin" / "wrangler").exists(), reason="wrangler is not installed")]
_CLI = "import sys; from opsdocs.cli import main; sys.exit(main())"


def _start(root: Path, tmp: Path, report: Path) -> subprocess.Popen[str]:
    tmp.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp)}
    return subprocess.Popen([sys.executable, "-c", _CLI, "verify", "--root", str(root), "--plain", "--report",
                             str(report), "-m", "rehearse or health or drift"], env=env, cwd=tmp,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _poll(until: Callable[[], bool], within_s: float = 240.0) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if until():
            return True
        time.sleep(0.05)
    return False


def _sandbox_exists(tmp: Path) -> bool:
    return any(p.name.startswith("opsdocs-sandbox-") for p in tmp.iterdir())


def _descendants(root: int) -> set[int]:
    """Every live process below ``root`` (each opsdocs child runs in a session of its own)."""
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(f"/proc/{entry.name}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[0] != "Z":
                parents[int(entry.name)] = int(fields[1])
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


def _workerd_in(root: int) -> bool:
    for pid in _descendants(root):
        try:
            if b"workerd" in Path(f"/proc/{pid}/cmdline").read_bytes():
                return True
        except OSError:
            continue
    return False


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


@pytest.mark.parametrize(("sig", "point"), [
    (signal.SIGTERM, "sandbox"), (signal.SIGINT, "workerd"), (signal.SIGHUP, "sandbox"),
    (signal.SIGTERM, "workerd"),
])
def test_a_killed_run_leaves_nothing_and_an_interrupted_report(
    tmp_path: Path, project_copy: Path, sig: signal.Signals, point: str
) -> None:
    tmp, report = tmp_path / "tmp", tmp_path / "report.json"
    child = _start(project_copy, tmp, report)
    try:
        reached = _poll(lambda: _sandbox_exists(tmp) if point == "sandbox" else _workerd_in(child.pid))
        assert reached, f"the run never reached {point}"
        below = _descendants(child.pid)
        child.send_signal(sig)
        _, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
    assert child.returncode == 128 + sig, err
    assert "Traceback" not in err and "interrupted" in err
    assert _poll(lambda: not any(_alive(p) for p in below), within_s=10), "a process of the run survived"
    assert not any(p.name.startswith("opsdocs-") for p in tmp.iterdir()), sorted(p.name for p in tmp.iterdir())
    data = json.loads(report.read_text())
    assert data["interrupted"] is True and data["isolation"]


def _verify(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", _CLI, "verify", "--root", str(root), "--plain", "-m", "drift",
                           *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("content", ["my notes\n", '{"not": "a report"}\n', "<testsuites/>\n", "\x00\x01binary"])
def test_report_never_overwrites_a_file_that_is_not_a_report(
    tmp_path: Path, project_copy: Path, content: str
) -> None:
    target = tmp_path / "notes.json"
    target.write_text(content)
    done = _verify(project_copy, "--report", str(target))
    assert done.returncode == 2 and "refusing to overwrite" in done.stderr, done.stderr
    assert target.read_text() == content
    junit = _verify(project_copy, "--report", str(tmp_path / "r.json"), "--junit", str(target))
    assert junit.returncode == 2 and target.read_text() == content


def test_report_replaces_its_own_report_but_not_a_link(tmp_path: Path, project_copy: Path) -> None:
    report = tmp_path / "r.json"
    first = _verify(project_copy, "--report", str(report))
    assert report.is_file(), first.stderr
    again = _verify(project_copy, "--report", str(report))
    assert "refusing" not in again.stderr and json.loads(report.read_text())["summary"]
    link = tmp_path / "link.json"
    link.symlink_to(report)
    linked = _verify(project_copy, "--report", str(link))
    assert linked.returncode == 2 and "link or a special file" in linked.stderr
