"""One local ``wrangler dev`` (workerd + a local D1) in a sandbox, for health checks and drills.

Start-up: apply every top-level database's migrations locally (so ``/health`` has its tables; with a
``state_cache``, the state a run with the same inputs left is copied in instead: ``_state_cache``), start
``wrangler dev`` on a free loopback port, poll until it answers.

Under the kernel sandbox wrangler dev has a network namespace of its own (it cannot reach Cloudflare,
even with a ``"remote": true`` binding); it listens on its own loopback and ``_bridge`` carries the
health checks' connections to it through a Unix socket in the sandbox folder (see ``_bridge``). Every
command is an argv list: no config value (a ``database_name``) is ever read by a shell. Exit kills the whole process group:
wrangler, esbuild and every workerd. A server that does not come up is an EnvironmentProblem showing
the last lines wrangler logged, never a hang.
"""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path
from types import TracebackType

import httpx

from opsdocs.errors import ConfigError, EnvironmentProblem
from opsdocs.project.model import Project
from opsdocs.steps import _isolation
from opsdocs.steps._bridge import HostForward, inside_argv
from opsdocs.steps._proc import ProcessGroup, run, start
from opsdocs.steps._state_cache import restore, save, state_key
from opsdocs.steps._wrangler_rules import has_remote_bindings
from opsdocs.steps.masking import Masker
from opsdocs.steps.sandbox import Sandbox

__all__ = ["DevServer", "free_port"]

STARTUP_TIMEOUT_S = 60.0
_INNER_PORT = 8787  # wrangler dev's port inside its own network namespace
MIGRATE_TIMEOUT_S = 120.0
_LOG_LINES = 20
# wrangler's banner, box rules and the path of a log file inside a sandbox that is about to be deleted
_NOISE = re.compile(r"⛅️ wrangler|^[\s─│╵╷]*$|Logs were written to")


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _port_taken(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


class DevServer:
    """``with DevServer(sandbox) as dev: httpx.get(dev.base_url + "/health")``."""

    host = "127.0.0.1"

    def __init__(
        self,
        sandbox: Sandbox,
        *,
        port: int | None = None,
        startup_timeout_s: float = STARTUP_TIMEOUT_S,
        migrate: bool = True,
        masker: Masker | None = None,
        state_cache: Path | None = None,
        reuse_state: bool = True,
    ) -> None:
        self.sandbox = sandbox
        self.port = port
        self.startup_timeout_s = startup_timeout_s
        self.migrate = migrate
        # Where the migrated local state is kept per inputs (``_state_cache``); None: always apply.
        self.state_cache = state_cache
        self.reuse_state = reuse_state  # False: apply anyway, and store the result (verify --no-cache)
        self._mask = masker if masker is not None else Masker.from_env(sandbox.project)
        self._group: ProcessGroup | None = None
        self._forward: HostForward | None = None

    @property
    def project(self) -> Project:
        return self.sandbox.project

    @property
    def base_url(self) -> str:
        if self._group is None or self.port is None:
            raise RuntimeError("DevServer used outside its `with` block")
        return f"http://{self.host}:{self.port}"

    @property
    def pgid(self) -> int | None:
        """The process group of wrangler and its workerd children (None when not running)."""
        return self._group.pgid if self._group is not None else None

    def logs(self) -> str:
        """What wrangler dev printed so far (masked)."""
        return self._mask(self._group.output()) if self._group is not None else ""

    def __enter__(self) -> DevServer:
        if self.migrate:
            self._migrate()
        if self.port is not None and _port_taken(self.host, self.port):
            raise EnvironmentProblem(f"port {self.port} on {self.host} is already in use",
                                     hint="stop what listens there, or leave the port out to pick a free one")
        try:
            self._group = self._start()
            self._wait_ready()
        except BaseException:
            self.close()
            raise
        return self

    def _start(self) -> ProcessGroup:
        isolated = _isolation.status().available
        # In its own namespace the port is free by construction; outside, the host port is the real one.
        inner_port = _INNER_PORT if isolated else (self.port or free_port(self.host))
        # A Pages project is served by `wrangler pages dev <output dir>`: `wrangler dev` refuses its config.
        pages_out = self.project.wrangler.pages_output_dir
        command = ("pages", "dev", pages_out) if pages_out is not None else ("dev",)
        if pages_out is None and has_remote_bindings(self.project):
            # A `"remote": true` binding would connect to the real account; `--local` is "run locally with
            # remote bindings disabled" (wrangler 4), so the local check runs against local state.
            command = (*command, "--local")
        argv = self.sandbox.toolchain.argv(*command, "--ip", self.host, "--port", str(inner_port),
                                           "--show-interactive-dev-session=false",
                                           "--persist-to", str(self.sandbox.state_dir))
        if isolated:
            sock = self.sandbox.home / "dev.sock"
            self._forward = HostForward(sock, self.host, self.port or 0)  # bound now: the port is ours
            self.port = self._forward.port
            argv = self.sandbox.isolate(inside_argv(sock, inner_port, argv))
        else:
            self.port = inner_port
        return start(argv, cwd=self.sandbox.root, env=self.sandbox.env())

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._group is not None:
            self._group.close()
        if self._forward is not None:
            self._forward.close()
            self._forward = None

    # --- start-up --------------------------------------------------------------------------------

    def _migrate(self) -> None:
        if self.state_cache is None:
            return self._apply_migrations()
        key = state_key(self.project, self.sandbox.toolchain)
        if self.reuse_state and restore(self.state_cache, key, self.sandbox.state_dir):
            return None
        self._apply_migrations()
        save(self.state_cache, key, self.sandbox.state_dir)
        return None

    def _apply_migrations(self) -> None:
        seen: set[str] = set()
        for db in self.project.wrangler.top.d1_databases:
            if db.name in seen:
                continue
            seen.add(db.name)
            argv = self.sandbox.isolate(self.sandbox.toolchain.argv("d1", "migrations", "apply", db.name,
                                                                    "--local"))
            result = run(argv, cwd=self.sandbox.root, env=self.sandbox.env(), timeout_s=MIGRATE_TIMEOUT_S)
            if result.exit_code != 0 or result.timed_out:
                why = "timed out" if result.timed_out else f"exit code {result.exit_code}"
                raise ConfigError(
                    f"local migrations of {db.name} failed ({why}): {self._last_lines(result.output)}",
                    path=db.location.path, line=db.location.line,
                    hint=f"run `npx wrangler d1 migrations apply {db.name} --local` to see the whole error",
                )

    def _wait_ready(self) -> None:
        assert self._group is not None
        deadline = time.monotonic() + self.startup_timeout_s
        with httpx.Client(timeout=2.0, trust_env=False) as client:  # loopback: never via a proxy
            while time.monotonic() < deadline:
                code = self._group.poll()
                if code is not None:
                    raise self._problem(f"wrangler dev exited with code {code} before answering")
                try:
                    client.get(self.base_url + "/")
                    return  # any HTTP answer (even 404/500) means workerd is serving
                except httpx.TransportError:
                    time.sleep(0.25)
        raise self._problem(f"wrangler dev did not answer on {self.base_url} within "
                            f"{self.startup_timeout_s:g} s")

    def _problem(self, message: str) -> EnvironmentProblem:
        log = self._group.output() if self._group is not None else ""
        hint = "is the port taken? is node_modules complete (run npm ci)?"
        if "EADDRINUSE" in log or "address already in use" in log.lower():
            hint = f"port {self.port} is already in use; leave the port out to pick a free one"
        elif "Build failed" in log:
            hint = "the Worker does not build: fix the error shown (npx wrangler deploy --dry-run shows it too)"
        return EnvironmentProblem(f"{message}: {self._last_lines(log)}", hint=hint)

    def _last_lines(self, text: str) -> str:
        lines = [line.strip() for line in text.splitlines() if line.strip() and not _NOISE.search(line)]
        return self._mask(" | ".join(lines[-_LOG_LINES:])) or "(no output)"
