"""The classifier applied to an argv that a shell already expanded: what the credential broker receives.

A remote-read block's ``wrangler`` and ``curl`` are broker clients; the argv they send may hold values
from variables or words built at run time, which ``check_safety`` never saw as written. Each is quoted
back into one command (``shlex.join``) and read again by the same rules.
"""

from __future__ import annotations

import os
import shlex

from opsdocs.project.model import Project
from opsdocs.steps._shell import ShellSyntaxError
from opsdocs.steps._wrangler_rules import has_remote_bindings
from opsdocs.steps.classify import _refusal, classify

__all__ = ["argv_is_remote", "argv_refusal"]


def argv_is_remote(argv: list[str], project: Project | None = None) -> bool:
    """Whether ``argv`` reaches Cloudflare (or any host): only then does the broker give it the network and,
    for wrangler, the token. A local command (``deploy --dry-run``, whose custom build runs any program the
    sandbox's config names) runs offline and without a credential."""
    try:
        commands = classify(shlex.join(argv), remote_bindings=project is not None and has_remote_bindings(project))
    except ShellSyntaxError:  # pragma: no cover - shlex.join always quotes
        return False
    return any(cmd.target == "remote" for cmd in commands) or _checks_operator_url(argv)


def _checks_operator_url(argv: list[str]) -> bool:
    """``opsdocs health``/``curl`` of the deployed URL the operator gave opsdocs (``OPSDOCS_BASE_URL`` in
    opsdocs' own environment, which no block can set) reaches that host even when it is loopback: a
    stand-in for production on this machine, as a nightly job on a self-hosted runner may have."""
    base = os.environ.get("OPSDOCS_BASE_URL", "").rstrip("/")
    if not base or argv[0] not in ("opsdocs", "curl"):
        return False
    words = [w.split("=", 1)[1] if w.startswith("--") and "=" in w else w for w in argv[1:]]
    return any(w.rstrip("/") == base or w.startswith(base + "/") for w in words)


def argv_refusal(mode: str, argv: list[str], project: Project | None = None) -> str | None:
    """Why ``argv`` (one program, already expanded by a shell) must not run in a ``mode`` block, or None.

    The credential broker's check: what reaches it was never seen by ``check_safety`` as written (a value
    from a variable, a word built at run time), so it is read again, word by word, as wrangler reads it."""
    try:
        commands = classify(shlex.join(argv), remote_bindings=project is not None and has_remote_bindings(project))
    except ShellSyntaxError as exc:  # pragma: no cover - shlex.join always quotes
        return f"cannot read the command: {exc}"
    for cmd in commands:
        reason = _refusal(mode, cmd)
        if reason is not None:
            return f"{reason[0]}; {reason[1]}"
    return None
