"""A Cloudflare Pages project (``pages_build_output_dir``): the guides never show it the Workers build
(`wrangler deploy --dry-run`, which wrangler warns about on such a config and which fails there), and show
the offline build wrangler does have for it, of its Functions, only when it has a ``functions/`` folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from opsdocs import load_project
from opsdocs.site.render import render_pages
from opsdocs.steps.parse import collect_steps

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "projects" / "pages"
REPO = Path(__file__).resolve().parents[2]
_BUILD_PAGES = {"docs/runbook.md", "docs/environments.md", "docs/troubleshooting.md", "runbooks/build-check.md"}


def _copy(tmp_path: Path, *, functions: bool) -> Path:
    root = tmp_path / "pages"
    shutil.copytree(FIXTURE, root)
    if functions:
        (root / "functions" / "api").mkdir(parents=True)
        (root / "functions" / "api" / "hello.js").write_text(
            'export function onRequest() { return new Response("hi"); }\n')
    return root


def _commands(root: Path) -> dict[str, list[str]]:
    runbooks = collect_steps(render_pages(load_project(root)))
    return {rb.page: [s.command for s in rb.steps if s.mode == "rehearse"] for rb in runbooks}


@pytest.mark.parametrize("functions", [False, True])
def test_no_workers_build_for_a_pages_project(tmp_path: Path, functions: bool) -> None:
    commands = _commands(_copy(tmp_path, functions=functions))
    everything = [c for cmds in commands.values() for c in cmds]
    assert not any("deploy --dry-run" in c for c in everything)
    builds = {page for page, cmds in commands.items() if any("pages functions build" in c for c in cmds)}
    assert builds == (_BUILD_PAGES if functions else set())


def test_the_pages_note_names_the_output_folder(tmp_path: Path) -> None:
    pages = {p.relpath: p.text for p in render_pages(load_project(_copy(tmp_path, functions=False)))}
    text = pages["runbooks/build-check.md"]
    assert text.startswith("# Drill: build without deploying")
    assert "<code>pages_build_output_dir: ./dist</code>" in text
    assert "<code>wrangler pages deploy ./dist</code>" in text and "There is no <code>functions/</code>" in text


def test_a_worker_still_gets_the_workers_build() -> None:
    commands = _commands(REPO)
    assert any("deploy --dry-run" in c for c in commands["docs/runbook.md"])
    assert not any("pages functions build" in c for cmds in commands.values() for c in cmds)



def test_the_rollback_page_warns_a_pages_project_only(tmp_path: Path) -> None:
    pages = {p.relpath: p.text for p in render_pages(load_project(_copy(tmp_path, functions=False)))}
    text = pages["docs/rollback.md"]
    assert "A Pages project: the Worker commands below do not roll it back" in text
    assert "wrangler pages deployment list --project-name marketing-site" in text
    assert "D1 Time Travel below" not in text  # this Pages project binds no D1
    ours = {p.relpath: p.text for p in render_pages(load_project(REPO))}["docs/rollback.md"]
    assert "A Pages project" not in ours
