"""Kernel isolation for everything a rehearsal runs: bubblewrap namespaces, not parsing.

A step, a local migration and the local ``wrangler dev`` run under ``bwrap`` with:

- a network namespace of their own (``--unshare-net``): loopback only, nothing leaves the machine;
  ``remote-read`` processes that need the network are the one exception, and get no shell around them;
- the whole system read-only (``--ro-bind / /``), ``node_modules`` included: a step cannot plant code that
  a later step runs; only the sandbox copy is writable (``--bind SANDBOX SANDBOX``);
- a PID namespace and a fresh ``/proc``: the parent's environment (``/proc/<ppid>/environ``) is out of
  sight, and every child dies with the run (bwrap's init is pid 1; ``--die-with-parent``);
- no capabilities, and a private ``/tmp``, ``/root``, ``/home`` and project checkout (an empty tmpfs over
  each; what must stay visible - node_modules, this Python - is bound back read-only): no
  ``wrangler login`` file, ``.npmrc`` or ``.env`` is in reach.

Where bwrap is missing or not allowed (an unprivileged container without user namespaces), commands run
without it; ``status()`` says so, the report header records it, and ``--require-isolation`` turns it into
an error. ``OPSDOCS_ISOLATION=off`` forces that path (tests of the fallback); nothing else reads it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from opsdocs.errors import EnvironmentProblem

__all__ = ["Isolation", "IsolationUnavailable", "status", "wrap", "require", "ISOLATION_ENV"]

ISOLATION_ENV = "OPSDOCS_ISOLATION"  # "off": run without bwrap (tests of the unisolated path only)
_PROBE_TIMEOUT_S = 20.0
# Hidden behind an empty tmpfs: where logins, tokens and keys live on a machine.
_PRIVATE = ("/root", "/home", "/run/secrets", "/var/run/secrets", "/tmp", "/var/tmp", "/dev/shm")


class IsolationUnavailable(EnvironmentProblem):
    """``--require-isolation`` was given and the kernel sandbox cannot be used here."""


@dataclass(frozen=True)
class Isolation:
    available: bool
    mechanism: str  # "bubblewrap 0.8.0" or "none"
    reason: str  # why not, when unavailable

    def header(self) -> str:
        return self.mechanism if self.available else f"none ({self.reason})"


def status() -> Isolation:
    """Whether commands run isolated on this machine (probed once per process)."""
    if os.environ.get(ISOLATION_ENV, "").lower() == "off":
        return Isolation(False, "none", f"disabled by {ISOLATION_ENV}=off")
    return _probe()


@cache
def _probe() -> Isolation:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return Isolation(False, "none", "bubblewrap (bwrap) is not installed; apt-get install bubblewrap")
    # An absolute, resolved `true`: a PATH entry under /tmp (hidden by the sandbox's private /tmp) must not
    # make the probe fail as if the kernel refused namespaces.
    true = os.path.realpath(shutil.which("true") or "/bin/true")
    argv = [bwrap, *_base_args(writable=(), offline=True, keep=()), "--", true]
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=_PROBE_TIMEOUT_S,
                              start_new_session=True, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Isolation(False, "none", f"bwrap did not run: {exc}")
    if done.returncode != 0:
        why = done.stderr.decode(errors="replace").strip().splitlines()
        return Isolation(False, "none", f"bwrap cannot create namespaces here: {why[-1] if why else done.returncode}")
    version = subprocess.run([bwrap, "--version"], capture_output=True, text=True, timeout=_PROBE_TIMEOUT_S,
                             stdin=subprocess.DEVNULL, check=False).stdout.strip()
    return Isolation(True, version or "bubblewrap", "")


def require() -> None:
    """Raise IsolationUnavailable (one line) when commands would run without the kernel sandbox."""
    iso = status()
    if not iso.available:
        raise IsolationUnavailable(f"kernel isolation is not available: {iso.reason}",
                                   hint="install bubblewrap (apt-get install bubblewrap) and run where "
                                        "namespaces are allowed, or drop --require-isolation")


def wrap(argv: Sequence[str], *, cwd: Path, writable: Iterable[Path], offline: bool = True,
         keep: Iterable[Path] = (), hide: Iterable[Path] = ()) -> list[str]:
    """``argv`` run under bwrap (or as is, when isolation is unavailable).

    ``writable``: the only paths a process may write (the sandbox); ``keep``: paths under a hidden folder
    (``hide``: the project checkout) that must stay readable (node_modules, the running Python).
    ``offline=False`` keeps the host's network (a remote-read wrangler or curl, never a shell).
    """
    if not status().available:
        return list(argv)
    bwrap = shutil.which("bwrap") or "bwrap"
    hidden = [p for p in (Path(h).resolve() for h in hide) if p.is_dir()]
    args = [bwrap, *_base_args(writable=[Path(w).resolve() for w in writable], offline=offline,
                               keep=[Path(k).resolve() for k in keep], hide=hidden)]
    return [*args, "--chdir", str(cwd), "--", *argv]


def _base_args(*, writable: Sequence[Path], offline: bool, keep: Sequence[Path],
               hide: Sequence[Path] = ()) -> list[str]:
    args = ["--die-with-parent", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--cap-drop", "ALL", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    if offline:
        args.append("--unshare-net")
    for private in (*_PRIVATE, *map(str, hide)):
        if os.path.isdir(private) and not os.path.islink(private):
            args += ["--tmpfs", private]
    for path in writable:
        args += ["--bind", str(path), str(path)]
    # Bound back read-only, outermost first (after the writable ones: a kept folder inside the sandbox,
    # like its shims, stays read-only): what the hidden folders hold that commands must read.
    for path in sorted(set(_always_kept()) | set(keep), key=lambda p: len(p.parts)):
        if path.exists():
            args += ["--ro-bind", str(path), str(path)]
    return args


def _always_kept() -> list[Path]:
    """This Python (venv and base install, which may live under /root: pyenv) and the opsdocs it imports,
    and the system Node's install (nvm puts it under $HOME): a page's ``opsdocs health`` and wrangler run them."""
    import opsdocs

    kept = {Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
            Path(opsdocs.__file__).resolve().parent.parent}
    node = shutil.which("node")
    if node:
        kept.add(Path(node).resolve().parent.parent)
    return [p for p in kept if p != Path("/") and len(p.parts) > 2]
