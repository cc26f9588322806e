"""Through a real terminal: the rollback readiness banner, an edited command re-classified, a typed
confirmation refused for the wrong name then accepted, and a secret that never reaches screen or log."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from terminal import OPSDOCS, Terminal

from opsdocs.project.load import load_project

PROMPT = r"\[r\]un  \[s\]kip  \[e\]dit  \[q\]uit > "
REFUSED_PROMPT = r"\[s\]kip  \[e\]dit  \[q\]uit > "


def _do_line(root: Path) -> int:
    lines = (root / "wrangler.jsonc").read_text().splitlines()
    return next(i for i, line in enumerate(lines, start=1) if '"tag": "v1"' in line)


def test_confirmation_edit_and_masking_in_a_rollback_drill(drills: tuple[Path, Path], tmp_path: Path) -> None:
    root, site = drills
    project = load_project(root)
    db = project.wrangler.top.d1_databases[0].name
    wrong = next(d.name for d in project.databases if d.name != db)  # another environment's database
    secret, github = f"cf-{uuid.uuid4().hex}", f"ghp_{uuid.uuid4().hex}"
    log = tmp_path / "rollback.jsonl"
    # A file that holds the operator's tokens (wrangler's .dev.vars): a step that shows it shows them.
    (root / ".dev.vars").write_text(f"CLOUDFLARE_API_TOKEN={secret}\nGH_TOKEN={github}\n")
    term = Terminal(tmp_path, [OPSDOCS, "run", "rollback-drill", "--root", str(root), "--site-root", str(site),
                               "--offline", "--log", str(log)], env={"CLOUDFLARE_API_TOKEN": secret, "GITHUB_TOKEN": github})
    try:
        screen = term.wait_for(PROMPT)
        # The banner: a Durable Object migration blocks a Worker rollback, at the config's line, with the reason.
        assert "Worker rollback: BLOCKED" in screen
        assert "Cloudflare refuses a rollback across a Durable Object migration" in screen
        assert f"(wrangler.jsonc:{_do_line(root)})" in screen
        assert "https://docs.example.com/runbooks/rollback-drill/" in screen

        # An edit that reaches Cloudflare is classified again, and refused: no [r]un offered.
        term.type("e")
        term.wait_for(r"edit> ")
        term.keys("C-u")
        term.type(f"npx wrangler d1 execute {db} --remote --command 'DELETE FROM accounts'")
        # Wait for the refusal itself: the prompt's text may already be on the screen from an earlier step.
        term.wait_for(r"it changes a remote Cloudflare resource")
        screen = term.wait_for(REFUSED_PROMPT)
        assert "refused: rehearse block runs" in screen and "it changes a remote Cloudflare resource" in screen
        term.type("e")
        term.wait_for(r"edit> ", count=2)
        term.keys("C-u")
        term.type(f'npx wrangler d1 execute {db} --local --command "CREATE TABLE notes (body TEXT, at TEXT)"')
        term.wait_for(PROMPT, count=2)
        term.type("r")
        term.wait_for(r"✓ as expected", count=1)

        # The leaky remote-read step prints both tokens: masked on screen.
        term.wait_for(PROMPT, count=3)
        term.type("r")
        screen = term.wait_for(r"✓ as expected", count=2)
        assert "│ CLOUDFLARE_API_TOKEN=***" in screen and "│ GH_TOKEN=***" in screen

        # The never step: why and environment first; a wrong name is refused, the right one runs it.
        screen = term.wait_for(PROMPT, count=4)
        assert "why this is never run automatically: Drops the notes table and every row in it." in screen
        assert "environment: (top level)" in screen
        term.type("r")
        term.wait_for(r"Type the name of the database this changes")
        term.type(wrong)
        screen = term.wait_for(PROMPT, count=5)
        assert f"'{wrong}' is not {db}: not run" in screen
        term.type("r")
        term.wait_for(r"Type the name of the database this changes", count=2)
        term.type(db)
        term.wait_for(r"✓ as expected", count=3)
        term.wait_for(PROMPT, count=6)
        term.type("r")  # the table is gone: inserting fails, as the step expects
        term.wait_for(r"Procedure complete")
        assert term.exit_code() == 0
        screen = term.screen()
    finally:
        term.close()
    records = [json.loads(line) for line in log.read_text().splitlines()]
    steps = [(r["title"], r["decision"], r.get("ok")) for r in records if r["type"] == "step"]
    assert steps == [("Create the table", "edited", True), ("Show the local vars", "ran", True),
                     ("Drop the table", "confirmed", True), ("The table is gone", "ran", True)]
    assert [(r["typed"], r["expected"]) for r in records if r["type"] == "declined"] == [(wrong, db)]
    assert [r["title"] for r in records if r["type"] == "refused"] == ["Create the table"]

    log.with_name("rollback.postmortem.md").unlink()  # written at the end; --export writes it again
    export = Terminal(tmp_path, [OPSDOCS, "run", "--export", str(log)])
    try:
        assert export.exit_code() == 0
    finally:
        export.close()
    draft = log.with_name("rollback.postmortem.md").read_text()
    assert "- **Edited** Create the table (runbooks/rollback-drill.md:5)" in draft
    assert "- **Refused** Create the table" in draft
    assert f"- **Confirmation declined** Drop the table (runbooks/rollback-drill.md:15): typed `{wrong}`" in draft
    for text in (screen, log.read_text(), log.with_suffix(".md").read_text(), draft):
        assert secret not in text and github not in text
    assert "CLOUDFLARE_API_TOKEN=***" in log.read_text()


def test_a_step_for_another_environment_is_refused_and_a_bookmark_is_offered_from_output(
        drills: tuple[Path, Path], tmp_path: Path) -> None:
    root, site = drills
    bookmark = "00000085-0000024c-00004c6d-8e61117bf38d7adb71b934ebbf891683"
    log = tmp_path / "bookmark.jsonl"
    term = Terminal(tmp_path, [OPSDOCS, "run", "bookmark-drill", "--env=", "--root", str(root), "--site-root",
                               str(site), "--offline", "--log", str(log)])
    try:
        term.wait_for(PROMPT)
        term.type("r")
        term.wait_for(r"✓ as expected")
        # Production's step in a top-level session: refused, only skip/edit/quit offered.
        screen = term.wait_for(REFUSED_PROMPT)
        assert "refused: `npx wrangler d1 time-travel info" in screen
        assert "is aimed at environment production, but this session is for (top level)" in screen
        term.type("s")
        term.wait_for(r"why skip\? \(optional\) ")
        term.type("")
        # The placeholder: the bookmark printed two steps ago is offered; a malformed value is refused.
        screen = term.wait_for(r"BOOKMARK \(number 1-1 or a value\): ")
        assert f"1) {bookmark}   from “Current bookmark”" in screen
        term.type("not-a-bookmark")
        term.wait_for(r"not a bookmark: expected four hex groups")
        term.type("1")
        screen = term.wait_for(PROMPT, count=2)
        assert f'$ echo "restoring to {bookmark}"' in screen
        term.type("r")
        term.wait_for(r"Procedure complete")
    finally:
        term.close()
    records = [json.loads(line) for line in log.read_text().splitlines()]
    [restore] = [r for r in records if r["type"] == "step" and r["title"] == "Restore (rehearsed)"]
    assert restore["values"] == {"BOOKMARK": bookmark} and restore["decision"] == "ran" and restore["ok"]
