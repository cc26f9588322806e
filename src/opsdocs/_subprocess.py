"""A short captured subprocess (git, zizmor, actionlint) that dies with its whole process tree."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["Timeout", "kill_group", "run_captured"]


class Timeout(Exception):
    """The command ran past its time; its whole process group was killed."""


def kill_group(proc: subprocess.Popen[str]) -> None:
    """SIGKILL the process group ``proc`` leads (it was started with ``start_new_session=True``)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)


def run_captured(argv: Sequence[str], *, cwd: Path, timeout_s: float,
                 env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` (no stdin, text output captured) in its own process group.

    On timeout, or any exception while waiting (Ctrl-C), the whole group is killed; a timeout raises
    :class:`Timeout`. OSError (no such program) propagates.
    """
    proc = subprocess.Popen(list(argv), cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=None if env is None else dict(env),
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        try:  # bounded: a grandchild that left the group could hold the pipes open forever
            proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        raise Timeout(f"timed out after {timeout_s:g}s") from None
    except BaseException:
        kill_group(proc)
        proc.wait()
        raise
    return subprocess.CompletedProcess(list(argv), proc.returncode, out, err)
