"""A page title with macros (from its H1 or its front matter) shows rendered in the tab, the header and
the nav, not as Jinja: mkdocs-macros would otherwise set the raw text on the page for good."""

from __future__ import annotations

from pathlib import Path

from sitebuild import run_build
from test_errors import make_site

from opsdocs import load_project
from opsdocs.project.load import CHECKOUT_ROOT


def test_titles_with_macros_are_rendered(tmp_path: Path) -> None:
    project = load_project(CHECKOUT_ROOT)
    worker, db = project.wrangler.top.worker_name, project.databases[0].name
    config = make_site(tmp_path / "s", {
        "index.md": "# Home\n",
        "team.md": "# Runbook for {{ worker.worker_name }}\n\nText.\n",
        "meta.md": "---\ntitle: Data of {{ db.name }}\n---\n# Data\n\nText.\n",
    })
    build = run_build("--config-file", str(config), site=tmp_path / "out")
    assert build.code == 0, build.stderr
    team, meta, home = build.page("team"), build.page("meta"), build.page("")
    assert f"<title>Runbook for {worker} - t</title>" in team
    assert f"<title>Data of {db} - t</title>" in meta
    for html in (team, meta, home):  # the nav of every page lists both
        assert "{{" not in html and f"Runbook for {worker}" in html and f"Data of {db}" in html
