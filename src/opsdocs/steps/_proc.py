"""Child processes that always die with their whole process group.

Every command opsdocs starts (a runbook step, ``wrangler dev`` and the ``workerd`` it spawns) runs in a
new session, so one ``killpg`` reaches every descendant that did not leave the group on purpose. Live
groups are kept in a registry that is emptied at interpreter exit and on SIGTERM/SIGHUP: a Ctrl-C, a
failing test or a killed CI job never leaves a ``workerd`` behind holding a port.

Output goes to an unnamed temp file, not a pipe: a background grandchild that keeps the pipe open would
otherwise make a finished step look hung until its timeout.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from opsdocs.steps import _signals
# The registry and signal handling live in _signals; re-exported: callers import them from here.
from opsdocs.steps._signals import (add_cleanup, forget, group_members, install_interrupt_handlers, interrupted_by,
                                    kill_all, remove_cleanup, signal_group)

__all__ = ["ProcResult", "ProcessGroup", "RunInterrupted", "add_cleanup", "group_members",
           "install_interrupt_handlers", "interrupted_by", "kill_all", "read_tail", "remove_cleanup", "run", "start",
           "strip_ansi"]

GRACE_S = 3.0  # SIGTERM first: wrangler and workerd flush their state files on a clean stop
_OUTPUT_LIMIT = 1 << 20  # keep the last 1 MiB of a step's output; enough for any tail we show
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")
# Opt-in timing record for benchmarks/run.py: a file path; one JSON line per child when its group ends.
TRACE_ENV = "OPSDOCS_PROC_TRACE"
_WRANGLER = re.compile(r"(?:^|[\s/;&|(])(?:wrangler|workerd|node)(?:\s|$)")  # run as a command, not a file


class RunInterrupted(Exception):
    """A command was not started because a signal is stopping the run."""


@dataclass(frozen=True)
class ProcResult:
    exit_code: int  # -N when killed by signal N (subprocess convention)
    output: str  # stdout and stderr merged, ANSI colours removed
    duration_s: float
    timed_out: bool


def strip_ansi(text: str) -> str:
    """Drop colour codes: wrangler colours its errors even with NO_COLOR set."""
    return _ANSI.sub("", text)


class ProcessGroup:
    """A started command and its process group; ``kill()`` ends every process in it."""

    def __init__(self, popen: subprocess.Popen[bytes], log: IO[bytes]) -> None:
        self.popen = popen
        self.pgid = popen.pid  # start_new_session=True: the leader's pid is the group id
        self._log = log
        self._gone = False  # once the group is gone its id may be reused: never signal it again
        self._began = (time.time(), time.monotonic())
        self._traced = False

    @property
    def pid(self) -> int:
        return self.popen.pid

    def poll(self) -> int | None:
        return self.popen.poll()

    def wait(self, timeout_s: float) -> int:
        """Wait for the leader; raises ``subprocess.TimeoutExpired``."""
        return self.popen.wait(timeout=timeout_s)

    def group_alive(self) -> bool:
        return not self._gone and bool(group_members(self.pgid))

    def kill(self, grace_s: float = GRACE_S) -> None:
        """SIGTERM the group, SIGKILL whatever is left after ``grace_s``, reap the leader. Idempotent."""
        try:
            if self.group_alive():
                signal_group(self.pgid, signal.SIGTERM)
                deadline = time.monotonic() + grace_s
                while time.monotonic() < deadline:
                    self.popen.poll()  # reap the leader so it does not count as a live zombie
                    if not self.group_alive():
                        break
                    time.sleep(0.05)
                else:
                    signal_group(self.pgid, signal.SIGKILL)
            try:
                self.popen.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL cannot be ignored
                pass
            self._gone = not group_members(self.pgid)
        finally:
            forget(self)
            self._trace()

    def _trace(self) -> None:
        """Append this child's argv[0:3] and lifetime to ``$OPSDOCS_PROC_TRACE`` (no output, no env)."""
        path = os.environ.get(TRACE_ENV)
        if not path or self._traced:
            return
        self._traced = True
        args = self.popen.args
        words = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args)
        text = [os.fsdecode(w) for w in words]
        record = {"argv": [text[0].rsplit("/", 1)[-1], *(w[:80] for w in text[1:3])],
                  "wrangler": bool(_WRANGLER.search(" ".join(text))), "start": self._began[0],
                  "duration_s": round(time.monotonic() - self._began[1], 4)}
        with _signals.LOCK, open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")

    def output(self) -> str:
        """Everything written so far (the last MiB), colours removed."""
        return read_tail(self._log)

    def close(self) -> None:
        self.kill()
        self._log.close()


def read_tail(log: IO[bytes]) -> str:
    """The last MiB written to ``log``, colours removed."""
    log.flush()
    size = log.seek(0, os.SEEK_END)
    start = max(0, size - _OUTPUT_LIMIT)
    log.seek(start)
    data = log.read()
    if start > 0:
        # The cut may fall inside a secret: drop the partial line it leaves (or 4 KiB of a huge line),
        # so only whole values reach the masker, never a tail it cannot recognise.
        nl = data.find(b"\n", 0, 4096)
        data = b"[output cut]\n" + data[nl + 1 if nl >= 0 else 4096:]
    return strip_ansi(data.decode("utf-8", errors="replace"))


def start(
    cmd: str | Sequence[str],
    *,
    cwd: str | Path,
    env: Mapping[str, str],
    shell: bool = False,
    log: IO[bytes] | None = None,
    err: IO[bytes] | None = None,
) -> ProcessGroup:
    """Start ``cmd`` in a new session with stdin closed; output (merged) goes to ``log`` or a temp file.

    ``err``: stderr goes there instead (the credential broker keeps a command's two streams apart)."""
    argv: str | list[str]
    if shell:
        argv = cmd if isinstance(cmd, str) else shlex.join(cmd)
    else:
        argv = shlex.split(cmd) if isinstance(cmd, str) else list(cmd)
    if interrupted_by() is not None:  # the run is being stopped: work still queued in a thread must not start
        raise RunInterrupted(f"not started: the run was interrupted by signal {interrupted_by()}")
    out = log if log is not None else tempfile.TemporaryFile()
    _signals.install_handlers()
    _signals.begin_start()
    try:
        popen = subprocess.Popen(
            argv,
            cwd=str(cwd),
            env=dict(env),
            shell=shell,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err if err is not None else subprocess.STDOUT,
            start_new_session=True,
        )
        group = ProcessGroup(popen, out)
        _signals.register(group)
    finally:
        _signals.end_start()  # a SIGTERM that came before the new group was registered is delivered now
    return group


def run(
    cmd: str | Sequence[str],
    *,
    cwd: str | Path,
    env: Mapping[str, str],
    timeout_s: float,
    shell: bool = False,
) -> ProcResult:
    """Run ``cmd`` to completion or ``timeout_s``; the whole group is gone when this returns or raises."""
    began = time.monotonic()
    group = start(cmd, cwd=cwd, env=env, shell=shell)
    timed_out = False
    try:
        try:
            code = group.wait(timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
            code = -1
        # Also on success: a step's background children must not outlive it.
        group.kill()
        if timed_out:
            code = group.popen.returncode if group.popen.returncode is not None else -1
        return ProcResult(code, group.output(), time.monotonic() - began, timed_out)
    finally:
        group.close()  # KeyboardInterrupt or any error: kill the group before the exception goes on
