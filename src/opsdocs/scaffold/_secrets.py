"""``checks/secrets.yml`` for a project: every secret its workflows and ``secrets.required`` use.

Each entry lists its uses (``file:line``) as comments; what only a person knows (purpose, permissions,
rotation) is a TODO marker that drift rule ``todo-marker`` keeps failing on until it is written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from opsdocs.project.model import Project
from opsdocs.scaffold._marker import TODO, WORKFLOW

# The token the nightly verify workflow (written by init too) reads: only read permissions.
READONLY_TOKEN = "CLOUDFLARE_READONLY_API_TOKEN"

_HEADER = """\
# What the workflows cannot say about their secrets: why each exists, the least it needs, where it is
# set, and how to replace it. Written by `opsdocs init`: replace each TODO marker with the answer (the
# drift rule todo-marker fails until none is left). Keys: purpose, permissions (list), where, rotation,
# how_to_get (optional). GITHUB_TOKEN is not listed: GitHub issues it per run.
"""


@dataclass(frozen=True)
class _Use:
    where: str  # "path:line"
    environment: str | None  # the GitHub environment of the job, None: repository level


def _uses(project: Project) -> dict[str, list[_Use]]:
    out: dict[str, list[_Use]] = {}
    for wf in project.workflows:
        for ref in wf.secrets:
            if ref.name == "GITHUB_TOKEN" or ref.workflow == WORKFLOW:  # ours: listed below, the same each run
                continue
            job = wf.jobs.get(ref.job) if ref.job else None
            out.setdefault(ref.name, []).append(_Use(str(ref.location), job.environment if job else None))
    for name, where in required_secrets(project):
        out.setdefault(name, []).append(_Use(where, None))
    return out


def required_secrets(project: Project) -> list[tuple[str, str]]:
    """``secrets.required`` of the config (top level and every env) as ``(name, "path:line")``."""
    config = project.wrangler
    raw = config.raw if isinstance(config.raw, dict) else {}
    scopes = [("", raw)] + [(f"/env/{k}", v) for k, v in (raw.get("env") or {}).items() if isinstance(v, dict)]
    out = []
    for pointer, obj in scopes:
        secrets = obj.get("secrets")
        names = secrets.get("required") if isinstance(secrets, dict) else None
        for i, name in enumerate(names if isinstance(names, list) else []):
            if isinstance(name, str):
                loc = config.locations.get(f"{pointer}/secrets/required/{i}") or config.locations.get(
                    f"{pointer}/secrets", None)
                line = loc.line if loc is not None else 1
                out.append((name, f"{config.relpath}:{line}"))
    return out


def _where(uses: list[_Use]) -> str:
    envs = sorted({u.environment for u in uses if u.environment})
    if envs and all(u.environment for u in uses):
        return f"GitHub environment secret: {', '.join(envs)}"
    if any(u.where.startswith(("wrangler.", "wrangler/")) for u in uses) and not envs:
        return f"{TODO}: a Worker secret (wrangler secret put NAME), a GitHub secret, or both"
    return "GitHub repository secret"


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def render_secrets(project: Project) -> str:
    uses = _uses(project)
    uses.setdefault(READONLY_TOKEN, []).append(_Use(f"{WORKFLOW} (the nightly verify)", None))
    blocks = [_HEADER]
    for name in sorted(uses):
        lines = [f"# used at {u.where}" for u in uses[name]]
        if name == READONLY_TOKEN:
            lines += [f"{name}:",
                      "  purpose: " + _q("Read-only Cloudflare API token for the nightly `opsdocs verify` "
                                          "(remote-read steps: lists and info, never a change)."),
                      "  permissions:",
                      "    - " + _q("Account › Workers Scripts › Read"),
                      "    - " + _q("Account › D1 › Read"),
                      "  where: " + _q("GitHub repository secret"),
                      "  rotation: " + _q(f"{TODO}: how often, who rolls it, how to check the new value")]
        else:
            lines += [f"{name}:",
                      "  purpose: " + _q(f"{TODO}: what it lets the job do and why it needs it"),
                      "  permissions:",
                      "    - " + _q(f"{TODO}: the least it needs (a Cloudflare token: each permission)"),
                      "  where: " + _q(_where(uses[name])),
                      "  rotation: " + _q(f"{TODO}: how often, who rolls it, how to check the new value")]
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
