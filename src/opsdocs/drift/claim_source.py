"""``claim-source``: every claim marker on a page cites at least one source the sources file knows."""

from __future__ import annotations

from collections.abc import Sequence

from opsdocs.claims import load_sources
from opsdocs.drift._base import failure, markers
from opsdocs.project.model import Location, Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage


class ClaimSource:
    id = "claim-source"
    title = "Every claim marker cites a known source, every quote marker a known quote"
    doc = """
        A sentence about how Cloudflare, wrangler or GitHub behaves is followed by `{{ claim("source-id", ...)
        }}`, which renders a short linked reference to each source; a text wrangler prints is written `{{
        quote("quote-id") }}`, never retyped. Sources and quotes live once, in `src/opsdocs/data/sources.yml` (a
        docs page or issue by `url`, or wrangler's code by `wrangler:` path under `packages/wrangler/` of
        cloudflare/workers-sdk at a `version`). This rule fails at the page's line on a `claim()` with no source
        id, on an id the file does not define, and on an argument that is not a quoted id (it could not be
        checked before rendering). Why: on-call trusts these pages; a claim nobody can follow to its source
        cannot be re-checked when wrangler or the platform changes. Fix: add the source to `sources.yml` (title,
        url or wrangler path + version, and what it supports) and cite its id; when no public source backs a
        sentence, soften the sentence instead.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        data = load_sources()
        out = []
        for page, m in markers(pages):
            where = Location(page.relpath, m.line)
            known = data.sources if m.kind == "claim" else data.quotes
            if not m.literal:
                out.append(failure(self.id, f"{where}:dynamic", where,
                                   f"{m.kind}() takes quoted ids only (e.g. {m.kind}(\"d1-time-travel\")); "
                                   "a computed id cannot be checked"))
            elif not m.ids:
                out.append(failure(self.id, f"{where}:empty", where,
                                   f"{m.kind}() names no {'source' if m.kind == 'claim' else 'quote'}; "
                                   f"cite an id from {_rel(data.path)}, or soften the sentence"))
            if m.kind == "quote" and len(m.ids) > 1:
                out.append(failure(self.id, f"{where}:arity", where, "quote() shows one text: give one id"))
            for ident in m.ids:
                if ident not in known:
                    out.append(failure(self.id, f"{where}:{ident}", where,
                                       f"{m.kind}() cites unknown {'source' if m.kind == 'claim' else 'quote'} "
                                       f"'{ident}'; add it to {_rel(data.path)} or fix the id"))
        return out


def _rel(path: str) -> str:
    marker = "src/opsdocs/"
    return path[path.index(marker):] if marker in path else path
