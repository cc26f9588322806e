"""Values for placeholders: offered from earlier steps' output, asked for, checked against their format."""

from __future__ import annotations

from collections.abc import Mapping

from opsdocs.runmode.placeholders import Placeholder, harvest, validate
from opsdocs.runmode.ui import UI

__all__ = ["Offers"]


class Offers:
    """Candidates seen so far, newest step first: (value, the line it was on, the step that printed it)."""

    def __init__(self, preset: Mapping[str, str] | None = None) -> None:
        self.preset = dict(preset or {})  # --set NAME=VALUE
        self._seen: dict[str, list[tuple[str, str, str]]] = {}

    def learn(self, output: str, step_title: str) -> dict[str, list[str]]:
        """Remember candidates from a step's (masked) output; returns what was found, for the log."""
        found = harvest(output)
        for kind, items in found.items():
            known = self._seen.setdefault(kind, [])
            fresh = [(v, line, step_title) for v, line in items if v not in {k[0] for k in known}]
            known[:0] = fresh
        return {kind: [v for v, _ in items] for kind, items in found.items()}

    def restore(self, found: Mapping[str, list[str]], step_title: str) -> None:
        """Candidates recorded in a log (``--resume``)."""
        for kind, values in found.items():
            known = self._seen.setdefault(kind, [])
            known[:0] = [(v, "", step_title) for v in values if v not in {k[0] for k in known}]

    def candidates(self, ph: Placeholder) -> list[tuple[str, str]]:
        """(value, label) choices for a placeholder: --set first, then earlier output."""
        out: list[tuple[str, str]] = []
        if ph.name in self.preset:
            out.append((self.preset[ph.name], "from --set"))
        for value, line, title in self._seen.get(ph.format.kind, [])[:9]:
            label = f"from “{title}”" + (f": {line}" if line and line != value else "")
            out.append((value, label))
        return out

    def ask(self, ui: UI, ph: Placeholder) -> str:
        """Ask until the operator gives a valid value (a number picks an offer)."""
        choices = self.candidates(ph)
        ui.say(f"  {ph.token} needs {ph.format.describe}, e.g. {ph.format.example}", style="cyan")
        for number, (value, label) in enumerate(choices, start=1):
            ui.say(f"    {number}) {value}   {label}")
        while True:
            hint = f"number 1-{len(choices)} or a value" if choices else "value"
            answer = ui.ask(f"  {ph.name} ({hint}): ").strip()
            if answer.isdigit() and 1 <= int(answer) <= len(choices):
                answer = choices[int(answer) - 1][0]
            problem = validate(ph.format, answer)
            if problem is None:
                return answer
            ui.say(f"  {problem}; try again", style="yellow")
