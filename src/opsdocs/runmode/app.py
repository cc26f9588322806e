"""``opsdocs run``: pick a procedure, show the context (and the rollback readiness), then walk it."""

from __future__ import annotations

import getpass
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from opsdocs.errors import ConfigError, PageError
from opsdocs.project.load import load_project
from opsdocs.project.model import Environment, Project
from opsdocs.runmode import banner
from opsdocs.runmode.execute import Executor
from opsdocs.runmode.log import IncidentLog, read_log
from opsdocs.runmode.offers import Offers
from opsdocs.runmode.plan import Procedure, find_procedure, list_procedures, match_procedures
from opsdocs.runmode.session import Session
from opsdocs.runmode.targets import env_label
from opsdocs.runmode.ui import UI, Quit
from opsdocs.site.render import render_pages
from opsdocs.steps.masking import Masker

__all__ = ["RunOptions", "run_guided", "resume_guided"]

# Read for the "deployed now" lookup: masked like the Cloudflare credentials (GitHub's own is not a
# project secret, so Masker.from_env would not know it).
_TOKENS = ("GITHUB_TOKEN", "GH_TOKEN")


@dataclass(frozen=True)
class RunOptions:
    root: Path
    site_root: Path | None = None
    target: str | None = None  # PAGE[#SECTION]
    env: str | None = None
    dry_run: bool = False
    values: dict[str, str] = field(default_factory=dict)
    log: Path | None = None
    online: bool = True


def _load(options: RunOptions) -> tuple[Project, list[Procedure]]:
    project = load_project(options.root, site_root=options.site_root)
    procedures = list_procedures(render_pages(project, site_root=options.site_root))
    if not procedures:
        raise PageError("no page holds runbook steps", hint="add a ```{.bash data-mode=...} block to a page")
    return project, procedures


def _operator() -> str:
    try:
        return os.environ.get("OPSDOCS_OPERATOR") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def run_guided(options: RunOptions) -> int:
    project, procedures = _load(options)
    masker = Masker.from_env(project, extra_names=_TOKENS)
    ui = UI(masker)
    try:
        procedure = find_procedure(procedures, options.target) if options.target else _pick(ui, procedures)
        env = _environment(ui, project, procedure, options.env, ask=not options.dry_run)
    except Quit as why:
        raise ConfigError(f"no procedure picked ({why})",
                          hint="run it in a terminal, or pass PAGE[#SECTION] and --env (add --dry-run to see the plan)") from None
    url = banner.page_url(project, procedure)
    with Executor(project) as executor:
        banner.header(ui, project, procedure, env, executor, url, online=options.online and not options.dry_run)
        if banner.is_rollback(procedure):
            banner.readiness(ui, project, env, executor, online=options.online and not options.dry_run)
            banner.local_drills(ui, procedure, procedures)
        if options.dry_run:
            return banner.dry_run(ui, project, procedure, env, options.values)
        log_path = options.log or _default_log(project, procedure)
        log = IncidentLog.create(log_path, {
            "procedure": procedure.name, "title": procedure.title, "url": url, "env": env.name,
            "env_label": env_label(env), "worker": env.worker_name, "root": str(project.root),
            "site_root": str(options.site_root) if options.site_root else None, "operator": _operator(),
            "steps": [s.location for s in procedure.steps], "values": dict(options.values),
        })
        ui.say(f"Incident log: {log.path}", style="dim")
        return _walk(project, procedure, env, ui, log, executor, Offers(options.values))


def resume_guided(log_path: Path, *, online: bool = True) -> int:
    state = read_log(log_path)
    start = state.start
    ended = state.ended
    if ended is not None and ended.get("outcome") == "completed":
        print(f"{log_path}: this session is complete (every step decided); export it with --export")
        return 0
    root = Path(start.get("root") or ".")
    site_root = Path(start["site_root"]) if start.get("site_root") else None
    project, procedures = _load(RunOptions(root=root, site_root=site_root))
    procedure = find_procedure(procedures, str(start.get("procedure")))
    missing = [s for s in state.done_ok if s not in {st.location for st in procedure.steps}]
    if missing or [s.location for s in procedure.steps] != start.get("steps"):
        raise ConfigError("the runbook changed since this log was written: its steps are not the same",
                          path=log_path, line=1, hint="finish by hand, or start a new session")
    env = project.wrangler.environment(start.get("env"))
    if env is None:
        raise ConfigError(f"environment {start.get('env')!r} of this log is no longer in the config",
                          path=project.wrangler.relpath)
    ui = UI(Masker.from_env(project, extra_names=_TOKENS))
    log = IncidentLog.resume(log_path)
    offers = Offers(start.get("values") or {})
    with Executor(project) as executor:
        banner.header(ui, project, procedure, env, executor, str(start.get("url", "")), online=online)
        ui.say(f"Resuming {log_path}: {len(state.done_ok)} of {len(procedure.steps)} steps already settled",
               style="bold")
        replayed = banner.replay(ui, executor, state, offers)
        log.append({"type": "resume", "message": f"resumed; {replayed} local steps replayed into a new sandbox"})
        return _walk(project, procedure, env, ui, log, executor, offers)


def _walk(project: Project, procedure: Procedure, env: Environment, ui: UI, log: IncidentLog,
          executor: Executor, offers: Offers) -> int:
    outcome = Session(project, procedure, env, ui, log, executor, offers).run()
    return 0 if outcome == "completed" else 1


def _default_log(project: Project, procedure: Procedure) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    slug = re.sub(r"[^a-z0-9]+", "-", f"{procedure.stem}-{procedure.section or ''}".lower()).strip("-")
    return project.root / ".opsdocs" / "incidents" / f"{stamp}-{slug}.jsonl"


def _pick(ui: UI, procedures: list[Procedure]) -> Procedure:
    shown = procedures
    while True:
        ui.say("Procedures (pages and sections with runbook steps):", style="bold")
        for number, proc in enumerate(shown, start=1):
            modes = ", ".join(sorted({s.mode for s in proc.steps}))
            if all(s.mode == "rehearse" for s in proc.steps):
                modes += " (offline drill)"
            count = f"{len(proc.steps)} step{'s' if len(proc.steps) != 1 else ''}"
            if proc.section and shown is procedures:  # under its page: its heading and the anchor naming it
                heading = proc.title.split(" › ", 1)[-1]
                ui.say(f"  {number:2})     › {heading}  [#{proc.section}]  {count}: {modes}")
            else:
                ui.say(f"  {number:2}) {proc.title}  [{proc.name}]  {count}: {modes}")
        answer = ui.ask("Pick a number, or type words to search: ").strip()
        if answer.isdigit() and 1 <= int(answer) <= len(shown):
            return shown[int(answer) - 1]
        matches = match_procedures(procedures, answer)
        if len(matches) == 1:
            return matches[0]
        if not matches:
            ui.say(f"nothing matches {answer!r}", style="yellow")
            shown = procedures
        else:
            shown = matches


def _environment(ui: UI, project: Project, procedure: Procedure, name: str | None, *, ask: bool) -> Environment:
    """--env, else asked (the default: the one environment the procedure's remote commands name). A procedure
    that reaches no environment (a local drill) runs on the top level without asking."""
    envs = project.wrangler.environments
    if name is not None:
        env = project.wrangler.environment(name)
        if env is None:
            raise ConfigError(f"no environment {name!r}", path=project.wrangler.relpath,
                              hint=f"known: {', '.join(e.name for e in envs if e.name) or 'only the top level'}")
        return env
    aimed = banner.aimed_envs(procedure)
    default = aimed[0] if len(aimed) == 1 and project.wrangler.environment(aimed[0]) else ""
    if len(envs) == 1 or not aimed or not ask:
        return project.wrangler.environment(default) or envs[0]
    labels = ", ".join(env_label(e) for e in envs)
    while True:
        answer = ui.ask(f"Environment ({labels}) [{default or '(top level)'}]: ").strip()
        chosen = project.wrangler.environment(default if not answer else ("" if answer == "(top level)" else answer))
        if chosen is not None:
            return chosen
        ui.say(f"no environment {answer!r}", style="yellow")
