"""A real terminal for the guided-mode tests: a private tmux server, keys sent, the screen polled."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

OPSDOCS = str(Path(sys.executable).parent / "opsdocs")
WAIT_S = float(os.environ.get("OPSDOCS_TERMINAL_WAIT", "240"))  # per expected screen; wrangler on a busy machine
_KEEP_ENV = ("PATH", "LANG", "LC_ALL", "OPSDOCS_NODE_MODULES")


class Terminal:
    """One tmux pane running ``argv``; the pane stays after the program ends and shows its exit code."""

    def __init__(self, tmp: Path, argv: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
        if shutil.which("tmux") is None:
            raise RuntimeError("tmux is not installed (apt-get install tmux)")
        self.socket = str(tmp / f"tmux-{uuid.uuid4().hex[:8]}.sock")
        conf = tmp / "tmux.conf"
        conf.write_text("set -g history-limit 100000\nset -g remain-on-exit on\n", encoding="utf-8")
        base = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
        base.update({"TERM": "xterm-256color", "HOME": str(tmp), "COLUMNS": "150", **(env or {})})
        assignments = [f"{k}={v}" for k, v in base.items()]
        script = f"{shlex.join(['env', '-i', *assignments, *argv])}; echo \"[exit $?]\""
        self._tmux("-f", str(conf), "new-session", "-d", "-x", "150", "-y", "45", "-c", str(cwd or tmp),
                   "bash", "-c", script)  # bash: a Ctrl-C the program handles does not end it

    def _tmux(self, *args: str) -> str:
        proc = subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, timeout=30)
        if proc.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args[:2])} failed: {proc.stderr.strip()}")
        return proc.stdout

    def screen(self) -> str:
        """Everything the pane has shown (scrollback included), wrapped lines joined."""
        return self._tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "0")

    def screen_ansi(self) -> str:
        """The same, with the colours and styles as escape sequences (for a recording)."""
        return self._tmux("capture-pane", "-p", "-e", "-J", "-S", "-", "-t", "0")

    def wait_for(self, pattern: str, *, count: int = 1, timeout_s: float = WAIT_S) -> str:
        """Poll the screen until ``pattern`` (a regex) appears ``count`` times; the screen then."""
        deadline = time.monotonic() + timeout_s
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if len(re.findall(pattern, screen)) >= count:
                return screen
            if re.search(r"\[exit \d+\]", screen) and pattern != r"\[exit \d+\]":
                raise AssertionError(f"program ended before {pattern!r} (x{count}) appeared:\n{screen[-3000:]}")
            time.sleep(0.2)  # a polling interval, not a wait for something to be done
        raise AssertionError(f"{pattern!r} (x{count}) did not appear in {timeout_s:.0f} s:\n{screen[-3000:]}")

    def type(self, text: str) -> None:
        """Type a line and press Enter."""
        self._tmux("send-keys", "-t", "0", "-l", text)
        self._tmux("send-keys", "-t", "0", "Enter")

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "0", *keys)

    def exit_code(self) -> int:
        screen = self.wait_for(r"\[exit \d+\]")
        return int(re.findall(r"\[exit (\d+)\]", screen)[-1])

    def close(self) -> None:
        """End the session: the pane's processes get SIGHUP, as when an SSH connection drops."""
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True, timeout=30)


def wait_gone(marker: str, timeout_s: float = 60) -> None:
    """Poll until no process has ``marker`` in its command line."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not _holders(marker):
            return
        time.sleep(0.2)
    raise AssertionError(f"processes with {marker!r} still alive: {_holders(marker)}")


def _holders(marker: str) -> list[int]:
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmdline = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in cmdline:
                found.append(int(entry.name))
    return found
