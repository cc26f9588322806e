"""One pass over a built site: each page read once, each distinct internal (target, anchor) checked once.

Ids are indexed lazily, the first time a link asks for an anchor in a page (from the page in hand for
its own ``#anchors``), so pages no anchor points into are never indexed. Verdicts are cached per
(directory the ``../`` lead to, raw value): the million nav links of a 1,000-page Material site cost a
dict look-up each. Pages are not kept: 300 MB of HTML would be; a rare re-read is cheaper.
"""

from __future__ import annotations

import os
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from opsdocs.links._index import decode_value, has_name_anchor, needs_any_case, page_ids, page_links
from opsdocs.links._resolve import Kind, Parsed, SiteFiles, Target, ancestors, parse_value, site_url

Key = tuple[str, "str | None"]  # (target file, anchor)


@dataclass
class Broken:
    wanted: str  # the file the link asked for
    anchor: str | None
    reason: str  # "missing file" or "missing anchor"
    occurrences: list[tuple[str, bytes]] = field(default_factory=list)  # (page, raw value), one per page


@dataclass
class SiteScan:
    pages: list[str]  # HTML files, posix paths relative to the site root
    distinct: int  # distinct internal (target, anchor) pairs checked
    broken: dict[Key, Broken]
    external: dict[str, list[tuple[str, bytes]]]  # URL -> (page, raw value), one per page


def scan_site(site_dir: Path, *, collect_external: bool, only: Collection[str] | None = None) -> SiteScan:
    """Check the links of every page (or of the pages in ``only``, for benchmarks) against the whole site."""
    files = SiteFiles(site_dir)
    pages = sorted(f for f in files.files if f.endswith(".html"))
    html = _Pages(site_dir, set(pages))
    origin, prefix = site_url(html.read("index.html")) if "index.html" in files.files else ("", "/")
    checker = _Checker(html)
    parsed_by_raw: dict[bytes, Parsed] = {}
    verdicts: dict[tuple[str, bytes], tuple[Key, str | None]] = {}
    broken: dict[Key, Broken] = {}
    external: dict[str, list[tuple[str, bytes]]] = {}
    same_page: set[Key] = set()
    for page in pages if only is None else [p for p in pages if p in only]:
        dirs = ancestors(page)
        data = html.open(page)
        for raw in page_links(data, any_case=html.any_case(page, data)):
            parsed = parsed_by_raw.get(raw)
            if parsed is None:
                parsed = parsed_by_raw[raw] = parse_value(decode_value(raw), prefix, origin)
            kind = parsed.kind
            if kind is Kind.SKIP:
                continue
            if kind is Kind.EXTERNAL:
                if collect_external:
                    _add(external.setdefault(parsed.url, []), page, raw)
                continue
            if kind is Kind.ANCHOR:
                key: Key = (page, parsed.anchor)
                same_page.add(key)
                reason = checker.verdict(Target(page, parsed.anchor, page))
            else:
                base = "" if parsed.ups < 0 else dirs[parsed.ups] if parsed.ups < len(dirs) else "\0outside"
                cached = verdicts.get((base, raw))
                if cached is None:
                    target = files.resolve(base, parsed)
                    cached = verdicts[(base, raw)] = ((target.wanted, target.anchor), checker.verdict(target))
                key, reason = cached
            if reason is not None:
                entry = broken.get(key)
                if entry is None:
                    entry = broken[key] = Broken(key[0], key[1], reason)
                _add(entry.occurrences, page, raw)
    distinct = same_page | {key for key, _ in verdicts.values()}
    return SiteScan(pages, len(distinct), broken, external)


class _Pages:
    """The site's HTML pages: ids indexed on first need (a page nobody links into with an anchor is not
    indexed), the page being scanned kept in hand so its own anchors cost no second read."""

    def __init__(self, site_dir: Path, pages: set[str]) -> None:
        self.site_dir, self.pages = site_dir, pages
        self._ids: dict[str, frozenset[str]] = {}
        self._any_case: dict[str, bool] = {}
        self._current: tuple[str, bytes] = ("", b"")

    def read(self, page: str) -> bytes:
        if page == self._current[0]:
            return self._current[1]
        with open(os.path.join(self.site_dir, page), "rb") as f:
            return f.read()

    def open(self, page: str) -> bytes:
        """Read the page about to be scanned and keep it until the next one."""
        self._current = ("", b"")
        data = self.read(page)
        self._current = (page, data)
        return data

    def any_case(self, page: str, data: bytes) -> bool:
        if page not in self._any_case:
            self._any_case[page] = needs_any_case(data)
        return self._any_case[page]

    def ids(self, page: str) -> frozenset[str]:
        found = self._ids.get(page)
        if found is None:
            data = self.read(page)
            found = self._ids[page] = page_ids(data, any_case=self.any_case(page, data))
        return found


class _Checker:
    """Verdict per distinct (target, anchor): None when fine, else why not."""

    def __init__(self, pages: _Pages) -> None:
        self._pages = pages
        self.seen: dict[Key, str | None] = {}

    def verdict(self, target: Target) -> str | None:
        if target.path is None:
            return "missing file"
        if target.anchor is None or target.path not in self._pages.pages:
            return None  # no anchor, or not an HTML page (an image, a stylesheet): nothing more to check
        key = (target.path, target.anchor)
        if key in self.seen:
            return self.seen[key]
        found = _anchor_exists(self._pages.ids(target.path), target.anchor) or has_name_anchor(
            self._pages.read(target.path), target.anchor
        )
        self.seen[key] = verdict = None if found else "missing anchor"
        return verdict


def _anchor_exists(ids: frozenset[str], anchor: str) -> bool:
    # The HTML spec: the fragment as written, then percent-decoded; "top" (or empty) is the page top;
    # ":~:" starts a text fragment, which no id can satisfy or break.
    return anchor in ids or unquote(anchor) in ids or anchor.lower() == "top" or anchor.startswith(":~:")


def _add(occurrences: list[tuple[str, bytes]], page: str, raw: bytes) -> None:
    if not occurrences or occurrences[-1][0] != page:  # pages are scanned one at a time: one entry each
        occurrences.append((page, raw))
