"""What a verification run checks: a flat list of :class:`Check`, collected cheaply from the Project.

A check names its place (``page:line``), its kind and markers, and how to produce its findings. Checks
that share work (every step of one runbook, every health check against one server, every drift rule,
the one site build) share it through the run's memoised resources, so each piece of work happens once
and independent pieces run at the same time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from opsdocs.drift._base import passed
from opsdocs.errors import OpsdocsError
from opsdocs.report.finding import Finding, Kind
from opsdocs.verify import _work
from opsdocs.verify.context import VerifyContext


@dataclass(frozen=True)
class Check:
    name: str  # unique, shown by pytest and matched by -k
    kind: Kind
    location: str  # "path:line" or ""
    markers: tuple[str, ...]
    resources: tuple[str, ...]  # memo keys this check needs (started in the background up front)
    produce: Callable[[VerifyContext], list[Finding]]


def collect_checks(ctx: VerifyContext) -> list[Check]:
    """Every check of the run; cheap (no subprocess, no network)."""
    return [*_runbook_checks(ctx), *_health_checks(ctx), *_drift_checks(ctx), *_workflow_checks(ctx),
            *_link_checks(ctx)]


def prefetch(ctx: VerifyContext, checks: Sequence[Check]) -> None:
    """Start, in the background, every shared resource the selected checks will need.

    The pool runs them in the order given, so the order is the run's critical path: what other work waits
    on (the dev server, the site build) first, then the runbooks longest first (each runs its steps one
    after the other), and last what only waits (health checks, the link check).
    """
    wanted: dict[str, None] = {}
    for check in checks:
        wanted.update(dict.fromkeys(check.resources))
    wanted.update(dict.fromkeys(_DEPENDS[k] for k in list(wanted) if k in _DEPENDS))
    for key in sorted(wanted, key=lambda k: _priority(ctx, k)):
        ctx.start(key, _work.builder(ctx, key))


_DEPENDS = {"health:local": "devserver", "links": "site"}  # builders that block on another resource


def _priority(ctx: VerifyContext, key: str) -> tuple[int, float]:
    if key in _DEPENDS:
        return (3, 0.0)
    if key in _DEPENDS.values():
        return (0, 0.0)
    if key.startswith("runbook:"):
        page = key.split(":", 1)[1]
        runs = ("rehearse", "remote-read") if ctx.options.remote_enabled else ("rehearse",)
        steps = next((rb.steps for rb in _work.runbooks(ctx) if rb.page == page), ())
        return (1, -sum(step.mode in runs for step in steps))
    return (2, 0.0)


def _pick(ctx: VerifyContext, *, key: str, ids: Sequence[str] | None = None,
          prefix: str | None = None) -> list[Finding]:
    findings: list[Finding] = ctx.get(key, _work.builder(ctx, key))  # shared: built once per run
    if ids is not None:
        return [f for f in findings if f.id in ids]
    if prefix is not None:
        # "static:docs/a.md:12" matches "static:docs/a.md:12:flag" but not "static:docs/a.md:120"
        return [f for f in findings if f.id == prefix or f.id[len(prefix):len(prefix) + 1] in (":", "@")
                and f.id.startswith(prefix)]
    return findings


# --- runbook steps ---------------------------------------------------------------------------------


def _runbook_checks(ctx: VerifyContext) -> list[Check]:
    try:
        runbooks = _work.runbooks(ctx)
    except OpsdocsError as err:  # a block with no mode, a bad attribute: nothing may go silently untested
        where = err.location.rsplit(":", 1)[0] if err.line is not None and err.col is not None else err.location
        return [_failed_check("runbook", where, f"collect {where}", str(err))]
    out: list[Check] = []
    for rb in runbooks:
        key = f"runbook:{rb.page}"
        for step in rb.steps:
            label = step.title or step.command.strip().splitlines()[0][:60]
            # `never` steps are listed too, so the report shows they were deliberately not run.
            out.append(Check(
                name=f"{step.location} [{step.mode}] {label}", kind="runbook", location=step.location,
                markers=(step.mode.replace("-", "_"),), resources=(key,),
                produce=partial(_pick, key=key, ids=[step.id]),
            ))
            out.append(Check(
                name=f"{step.location} [static] {label}", kind="runbook", location=step.location,
                markers=("static",), resources=("static",),
                produce=partial(_pick, key="static", prefix=f"static:{step.page}:{step.line}"),
            ))
    return out


# --- health ----------------------------------------------------------------------------------------


def _health_checks(ctx: VerifyContext) -> list[Check]:
    out: list[Check] = []
    for hc in ctx.project.health_checks:
        loc = str(hc.location)
        out.append(Check(
            name=f"{loc} [health local] {hc.name}", kind="health", location=loc, markers=("health",),
            resources=("health:local",), produce=partial(_pick, key="health:local", prefix=f"health:{hc.name}"),
        ))
        out.append(Check(
            name=f"{loc} [health deployed] {hc.name}", kind="health", location=loc,
            markers=("health", "remote_read"), resources=("health:deployed",),
            produce=partial(_pick, key="health:deployed", prefix=f"health:{hc.name}"),
        ))
    return out


# --- drift rules, workflow audits, links -------------------------------------------------------------


def _drift_checks(ctx: VerifyContext) -> list[Check]:
    from opsdocs.drift.registry import RULES

    return [
        Check(name=f"[drift] {rule.id}", kind="drift", location="", markers=("drift",), resources=(),
              produce=partial(_run_rule, rule=rule))
        for rule in RULES
    ]


def _workflow_checks(ctx: VerifyContext) -> list[Check]:
    if not ctx.project.workflows:
        return []
    return [Check(name=f"[workflow] {tool}", kind="workflow", location="", markers=("workflow",),
                  resources=("audits",), produce=partial(_pick, key="audits", prefix=f"workflow:{tool}"))
            for tool in ("zizmor", "actionlint")]


def _link_checks(ctx: VerifyContext) -> list[Check]:
    label = "internal and external links" if ctx.options.external else "internal links and anchors"
    return [Check(name=f"[links] {label}", kind="link", location="", markers=("links",), resources=("links",),
                  produce=partial(_pick, key="links"))]


def _run_rule(ctx: VerifyContext, *, rule: Any) -> list[Finding]:
    """Run a drift rule; no finding means it passed (a rule only reports problems)."""
    start = time.perf_counter()
    findings: list[Finding] = rule.check(ctx.project, ctx.pages)
    return findings or [replace(passed(rule), duration_s=time.perf_counter() - start)]


def _failed_check(kind: Kind, location: str, name: str, message: str) -> Check:
    finding = Finding(f"{kind}:{name}", kind, "failed", location, message)
    return Check(name=name, kind=kind, location=location, markers=(), resources=(),
                 produce=lambda c: [finding])
