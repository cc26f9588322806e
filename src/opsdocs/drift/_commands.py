"""The wrangler commands a workflow step runs, from a ``run:`` script or cloudflare/wrangler-action."""

from __future__ import annotations

import re
from dataclasses import dataclass

from opsdocs.project.model import Step

_ACTION = "cloudflare/wrangler-action"
# `wrangler`, `npx wrangler`, `npx wrangler@4` ... up to the end of the shell command.
_RUN = re.compile(r"(?<![\w./-])wrangler(?:@\S+)?[ \t]+([^\n;&|#]*)")


@dataclass(frozen=True)
class WranglerCall:
    args: tuple[str, ...]  # after `wrangler`, e.g. ("d1", "migrations", "apply", "db", "--remote")

    @property
    def env(self) -> str | None:
        """The ``--env``/``-e`` value, None for the top-level Worker."""
        for i, arg in enumerate(self.args):
            if arg.startswith("--env="):
                return arg.removeprefix("--env=")
            if arg in ("--env", "-e") and i + 1 < len(self.args):
                return self.args[i + 1]
        return None

    @property
    def is_deploy(self) -> bool:
        return self.args[:1] == ("deploy",)

    @property
    def is_remote_migration(self) -> bool:
        return self.args[:3] == ("d1", "migrations", "apply") and "--remote" in self.args


def wrangler_calls(step: Step) -> tuple[WranglerCall, ...]:
    if step.uses and step.uses.split("@")[0] == _ACTION:
        # One command per line; no `command` input means `deploy`; `environment` adds `--env`.
        lines = str(step.with_.get("command") or "deploy").splitlines()
        extra = ("--env", str(step.with_["environment"])) if step.with_.get("environment") else ()
        return tuple(WranglerCall((*ln.split(), *extra)) for ln in lines if ln.strip())
    if step.run:
        script = step.run.replace("\\\n", " ")  # join `\`-continued lines
        return tuple(WranglerCall(tuple(m.group(1).split())) for m in _RUN.finditer(script))
    return ()
