"""The incident log: appended whole, read back after a crash, turned into a postmortem; CLI input errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from opsdocs.cli import main
from opsdocs.errors import ConfigError
from opsdocs.project.load import load_project
from opsdocs.runmode.export import export_postmortem
from opsdocs.runmode.log import IncidentLog, read_log

START = {"procedure": "runbooks/x.md", "title": "Drill X", "env_label": "(top level)", "worker": "w",
         "operator": "ana", "steps": ["runbooks/x.md:3", "runbooks/x.md:7", "runbooks/x.md:9"]}


def _step(at: str, decision: str, **extra: object) -> dict[str, object]:
    return {"type": "step", "step": at, "title": f"t{at[-1]}", "decision": decision, "command": "c",
            "runbook_command": "c", **extra}


def test_records_are_appended_with_time_and_operator_and_a_timeline_is_kept(tmp_path: Path) -> None:
    log = IncidentLog.create(tmp_path / "i.jsonl", START)
    log.append(_step("runbooks/x.md:3", "ran", ok=True, exit_code=0, duration_s=1.5))
    lines = (tmp_path / "i.jsonl").read_text().splitlines()
    assert [json.loads(line)["type"] for line in lines] == ["start", "step"]
    record = json.loads(lines[1])
    assert record["operator"] == "ana" and record["time"].endswith("Z")
    assert "| t3 | ran | 0 | 1.5 s | `c` |" in (tmp_path / "i.md").read_text()
    with pytest.raises(ConfigError, match="already exists"):
        IncidentLog.create(tmp_path / "i.jsonl", START)


def test_a_timeline_cell_holds_any_command_and_title(tmp_path: Path) -> None:
    """The site's and the reports' one cell helper: a pipe, a backtick or a newline never breaks the row."""
    import markdown  # type: ignore[import-untyped]

    log = IncidentLog.create(tmp_path / "i.jsonl", START)
    log.append({**_step("runbooks/x.md:3", "ran", ok=True, exit_code=0, duration_s=1.0),
                "title": "a | b *c*", "command": "echo `x` | wc -l\nsecond line"})
    table = next(block for block in (tmp_path / "i.md").read_text().split("\n\n") if block.startswith("|"))
    html = markdown.markdown(table, extensions=["tables"])
    assert html.count("<tr>") == 2 and html.count("<td>") == 6  # one header row, one data row of 6 cells
    assert "a | b *c*" in html and "<em>" not in html


def test_a_line_cut_short_by_a_crash_is_ignored_and_the_state_says_where_to_go_on(tmp_path: Path) -> None:
    log = IncidentLog.create(tmp_path / "i.jsonl", START)
    log.append(_step("runbooks/x.md:3", "ran", ok=True))
    log.append(_step("runbooks/x.md:7", "ran", ok=False, problem="expected exit code 0, got exit code 1"))
    log.append({"type": "begin", "step": "runbooks/x.md:7"})
    with (tmp_path / "i.jsonl").open("a") as fh:
        fh.write('{"type": "step", "step": "runbooks/x.md:7", "deci')  # the crash
    state = read_log(tmp_path / "i.jsonl")
    assert state.done_ok == {"runbooks/x.md:3"}  # the failed step is offered again
    assert state.interrupted == "runbooks/x.md:7"


def test_a_damaged_line_in_the_middle_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "i.jsonl"
    IncidentLog.create(path, START)
    path.write_text(path.read_text() + "not json\n" + json.dumps(_step("runbooks/x.md:3", "ran")) + "\n")
    with pytest.raises(ConfigError) as err:
        read_log(path)
    assert (err.value.line, err.value.message) == (2, "unreadable line in the incident log")
    (tmp_path / "other.jsonl").write_text('{"a": 1}\n')
    with pytest.raises(ConfigError, match="not an opsdocs incident log"):
        read_log(tmp_path / "other.jsonl")


def test_the_postmortem_lists_commands_at_their_runbook_lines_and_every_deviation(tmp_path: Path) -> None:
    log = IncidentLog.create(tmp_path / "i.jsonl", START)
    log.append(_step("runbooks/x.md:3", "edited", edited=True, ok=True, exit_code=0, command="npx wrangler x --y",
                     runbook_command="npx wrangler x"))
    log.append({"type": "refused", "step": "runbooks/x.md:7", "title": "t7", "command": "rm -rf /", "message": "no"})
    log.append(_step("runbooks/x.md:7", "skipped", reason="not needed"))
    log.append({"type": "end", "outcome": "quit", "message": "operator quit"})
    draft = export_postmortem(tmp_path / "i.jsonl").read_text()
    assert draft.startswith("# Postmortem draft: Drill X")
    assert "### t3 (runbooks/x.md:3)" in draft and "```bash\nnpx wrangler x --y\n```" in draft
    assert "- **Edited** t3 (runbooks/x.md:3): the runbook says `npx wrangler x`, ran `npx wrangler x --y`" in draft
    assert "- **Refused** t7 (runbooks/x.md:7): `rm -rf /`: no" in draft
    assert "- **Skipped** t7 (runbooks/x.md:7): not needed" in draft
    assert "- **Not reached**: runbooks/x.md:9" in draft
    assert "ended" in draft and "(quit)" in draft


@pytest.mark.parametrize(("argv", "expected"), [
    (["run", "no-such-procedure", "--dry-run"], "opsdocs: no procedure 'no-such-procedure'"),
    (["run", "rollback", "--dry-run", "--set", "VERSION_ID=abc"], "opsdocs: --set VERSION_ID: not a version id"),
    (["run", "rollback", "--dry-run", "--set", "novalue"], "opsdocs: --set 'novalue' is not NAME=VALUE"),
    (["run", "--resume", "/nonexistent/log.jsonl"], "opsdocs: /nonexistent/log.jsonl: incident log not found"),
    (["run", "--env", "nope", "rollback"], "opsdocs: wrangler.jsonc: no environment 'nope'; known: production"),
])
def test_bad_input_is_one_line_and_exit_2(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # no terminal: nothing may wait for an answer
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected) and err.count("\n") == 1 and "Traceback" not in err


def test_without_a_terminal_no_procedure_is_picked_and_it_says_what_to_do(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["run", "--offline"]) == 2
    captured = capsys.readouterr()
    assert "Procedures (pages and sections with runbook steps):" in captured.out
    assert captured.err == ("opsdocs: no procedure picked (stdin closed); run it in a terminal, or pass "
                            "PAGE[#SECTION] and --env (add --dry-run to see the plan)\n")


def test_dry_run_prints_the_plan_with_given_values_and_runs_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    version = "5f1c2b7a-5d4e-4a8b-9c6d-1e2f3a4b5c6d"
    assert main(["run", "rollback#worker-rollback", "--dry-run", "--offline", "--set", f"VERSION_ID={version}"]) == 0
    out = capsys.readouterr().out
    prod = load_project().wrangler.environment("production")
    assert prod is not None
    assert f'rollback --env production "{version}"' in out
    assert "<what broke, run link: asked at run time" in out
    assert f"asks you to type {prod.worker_name} (Worker, production) first" in out


def test_a_replayed_command_is_classified_again_so_an_edited_log_cannot_reach_out(tmp_path: Path) -> None:
    from opsdocs.runmode.banner import replay
    from opsdocs.runmode.offers import Offers
    from opsdocs.runmode.ui import UI

    log = IncidentLog.create(tmp_path / "i.jsonl", START)
    log.append(_step("runbooks/x.md:3", "ran", ok=True, where="sandbox",
                     command="npx wrangler d1 execute db --remote --command 'DELETE FROM t'"))

    class _NoRun:
        project = None  # the classifier is given no project: `..` may climb nowhere

        def run(self, *args: object, **kwargs: object) -> object:
            raise AssertionError("a refused command must not run")

    seen: list[str] = []
    ui = UI(lambda text: text)
    ui.say = lambda text="", style=None: seen.append(text)  # type: ignore[method-assign]
    assert replay(ui, _NoRun(), read_log(tmp_path / "i.jsonl"), Offers()) == 0  # type: ignore[arg-type]
    assert seen and seen[0].startswith("  not replaying runbooks/x.md:3:") and "remote Cloudflare resource" in seen[0]
