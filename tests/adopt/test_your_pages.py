"""Your pages win: a project's docs/<page>.md replaces ours; its other pages and drills join the site."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from opsdocs.cli import main
from opsdocs.project.load import load_project
from opsdocs.site.render import render_pages

# The built-in guides link to these anchors of the rollback page: a page that replaces it keeps them
# (a strict build names each broken link otherwise).
ROLLBACK = ("# Rolling back parcels\n\nWe roll back {{ code(worker.worker_name) }} by hand, with a pager.\n\n"
            "## Worker rollback\n\nAsk the lead.\n\n## A migration failed\n\nRestore the database.\n")
ONCALL = "# On-call notes\n\nThe Worker is {{ code(worker.worker_name) }}.\n"
SMOKE = """\
# Smoke drill

```{.bash data-mode="never" data-why="reaches production"}
{{ wrangler("deployments", "list") }}
```
"""


@pytest.fixture
def project(parcel_tracker: Path) -> Path:
    for rel, text in {"docs/rollback.md": ROLLBACK, "docs/oncall.md": ONCALL, "runbooks/smoke.md": SMOKE}.items():
        (parcel_tracker / rel).parent.mkdir(exist_ok=True)
        (parcel_tracker / rel).write_text(text)
    return parcel_tracker


def test_verify_sees_your_pages_in_place_of_ours(project: Path) -> None:
    pages = {p.relpath: p for p in render_pages(load_project(project))}
    assert pages["docs/rollback.md"].path == project / "docs/rollback.md"
    assert "We roll back <code>parcel-tracker</code> by hand" in pages["docs/rollback.md"].text
    assert pages["docs/oncall.md"].path == project / "docs/oncall.md"
    assert pages["runbooks/smoke.md"].text.count("npx wrangler deployments list") == 1
    assert pages["docs/runbook.md"].path.parent.parent.name == "guides"  # the rest stay built in


def test_the_site_shows_them(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPSDOCS_ROOT", raising=False)
    monkeypatch.chdir(project)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["build"]) == 0, err.getvalue()
    site = project / "site"
    rollback = (site / "rollback/index.html").read_text()
    assert "by hand, with a pager" in rollback and "Time Travel" not in rollback
    home = (site / "index.html").read_text()
    assert "Your pages" in home and 'href="oncall/"' in home and 'href="runbooks/smoke/"' in home
    assert "<code>parcel-tracker</code>" in (site / "oncall/index.html").read_text()


def test_an_error_in_your_page_names_your_file(project: Path) -> None:
    (project / "docs/oncall.md").write_text("# On-call\n\n{{ no_such_value }}\n")
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["build", "--root", str(project)]) == 2
    assert err.getvalue().startswith("opsdocs: docs/oncall.md:3:")
