"""``opsdocs run --export LOG``: a postmortem draft from an incident log.

The draft holds what the log can say for sure: the timeline, each command with the runbook ``page:line``
it came from, and every deviation from the runbook (skipped, edited, refused, failed, declined, not
reached). What only people know (impact, cause, follow-ups) is left as headings to fill in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from opsdocs.runmode.log import LogState, read_log, timeline_table, write_atomic

__all__ = ["export_postmortem", "postmortem"]


def export_postmortem(log_path: Path, output: Path | None = None) -> Path:
    state = read_log(log_path)
    target = output or log_path.with_name(log_path.stem + ".postmortem.md")
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, postmortem(state.start, state.records))
    return target


def postmortem(start: dict[str, Any], records: list[dict[str, Any]]) -> str:
    state = LogState(Path(""), start, records)
    steps = [r for r in records if r.get("type") == "step"]
    end = state.ended
    out = [f"# Postmortem draft: {start.get('title')}", "",
           f"*Drafted by opsdocs from the incident log; operator {start.get('operator')}, environment "
           f"**{start.get('env_label')}**, Worker `{start.get('worker')}`.*", "",
           "## Summary", "", "_What happened, in two sentences._", "",
           f"- Runbook: `{start.get('procedure')}` ({start.get('url', '')})",
           f"- Started {start.get('time')} UTC; "
           + (f"ended {end['time']} UTC ({end.get('outcome')})" if end else "no end record (the session was cut off)"),
           f"- Steps: {len(start.get('steps', []))} in the runbook, {len(state.done_ok)} settled", "",
           "## Timeline", "", *timeline_table(state), "",
           "## Commands run", ""]
    for r in steps:
        if r.get("decision") == "skipped":
            continue
        out += [f"### {r.get('title') or r['step']} ({r['step']})", "",
                f"{r['time']} UTC · {r['decision']} · exit {r.get('exit_code')} · {r.get('duration_s')} s", "",
                "```bash", str(r.get("command", "")), "```", ""]
        if r.get("output"):
            out += ["Output (last lines, masked):", "", "```text", str(r["output"]), "```", ""]
    out += ["## Deviations from the runbook", "", *(_deviations(start, records) or ["None: every step ran as written."]),
            "", "## Impact", "", "_Who was affected, how, for how long._", "",
            "## Root cause", "", "_Why it happened._", "", "## Follow-ups", "", "- [ ] _..._", ""]
    return "\n".join(out)


def _deviations(start: dict[str, Any], records: list[dict[str, Any]]) -> list[str]:
    out = []
    seen = set()
    for r in records:
        kind, where = r.get("type"), r.get("step", "")
        title = r.get("title") or where
        if kind == "step":
            seen.add(where)
            if r.get("decision") == "skipped":
                out.append(f"- **Skipped** {title} ({where})" + (f": {r['reason']}" if r.get("reason") else ""))
            elif r.get("edited"):
                out.append(f"- **Edited** {title} ({where}): the runbook says `{_one(r.get('runbook_command'))}`, "
                           f"ran `{_one(r.get('command'))}`")
            if r.get("decision") != "skipped" and not r.get("ok"):
                out.append(f"- **Failed** {title} ({where}): {r.get('problem')}")
        elif kind == "refused":
            out.append(f"- **Refused** {title} ({where}): `{_one(r.get('command'))}`: {r.get('message')}")
        elif kind == "declined":
            out.append(f"- **Confirmation declined** {title} ({where}): typed `{r.get('typed')}`, "
                       f"the target is `{r.get('expected')}`")
        elif kind == "resume":
            out.append(f"- **Resumed** at {r.get('time')} UTC: {r.get('message')}")
    missing = [s for s in start.get("steps", []) if s not in seen]
    if missing:
        out.append(f"- **Not reached**: {', '.join(missing)}")
    return out


def _one(command: object) -> str:
    return " ⏎ ".join(str(command or "").splitlines())
