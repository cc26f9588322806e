"""What a drift rule is, and the two shapes of Finding every rule returns."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from opsdocs.claims import Marker, find_markers
from opsdocs.project.model import Location, Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage


class Rule(Protocol):
    id: str  # kebab-case, stable: findings are "drift:<id>[:<detail>]"
    title: str  # one line
    doc: str  # one paragraph (wrapped in the source): what it checks, why it matters, how to fix a finding

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]: ...


def failure(rule_id: str, detail: str, location: Location | str, message: str) -> Finding:
    """One thing that no longer matches, at the place to fix it (a Location, or a bare path: line 1)."""
    where = location if isinstance(location, Location) else Location(location)
    return Finding(f"drift:{rule_id}:{detail}", "drift", "failed", where, message, check=rule_id, subject=detail)


def passed(rule: Rule) -> Finding:
    return Finding(f"drift:{rule.id}", "drift", "passed", None, rule.title, check=rule.id)


def word_pattern(value: str) -> re.Pattern[str]:
    """``value`` as a whole config word: not inside a longer name (``my-api`` in ``my-api-x``)."""
    return re.compile(rf"(?<![\w-]){re.escape(value)}(?![\w-])")


def markers(pages: Sequence[RenderedPage]) -> list[tuple[RenderedPage, Marker]]:
    """Every ``claim()``/``quote()`` call written in the pages' sources, with its page, in page order."""
    return [(page, m) for page in pages for m in find_markers(page.source)]


def find_page(pages: Sequence[RenderedPage], name: str) -> RenderedPage | None:
    """The page ``docs/<name>`` (the guides live in the docs directory, runbooks elsewhere)."""
    for page in pages:
        if page.relpath == f"docs/{name}":
            return page
    return None
