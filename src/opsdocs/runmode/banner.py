"""What a session prints before the first step: the context header, the rollback readiness banner, the
dry-run plan; and the replay that rebuilds a resumed session's local sandbox."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from opsdocs.errors import PageError
from opsdocs.project.model import Environment, Project
from opsdocs.runmode.context import gather_context
from opsdocs.runmode.execute import Executor
from opsdocs.runmode.log import LogState
from opsdocs.runmode.offers import Offers
from opsdocs.runmode.placeholders import Placeholder, fill, find_placeholders, validate
from opsdocs.runmode.plan import Procedure
from opsdocs.runmode.readiness import Readiness, Reason, check_readiness
from opsdocs.runmode.readiness_online import online_reasons
from opsdocs.runmode.targets import aim_of, env_label
from opsdocs.runmode.ui import UI
from opsdocs.steps import Command, Step, check_safety, classify
from opsdocs.steps.masking import MASK

__all__ = ["aimed_envs", "dry_run", "header", "is_rollback", "local_drills", "page_url", "readiness", "replay"]

_ROLLBACK_PATHS = {("rollback",), ("d1", "time-travel", "restore"), ("versions", "deploy")}


def page_url(project: Project, procedure: Procedure) -> str:
    """The page in the published site (mkdocs.yml's site_url), else where ``opsdocs serve`` shows it."""
    config = project.docs_dir.parent / "mkdocs.yml"
    try:
        m = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", config.read_text(encoding="utf-8"), re.MULTILINE)
    except OSError:
        m = None
    base = m.group(1).rstrip("/") + "/" if m else "http://127.0.0.1:8000/"
    return base + procedure.url_path


def _commands(step: Step) -> list[Command]:
    try:
        return classify(step.command)
    except ValueError:
        return []


def is_rollback(procedure: Procedure) -> bool:
    words = f"{procedure.name} {procedure.title}".lower()
    if "rollback" in words or "restore" in words or "roll back" in words:
        return True
    return any(c.path in _ROLLBACK_PATHS for s in procedure.steps for c in _commands(s) if c.wrangler)


def aimed_envs(procedure: Procedure) -> list[str]:
    """The environments the procedure's remote commands name, in order of appearance."""
    out: list[str] = []
    for step in procedure.steps:
        for cmd in _commands(step):
            if cmd.wrangler and cmd.target == "remote":
                name = cmd.option("--env", "-e") or ""
                if name not in out:
                    out.append(name)
    return out


def header(ui: UI, project: Project, procedure: Procedure, env: Environment, executor: Executor, url: str, *,
           online: bool) -> None:
    ctx = gather_context(project, env, executor, online=online)
    esc = ui.esc
    ui.markup(f"[bold]{esc(procedure.title)}[/]  [dim]{esc(procedure.name)}[/]")
    rows = [("project", f"{ctx.project} ({ctx.config})"), ("environment", None), ("Worker", ctx.worker),
            ("database", ", ".join(ctx.databases) or "none bound"), ("deployed (GitHub)", ctx.deployed_github),
            ("deployed (Cloudflare)", ctx.deployed_cloudflare), ("page", url)]
    for label, value in rows:
        if value is None:
            ui.markup(f"  {label:<22} [bold reverse] {esc(ctx.env)} [/]")
        else:
            ui.markup(f"  {label:<22} {esc(value)}")


def readiness(ui: UI, project: Project, env: Environment, executor: Executor, *, online: bool) -> Readiness:
    """The rollback readiness banner (offline verdicts, then the account's, when a token is set)."""
    verdict = check_readiness(project, env)
    worker, restore = list(verdict.worker_rollback), list(verdict.restore)
    if online:
        extra_worker, extra_restore = online_reasons(executor, env)
        worker += extra_worker
        restore += extra_restore
    ui.say()
    ui.markup(f"[bold]Rollback readiness ({ui.esc(env_label(env))})[/]")
    _verdict(ui, "Worker rollback", worker, online=online)
    _verdict(ui, "D1 Time Travel restore", restore, online=online)
    return verdict


def _verdict(ui: UI, what: str, reasons: list[Reason], *, online: bool) -> None:
    blocked = any(r.blocking for r in reasons)
    possible = "[green]possible[/]" + ("" if online else " [dim](as far as the config and git history show)[/]")
    state = "[bold red]BLOCKED[/]" if blocked else possible
    ui.markup(f"  {what}: {state}")
    for r in reasons:
        where = f" ({r.location})" if r.location else ""
        ui.markup(f"    {'✗' if r.blocking else '•'} {ui.esc(r.text + where)}")


def local_drills(ui: UI, procedure: Procedure, procedures: list[Procedure]) -> None:
    """For a rollback procedure that reaches Cloudflare: the offline drills that practise it."""
    if all(s.mode == "rehearse" for s in procedure.steps):
        return
    drills = [p for p in procedures if p.section is None and p is not procedure and is_rollback(p)
              and all(s.mode == "rehearse" for s in p.steps)]
    for drill in drills:
        ui.say(f"  Practise it offline first: opsdocs run {drill.stem}  ({drill.title})", style="cyan")


def dry_run(ui: UI, project: Project, procedure: Procedure, env: Environment, values: Mapping[str, str]) -> int:
    """The whole plan with every known value filled in; nothing runs."""
    ui.say()
    ui.say(f"Dry run: {len(procedure.steps)} steps, nothing is executed", style="bold")
    for number, step in enumerate(procedure.steps, start=1):
        given: dict[Placeholder, str] = {}
        for ph in find_placeholders(step.command):
            value = values.get(ph.name)
            ok = value is not None and validate(ph.format, value) is None
            given[ph] = value if ok and value is not None else f"<{ph.name}: asked at run time, {ph.format.describe}>"
        command = fill(step.command, given)
        ui.say()
        ui.markup(f"[bold]{number}. {ui.esc(step.title or '(untitled)')}[/]  [dim]{ui.esc(step.location)}[/]  "
                  f"mode: {step.mode}")
        ui.say("   $ " + command.replace("\n", "\n     "))
        ui.say(f"   {_plan_note(project, env, step)}", style="dim")
    return 0


def _plan_note(project: Project, env: Environment, step: Step) -> str:
    try:
        aim = aim_of(step.command, project, env)
    except ValueError as exc:
        return f"would be refused: {exc}"
    if step.mode != "never":
        # As it will run: placeholders filled (with a well-formed example where no value was given).
        example = fill(step.command, {ph: ph.format.example for ph in find_placeholders(step.command)})
        try:
            check_safety(dataclasses.replace(step, command=example), project)
        except PageError as err:  # shown, not raised: the plan goes on
            return f"would be refused: {err}"
    if aim.refusal:
        return f"would be refused: {aim.refusal}"
    if step.mode == "never":
        return f"asks you to type {aim.target} ({aim.target_kind}, {env_label(env)}) first: {step.why}"
    return "runs in the local sandbox" if step.mode == "rehearse" else "runs with your credentials (read-only)"


def replay(ui: UI, executor: Executor, state: LogState, offers: Offers) -> int:
    """Re-run the local steps that held, in order, so a resumed session's sandbox has their state."""
    count = 0
    for record in state.steps:
        if record.get("found"):
            offers.restore(record["found"], str(record.get("title") or record.get("step")))
        if not record.get("ok") or record.get("where") != "sandbox":
            continue
        command = str(record.get("command", ""))
        if MASK in command:
            ui.say(f"  cannot replay {record['step']}: its logged command is masked", style="yellow")
            continue
        try:  # the log is a file: what it says ran locally is classified again before it runs again
            check_safety(Step(page=str(record["step"]), line=0, mode="rehearse", command=command, title=None,
                              why=None, expect=None, expect_re=None), executor.project)
        except (PageError, ValueError) as err:
            ui.say(f"  not replaying {record['step']}: {err}", style="yellow")
            continue
        result = executor.run(command, 300, local=True)
        count += 1
        if result.exit_code != 0:
            ui.say(f"  replaying {record['step']} failed (exit {result.exit_code}): the local state may differ",
                   style="yellow")
    if count:
        ui.say(f"  rebuilt the local sandbox by replaying {count} local steps", style="dim")
    return count
