"""The two page macros: ``claim(*source_ids)`` (a linked reference after a sentence) and ``quote(id)``.

Neither fails the build on an unknown id: it renders a visible warning instead, and the drift rules
``claim-source`` / ``quoted-output`` fail at the page's line (one place reports it, with file:line).
"""

from __future__ import annotations

import html
from collections.abc import Callable

from opsdocs.claims._sources import Sources

__all__ = ["claim_macro", "quote_macro"]


def claim_macro(sources: Sources) -> Callable[..., str]:
    def claim(*ids: object) -> str:
        """``<sup>`` links to each source: ``[1]`` style would need page state, a short title does not."""
        if not ids:
            return '<sup class="opsdocs-source opsdocs-source-missing">[source missing]</sup>'
        links = []
        for raw in ids:
            src = sources.sources.get(str(raw))
            if src is None:
                links.append(f'<span class="opsdocs-source-missing">unknown source {html.escape(str(raw))}</span>')
                continue
            links.append(f'<a href="{html.escape(src.url, quote=True)}" title="{html.escape(src.supports, quote=True)}">'
                         f'{html.escape(src.title)}</a>')
        return f'<sup class="opsdocs-source">[{"; ".join(links)}]</sup>'

    return claim


def quote_macro(sources: Sources) -> Callable[[object], str]:
    def quote(ident: object) -> str:
        """The exact text, as the data file has it: pages never retype what wrangler prints."""
        q = sources.quotes.get(str(ident))
        return q.text if q is not None else f"[unknown quote {ident}]"

    return quote
