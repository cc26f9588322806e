"""The kernel sandbox holds even when the classifier is wrong: the classifier is switched off here (the
one place `check_safety` is replaced) and every attempt still fails, by the kernel, not by parsing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from opsdocs.project.load import CHECKOUT_ROOT, load_project
from opsdocs.report.finding import Finding
from opsdocs.steps import _isolation
from opsdocs.steps import run as run_module
from opsdocs.steps.masking import Masker
from opsdocs.steps.parse import Step
from opsdocs.steps.sandbox import Sandbox

pytestmark = pytest.mark.skipif(not _isolation.status().available,
                                reason=f"kernel isolation unavailable: {_isolation.status().reason}")
_CLI = "import sys; from opsdocs.cli import main; sys.exit(main())"
WORKER = "export default { fetch() { return new Response('ok'); } };\n"


@pytest.fixture
def root(make_project: Callable[..., Path]) -> Path:
    return make_project({"src/index.js": WORKER, "package.json": "{}\n", "notes/private.txt": "in the checkout\n"})


@pytest.fixture
def no_classifier(monkeypatch: pytest.MonkeyPatch) -> None:
    """The classifier says yes to everything: only the kernel stands between a step and the machine."""
    monkeypatch.setattr(run_module, "check_safety", lambda step, project=None: None)


def _rehearse(sb: Sandbox, command: str, mode: str = "rehearse") -> Finding:
    step = Step(page="docs/attack.md", line=1, mode=mode, command=command,  # type: ignore[arg-type]
                title=None, why=None, expect=None, expect_re=None, timeout_s=30)
    return run_module.run_step(step, sb, masker=Masker(), remote_enabled=True)


NETWORK = [
    "curl -sS --max-time 5 http://1.1.1.1/",
    "curl -sS --max-time 5 https://api.cloudflare.com/client/v4/user/tokens/verify",
    "exec 3<>/dev/tcp/8.8.8.8/53",
    f"{sys.executable} -c \"import socket; socket.create_connection(('1.1.1.1', 443), timeout=5)\"",
    "node -e \"require('net').connect(443, '104.16.0.1').on('error', e => { console.log(e.code); "
    "process.exit(1) })\"",
]


@pytest.mark.parametrize("command", NETWORK)
def test_no_network_leaves_a_rehearse_step(root: Path, no_classifier: None, command: str) -> None:
    with Sandbox(load_project(root)) as sb:
        finding = _rehearse(sb, command)
    assert finding.status == "failed", finding.message
    assert "expected exit code 0" in finding.message


def test_loopback_inside_still_works(root: Path, no_classifier: None) -> None:
    script = (f"{sys.executable} -c \"import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(); "
              "c=socket.create_connection(s.getsockname()); print('loopback ok')\"")
    with Sandbox(load_project(root)) as sb:
        finding = _rehearse(sb, script)
    assert finding.status == "passed", finding.message


def _outside_targets(root: Path) -> list[str]:
    node_modules = (CHECKOUT_ROOT / "node_modules").resolve()
    return [str(root / "pwned"), str(root / "src" / "index.js"), str(node_modules / "pwned"),
            str(node_modules / "wrangler" / "package.json"), "/etc/pwned", "/usr/local/bin/wrangler",
            str(CHECKOUT_ROOT / "pwned")]


@pytest.mark.parametrize("how", ["echo planted > {t}", "touch {t}", "cp package.json {t}", "sed -i s/a/b/ {t}",
                                 "ln -sf /bin/sh {t}"])
def test_no_write_outside_the_sandbox(root: Path, no_classifier: None, how: str) -> None:
    before = {t: _snapshot(Path(t)) for t in _outside_targets(root)}
    with Sandbox(load_project(root)) as sb:
        for target in before:
            _rehearse(sb, how.format(t=target))
        # node_modules is the sandbox's own symlink: writing through it is a write outside too
        _rehearse(sb, "echo planted > node_modules/.bin/planted; echo x >> node_modules/wrangler/package.json")
    assert {t: _snapshot(Path(t)) for t in before} == before
    assert not (CHECKOUT_ROOT / "node_modules" / ".bin" / "planted").exists()


def _snapshot(path: Path) -> tuple[bool, bytes]:
    try:
        return (path.exists() or path.is_symlink(), path.read_bytes() if path.is_file() else b"")
    except OSError:
        return (True, b"")


def test_the_parent_environment_and_checkout_are_out_of_sight(
    root: Path, no_classifier: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPSDOCS_TEST_PARENT_SECRET", "parent-secret-4711")
    reads = [f"cat /proc/{os.getpid()}/environ", f"cat /proc/{os.getppid()}/environ",
             "cat /proc/*/environ | tr '\\0' '\\n'", f"cat {root}/notes/private.txt",
             f"ls {CHECKOUT_ROOT}", "cat /proc/1/environ"]
    with Sandbox(load_project(root)) as sb:
        outputs = [sb.run(cmd + " || true", 30).output for cmd in reads]
        pids = sb.run("ls /proc | grep -c '^[0-9]'", 30).output.strip()
    assert not any("parent-secret-4711" in out for out in outputs)
    assert not any("in the checkout" in out for out in outputs)
    assert int(pids) < 10  # a PID namespace of its own: bwrap's init, bash, ls, grep


def test_a_background_child_dies_with_the_step(root: Path, no_classifier: None, tmp_path: Path) -> None:
    with Sandbox(load_project(root)) as sb:
        finding = _rehearse(sb, "nohup sleep 300 >/dev/null 2>&1 & disown; echo started")
        assert finding.status == "passed", finding.message
        # nothing of the step is left: no sleep 300 anywhere on the host. The kernel kills the rest of the
        # sandbox's PID namespace when its first process ends, but not synchronously: poll (zombies are dead).
    deadline = time.monotonic() + 10
    while (left := _live("sleep 300")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert left == []


def _live(pattern: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, timeout=10).stdout
    live = []
    for pid in map(int, out.split()):
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            live.append(pid)
    return live


def _verify(root: Path, tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**{k: v for k, v in os.environ.items() if not k.startswith("OPSDOCS_")}, **env}
    return subprocess.run([sys.executable, "-c", _CLI, "verify", "--root", str(root), "--plain",
                           "--report", str(tmp_path / "r.json"), "-m", "drift", *args],
                          capture_output=True, text=True, timeout=300, env=full, cwd=tmp_path)


def test_report_header_and_require_isolation(tmp_path: Path) -> None:
    from shipped_project import copy_project

    root = copy_project(tmp_path / "shipped")
    isolated = _verify(root, tmp_path)
    assert (tmp_path / "r.json").is_file(), isolated.stdout + isolated.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["isolation"].startswith("bubblewrap"), isolated.stderr

    _verify(root, tmp_path, OPSDOCS_ISOLATION="off")
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["isolation"].startswith("none (disabled by OPSDOCS_ISOLATION=off")

    for required in (_verify(root, tmp_path, "--require-isolation", OPSDOCS_ISOLATION="off"),
                     _verify(root, tmp_path, OPSDOCS_ISOLATION="off", OPSDOCS_REQUIRE_ISOLATION="1")):
        assert required.returncode == 2, required.stdout + required.stderr
        lines = [ln for ln in required.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and "kernel isolation is not available" in lines[0], required.stderr
        assert "Traceback" not in required.stderr
