"""Each page's source is read once, when MkDocs asks for it (``on_page_read_source``): the macros then know
the body's first line (after a front matter) and where the page's errors point without reading the file
or resolving its path again."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

from opsdocs.errors import OpsdocsError

_FIRST_LINE = "_opsdocs_first_line"
_RELPATH = "_opsdocs_relpath"


def read_page_source(page: Any, relpath: str) -> str | None:
    """The page's text (bounded, UTF-8, as every input is read), remembering where its body starts;
    None for a page with no file (MkDocs then takes its in-memory content)."""
    from opsdocs.project._read import read_input
    from opsdocs.site.render import split_front_matter

    path = Path(page.file.abs_src_path or "")
    if not page.file.abs_src_path or not path.is_file():
        return None
    try:
        source = read_input(path, relpath, limit=4 << 20, what="page")
    except OpsdocsError as err:
        raise PluginError(str(err)) from None
    setattr(page, _FIRST_LINE, split_front_matter(source)[1])
    setattr(page, _RELPATH, relpath)
    return source


def body_first_line(page: Any) -> int:
    """The source line the Markdown MkDocs hands over starts on (1 when the page was not read by us)."""
    return int(getattr(page, _FIRST_LINE, 1))


def read_relpath(page: Any) -> str | None:
    """The ``relpath`` the page was read with (None when it was not read by us)."""
    return getattr(page, _RELPATH, None)


def settle_title(page: Any, rendered: str, render_text: Callable[[str], str]) -> None:
    """Give ``page`` its rendered title when its title has macros (``# Runbook for {{ worker.name }}``).

    Once a page is rendered, mkdocs-macros is told to leave it (rendering twice would re-expand any
    ``{{`` in the output), and then it still "renders" a title with ``{{`` through that same switch:
    it gets the raw text back and sets it on the page for good, so the tab, the header and the nav
    would show the Jinja. A title from the nav or the front matter is rendered as text (the front
    matter's too, which Material's ``<title>`` reads); one from the first H1 is read from the rendered
    Markdown."""
    from mkdocs.utils import get_markdown_title

    title = page.title
    if not isinstance(title, str) or not ("{{" in title or "{%" in title):
        return
    meta_title = page.meta.get("title")
    from_h1 = "title" not in vars(page) and not isinstance(meta_title, str)
    page.title = (get_markdown_title(rendered) if from_h1 else None) or render_text(title).strip()
    if isinstance(meta_title, str) and meta_title == title:  # Material's <title> reads the front matter's
        page.meta["title"] = page.title
