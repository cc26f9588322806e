"""Child processes that always die with their whole process group.

Every command opsdocs starts (a runbook step, ``wrangler dev`` and the ``workerd`` it spawns) runs in a
new session, so one ``killpg`` reaches every descendant that did not leave the group on purpose. Live
groups are kept in a registry that is emptied at interpreter exit and on SIGTERM/SIGHUP: a Ctrl-C, a
failing test or a killed CI job never leaves a ``workerd`` behind holding a port.

Output goes to an unnamed temp file, not a pipe: a background grandchild that keeps the pipe open would
otherwise make a finished step look hung until its timeout.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shlex
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO, Any

__all__ = ["ProcResult", "ProcessGroup", "RunInterrupted", "add_cleanup", "install_interrupt_handlers", "interrupted_by", "kill_all",
           "read_tail", "remove_cleanup", "run", "start", "strip_ansi"]

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
                _signal_group(self.pgid, signal.SIGTERM)
                deadline = time.monotonic() + grace_s
                while time.monotonic() < deadline:
                    self.popen.poll()  # reap the leader so it does not count as a live zombie
                    if not self.group_alive():
                        break
                    time.sleep(0.05)
                else:
                    _signal_group(self.pgid, signal.SIGKILL)
            try:
                self.popen.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL cannot be ignored
                pass
            self._gone = not group_members(self.pgid)
        finally:
            _forget(self)
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
        with _LOCK, open(path, "a", encoding="utf-8") as f:
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
    if _INTERRUPTED:  # the run is being stopped: work still queued in a thread must not start anything
        raise RunInterrupted(f"not started: the run was interrupted by signal {_INTERRUPTED[0]}")
    out = log if log is not None else tempfile.TemporaryFile()
    _install_handlers()
    global _STARTING
    with _LOCK:
        _STARTING += 1
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
        with _LOCK:
            _LIVE[group.pgid] = group
    finally:
        with _LOCK:
            _STARTING -= 1
            pending = _PENDING.pop() if _PENDING and not _STARTING else None
        if pending is not None:  # a SIGTERM came before the new group was registered: deliver it now
            os.kill(os.getpid(), pending)
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


def group_members(pgid: int) -> list[int]:
    """Pids of live (non-zombie) processes in group ``pgid``, read from /proc."""
    members = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces or parens, so split after the last ")".
        fields = stat.rsplit(")", 1)[-1].split()
        if len(fields) > 2 and fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def kill_all() -> None:
    """Kill every live group this interpreter started (atexit, signal handlers, test teardown)."""
    with _LOCK:
        groups = list(_LIVE.values())
    for group in groups:
        try:
            group.kill(grace_s=1.0)
        except Exception:  # noqa: BLE001 - best effort at exit: one failure must not spare the rest
            pass


# --- registry ------------------------------------------------------------------------------------

_LIVE: dict[int, ProcessGroup] = {}
_LOCK = threading.RLock()  # re-entrant: a signal handler may run while the main thread holds it
_HANDLERS_INSTALLED = False
_PREVIOUS: dict[int, Any] = {}
_CLEANUPS: list[Callable[[], None]] = []
_STARTING = 0  # start() calls between Popen and registration
_PENDING: list[int] = []  # signals that arrived meanwhile
atexit.register(kill_all)


def _forget(group: ProcessGroup) -> None:
    with _LOCK:
        _LIVE.pop(group.pgid, None)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if _SOFT.pop(signum, False) and not _INTERRUPTED:
        _INTERRUPTED.append(signum)
        for other in list(_SOFT):
            _SOFT.pop(other)  # any second signal, of any kind, is the hard one
        kill_all()  # the waits on children return at once; the main thread then unwinds
        raise KeyboardInterrupt(f"signal {signum}")
    if _STARTING:
        # Between Popen and registration the new group is unknown to kill_all: let start() finish
        # registering it, then it sends this signal again.
        _PENDING.append(signum)
        return
    kill_all()
    _run_cleanups()
    previous = _PREVIOUS.get(signum, signal.SIG_DFL)
    if callable(previous):
        previous(signum, frame)
        return
    # Re-deliver with the default action: the process really ends (an exception could be caught, e.g. by
    # pytest, and the run would go on) and its status still says "killed by SIGTERM".
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def add_cleanup(fn: Callable[[], None]) -> None:
    """Run ``fn`` if a SIGTERM/SIGHUP ends the process before its owner could (a sandbox's temp dir)."""
    with _LOCK:
        _CLEANUPS.append(fn)


def remove_cleanup(fn: Callable[[], None]) -> None:
    with _LOCK:
        if fn in _CLEANUPS:
            _CLEANUPS.remove(fn)


def _run_cleanups() -> None:
    with _LOCK:
        cleanups = list(reversed(_CLEANUPS))
        _CLEANUPS.clear()
    for fn in cleanups:
        try:
            fn()
        except Exception:  # noqa: BLE001 - best effort while the process is being ended
            pass


_SOFT: dict[int, bool] = {}  # signum -> a first signal is turned into KeyboardInterrupt (a run unwinds)
_INTERRUPTED: list[int] = []


def interrupted_by() -> int | None:
    """The signal that interrupted this process (SIGTERM/SIGHUP/SIGINT), if one did."""
    return _INTERRUPTED[0] if _INTERRUPTED else None


def install_interrupt_handlers() -> None:
    """From the main thread, before any work starts in a thread pool (``opsdocs verify``): the first
    SIGTERM/SIGHUP/SIGINT kills every child group and raises KeyboardInterrupt in the main thread, so the run
    unwinds (sandboxes removed, the report written and marked ``interrupted``); a second one ends the
    process at once, after killing children and removing temp dirs."""
    if threading.current_thread() is not threading.main_thread():
        return
    _install_handlers()
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        if signal.getsignal(sig) is signal.SIG_IGN:
            continue
        if sig == signal.SIGINT:
            _PREVIOUS[sig] = signal.default_int_handler
            signal.signal(sig, _on_signal)
        _SOFT[sig] = True


def _install_handlers() -> None:
    """Once, from the main thread: kill our groups on SIGTERM/SIGHUP, then behave as before."""
    global _HANDLERS_INSTALLED
    if _HANDLERS_INSTALLED or threading.current_thread() is not threading.main_thread():
        return
    _HANDLERS_INSTALLED = True
    for sig in (signal.SIGTERM, signal.SIGHUP):
        previous = signal.getsignal(sig)
        if previous is signal.SIG_IGN:
            continue  # the parent asked us to ignore it (nohup): keep that
        _PREVIOUS[sig] = previous
        signal.signal(sig, _on_signal)
