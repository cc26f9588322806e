"""Through a real terminal: the session is cut off mid-step (the terminal goes away, as with a lost SSH
connection), and ``--resume LOG`` goes on from the log: the local state is rebuilt, the cut-off step is
flagged, the rest runs."""

from __future__ import annotations

import json
from pathlib import Path

from terminal import OPSDOCS, Terminal, wait_gone

PROMPT = r"\[r\]un  \[s\]kip  \[e\]dit  \[q\]uit > "


def _records(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def test_resume_after_the_terminal_died_mid_step(drills: tuple[Path, Path], tmp_path: Path) -> None:
    root, site = drills
    log = tmp_path / "long.jsonl"
    term = Terminal(tmp_path, [OPSDOCS, "run", "long-drill", "--root", str(root), "--site-root", str(site),
                               "--offline", "--log", str(log)])
    try:
        term.wait_for(PROMPT)
        term.type("r")
        term.wait_for(r"✓ as expected")
        term.wait_for(PROMPT, count=2)
        term.type("r")  # sleep 747: cut off while it runs
        term.wait_for(r"running…", count=2)
        last = _records(log)[-1]
        assert last["type"] == "begin" and last["command"] == "sleep 747"
    finally:
        term.close()
    wait_gone(str(log))  # opsdocs ended with its terminal...
    wait_gone("sleep 747")  # ...and took the step's process with it

    again = Terminal(tmp_path, [OPSDOCS, "run", "--resume", str(log), "--offline"])
    try:
        screen = again.wait_for(PROMPT)
        assert "1 of 3 steps already settled" in screen
        assert "rebuilt the local sandbox by replaying 1 local steps" in screen
        assert "Step 2/3: Wait for the replica" in screen and "Step 1/3" not in screen
        assert "this step was running when the last session ended" in screen
        again.type("s")
        again.wait_for(r"why skip\? \(optional\) ")
        again.type("cut off by the lost session; the replica is up")
        again.wait_for(PROMPT, count=2)
        again.type("r")  # needs the table step 1 made before the crash: the replay rebuilt it
        again.wait_for(r"Procedure complete")
        assert again.exit_code() == 0
    finally:
        again.close()
    records = _records(log)
    assert [r["type"] for r in records].count("start") == 1
    assert [(r["title"], r["decision"], r.get("ok")) for r in records if r["type"] == "step"] == [
        ("Create the table", "ran", True), ("Wait for the replica", "skipped", None), ("Write a note", "ran", True)]
    assert any(r["type"] == "resume" for r in records)

    log.with_name("long.postmortem.md").unlink()  # written at the end; --export writes it again
    export = Terminal(tmp_path, [OPSDOCS, "run", "--export", str(log)])
    try:
        assert export.exit_code() == 0
    finally:
        export.close()
    draft = log.with_name("long.postmortem.md").read_text()
    assert ("- **Skipped** Wait for the replica (runbooks/long-drill.md:7): cut off by the lost session; "
            "the replica is up") in draft
    assert "- **Resumed** at " in draft


def test_ctrl_c_stops_a_hung_step_and_returns_to_the_prompt(drills: tuple[Path, Path], tmp_path: Path) -> None:
    root, site = drills
    log = tmp_path / "hung.jsonl"
    term = Terminal(tmp_path, [OPSDOCS, "run", "long-drill", "--root", str(root), "--site-root", str(site),
                               "--offline", "--log", str(log)])
    try:
        term.wait_for(PROMPT)
        term.type("s")
        term.wait_for(r"why skip\? \(optional\) ")
        term.type("")
        term.wait_for(PROMPT, count=2)
        term.type("r")
        term.wait_for(r"running…")
        term.keys("C-c")
        screen = term.wait_for(PROMPT, count=3)
        assert "interrupted: the step was stopped" in screen
        wait_gone("sleep 747")
        term.type("q")
        assert term.exit_code() == 1  # quit: resumable
    finally:
        term.close()
    records = _records(log)
    assert [(r["title"], r["decision"], r.get("problem")) for r in records if r["type"] == "step"] == [
        ("Create the table", "skipped", None), ("Wait for the replica", "ran", "interrupted with Ctrl-C")]
    assert records[-1]["type"] == "end" and records[-1]["outcome"] == "quit"
