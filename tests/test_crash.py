"""An unexpected exception is one line that calls it a bug in opsdocs, with the traceback kept in a file;
never a traceback on the terminal, never an INTERNALERROR dump from pytest, and no half report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from opsdocs.cli import main

_LINE = re.compile(r"^opsdocs: internal error(?: during verify)?: RuntimeError at (opsdocs/\S+:\d+): this is a bug "
                   r"in opsdocs, please report it; the traceback is in (\S+opsdocs-bug-\S+\.txt)$")


def _one_bug_line(err: str) -> Path:
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert "Traceback" not in err and "INTERNALERROR" not in err, err
    match = _LINE.match(lines[-1])
    assert match, lines[-1]
    saved = Path(match.group(2))
    assert "RuntimeError: boom-secret-text" in saved.read_text() and saved.stat().st_mode & 0o077 == 0
    assert "boom-secret-text" not in err  # the message may quote input: only the private file has it
    saved.unlink()
    return saved


def test_a_bug_in_a_subcommand_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path) -> None:
    import opsdocs.report._merge as merge

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom-secret-text")

    monkeypatch.setattr(merge, "read_all", broken)
    monkeypatch.delenv("OPSDOCS_DEBUG", raising=False)
    assert main(["report", "merge", str(tmp_path / "a.json"), "--report", str(tmp_path / "m.json")]) == 70
    _one_bug_line(capsys.readouterr().err)


def test_opsdocs_debug_raises_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import opsdocs.report._merge as merge

    monkeypatch.setattr(merge, "read_all", lambda *_a: (_ for _ in ()).throw(RuntimeError("boom-secret-text")))
    monkeypatch.setenv("OPSDOCS_DEBUG", "1")
    with pytest.raises(RuntimeError):
        main(["report", "merge", str(tmp_path / "a.json"), "--report", str(tmp_path / "m.json")])


def test_a_bug_inside_verify_keeps_the_last_report(make_project, monkeypatch: pytest.MonkeyPatch, capsys,
                                                   tmp_path: Path) -> None:
    import opsdocs.verify._shard as shard

    root = make_project()
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: t\ndocs_dir: docs\nnav:\n  - a.md\n")
    (site / "docs" / "a.md").write_text('# a\n\n```{.bash title="s" data-mode="rehearse"}\necho a\n```\n')
    report = tmp_path / "report.json"
    args = ["verify", "--plain", "--no-cache", "--root", str(root), "--site-root", str(site),
            "--report", str(report), "-m", "runbook"]
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN", raising=False)
    monkeypatch.delenv("OPSDOCS_DEBUG", raising=False)
    assert main(args) == 0
    before = json.loads(report.read_text())
    assert before["summary"]["passed"] >= 1 and not before["summary"]["failed"]

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom-secret-text")

    monkeypatch.setattr(shard, "assign", broken)  # an exception in a pytest hook of ours
    capsys.readouterr()
    assert main([*args, "--shard", "1/2"]) == 70
    _one_bug_line(capsys.readouterr().err)
    assert json.loads(report.read_text()) == before  # not replaced by an empty or partial one
