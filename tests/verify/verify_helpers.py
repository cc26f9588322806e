"""Helpers for end-to-end verification runs: a copy of the shipped project in a tmp dir."""

from __future__ import annotations

import os
import subprocess
import sys
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


def live_workerd() -> list[int]:
    """workerd processes that are alive (zombies waiting to be reaped do not count)."""
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        state = stat.rsplit(")", 1)[1].split()[0]
        if b"workerd" in cmdline and state != "Z":
            out.append(int(proc.name))
    return out
