"""The built site in a real Chromium: offline, searchable, diagrams drawn, commands copyable, modes visible.

The site is built once by ``opsdocs build`` from a copy of this repo's config plus a real report, served
on loopback, and every expected value is read from the Project or the rendered pages, never typed here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser_helpers import COPY_BUTTON, SCREENSHOTS, PageLog, Site, in_closed_shadow, is_reddish
from playwright.sync_api import Error, Page, expect

from opsdocs.steps.parse import parse_page

pytestmark = pytest.mark.browser

# Page relpath -> its URL under the site (use_directory_urls).
RUNBOOK, ROLLBACK = "docs/runbook.md", "docs/rollback.md"
WORKFLOW, STATUS = "docs/workflow.md", "docs/status.md"


def url_of(relpath: str) -> str:
    stem = relpath.removeprefix("docs/").removesuffix(".md")
    return "" if stem == "index" else f"{stem}/"


def title_of(site: Site, relpath: str) -> str:
    """The page's H1 as written (after the macros)."""
    first = next(line for line in site.pages[relpath].text.splitlines() if line.startswith("# "))
    return first[2:].strip()


def test_home_page_loads_offline_without_console_errors(page: Page, site: Site, page_log: PageLog) -> None:
    page.goto(site.url(), wait_until="networkidle")
    expect(page.locator("h1")).to_contain_text(title_of(site, "docs/index.md"))
    expect(page.locator("pre.mermaid")).to_have_count(0)  # the diagram was drawn, with vendored mermaid
    assert page_log.requests, "the request recorder saw nothing: it is not wired up"
    assert any(u.endswith("/assets/vendor/mermaid.min.js") for u in page_log.requests), page_log.requests
    assert not page_log.external, f"requests left loopback: {page_log.external}"
    assert not page_log.errors, "\n".join(page_log.errors)


@pytest.mark.parametrize("query", ["rollback", "Time Travel"])
def test_search_finds_the_rollback_guide(page: Page, site: Site, query: str) -> None:
    target = url_of(ROLLBACK)
    page.goto(site.url())
    page.locator(".md-search__input").press_sequentially(query, delay=20)  # a person types: keyup events
    hit = page.locator(f'.md-search-result__link[href*="{target}"]').first
    expect(hit).to_be_visible()
    assert urlsplit(hit.evaluate("a => a.href")).path == urlsplit(site.url(target)).path
    hit.click()
    page.wait_for_url(lambda url: urlsplit(url).path == urlsplit(site.url(target)).path)
    expect(page.locator("h1")).to_contain_text(title_of(site, ROLLBACK))


_NODE_TEXTS = "function() { return [...this.querySelectorAll('g.node')].map(n => n.textContent); }"
_SVG_SIZE = ("function() { const r = this.querySelector('svg').getBoundingClientRect(); "
             "return [r.width, r.height]; }")


@pytest.mark.parametrize("relpath", [WORKFLOW, "docs/index.md"])
def test_pipeline_diagram_renders_every_job(page: Page, site: Site, relpath: str) -> None:
    page.goto(site.url(url_of(relpath)))
    expect(page.locator("pre.mermaid")).to_have_count(0)  # Material swaps each source block for its drawing
    drawn = in_closed_shadow(page, "div.mermaid", _NODE_TEXTS)
    assert drawn, "no rendered Mermaid diagram (no shadow root under div.mermaid)"
    jobs = site.project.jobs
    assert jobs, "the project has no jobs: nothing to look for"
    # The pipeline diagram is the one with a node per job; each node shows the job's name and id.
    pipeline = next((texts for texts in drawn if len(texts) == len(jobs)), None)
    assert pipeline is not None, f"no diagram with {len(jobs)} nodes: {drawn}"
    for job in jobs:
        assert any(job.id in text and (job.name or job.id) in text for text in pipeline), (job.id, pipeline)
    width, height = in_closed_shadow(page, "div.mermaid", _SVG_SIZE)[drawn.index(pipeline)]
    assert width > 200 and height > 100, f"diagram drawn at {width}x{height}"
    if relpath == WORKFLOW:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("div.mermaid").nth(drawn.index(pipeline)).screenshot(path=SCREENSHOTS / "pipeline.png")


_OVERLAPS = """function() {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  // The label's HTML content, not its foreignObject: wrapped text overflows the box Mermaid planned.
  const labels = [...this.querySelectorAll('.cluster-label')]
    .map(l => ({text: l.textContent, box: box(l.querySelector('foreignObject > *') || l)}));
  const nodes = [...this.querySelectorAll('g.node')].map(n => ({text: n.textContent, box: box(n)}));
  const area = (a, b) => Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]))
                       * Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  return labels.flatMap(l => nodes.filter(n => area(l.box, n.box) > 4).map(n => [l.text, n.text]));
}"""


def test_pipeline_titles_do_not_cover_jobs(page: Page, site: Site) -> None:
    page.goto(site.url(url_of(WORKFLOW)))
    expect(page.locator("pre.mermaid")).to_have_count(0)
    overlaps = in_closed_shadow(page, "div.mermaid", _OVERLAPS)
    assert overlaps and not any(overlaps), f"workflow titles drawn over jobs: {overlaps}"


@pytest.mark.parametrize("relpath", [RUNBOOK, ROLLBACK])
def test_every_block_copies_the_live_command(page: Page, site: Site, relpath: str) -> None:
    page.goto(site.url(url_of(relpath)))
    blocks = page.locator("div.highlight:has(pre > code)")
    expect(page.locator(COPY_BUTTON).first).to_be_attached()  # Material adds them after load
    n_blocks = blocks.count()
    assert n_blocks > 0
    expect(page.locator(f"div.highlight :is({COPY_BUTTON})")).to_have_count(n_blocks)
    for i in range(n_blocks):
        expect(blocks.nth(i).locator(COPY_BUTTON)).to_have_count(1)

    # Every runbook step is on the page with its mode, in order; copy a rehearsed one naming a live database.
    steps = parse_page(site.pages[relpath]).steps
    shown = page.locator("div.highlight[data-mode]")
    assert shown.evaluate_all("els => els.map(e => e.dataset.mode)") == [s.mode for s in steps]
    names = {db.name for db in site.project.databases}
    index, step = next((i, s) for i, s in enumerate(steps)
                       if s.mode == "rehearse" and any(name in s.command for name in names))
    if relpath == RUNBOOK:  # before the click: no "Copied to clipboard" toast in the picture
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "runbook.png")
    block = shown.nth(index)
    expect(block.locator(".filename")).to_have_text(step.title or "")
    button = block.locator(COPY_BUTTON)
    button.click()
    try:
        copied = str(page.evaluate("navigator.clipboard.readText()"))
    except Error:  # no clipboard in this headless build: read what the button copies instead
        copied = str(button.evaluate(
            "b => document.querySelector(b.dataset.clipboardTarget)?.innerText ?? b.dataset.clipboardText"))
    assert copied.rstrip("\n") == step.command


def test_status_page_shows_the_last_report(page: Page, site: Site) -> None:
    page.goto(site.url(url_of(STATUS)))
    summary = site.report["summary"]
    headline = page.locator(".admonition").first
    expect(headline).to_contain_text(
        f"{summary['passed']} passed, {summary['failed']} failed, {summary['skipped']} skipped")
    rows = page.locator("article table tbody tr")
    expect(rows).to_have_count(len(site.report["checks"]))
    (failed,) = [c for c in site.report["checks"] if c["status"] == "failed"]
    row = rows.filter(has_text=failed["id"])
    expect(row).to_have_count(1)
    expect(row).to_contain_text("failed")
    expect(row).to_contain_text(failed["location"])
    expect(row).to_contain_text(failed["message"])


def test_dark_mode_toggles(page: Page, site: Site) -> None:
    page.goto(site.url())
    body = page.locator("body")
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    toggle = page.locator('[data-md-component="palette"] label:visible')
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    toggle.click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")


_NEVER_STYLE = """els => els.map(e => {
  const box = getComputedStyle(e), label = getComputedStyle(e, '::before');
  return {border: box.borderTopColor, width: parseFloat(box.borderTopWidth), why: e.dataset.why,
          content: label.content, display: label.display, visibility: label.visibility,
          labelSpace: e.querySelector('pre').getBoundingClientRect().top - e.getBoundingClientRect().top};
})"""


@pytest.mark.parametrize("relpath", [RUNBOOK, ROLLBACK])
def test_never_blocks_look_dangerous(page: Page, site: Site, relpath: str) -> None:
    page.goto(site.url(url_of(relpath)))
    expected = [s.why for s in parse_page(site.pages[relpath]).steps if s.mode == "never"]
    assert expected, f"{relpath} has no never block to look at"
    styles = page.locator('div.highlight[data-mode="never"]').evaluate_all(_NEVER_STYLE)
    assert [s["why"] for s in styles] == expected
    for style in styles:
        assert is_reddish(style["border"]) and style["width"] >= 1, style
        # The reason is the label's text, shown in the flow above the command (it takes room).
        assert style["why"] in style["content"] and style["display"] != "none", style
        assert style["visibility"] == "visible" and style["labelSpace"] >= 10, style
