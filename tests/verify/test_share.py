"""Pages that start with the same steps run them once: a tiny real project, real sandboxes, the process
trace counting what ran. Each page is still judged by its own expectations, from the state it needs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from verify_helpers import run_opsdocs

from opsdocs.steps._proc import TRACE_ENV
from opsdocs.steps.parse import Runbook, Step
from opsdocs.verify._share import SharedSteps

# The first step leaves a file with a value no second run would repeat; the second shows it is there.
_FIRST = "date +%s%N > made-first; echo ran"


def _page(first_expect: str, second: str, *, before: str = "") -> str:
    return (f"# Page\n\n{before}"
            f'```{{.bash title="first" data-mode="rehearse" data-expect="{first_expect}"}}\n{_FIRST}\n```\n\n'
            f'```{{.bash title="second" data-mode="rehearse" data-expect="ok"}}\n{second}\n```\n')


def _site(tmp_path: Path, pages: dict[str, str]) -> Path:
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    nav = "".join(f"  - {name}\n" for name in pages)
    (site / "mkdocs.yml").write_text(f"site_name: t\ndocs_dir: docs\nstrict: true\nnav:\n{nav}")
    for name, text in pages.items():
        (site / "docs" / name).write_text(text)
    return site


def _verify(root: Path, site: Path, tmp_path: Path, *extra: str) -> tuple[int, dict, list[dict]]:
    report, trace = tmp_path / "r.json", tmp_path / "trace.jsonl"
    trace.unlink(missing_ok=True)
    proc = run_opsdocs("verify", "--plain", "--no-cache", "--root", str(root), "--site-root", str(site),
                       "-m", "runbook", "--report", str(report), *extra, env={TRACE_ENV: str(trace)})
    ran = [json.loads(line) for line in trace.read_text().splitlines()] if trace.exists() else []
    return proc.returncode, json.loads(report.read_text()), ran


def _checks(report: dict) -> dict[str, dict]:
    return {c["id"].removeprefix("runbook:"): c for c in report["checks"] if c["id"].startswith("runbook:")}


def test_the_same_first_step_runs_once_and_each_page_goes_on_from_its_state(make_project, tmp_path: Path) -> None:
    root = make_project()
    site = _site(tmp_path, {
        "a.md": _page("ran", "test -f made-first && echo ok"),
        "b.md": _page("ran", "ls made-first >/dev/null && echo ok"),
        # never steps run nothing, so c still starts the same way
        "c.md": _page("ran", "cat made-first >/dev/null && echo ok",
                      before='```{.bash data-mode="never" data-why="prints a secret"}\ngh secret list\n```\n\n'),
    })
    code, shared, ran_shared = _verify(root, site, tmp_path)
    assert code == 0, shared
    checks = _checks(shared)
    firsts = [checks[f"docs/{p}.md:{line}"] for p, line in (("a", 3), ("b", 3), ("c", 7))]
    notes = [c["message"] for c in firsts]
    assert sum(n == "" for n in notes) == 1  # one page ran the step...
    assert all(n == "(shared: run once for the pages that start with these same steps)"
               for n in notes if n)  # ...the others say so, and passed from its output
    assert all(c["status"] == "passed" for c in checks.values() if "never" not in c["message"])

    code, alone, ran_alone = _verify(root, site, tmp_path, "--no-shared-steps")
    assert code == 0 and not any("(shared:" in c["message"] for c in alone["checks"])
    assert len(ran_alone) - len(ran_shared) == 2  # two runs of the first step saved, nothing else


def test_each_page_judges_the_shared_output_by_its_own_expectations(make_project, tmp_path: Path) -> None:
    root = make_project()
    site = _site(tmp_path, {
        "a.md": _page("ran", "test -f made-first && echo ok"),
        "b.md": _page("something else", "echo ok"),
        "d.md": _page("ran", "echo ok").replace(_FIRST, _FIRST + " "),  # another command: nothing shared
    })
    code, report, _ = _verify(root, site, tmp_path)
    checks = _checks(report)
    assert code == 1
    a, b = checks["docs/a.md:3"], checks["docs/b.md:3"]
    assert a["status"] == "passed" and b["status"] == "failed"
    assert "expected the output to contain 'something else'" in b["message"]
    assert checks["docs/b.md:7"]["status"] == "skipped"  # b stops at its own failure, a goes on
    assert checks["docs/a.md:7"]["status"] == "passed"
    assert ("(shared:" in a["message"]) != ("(shared:" in b["message"])  # one ran it for both
    assert "(shared:" not in checks["docs/d.md:3"]["message"]


def test_many_pages_wait_for_one_run_and_all_finish(make_project, tmp_path: Path) -> None:
    root = make_project()
    pages = {f"p{i}.md": _page("ran", f"test -f made-first && echo ok && echo {i}") for i in range(6)}
    code, report, ran = _verify(root, site := _site(tmp_path, pages), tmp_path)
    assert code == 0 and len(ran) == 1 + 6  # the first step once, each page's own second step
    shared = [c for c in report["checks"] if "(shared:" in c["message"]]
    assert len(shared) == 5 and site.is_dir()


def _step(mode: str, command: str, line: int) -> Step:
    return Step(page="docs/x.md", line=line, mode=mode, command=command, title=None, why=None, expect=None,
                expect_re=None)


def test_a_remote_read_that_runs_ends_what_is_shared(tmp_path: Path) -> None:
    # Without a token a remote-read step runs nothing and is passed over; with one it reads live state.
    steps = (_step("rehearse", "echo a", 1), _step("remote-read", "npx wrangler whoami", 5),
             _step("rehearse", "echo b", 9))
    pages = [Runbook("docs/x.md", steps), Runbook("docs/y.md", steps)]
    offline = SharedSteps(pages, tmp_path / "a", remote=False)
    assert sorted(offline.claim(pages[0])) == [0, 1] and offline.claim(pages[1]) == {}
    online = SharedSteps(pages, tmp_path / "b", remote=True)
    assert sorted(online.claim(pages[0])) == [0]


def test_a_state_that_names_its_sandbox_is_not_shared(make_project, tmp_path: Path) -> None:
    # `pwd > f` records where the leader's sandbox is; in another sandbox it would name a folder that is
    # not there. Each page runs such steps itself, and passes.
    root = make_project()
    check = "pwd > now; diff where now && echo ok"
    first = "pwd > where; echo ran"
    pages = {name: _page("ran", check).replace(_FIRST, first) for name in ("a.md", "b.md", "c.md")}
    code, report, ran = _verify(root, site := _site(tmp_path, pages), tmp_path)
    assert code == 0, report
    assert not any("(shared:" in c["message"] for c in report["checks"])
    _, _, ran_alone = _verify(root, site, tmp_path, "--no-shared-steps")
    assert len(ran) == len(ran_alone)  # every page ran its first step


def test_shared_output_names_each_pages_own_sandbox(make_project, tmp_path: Path) -> None:
    # wrangler prints its log file's path, inside the sandbox. A page that took the output of a step another
    # page ran must quote its own sandbox there, not the leader's (gone by then, and a race to name).
    root = make_project()
    first = "echo at; pwd"
    pages = {f"{n}.md": _page(f"never-{n}", "echo ok").replace(_FIRST, first) for n in ("a", "b", "c")}
    code, report, ran = _verify(root, _site(tmp_path, pages), tmp_path)
    assert code == 1 and len(ran) == 1  # each page fails its own expectation of the one run
    firsts = [c["message"] for c in _checks(report).values() if c["line"] == 3]
    quoted = [re.search(r"(/\S*opsdocs-sandbox-[^/\s]+)", message) for message in firsts]
    assert len(quoted) == 3 and all(quoted) and len({m.group(1) for m in quoted if m}) == 3, firsts
