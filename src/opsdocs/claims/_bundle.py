"""Does the pinned wrangler still print a quoted text? Search its bundled JavaScript.

wrangler ships as one esbuild bundle (``wrangler-dist/cli.js``, ~12 MB) whose string literals hold
every message it prints. A quote's fixed fragments (see :attr:`Quote.fragments`) must each appear
there, as written or with the quote characters JavaScript escapes inside a literal.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from opsdocs.claims._sources import Quote
from opsdocs.errors import EnvironmentProblem

__all__ = ["WranglerBundle"]


class WranglerBundle:
    def __init__(self, node_modules: Path) -> None:
        self.package = node_modules / "wrangler"
        self._text = _read(str(self.package))

    @property
    def version(self) -> str:
        import json

        try:
            return str(json.loads((self.package / "package.json").read_text(encoding="utf-8"))["version"])
        except (OSError, ValueError, KeyError):
            return "unknown"

    def missing(self, quote: Quote) -> list[str]:
        """The fragments of ``quote`` the bundle does not contain (empty: wrangler still prints it)."""
        return [f for f in quote.fragments if not any(v in self._text for v in _variants(f))]


def _variants(fragment: str) -> tuple[str, ...]:
    escaped = fragment.replace("\\", "\\\\")
    for ch in ("'", '"', "`"):
        escaped = escaped.replace(ch, "\\" + ch)
    return (fragment, escaped, fragment.replace("`", "\\`"))


@lru_cache(maxsize=2)
def _read(package: str) -> str:
    dist = Path(package) / "wrangler-dist"
    files = sorted(dist.glob("*.js")) if dist.is_dir() else []
    if not files:
        raise EnvironmentProblem("the pinned wrangler has no bundled JavaScript (wrangler-dist/*.js)",
                                 path=dist, hint="run npm ci")
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in files)
