"""A page text is compiled once per process (site/_jinja.py) and the rendered pages do not change: what
Jinja's own ``from_string`` gives, for every shipped page, for a first render and a cached one, for
two projects sharing the code, and with errors still at ``page:line``."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from other_project import write_other_project

from opsdocs import PageError, load_project
from opsdocs.project.load import CHECKOUT_ROOT, GUIDES_DIR
from opsdocs.site import _jinja
from opsdocs.site.render import page_context, render_source, split_front_matter
from opsdocs.site.sources import page_files


def _uncached(site_root: Path, source: str, root: Path | None = None) -> str:
    """The page as plain Jinja renders it: a fresh environment, compiled from the text, no cache."""
    context = page_context(site_root, root)
    env = Environment(loader=FileSystemLoader(str(site_root / "docs")), undefined=StrictUndefined)
    env.globals.update(context)
    return env.from_string(source).render()


def _shipped() -> list[tuple[str, str]]:
    out = []
    for relpath, path in page_files(GUIDES_DIR, CHECKOUT_ROOT):
        body, _ = split_front_matter(path.read_text(encoding="utf-8-sig"))
        out.append((relpath, body))
    return out


def test_every_shipped_page_renders_as_plain_jinja_first_and_from_the_cache() -> None:
    pages = _shipped()
    assert len(pages) > 10
    _jinja._CODE.clear()
    project = load_project(site_root=GUIDES_DIR)
    for relpath, body in pages:
        expected = _uncached(GUIDES_DIR, body)
        first = render_source(GUIDES_DIR, body, relpath, project=project)
        again = render_source(GUIDES_DIR, body, relpath, project=project)
        assert first == expected, relpath
        assert again == expected, relpath
    assert len(_jinja._CODE) == len({body for _, body in pages})  # each text compiled once


def test_two_projects_share_the_code_not_the_values(tmp_path: Path) -> None:
    other = write_other_project(tmp_path / "other")
    text = "Worker {{ worker.worker_name }}, database {{ db.name }}: `{{ wrangler('d1 migrations list', db.name) }}`\n"
    ours = render_source(GUIDES_DIR, text, "docs/x.md", project=load_project(site_root=GUIDES_DIR))
    theirs = render_source(GUIDES_DIR, text, "docs/x.md", project=load_project(other, site_root=GUIDES_DIR))
    assert ours == _uncached(GUIDES_DIR, text)
    assert theirs == _uncached(GUIDES_DIR, text, other)
    assert "inventory-dev" in theirs and "inventory-dev" not in ours


@pytest.mark.parametrize(("text", "line", "message"), [
    ("ok\n\n{{ wrangler('d1 list', env='nope') }}\n", 3, "no environment 'nope'"),
    ("ok\n{{ no_such_name }}\n", 2, "undefined variable 'no_such_name'"),
    ("ok\n\n\n{% if %}\n", 4, "template syntax error"),
])
def test_errors_name_the_page_line_on_every_render(text: str, line: int, message: str) -> None:
    project = load_project(site_root=GUIDES_DIR)
    for _ in range(2):  # the second render finds the code in the cache (a syntax error is never stored)
        with pytest.raises(PageError) as err:
            render_source(GUIDES_DIR, text, "docs/broken.md", first_line=3, project=project)
        assert err.value.path == "docs/broken.md"
        assert err.value.line == line + 2
        assert message in str(err.value)
