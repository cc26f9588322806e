"""``checks/secrets.yml`` for a project: every secret its workflows and ``secrets.required`` use.

Each entry lists its uses (``file:line``) as comments; what only a person knows (purpose, permissions,
rotation) is a TODO marker that drift rule ``todo-marker`` keeps failing on until it is written. What the
pipeline itself shows is written out: the account id secret, and a deploy token's least permissions from
what its lanes run (deploy, remote D1 migrations, routes, Pages).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from opsdocs.project.model import Project
from opsdocs.project._calls import WranglerCall
from opsdocs.project.pipeline import credentials
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
            if ref.name == "GITHUB_TOKEN" or ref.workflow.endswith(WORKFLOW):  # ours: listed below, the same each run
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


@dataclass
class _Known:
    """What the pipeline itself says of a secret: the wrangler work it is handed to."""

    account: bool = False  # handed to wrangler as the account id
    deploys: set[str] | None = None  # the Workers (or Pages projects) it deploys, when it is a token
    d1: bool = False  # ... and applies D1 migrations with it
    routes: bool = False
    pages: bool = False


def _known(project: Project) -> dict[str, _Known]:
    """Per secret: what the deploy lanes use it for, so the least permissions can be written for the reader
    instead of left as a TODO (the same table as the secrets guide, from the same model)."""
    out: dict[str, _Known] = {}
    for lane in project.pipeline.lanes:
        roles = [(lane.deploy.site, True)] + [(m.site, False) for m in lane.migrations]
        for site, is_deploy in roles:
            cred = credentials(site)
            if cred.account:
                out.setdefault(cred.account, _Known()).account = True
            if not cred.token:
                continue
            known = out.setdefault(cred.token, _Known())
            known.deploys = known.deploys or set()
            if is_deploy:
                known.deploys.add(lane.env.worker_name)
                known.routes = known.routes or bool(lane.env.routes)
                call = lane.deploy.call
                known.pages = known.pages or (isinstance(call, WranglerCall) and call.path[:1] == ("pages",))
            else:
                known.d1 = True
    return out


def _permissions(known: _Known) -> list[str]:
    perms = ["Account › Cloudflare Pages › Edit"] if known.pages else ["Account › Workers Scripts › Edit"]
    if known.d1:
        perms.append("Account › D1 › Edit")
    if known.routes:
        perms.append("Zone › Workers Routes › Edit")
    return perms


def _entry(name: str, known: _Known | None, uses: list[_Use]) -> list[str]:
    rotation = "  rotation: " + _q(f"{TODO}: how often, who rolls it, how to check the new value")
    if known and known.account and not known.deploys:
        return [f"{name}:",
                "  purpose: " + _q("The Cloudflare account id wrangler acts on (CLOUDFLARE_ACCOUNT_ID): it "
                                    "identifies the account and grants nothing by itself."),
                "  permissions:", "    - " + _q("none: an identifier, not a credential"),
                "  where: " + _q(_where(uses)),
                "  rotation: " + _q("not rotated: it changes only when the project moves to another account")]
    if known and known.deploys is not None:
        does = [f"deploy {', '.join(f'`{w}`' for w in sorted(known.deploys))}"] if known.deploys else []
        does += ["apply its remote D1 migrations"] if known.d1 else []
        purpose = f"Cloudflare API token the pipeline uses to {' and to '.join(does)}."
        perms = _permissions(known) if known.deploys else ["Account › D1 › Edit"]
        return [f"{name}:", "  purpose: " + _q(purpose), "  permissions:",
                *("    - " + _q(p) for p in perms), "  where: " + _q(_where(uses)), rotation]
    return [f"{name}:",
            "  purpose: " + _q(f"{TODO}: what it lets the job do and why it needs it"),
            "  permissions:",
            "    - " + _q(f"{TODO}: the least it needs (for a token: each permission)"),
            "  where: " + _q(_where(uses)), rotation]


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
    known = _known(project)
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
            lines += _entry(name, known.get(name), uses[name])
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)
