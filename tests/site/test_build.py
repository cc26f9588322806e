"""The repo's own site: strict build, offline assets, and pages identical to render_pages()."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from opsdocs import load_project
from opsdocs.project.load import CHECKOUT_ROOT, GUIDES_DIR
from opsdocs.site.render import render_pages

from sitebuild import Build

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_HTML_BLOCK = re.compile(
    r'<div class="(?:language-[\w-]+ )?highlight"[^>]*>(?:<span class="filename">.*?</span>)?'
    r"<pre[^>]*>(?:<span></span>)?<code>(.*?)</code></pre>", re.S)
_TAG = re.compile(r"<[^>]+>")


def markdown_blocks(text: str) -> list[str]:
    """Fenced code blocks of rendered Markdown (mermaid excluded: it is a diagram, not code)."""
    blocks, lines, i = [], text.splitlines(), 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m["indent"], m["fence"], m["info"]
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].strip() != fence:
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i].lstrip())
            i += 1
        i += 1
        if "mermaid" not in info:
            blocks.append("\n".join(body))
    return blocks


def html_blocks(page: str) -> list[str]:
    return [html.unescape(_TAG.sub("", b)).rstrip("\n") for b in _HTML_BLOCK.findall(page)]


def _url(relpath: str) -> str:
    path = relpath.removeprefix("docs/").removesuffix(".md")
    return "" if path == "index" else path


def test_every_code_block_is_what_render_pages_shows(repo_build: Build) -> None:
    pages = render_pages(load_project())
    assert {p.relpath for p in pages} >= {"docs/index.md", "docs/rollback.md", "docs/migrations.md"}
    compared = 0
    for page in pages:
        expected = markdown_blocks(page.text)
        built = html_blocks(repo_build.page(_url(page.relpath)))
        assert built == expected, page.relpath
        compared += len(expected)
    assert compared > 20  # the guides carry real commands; an empty comparison proves nothing


def test_blocks_show_their_mode(repo_build: Build) -> None:
    rollback = repo_build.page("rollback")
    never = re.findall(r'<div class="highlight" data-mode="never" data-why="([^"]+)"', rollback)
    assert never and all(why.strip() for why in never)
    assert 'data-mode="remote-read"' in rollback
    css = (repo_build.site / "stylesheets" / "opsdocs.css").read_text()
    for mode in ("never", "rehearse", "remote-read"):
        assert f'div.highlight[data-mode="{mode}"]::before' in css
    assert "attr(data-why)" in css


def test_no_page_requests_anything_external(repo_build: Build) -> None:
    external = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?//""")
    for page in repo_build.site.rglob("*.html"):
        assert not external.search(page.read_text(encoding="utf-8")), page
    assert "fonts.googleapis" not in repo_build.page("")


def test_mermaid_is_vendored_and_loaded_before_material_looks_for_it(repo_build: Build) -> None:
    vendored = repo_build.site / "assets" / "vendor" / "mermaid.min.js"
    original = CHECKOUT_ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
    assert vendored.read_bytes() == original.read_bytes()
    home = repo_build.page("")
    assert '<script src="assets/vendor/mermaid.min.js">' in home
    assert '<pre class="mermaid"><code>flowchart' in home


def test_runbooks_are_pages_in_a_drills_section(repo_build: Build) -> None:
    drills = sorted(p.stem for p in (GUIDES_DIR / "runbooks").glob("*.md") if p.name != "README.md")
    if not drills:
        pytest.skip("no runbooks/*.md yet")
    home = repo_build.page("")
    assert "Drills" in home
    for name in drills:
        assert f'href="runbooks/{name}/"' in home
        page = repo_build.page(f"runbooks/{name}")
        assert "{{" not in _TAG.sub("", page.split('<article', 1)[1])  # macros rendered


def test_status_and_drift_reference_are_generated(repo_build: Build) -> None:
    from opsdocs.drift.registry import RULES

    reference = repo_build.page("reference/drift-rules")
    for rule in RULES:
        assert f'id="{rule.id}"' in reference
    status = repo_build.page("status")
    report = Path(load_project().root) / ".opsdocs" / "report.json"
    assert ("No report yet" in status) == (not report.exists())
