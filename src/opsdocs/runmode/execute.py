"""Where a step runs: local work in the rehearsal sandbox, remote work in the operator's own shell.

* Local (every wrangler command ``--local``, or a rehearse step): the same sandbox ``opsdocs verify``
  rehearses in, kept for the whole session so one step sees what the previous one did. No credentials
  reach it. Drills therefore work offline and never touch the checkout's own ``.wrangler`` state.
* Remote (remote-read, or a confirmed ``never`` step that reaches Cloudflare): in the project root with the
  operator's credentials and their wrangler login, so it acts with their own rights; ``CI=true`` because
  opsdocs already asked (a wrangler prompt would wait on a closed stdin until the timeout).
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from pathlib import Path

from opsdocs.errors import EnvironmentProblem
from opsdocs.project.model import Project
from opsdocs.steps._proc import ProcResult, run  # the one runner that kills a step's whole process group
from opsdocs import toolchain
from opsdocs.steps import classify
from opsdocs.steps.masking import CREDENTIAL_ENV
from opsdocs.steps.sandbox import PASS_ENV, Sandbox

__all__ = ["Executor"]

_REMOTE_ENV = {"CI": "true", "NO_COLOR": "1", "FORCE_COLOR": "0", "WRANGLER_SEND_METRICS": "false"}
# Not CLOUDFLARE_ENV (recent wranglers read an environment from it): only what the command names, as checked.
_IDENTITY_ENV = ("HOME", "USER", "LOGNAME", "XDG_CONFIG_HOME", "OPSDOCS_BASE_URL")


class Executor:
    """Runs step text; use as a context manager (the sandbox is removed on exit)."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._stack = ExitStack()
        self._sandbox: Sandbox | None = None

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
        self._sandbox = None

    @property
    def sandbox(self) -> Sandbox:
        if self._sandbox is None:
            self._sandbox = self._stack.enter_context(Sandbox(self.project))
        return self._sandbox

    def run(self, command: str, timeout_s: float, *, local: bool) -> ProcResult:
        if local:
            return self.sandbox.run(command, timeout_s, remote=False)
        argv = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command]
        return run(argv, cwd=self.project.root, env=self._remote_env(command), timeout_s=timeout_s)

    def _remote_env(self, command: str) -> dict[str, str]:
        """The operator's identity (HOME: their wrangler login) and Cloudflare credentials; a GitHub token
        only for a ``gh`` command. Nothing else of their environment: a page cannot read it out."""
        names = [*PASS_ENV, *_IDENTITY_ENV, *CREDENTIAL_ENV]
        try:
            if any(c.program == "gh" for c in classify(command)):
                names += ["GH_TOKEN", "GITHUB_TOKEN"]
        except ValueError:
            pass  # unreadable: the classifier refused it before it got here
        env = {k: os.environ[k] for k in names if os.environ.get(k)}
        env.update(_REMOTE_ENV)
        try:
            # opsdocs.toolchain's node_modules: its .bin has wrangler and (from the node package) Node 22
            bin_dir = str(toolchain.find_wrangler(self.project.root).node_modules / ".bin")
        except EnvironmentProblem:  # no pinned wrangler: the operator's own PATH decides
            return env
        env["PATH"] = os.pathsep.join([bin_dir, env.get("PATH", os.defpath)])
        return env

    @property
    def workdir(self) -> Path:
        return self._sandbox.root if self._sandbox is not None else self.project.root
