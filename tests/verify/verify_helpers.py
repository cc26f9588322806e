"""Helpers for end-to-end verification runs: a copy of the shipped project in a tmp dir."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


REPO = Path(__file__).resolve().parents[2]


def run_opsdocs(*args: str, timeout: float = 600, cwd: Path | None = None,
                env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("CLOUDFLARE_API_TOKEN", None)  # never let a developer's token make a test remote
    full_env.pop("OPSDOCS_BASE_URL", None)
    full_env.pop("GITHUB_ACTIONS", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-c", "import sys; from opsdocs.cli import main; sys.exit(main())",
                           *args], capture_output=True, text=True, timeout=timeout, cwd=cwd or REPO,
                          env=full_env, start_new_session=True)


def live_workerd(tmpdir: Path) -> list[int]:
    """Live workerd processes started by a run whose TMPDIR is ``tmpdir`` (or a dir inside it: a sandbox
    gives its steps a TMPDIR of its own under the run's). Zombies waiting to be reaped do not count, and
    neither do other runs' workerd on the same machine (tests of other checkouts may run beside us)."""
    marker = f"\0TMPDIR={tmpdir}".encode()
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes()
            environ = b"\0" + (proc / "environ").read_bytes()
        except OSError:
            continue
        at = environ.find(marker)
        ours = at >= 0 and environ[at + len(marker):at + len(marker) + 1] in (b"\0", b"/")
        if ours and b"workerd" in cmdline and stat.rsplit(")", 1)[1].split()[0] != "Z":
            out.append(int(proc.name))
    return out


def wait_no_workerd(tmpdir: Path, grace_s: float = 10.0) -> list[int]:
    """Poll until no workerd of the run is left, or ``grace_s`` passed: then the survivors."""
    deadline = time.monotonic() + grace_s
    while (left := live_workerd(tmpdir)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left
