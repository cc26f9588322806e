"""Procedures: the pages and sections that hold runbook steps, and how an operator names one.

A procedure is a whole page with steps, or one of its ``##`` sections with steps. It is named
``PAGE[#SECTION]``, where PAGE is the page's path, its file name or its stem (``data-restore-drill``) and
SECTION the heading's anchor as MkDocs writes it (``worker-rollback``). Pages are found through the site
API (``render_pages``), so the same names work wherever the guides live.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from markdown.extensions.toc import slugify  # type: ignore[import-untyped,unused-ignore]  # stubs are optional

from opsdocs.errors import PageError
from opsdocs.project.pages import RenderedPage
from opsdocs.steps import Step, parse_page

__all__ = ["Procedure", "find_procedure", "list_procedures", "match_procedures"]

_HEADING = re.compile(r"^(#{1,3})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


@dataclass(frozen=True)
class Procedure:
    page: str  # RenderedPage.relpath
    section: str | None  # heading anchor, None for the whole page
    title: str  # "Rollback procedures" or "Rollback procedures › Worker rollback"
    steps: tuple[Step, ...]

    @property
    def name(self) -> str:
        return f"{self.page}#{self.section}" if self.section else self.page

    @property
    def stem(self) -> str:
        return PurePosixPath(self.page).stem

    @property
    def url_path(self) -> str:
        """The page's path in the built site (use_directory_urls), with the section's anchor."""
        parts = PurePosixPath(self.page).with_suffix("").parts
        if parts and parts[0] == "docs":
            parts = parts[1:]
        if parts and parts[-1] == "index":
            parts = parts[:-1]
        path = "/".join(parts) + ("/" if parts else "")
        return path + (f"#{self.section}" if self.section else "")


@dataclass(frozen=True)
class _Heading:
    line: int
    level: int
    title: str
    anchor: str


def list_procedures(pages: Sequence[RenderedPage]) -> list[Procedure]:
    """Every page with steps, then each of its sections with steps (when it has more than one)."""
    out: list[Procedure] = []
    for page in pages:
        steps = parse_page(page).steps
        if not steps:
            continue
        headings = _headings(page)
        page_title = next((h.title for h in headings if h.level == 1), PurePosixPath(page.relpath).stem)
        out.append(Procedure(page.relpath, None, page_title, steps))
        sections = [h for h in headings if h.level == 2]
        groups: dict[str, tuple[_Heading, list[Step]]] = {}
        for step in steps:
            owner = next((h for h in reversed(sections) if h.line < step.line), None)
            if owner is not None:
                groups.setdefault(owner.anchor, (owner, []))[1].append(step)
        if len(groups) > 1:
            for heading, section_steps in groups.values():
                out.append(Procedure(page.relpath, heading.anchor, f"{page_title} › {heading.title}",
                                     tuple(section_steps)))
    return out


def find_procedure(procedures: Sequence[Procedure], name: str) -> Procedure:
    """The procedure ``PAGE[#SECTION]`` names; PageError listing the close ones otherwise."""
    page, _, anchor = name.partition("#")
    section = anchor or None
    candidates = [p for p in procedures if page in (p.page, PurePosixPath(p.page).name, p.stem)]
    found = [p for p in candidates if p.section == section]
    if len(found) == 1:
        return found[0]
    if found:  # the same stem in two folders
        raise PageError(f"{name!r} names more than one page: {', '.join(p.page for p in found)}",
                        hint="give the page's path")
    close = [p.name for p in match_procedures(procedures, name)[:3]]
    if candidates and section:
        known = ", ".join(p.section for p in candidates if p.section) or "none"
        raise PageError(f"no section #{section} with steps on {candidates[0].page}", hint=f"sections: {known}")
    raise PageError(f"no procedure {name!r}",
                    hint=f"did you mean {' or '.join(close)}?" if close else "run `opsdocs run` to list them")


def match_procedures(procedures: Sequence[Procedure], query: str) -> list[Procedure]:
    """Procedures matching a fuzzy query, best first: every word must be close to a word of the name."""
    words = [w for w in re.split(r"[\s#/_.-]+", query.lower()) if w]
    if not words:
        return list(procedures)
    scored = []
    for index, proc in enumerate(procedures):
        hay = re.split(r"[\s#/_.›-]+", f"{proc.name} {proc.title}".lower())
        score = 0.0
        for word in words:
            best = max((_word_score(word, h) for h in hay if h), default=0.0)
            if best < 0.75:
                break
            score += best
        else:
            scored.append((-score, index, proc))
    return [p for *_, p in sorted(scored, key=lambda t: (t[0], t[1]))]


def _word_score(word: str, hay: str) -> float:
    if hay.startswith(word):
        return 1.0 + (0.1 if hay == word else 0.0)
    return difflib.SequenceMatcher(None, word, hay).ratio()


def _headings(page: RenderedPage) -> list[_Heading]:
    """ATX headings outside fences, at their source lines; a heading with a macro takes its rendered text."""
    source = _scan(page.source)
    rendered = _scan(page.text)
    use_rendered = len(rendered) == len(source)
    out = []
    for i, (line, level, title) in enumerate(source):
        if use_rendered and "{{" in title:
            title = rendered[i][2]
        out.append(_Heading(line, level, title, slugify(title, "-")))
    return out


def _scan(text: str) -> list[tuple[int, int, str]]:
    out = []
    fence: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        m = _FENCE.match(line)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker
            elif marker.startswith(fence[0]) and len(marker) >= len(fence):
                fence = None
            continue
        if fence is None:
            h = _HEADING.match(line)
            if h:
                out.append((number, len(h.group(1)), h.group(2).strip()))
    return out
