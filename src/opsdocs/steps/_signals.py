"""The registry of live process groups and what signals do to them.

Every group ``_proc.start`` creates is registered here until it is killed; at interpreter exit and on
SIGTERM/SIGHUP (and, for ``opsdocs verify``, SIGINT) every registered group is killed and every cleanup
(a sandbox's temp dir) runs. Kept apart from ``_proc`` (how one command is run): this module is the state
a signal handler reads, so it has to be small enough to reason about re-entrancy.
"""

from __future__ import annotations

import atexit
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any, Protocol

__all__ = ["add_cleanup", "group_members", "install_interrupt_handlers", "interrupted_by", "kill_all",
           "remove_cleanup"]


class _Group(Protocol):
    pgid: int

    def kill(self, grace_s: float = ...) -> None: ...


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
    with LOCK:
        groups = list(_LIVE.values())
    for group in groups:
        try:
            group.kill(grace_s=1.0)
        except Exception:  # noqa: BLE001 - best effort at exit: one failure must not spare the rest
            pass


# --- registry ------------------------------------------------------------------------------------

_LIVE: dict[int, _Group] = {}
LOCK = threading.RLock()  # re-entrant: a signal handler may run while the main thread holds it
_HANDLERS_INSTALLED = False
_PREVIOUS: dict[int, Any] = {}
_CLEANUPS: list[Callable[[], None]] = []
_STARTING = 0  # start() calls between Popen and registration
_PENDING: list[int] = []  # signals that arrived meanwhile
atexit.register(kill_all)


def register(group: _Group) -> None:
    with LOCK:
        _LIVE[group.pgid] = group


def begin_start() -> None:
    """A Popen is about to run: a signal now must wait until its group is registered."""
    global _STARTING
    with LOCK:
        _STARTING += 1


def end_start() -> None:
    """The Popen returned (and its group is registered, or it failed): deliver a signal that waited."""
    global _STARTING
    with LOCK:
        _STARTING -= 1
        pending = _PENDING.pop() if _PENDING and not _STARTING else None
    if pending is not None:
        os.kill(os.getpid(), pending)


def forget(group: _Group) -> None:
    with LOCK:
        _LIVE.pop(group.pgid, None)


def signal_group(pgid: int, sig: signal.Signals) -> None:
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
    with LOCK:
        _CLEANUPS.append(fn)


def remove_cleanup(fn: Callable[[], None]) -> None:
    with LOCK:
        if fn in _CLEANUPS:
            _CLEANUPS.remove(fn)


def _run_cleanups() -> None:
    with LOCK:
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
    install_handlers()
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        if signal.getsignal(sig) is signal.SIG_IGN:
            continue
        if sig == signal.SIGINT:
            _PREVIOUS[sig] = signal.default_int_handler
            signal.signal(sig, _on_signal)
        _SOFT[sig] = True


def install_handlers() -> None:
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
