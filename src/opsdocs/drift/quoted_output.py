"""``quoted-output``: every wrangler output text a page quotes is still in the pinned wrangler."""

from __future__ import annotations

from collections.abc import Sequence

from opsdocs.claims import Source, WranglerBundle, load_sources
from opsdocs.drift._base import failure, markers
from opsdocs.errors import EnvironmentProblem
from opsdocs.project.model import Location, Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage
from opsdocs import toolchain


class QuotedOutput:
    id = "quoted-output"
    title = "Every wrangler message a page quotes is still printed by the pinned wrangler"
    doc = """
        Pages quote what wrangler prints so on-call can match a log line to a procedure: "No migrations to
        apply!", "Migration <name> failed with the following errors:", "--dry-run: exiting now.", the
        missing-token message... Each is written once in `src/opsdocs/data/sources.yml` (`quotes:`, with the
        wrangler source that prints it) and shown with `{{ quote("id") }}`. On every verify this rule searches
        the pinned wrangler's bundled JavaScript (`node_modules/wrangler/wrangler-dist/*.js`, the wrangler the
        steps run) for each fixed fragment of every quote a page uses (`<name>` placeholders and emoji, which
        the bundle escapes, split the text), and fails at the page's `file:line` when a fragment is gone: a
        wrangler upgrade changed the message and the page would send the reader looking for a line that never
        appears. Quotes whose source is not wrangler's code (an API error text) or is a newer wrangler than the
        pin are not searched for. Fix: run the command with the new wrangler, update the quote's `text` (and the
        source's `version`), and re-read the sentences around it.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        data = load_sources()
        uses = [(page, m.line, ident) for page, m in markers(pages)
                if m.kind == "quote" for ident in m.ids if ident in data.quotes]
        if not uses:
            return []
        try:
            bundle = WranglerBundle(toolchain.find_wrangler(project.root).node_modules)
        except EnvironmentProblem as err:
            page, line, _ = uses[0]
            return [failure(self.id, "wrangler", Location(page.relpath, line),
                            f"cannot check quoted wrangler output: {err}")]
        out = []
        for page, line, ident in uses:
            if not _printed_by(data.sources[data.quotes[ident].source], bundle.version):
                continue  # an API's text (error 7403), or a newer wrangler's: not in this bundle to look for
            gone = bundle.missing(data.quotes[ident])
            if gone:
                where = Location(page.relpath, line)
                out.append(failure(self.id, f"{where}:{ident}", where,
                                   f"quote '{ident}' is no longer printed by wrangler {bundle.version}: "
                                   f"{gone[0]!r} is not in its bundle; run the command with this wrangler "
                                   "and update the quote in sources.yml"))
        return out


def _version(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in text.split("."))
    except ValueError:
        return (0,)


def _printed_by(source: Source, pinned: str) -> bool:
    """A quote is checked when wrangler's own code prints it, read at the pinned version or an older one."""
    return source.version is not None and _version(source.version) <= _version(pinned)
