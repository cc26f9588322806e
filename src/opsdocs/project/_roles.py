"""Find the pipeline's roles from the parsed steps (see :mod:`opsdocs.project.pipeline`)."""

from __future__ import annotations

from pathlib import PurePosixPath

from opsdocs.project._calls import WranglerCall, normalise_dir
from opsdocs.project.model import Job, Workflow, WranglerConfig
from opsdocs._credentials import TOKEN_VARS
from opsdocs.project.pipeline import (Lane, Pipeline, QualityGate, Role, StepCalls, credentials,
                                      is_verification, runs_tests, secret_for, upstream)


def build_pipeline(workflows: tuple[Workflow, ...], wrangler: WranglerConfig, steps: tuple[StepCalls, ...],
                   config_dir: str) -> Pipeline:
    """Every deploy lane of this project's Worker, and the primary one (the last stage of the pipeline)."""
    sites = _ours(steps, config_dir, wrangler)
    lanes: list[Lane] = []
    for site, call in sites:
        if call.is_deploy:
            lanes.append(_lane(site, call, sites, steps, workflows, wrangler))
    primary = max(lanes, key=lambda lane: _rank(lane, lanes), default=None)
    in_lanes = {(lane.deploy.workflow.relpath, lane.deploy.job.id) for lane in lanes}
    in_lanes |= {(m.workflow.relpath, m.job.id) for lane in lanes for m in lane.migrations}
    tokens = [lane.credentials.token for lane in lanes]
    read = next((s for site in steps if (site.workflow.relpath, site.job.id) not in in_lanes
                 and (s := secret_for(site, TOKEN_VARS, "apiToken")) not in (None, *tokens)), None)
    return Pipeline(steps, tuple(lanes), primary, wrangler.top, read, tuple(sites))


def _ours(steps: tuple[StepCalls, ...], config_dir: str,
          wrangler: WranglerConfig) -> list[tuple[StepCalls, WranglerCall]]:
    """The wrangler calls that act on this config: run in its folder (or pointing ``--config`` at it).

    In a monorepo several Workers deploy from one workflow; a call elsewhere is another Worker's. When
    no call names a folder at all, every call counts (a root-level script such as ``pnpm deploy``)."""
    calls = [(site, call) for site in steps for call in site.wrangler()]
    config_file = normalise_dir(f"{config_dir}/{wrangler.path.name}")

    def where(call: WranglerCall) -> str:
        config = call.flag("--config", "-c")
        base = normalise_dir(call.cwd)
        if config:
            return normalise_dir(f"{base}/{config}").rsplit("/", 1)[0] if "/" in normalise_dir(
                f"{base}/{config}") else ""
        return base

    mine = [(s, c) for s, c in calls if where(c) == config_dir
            or normalise_dir(f"{normalise_dir(c.cwd)}/{c.flag('--config', '-c') or ''}") == config_file]
    if config_dir and not any(c.is_deploy for _, c in mine):
        mine = [(s, c) for s, c in calls if where(c) in ("", config_dir)]
    return mine


def _lane(site: StepCalls, call: WranglerCall, sites: list[tuple[StepCalls, WranglerCall]],
          steps: tuple[StepCalls, ...], workflows: tuple[Workflow, ...], wrangler: WranglerConfig) -> Lane:
    wf, job = site.workflow, site.job
    env_name = call.env
    env = wrangler.environment(env_name) if env_name and not call.dynamic_env else None
    env = env or wrangler.top
    before = upstream(wf, job)
    migrations: list[Role] = []
    stray: list[Role] = []
    for other, c in sites:
        if not c.is_remote_migration or c.env != env_name:
            continue
        earlier = other.workflow is wf and (any(other.job is j for j in before)
                                            or (other.job is job and other.index < site.index))
        if other is site:  # one step running both (wrangler-action `command:` lines): in their order
            calls = site.wrangler()
            earlier = calls.index(c) < calls.index(call)
        (migrations if earlier else stray).append(Role(other, c))
    after = [s for s in steps if s.workflow is wf and ((s.job is job and s.index > site.index)
                                                       or job in upstream(wf, s.job))]
    verify = next((Role(s) for s in after if is_verification(s)), None)
    rollback = next((Role(s, c) for s in after for c in s.wrangler() if c.is_rollback), None)
    upload = None
    if call.path == ("versions", "deploy"):
        upload = next((Role(o, c) for o, c in sites if c.is_upload and o.workflow is wf
                       and (o.job in before or (o.job is job and o.index <= site.index))), None)
    kind = {"deploy": "deploy", "versions": "versions", "pages": "pages", "publish": "deploy"}[call.path[0]]
    if call.via not in ("run", "cloudflare/wrangler-action"):
        kind = call.via
    return Lane(
        deploy=Role(site, call), env=env, env_name=env_name, kind=kind, migrations=tuple(migrations),
        stray_migrations=tuple(stray), quality=_quality(site, before, steps, workflows), verify=verify,
        rollback=rollback, upload=upload, credentials=credentials(site),
    )


def _quality(site: StepCalls, before: list[Job], steps: tuple[StepCalls, ...],
             workflows: tuple[Workflow, ...]) -> QualityGate | None:
    wf = site.workflow

    def job_steps(job: Job) -> list[StepCalls]:
        return [s for s in steps if s.workflow is wf and s.job is job]

    for job in reversed(before):  # the earliest job first: the gate everything else waits for
        if job.uses:
            return QualityGate("reusable", job.location, job, _called(job.uses, workflows), job.uses)
    for job in reversed(before):
        if runs_tests(job_steps(job)):
            return QualityGate("needs", job.location, job)
    earlier = [s for s in job_steps(site.job) if s.index < site.index]
    if runs_tests(earlier):
        first = next(s for s in earlier if runs_tests([s]))
        return QualityGate("step", first.location, site.job)
    run = wf.triggers.get("workflow_run")
    names = run.get("workflows") if isinstance(run, dict) else None
    if names:
        called = str(names[0] if isinstance(names, list) else names)
        gate = next((w for w in workflows if called in (w.name, PurePosixPath(w.relpath).name)), None)
        return QualityGate("workflow_run", wf.location, None, gate, called)
    plain = [j for j in before if not any(c.is_deploy or c.is_remote_migration
                                          for s in job_steps(j) for c in s.wrangler())]
    if plain:
        return QualityGate("needs", plain[-1].location, plain[-1])
    return None


def _called(uses: str, workflows: tuple[Workflow, ...]) -> Workflow | None:
    if not uses.startswith(("./", "$/")):  # `$/`: GitHub's self-repository form
        return None  # another repository's workflow
    name = PurePosixPath(uses.split("@")[0]).name
    return next((w for w in workflows if PurePosixPath(w.relpath).name == name), None)


def _rank(lane: Lane, lanes: list[Lane]) -> tuple[bool, bool, int, int]:
    """The stage the guides describe: not a pull-request preview, behind an approval gate, last in line."""
    triggers = set(lane.workflow.triggers)
    pr_only = bool(triggers) and triggers <= {"pull_request", "pull_request_target"}
    return (not pr_only, bool(lane.github_env), len(upstream(lane.workflow, lane.deploy.job)),
            lanes.index(lane))
