"""Procedures from pages, naming and fuzzy search; what a command is aimed at."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from opsdocs.errors import PageError
from opsdocs.project.load import load_project
from opsdocs.runmode.plan import find_procedure, list_procedures, match_procedures
from opsdocs.runmode.targets import aim_of
from opsdocs.site.pages import RenderedPage
from opsdocs.site.render import render_pages

PAGE = textwrap.dedent('''\
    # Incident guide

    ## Look first

    ```{.bash title="Versions" data-mode="remote-read"}
    npx wrangler versions list
    ```

    ```text
    ## not a heading inside a fence
    ```

    ## Then act `now`

    ```{.bash title="Roll back" data-mode="never" data-why="changes prod"}
    npx wrangler rollback
    ```
    ''')


def _page(relpath: str = "docs/incident.md", source: str = PAGE) -> RenderedPage:
    return RenderedPage(relpath, Path("/site") / relpath, source, source)


def test_a_page_and_each_of_its_sections_with_steps_are_procedures() -> None:
    procs = list_procedures([_page(), _page("docs/empty.md", "# Nothing\n")])
    assert [(p.name, p.title, [s.line for s in p.steps]) for p in procs] == [
        ("docs/incident.md", "Incident guide", [5, 15]),
        ("docs/incident.md#look-first", "Incident guide › Look first", [5]),
        ("docs/incident.md#then-act-now", "Incident guide › Then act `now`", [15]),
    ]
    assert procs[2].url_path == "incident/#then-act-now"


def test_procedures_are_named_by_path_file_or_stem_with_a_section() -> None:
    procs = list_procedures([_page()])
    for name in ("docs/incident.md", "incident.md", "incident"):
        assert find_procedure(procs, name) is procs[0]
    assert find_procedure(procs, "incident#look-first") is procs[1]
    with pytest.raises(PageError) as err:
        find_procedure(procs, "incident#nope")
    assert str(err.value) == "no section #nope with steps on docs/incident.md; sections: look-first, then-act-now"
    with pytest.raises(PageError) as err:
        find_procedure(procs, "incidnt")
    assert "did you mean docs/incident.md" in str(err.value)


def test_fuzzy_search_keeps_procedures_whose_every_word_is_close() -> None:
    procs = list_procedures([_page()])
    assert [p.name for p in match_procedures(procs, "incdent act")] == ["docs/incident.md#then-act-now"]
    assert match_procedures(procs, "zebra") == []


def test_the_shipped_drills_are_found_through_the_site() -> None:
    procs = list_procedures(render_pages(load_project()))
    drill = find_procedure(procs, "data-restore-drill")
    assert drill.page.endswith("data-restore-drill.md") and len(drill.steps) >= 5
    assert all(s.mode == "rehearse" for s in drill.steps)
    assert find_procedure(procs, "rollback#worker-rollback").steps


def test_a_remote_command_for_another_environment_is_refused_a_local_one_is_not() -> None:
    project = load_project()
    top, prod = project.wrangler.environment(None), project.wrangler.environment("production")
    assert top is not None and prod is not None
    staging_db, prod_db = top.d1_databases[0].name, prod.d1_databases[0].name
    aim = aim_of(f"npx wrangler d1 time-travel restore {prod_db} --env production --bookmark x", project, prod)
    assert aim.refusal is None and (aim.target, aim.target_kind, aim.local) == (prod_db, "database", False)
    wrong_env = aim_of(f"npx wrangler d1 time-travel info {prod_db} --env production", project, top)
    assert wrong_env.refusal is not None and "aimed at environment production" in wrong_env.refusal
    wrong_db = aim_of(f"npx wrangler d1 time-travel info {staging_db} --env production", project, prod)
    assert wrong_db.refusal is not None and f"database {staging_db} is not a database of production" in wrong_db.refusal
    no_env = aim_of("npx wrangler rollback", project, prod)
    assert no_env.refusal is not None and (no_env.target, no_env.target_kind) == (prod.worker_name, "Worker")
    local = aim_of(f"npx wrangler d1 execute {staging_db} --local --command 'DELETE FROM t'", project, prod)
    assert local.refusal is None and local.local


def test_a_monorepo_drill_may_write_its_migrations_above_the_worker(tmp_path: Path) -> None:
    """`..` up to where the sandbox mirrors the repository is allowed in a run plan, as in verify: the
    monorepo's migrations live in ../../packages/db (the drills write a broken migration there)."""
    import shutil
    import subprocess
    import sys

    repo = Path(__file__).resolve().parents[2]
    shutil.copytree(repo / "tests" / "fixtures" / "projects" / "monorepo", tmp_path / "mono")
    api = tmp_path / "mono" / "apps" / "api"
    (api / "node_modules").symlink_to(repo / "node_modules", target_is_directory=True)
    run = subprocess.run([sys.executable, "-m", "opsdocs", "run", "migration-failure-drill", "--dry-run", "--offline"],
                         cwd=api, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    assert "> ../../packages/db/drizzle/9999_drill_broken.sql" in run.stdout
    assert "would be refused" not in run.stdout, run.stdout
