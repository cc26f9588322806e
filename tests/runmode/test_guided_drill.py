"""The guided mode end to end in a real terminal (tmux): the data-restore drill, run to a restored database,
then a postmortem draft from its log."""

from __future__ import annotations

import json
from pathlib import Path

from terminal import OPSDOCS, Terminal

from opsdocs.project.load import load_project
from opsdocs.runmode.plan import find_procedure, list_procedures
from opsdocs.site.render import render_pages


def test_the_data_restore_drill_runs_to_a_restored_database_and_exports_a_postmortem(tmp_path: Path) -> None:
    project = load_project()
    drill = find_procedure(list_procedures(render_pages(project)), "data-restore-drill")
    log = tmp_path / "incident.jsonl"
    # Run from the project's folder, as on call would: the project is the nearest wrangler config.
    term = Terminal(tmp_path, [OPSDOCS, "run", "--offline", "--log", str(log)], cwd=project.root)
    try:
        term.wait_for(r"Pick a number, or type words to search: ")
        term.type("restre drill")  # fuzzy: a typo still finds it
        screen = term.wait_for(r"Pick a number, or type words to search: ", count=2)
        listed = screen.rsplit("restre drill", 1)[1]
        assert f"1) {drill.title}  [{drill.name}]" in listed
        term.type("1")
        screen = term.wait_for(rf"Step 1/{len(drill.steps)}: ")
        assert "Rollback readiness ((top level))" in screen  # a restore drill is a rollback procedure
        top = project.wrangler.top  # the context header: names from the config
        assert f"Worker                 {top.worker_name}" in screen
        assert f"database               {top.d1_databases[0].name} (binding {top.d1_databases[0].binding})" in screen
        for number, step in enumerate(drill.steps, start=1):
            screen = term.wait_for(r"\[r\]un  \[s\]kip  \[e\]dit  \[q\]uit > ", count=number)
            assert step.command.splitlines()[0] in screen  # the exact rendered command is shown
            term.type("r")
            term.wait_for(r"✓ as expected", count=number)
        screen = term.wait_for(r"Procedure complete")
        assert term.exit_code() == 0
        screen = term.screen()
        assert f"Postmortem draft: {log.with_name('incident.postmortem.md')}" in screen
    finally:
        term.close()
    # "The rows are back": the restored database has the row the drill deleted.
    assert screen.count("restore-drill@example.com") >= 2
    records = [json.loads(line) for line in log.read_text().splitlines()]
    steps = [r for r in records if r["type"] == "step"]
    assert [(r["step"], r["decision"], r["ok"], r["exit_code"]) for r in steps] == [
        (s.location, "ran", True, 0) for s in drill.steps]
    assert all(r["time"].endswith("Z") and r["operator"] for r in records)
    assert records[-1]["type"] == "end" and records[-1]["outcome"] == "completed"
    assert "| ran | 0 |" in log.with_suffix(".md").read_text()

    log.with_name("incident.postmortem.md").unlink()  # written at the end; --export writes it again
    export = Terminal(tmp_path, [OPSDOCS, "run", "--export", str(log)])
    try:
        assert export.exit_code() == 0
    finally:
        export.close()
    draft = log.with_name("incident.postmortem.md").read_text()
    assert draft.startswith(f"# Postmortem draft: {drill.title}")
    for step in drill.steps:
        assert f"({step.location})" in draft
    assert "## Deviations from the runbook\n\nNone: every step ran as written." in draft
