"""The guided walk through one procedure: each step shown, decided, run and logged, in order.

Per step: title, the exact command (placeholders filled), mode, what output is expected, then run / skip /
edit / quit. Before anything runs, the command (edited or not) goes through the safety classifier for its
mode and the environment check; a ``never`` step runs only after the operator types the name of the
Worker or database it changes. Every decision is appended to the incident log as it happens.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

from opsdocs.errors import PageError
from opsdocs.project.model import Environment, Project
from opsdocs.runmode.execute import Executor
from opsdocs.runmode.export import export_postmortem
from opsdocs.runmode.log import EXCERPT_LINES, IncidentLog
from opsdocs.runmode.offers import Offers
from opsdocs.runmode.placeholders import Placeholder, fill, find_placeholders
from opsdocs.runmode.plan import Procedure
from opsdocs.runmode.targets import Aim, aim_of, env_label
from opsdocs.runmode.ui import UI, Quit, one_line_of
from opsdocs.steps import Step, check_safety
from opsdocs.steps.run import judge

__all__ = ["Session", "Attempt"]


@dataclass
class Attempt:
    """One step as it is about to run: the command (after edits and placeholders) and how it was reached."""

    step: Step
    command: str
    edited: bool = False
    values: dict[str, str] = field(default_factory=dict)


class Session:
    def __init__(self, project: Project, procedure: Procedure, env: Environment, ui: UI, log: IncidentLog,
                 executor: Executor, offers: Offers) -> None:
        self.project, self.procedure, self.env = project, procedure, env
        self.ui, self.log, self.executor, self.offers = ui, log, executor, offers

    def run(self) -> str:
        """Walk every step not done yet; returns the outcome ("completed" or "quit")."""
        done = self.log.state.done_ok
        total = len(self.procedure.steps)
        try:
            for number, step in enumerate(self.procedure.steps, start=1):
                if step.location in done:
                    continue
                self._step(number, total, step)
        except Quit as why:
            self.log.append({"type": "end", "outcome": "quit", "message": str(why) or "quit"})
            self.ui.say(f"\nStopped. Resume with: opsdocs run --resume {self.log.path}", style="bold")
            return "quit"
        self.log.append({"type": "end", "outcome": "completed", "message": "every step decided"})
        draft = export_postmortem(self.log.path)  # the end of a drill or an incident: the draft is there
        self.ui.say(f"\nProcedure complete. Log: {self.log.path}  timeline: {self.log.timeline_path}", style="bold green")
        self.ui.say(f"Postmortem draft: {draft} (again any time: opsdocs run --export {self.log.path})")
        return "completed"

    # --- one step --------------------------------------------------------------------------------

    def _step(self, number: int, total: int, step: Step) -> None:
        self.ui.say()
        self.ui.markup(f"[bold]Step {number}/{total}: {self.ui.esc(step.title or '(untitled)')}[/]  "
                       f"[dim]{self.ui.esc(step.location)}[/]")
        if self.log.state.interrupted == step.location:
            self.ui.say("  this step was running when the last session ended: its outcome is unknown; check "
                        "before running it again", style="bold yellow")
        attempt = Attempt(step, step.command)
        while True:
            attempt = self._fill(attempt)
            aim, refusal = self._judge(attempt)
            self._show(attempt, aim, refusal)
            options = [("r", "run"), ("s", "skip"), ("e", "edit"), ("q", "quit")]
            if refusal is not None:
                options = options[1:]
            choice = self.ui.choose("  ", options)
            if choice == "q":
                raise Quit("operator quit")
            if choice == "s":
                reason = self.ui.ask("  why skip? (optional) ").strip()
                self._record(attempt, "skipped", reason=reason or None)
                return
            if choice == "e":
                attempt = self._edit(attempt)
                continue
            if step.mode == "never" and not self._confirm(aim, step):
                continue
            if self._execute(attempt, aim):
                return

    def _fill(self, attempt: Attempt) -> Attempt:
        placeholders = find_placeholders(attempt.command)
        if not placeholders:
            return attempt
        values: dict[Placeholder, str] = {}
        for ph in placeholders:
            values[ph] = self.offers.ask(self.ui, ph)
        named = {ph.name: v for ph, v in values.items()}
        return dataclasses.replace(attempt, command=fill(attempt.command, values), values={**attempt.values, **named})

    def _judge(self, attempt: Attempt) -> tuple[Aim | None, str | None]:
        """The aim of the command and why it may not run (the classifier first, then the environment)."""
        try:
            aim = aim_of(attempt.command, self.project, self.env)
        except ValueError as exc:
            return None, f"cannot read the command: {exc}"
        if attempt.step.mode != "never":
            try:
                check_safety(dataclasses.replace(attempt.step, command=attempt.command), self.project)
            except PageError as err:
                return aim, err.message + (f"; {err.hint}" if err.hint else "")
        return aim, aim.refusal

    def _show(self, attempt: Attempt, aim: Aim | None, refusal: str | None) -> None:
        step, esc = attempt.step, self.ui.esc
        mode_style = {"rehearse": "green", "remote-read": "cyan", "never": "bold red"}[step.mode]
        where = "local sandbox" if self._local(step, aim) else "your shell and credentials, in the project root"
        self.ui.markup(f"  mode: [{mode_style}]{step.mode}[/]   runs in: {esc(where)}")
        if attempt.edited:
            self.ui.say("  (edited: not the runbook's command)", style="yellow")
        self.ui.markup("  [bold]$[/] " + esc(attempt.command).replace("\n", "\n    "))
        expected = [f"exit code {step.exit_code}"]
        if step.expect:
            expected.append(f"output contains {step.expect!r}")
        if step.expect_re:
            expected.append(f"output matches /{step.expect_re}/")
        self.ui.say(f"  expect: {', '.join(expected)}", style="dim")
        if step.mode == "never":
            self.ui.markup(f"  [bold red]why this is never run automatically:[/] [bold]{esc(step.why or '')}[/]")
            self.ui.markup(f"  [bold red]environment: {esc(env_label(self.env))}[/]  "
                           f"[bold]({esc(aim.target_kind if aim else 'target')} {esc(aim.target if aim else '?')})[/]")
        if refusal is not None:
            self.ui.markup(f"  [bold red]refused:[/] {esc(refusal)}")
            self.log.append({"type": "refused", "step": step.location, "title": step.title,
                             "command": self.ui.mask(attempt.command), "message": self.ui.mask(refusal)})

    def _local(self, step: Step, aim: Aim | None) -> bool:
        if step.mode == "rehearse":
            return True
        return step.mode == "never" and aim is not None and aim.local

    def _edit(self, attempt: Attempt) -> Attempt:
        new = self.ui.edit(attempt.command).strip()
        if not new or new == one_line_of(attempt.command):
            self.ui.say("  unchanged")
            return attempt
        return dataclasses.replace(attempt, command=new, edited=True)

    def _confirm(self, aim: Aim | None, step: Step) -> bool:
        if aim is None:
            return False
        typed = self.ui.ask(f"  Type the name of the {aim.target_kind} this changes ({env_label(self.env)}) to run "
                            "it: ").strip()
        if typed == aim.target:
            return True
        self.ui.say(f"  '{typed}' is not {aim.target}: not run", style="bold red")
        self.log.append({"type": "declined", "step": step.location, "title": step.title,
                         "typed": self.ui.mask(typed), "expected": aim.target})
        return False

    def _execute(self, attempt: Attempt, aim: Aim | None) -> bool:
        """Run it; True when the step is settled (held), False to offer it again."""
        step = attempt.step
        local = self._local(step, aim)
        self.log.append({"type": "begin", "step": step.location, "command": self.ui.mask(attempt.command)})
        self.ui.say("  running…", style="dim")
        began = time.monotonic()
        try:
            result = self.executor.run(attempt.command, step.timeout_s, local=local)
        except KeyboardInterrupt:  # Ctrl-C stops a hung step (its process group is gone) and comes back here
            self._record(attempt, "ran", exit_code=None, duration_s=round(time.monotonic() - began, 3), ok=False,
                         problem="interrupted with Ctrl-C", where="sandbox" if local else "operator")
            self.ui.say("\n  ✗ interrupted: the step was stopped", style="bold red")
            return False
        duration = time.monotonic() - began
        output = self.ui.mask(result.output)
        problem = judge(dataclasses.replace(step, command=attempt.command), result)
        found = self.offers.learn(output, step.title or step.location)
        self._print_output(output)
        decision = "confirmed" if step.mode == "never" else ("edited" if attempt.edited else "ran")
        self._record(attempt, decision, exit_code=result.exit_code, duration_s=round(duration, 3),
                     output=_excerpt(output), ok=problem is None, problem=problem, found=found,
                     where="sandbox" if local else "operator")
        if problem is None:
            self.ui.say(f"  ✓ as expected ({duration:.1f} s)", style="green")
            return True
        self.ui.say(f"  ✗ {problem}", style="bold red")
        self.ui.say("  run it again, edit it, skip it, or quit (the log has this attempt)")
        return False

    def _print_output(self, output: str) -> None:
        lines = output.rstrip("\n").splitlines()
        shown = lines[-40:]
        if len(lines) > len(shown):
            self.ui.say(f"  … {len(lines) - len(shown)} earlier lines in the log excerpt", style="dim")
        for line in shown:
            self.ui.say(f"  │ {line}")

    def _record(self, attempt: Attempt, decision: str, **fields: object) -> None:
        step = attempt.step
        self.log.append({
            "type": "step", "step": step.location, "title": step.title, "mode": step.mode, "decision": decision,
            "edited": attempt.edited, "command": self.ui.mask(attempt.command),
            "runbook_command": self.ui.mask(step.command),
            "values": {k: self.ui.mask(v) for k, v in attempt.values.items()},
            "expected_exit": step.exit_code, **fields,
        })


def _excerpt(output: str) -> str:
    lines = [line for line in output.rstrip("\n").splitlines() if line.strip()]
    return "\n".join(lines[-EXCERPT_LINES:])
