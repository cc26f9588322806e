"""What a verification run checks: a flat list of :class:`Check`, collected cheaply from the Project.

A check names its place (``page:line``), its kind and markers, and how to produce its findings. Checks
that share work (every step of one runbook, every health check against one server, every drift rule,
the one site build) share it through the run's memoised resources, so each piece of work happens once
and independent pieces run at the same time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from opsdocs.errors import OpsdocsError
from opsdocs.report.finding import Finding, Kind, Location, location_of
from opsdocs.verify import _work
from opsdocs.verify.context import VerifyContext


@dataclass(frozen=True)
class Check:
    name: str  # unique, shown by pytest and matched by -k
    kind: Kind
    location: Location | None
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
        page = key.removeprefix("runbook:")
        runs = ("rehearse", "remote-read") if ctx.options.remote_enabled else ("rehearse",)
        steps = next((rb.steps for rb in _work.runbooks(ctx) if rb.page == page), ())
        return (1, -sum(step.mode in runs for step in steps))
    return (2, 0.0)


def _pick(ctx: VerifyContext, *, key: str, check: str | None = None, subject: str | None = None) -> list[Finding]:
    """The findings of the shared resource ``key`` (built once per run) with this check (and subject)."""
    findings: list[Finding] = ctx.get(key, _work.builder(ctx, key))
    return [f for f in findings if check is None or (f.check == check and subject in (None, f.subject))]


# --- runbook steps ---------------------------------------------------------------------------------


def _runbook_checks(ctx: VerifyContext) -> list[Check]:
    try:
        runbooks = _work.runbooks(ctx)
    except OpsdocsError as err:  # a block with no mode, a bad attribute: nothing may go silently untested
        where = location_of(err)
        return [_failed_check("runbook", where, f"collect {where.path if where else 'runbooks'}", str(err))]
    out: list[Check] = []
    for rb in runbooks:
        key = f"runbook:{rb.page}"
        for step in rb.steps:
            label = step.title or step.command.strip().splitlines()[0][:60]
            # `never` steps are listed too, so the report shows they were deliberately not run.
            where = Location(step.page, step.line)
            out.append(Check(
                name=f"{where} [{step.mode}] {label}", kind="runbook", location=where,
                markers=(step.mode.replace("-", "_"),), resources=(key,),
                produce=partial(_pick, key=key, check=step.page, subject=str(step.line)),
            ))
            out.append(Check(
                name=f"{where} [static] {label}", kind="runbook", location=where,
                markers=("static",), resources=("static",),
                produce=partial(_pick, key="static", check="static", subject=f"{step.page}:{step.line}"),
            ))
    return out


# --- health ----------------------------------------------------------------------------------------


def _health_checks(ctx: VerifyContext) -> list[Check]:
    out: list[Check] = []
    for hc in ctx.project.health_checks:
        loc = hc.location
        out.append(Check(
            name=f"{loc} [health local] {hc.name}", kind="health", location=loc, markers=("health",),
            resources=("health:local",), produce=partial(_pick, key="health:local", check=hc.name),
        ))
        out.append(Check(
            name=f"{loc} [health deployed] {hc.name}", kind="health", location=loc,
            markers=("health", "remote_read"), resources=("health:deployed",),
            produce=partial(_pick, key="health:deployed", check=hc.name),
        ))
    return out


# --- drift rules, workflow audits, links -------------------------------------------------------------


def _drift_checks(ctx: VerifyContext) -> list[Check]:
    from opsdocs.drift.registry import RULES

    return [
        Check(name=f"[drift] {rule.id}", kind="drift", location=None, markers=("drift",), resources=(),
              produce=partial(_run_rule, rule=rule))
        for rule in RULES
    ]


def _workflow_checks(ctx: VerifyContext) -> list[Check]:
    if not ctx.project.workflows:
        return []
    return [Check(name=f"[workflow] {tool}", kind="workflow", location=None, markers=("workflow",),
                  resources=("audits",), produce=partial(_pick, key="audits", check=tool))
            for tool in ("zizmor", "actionlint")]


def _link_checks(ctx: VerifyContext) -> list[Check]:
    label = "internal and external links" if ctx.options.external else "internal links and anchors"
    return [Check(name=f"[links] {label}", kind="link", location=None, markers=("links",), resources=("links",),
                  produce=partial(_pick, key="links"))]


def _run_rule(ctx: VerifyContext, *, rule: Any) -> list[Finding]:
    """One drift rule through the registry's runner (no finding there means it passed)."""
    from opsdocs.drift.registry import run_rules

    return run_rules(ctx.project, ctx.pages, rules=(rule,))


def _failed_check(kind: Kind, location: Location | None, name: str, message: str) -> Check:
    finding = Finding(f"{kind}:{name}", kind, "failed", location, message, check=name)
    return Check(name=name, kind=kind, location=location, markers=(), resources=(),
                 produce=lambda c: [finding])
