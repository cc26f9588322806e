"""run_runbook/run_step: real steps in a real sandbox, judged against their page's expectations."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from opsdocs.project.load import CHECKOUT_ROOT, GUIDES_DIR, load_project
from opsdocs.project.model import Project
from opsdocs.report.finding import Finding
from opsdocs.site.pages import RenderedPage
from opsdocs.steps.masking import Masker
from opsdocs.steps.parse import Runbook, parse_page
from opsdocs.steps.run import TAIL_LINES, run_runbook
from opsdocs.steps.sandbox import Sandbox

WORKFLOW = """\
name: deploy
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - run: echo deploying
        env:
          SENTRY_DSN: ${{ secrets.SENTRY_DSN }}
"""


@pytest.fixture
def project(make_project: Callable[..., Path]) -> Project:
    root = make_project({"src/index.js": "export default {};\n", ".github/workflows/deploy.yml": WORKFLOW})
    return load_project(root)


@pytest.fixture
def sandbox(project: Project) -> Iterator[Sandbox]:
    with Sandbox(project) as sb:
        yield sb


def runbook(markdown: str, relpath: str = "runbooks/t.md") -> Runbook:
    text = textwrap.dedent(markdown)
    return parse_page(RenderedPage(relpath, GUIDES_DIR / relpath, text, text))


def run(md: str, sandbox: Sandbox, *, masker: Masker | None = None, remote: bool = False) -> list[Finding]:
    return run_runbook(runbook(md), sandbox, masker=masker or Masker(), remote_enabled=remote)


def test_passing_steps_share_one_sandbox(sandbox: Sandbox) -> None:
    findings = run("""\
        ```{.bash data-mode="rehearse"}
        echo hello > note.txt
        ```

        ```{.bash data-mode="rehearse" data-expect="hello"}
        cat note.txt
        ```
        """, sandbox)
    assert [(f.status, f.kind, f.id, f.where) for f in findings] == [
        ("passed", "runbook", "runbook:runbooks/t.md:1", "runbooks/t.md:1"),
        ("passed", "runbook", "runbook:runbooks/t.md:5", "runbooks/t.md:5"),
    ]
    assert all(f.duration_s > 0 for f in findings)


def test_exit_code_mismatch_says_expected_and_got_with_output_tail(sandbox: Sandbox) -> None:
    (finding,) = run("""\
        ```{.bash data-mode="rehearse"}
        echo looking
        ls no-such-file
        ```
        """, sandbox)
    assert finding.status == "failed"
    first, *rest = finding.message.splitlines()
    assert first == "expected exit code 0, got exit code 2"
    assert any("looking" in line for line in rest) and any("no-such-file" in line for line in rest)


def test_expected_failure_passes_and_unexpected_success_fails(sandbox: Sandbox) -> None:
    findings = run("""\
        ```{.bash data-mode="rehearse" data-exit="1"}
        false
        ```

        ```{.bash data-mode="rehearse" data-exit="1"}
        true
        ```
        """, sandbox)
    assert [f.status for f in findings] == ["passed", "failed"]
    assert findings[1].message.startswith("expected exit code 1, got exit code 0")


def test_expect_mismatch(sandbox: Sandbox) -> None:
    (finding,) = run("""\
        ```{.bash data-mode="rehearse" data-expect="No migrations to apply"}
        echo Migrations to be applied
        ```
        """, sandbox)
    assert finding.status == "failed"
    assert finding.message.splitlines()[0] == (
        "expected the output to contain 'No migrations to apply' (data-expect); it does not")
    assert "Migrations to be applied" in finding.message


def test_expect_re_match_and_mismatch(sandbox: Sandbox) -> None:
    findings = run("""\
        ```{.bash data-mode="rehearse" data-expect-re="^applied: [0-9]+$"}
        echo first line
        echo applied: 12
        ```

        ```{.bash data-mode="rehearse" data-expect-re="applied: [0-9]+$"}
        echo applied: twelve
        ```
        """, sandbox)
    assert findings[0].status == "passed"
    assert findings[1].status == "failed"
    assert findings[1].message.splitlines()[0] == (
        "expected the output to match /applied: [0-9]+$/ (data-expect-re); it does not")


def test_timeout(sandbox: Sandbox) -> None:
    (finding,) = run("""\
        ```{.bash data-mode="rehearse" data-timeout="1"}
        echo waiting
        sleep 30
        ```
        """, sandbox)
    assert finding.status == "failed"
    assert finding.message.startswith("timed out after 1 s")
    assert finding.duration_s < 10


def test_failed_step_stops_the_runbook(sandbox: Sandbox) -> None:
    findings = run("""\
        ```{.bash data-mode="rehearse"}
        false
        ```

        ```{.bash data-mode="rehearse"}
        touch ran.txt
        ```

        ```{.bash data-mode="never" data-why="deploys"}
        npx wrangler deploy
        ```
        """, sandbox)
    assert [f.status for f in findings] == ["failed", "skipped", "skipped"]
    assert findings[1].message == "previous step failed: runbooks/t.md:1"
    assert findings[2].message == "previous step failed: runbooks/t.md:1"
    assert not (sandbox.root / "ran.txt").exists()


def test_never_and_remote_read_without_token_are_skipped_with_the_reason(sandbox: Sandbox) -> None:
    findings = run("""\
        ```{.bash data-mode="never" data-why="it deploys to production"}
        npx wrangler deploy --env production
        ```

        ```{.bash data-mode="remote-read"}
        npx wrangler deployments list
        ```

        ```{.bash data-mode="rehearse"}
        echo still runs
        ```
        """, sandbox)
    assert [f.status for f in findings] == ["skipped", "skipped", "passed"]
    assert findings[0].message == "never executed: it deploys to production"
    assert "CLOUDFLARE_API_TOKEN is not set" in findings[1].message


def test_refused_step_is_not_executed(sandbox: Sandbox) -> None:
    findings = run("""\
        ```{.bash data-mode="rehearse"}
        touch marker.txt
        npx wrangler d1 migrations apply demo-db --remote
        ```

        ```{.bash data-mode="rehearse"}
        echo after
        ```
        """, sandbox)
    assert [f.status for f in findings] == ["failed", "skipped"]
    assert findings[0].message.startswith("refused, not executed (runbooks/t.md:1): ")
    assert "remote" in findings[0].message
    assert not (sandbox.root / "marker.txt").exists()


def test_remote_read_cannot_echo_the_token_and_output_is_masked(
    sandbox: Sandbox, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDFLARE_API_TOKEN", "tok-SuperSecret-42")
    monkeypatch.setenv("SENTRY_DSN", "https://dsn-key-77@sentry.example/1")
    masker = Masker.from_env(project)
    findings = run("""\
        ```{.bash data-mode="remote-read" data-expect="never printed"}
        echo "token is $CLOUDFLARE_API_TOKEN"
        ```

        ```{.bash data-mode="rehearse"}
        echo https://dsn-key-77@sentry.example/1
        false
        ```
        """, sandbox, masker=masker, remote=True)
    assert findings[0].status == "failed"
    assert "refused, not executed" in findings[0].message  # a variable's value is not known before it runs
    assert all("SuperSecret" not in f.message and "dsn-key-77" not in f.message for f in findings)


def test_long_output_is_cut_to_its_tail(sandbox: Sandbox) -> None:
    (finding,) = run("""\
        ```{.bash data-mode="rehearse" data-expect="absent"}
        printf 'line-%s\\n' 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20
        ```
        """, sandbox)
    lines = finding.message.splitlines()
    assert lines[1] == f"last {TAIL_LINES} of 20 output lines:"
    assert lines[-1] == "  line-20" and "  line-5" not in lines and "  line-6" in lines
    assert len(lines) == 2 + TAIL_LINES


# --- the drills, end to end on the real wrangler ------------------------------------------------


def _drill_pages() -> list[RenderedPage]:
    from opsdocs.site.render import render_pages

    return [p for p in render_pages(load_project(CHECKOUT_ROOT)) if p.relpath.startswith("runbooks/")]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["migrations-fresh", "migration-failure-drill", "data-restore-drill",
                                  "build-check"])
def test_drill_runs_end_to_end(name: str) -> None:
    project = load_project(CHECKOUT_ROOT)
    (page,) = [p for p in _drill_pages() if p.relpath == f"runbooks/{name}.md"]
    book = parse_page(page)
    assert len(book.steps) >= 3 and all(s.mode == "rehearse" for s in book.steps)
    before = sorted(p.name for p in (CHECKOUT_ROOT / "migrations").iterdir())
    with Sandbox(project) as sb:
        findings = run_runbook(book, sb, masker=Masker.from_env(project), remote_enabled=False)
    failed = [f"{f.where}: {f.message}" for f in findings if f.status != "passed"]
    assert failed == []
    assert sorted(p.name for p in (CHECKOUT_ROOT / "migrations").iterdir()) == before  # checkout untouched
