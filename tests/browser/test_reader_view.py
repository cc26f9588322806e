"""Every page as a reader sees it at 1280 px: nothing wider than the content column, no escape characters.

Code blocks may scroll sideways (a command must stay exactly what the copy button copies); everything
else, tables included, must fit the column. Text outside code must show no markup or escapes a reader
should never see: a backslash before a quote, an HTML entity, a Jinja delimiter.
"""

from __future__ import annotations

import re

import pytest
from browser_helpers import Site
from playwright.sync_api import Page

pytestmark = pytest.mark.browser

_OVERFLOW = """() => {
  const column = document.querySelector('.md-content__inner');
  const right = column.getBoundingClientRect().right + 1;
  const scrolls = el => { for (let a = el; a && a !== column; a = a.parentElement) {
      if (a.matches('pre, code, .highlight, .mermaid, .md-typeset__scrollwrap')) return true; }
    return false; };
  const out = [];
  for (const el of column.querySelectorAll('*')) {
    if (scrolls(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > right) out.push(`${el.tagName.toLowerCase()}.${el.className}: ` +
      `right edge ${Math.round(r.right)} > column ${Math.round(right)}: ` + el.textContent.trim().slice(0, 60));
  }
  // a table sits in a wrapper that scrolls sideways (Material): wider than the wrapper = columns cut off
  for (const wrap of column.querySelectorAll('.md-typeset__scrollwrap')) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) out.push(`table wider than the column ` +
      `(${wrap.scrollWidth} > ${wrap.clientWidth}): ` + wrap.textContent.trim().slice(0, 60));
  }
  return out;
}"""

_TEXT = """() => {
  const column = document.querySelector('.md-content__inner').cloneNode(true);
  column.querySelectorAll('pre, code, script, style, .mermaid').forEach(n => n.remove());
  return column.innerText;
}"""

# What a reader must never see outside code: \\" or \\' or \\n, an entity left as text, Jinja left over.
_ESCAPES = re.compile(r"""\\["'ntu]|&(?:amp|quot|lt|gt|apos|#\d+|#x[0-9a-f]+);|\{\{|\}\}|\{%|%\}""", re.I)


_LOAD_MS = 60_000  # a bound, not an expectation: a loaded machine can take long to fire "load"


def _urls(site: Site) -> list[str]:
    built = site.root / "site"
    return sorted(p.parent.relative_to(built).as_posix() + "/" for p in built.rglob("index.html")
                  if not p.parent.name.startswith(("assets", "search")))


def test_every_page_fits_its_content_column(page: Page, site: Site) -> None:
    urls = _urls(site)
    assert len(urls) >= len(site.pages), urls  # every page of the site is looked at
    problems = {}
    for url in urls:
        page.goto(site.url("" if url == "./" else url), timeout=_LOAD_MS)
        found = page.evaluate(_OVERFLOW)
        if found:
            problems[url] = found[:3]
    assert not problems, "\n".join(f"{url}: {' '.join(found.split())}" for url, all_ in problems.items() for found in all_)


def test_no_page_shows_escape_characters(page: Page, site: Site) -> None:
    problems = {}
    for url in _urls(site):
        page.goto(site.url("" if url == "./" else url), timeout=_LOAD_MS)
        text = page.evaluate(_TEXT)
        hits = sorted({text[max(0, m.start() - 30):m.end() + 30].replace("\n", " ") for m in _ESCAPES.finditer(text)})
        if hits:
            problems[url] = hits[:3]
    assert not problems, "\n".join(f"{url}: {' '.join(found.split())}" for url, all_ in problems.items() for found in all_)
