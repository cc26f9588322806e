"""The one sources data file: every primary source a page cites, and every wrangler output text it quotes.

``src/opsdocs/data/sources.yml`` (package data) holds two mappings. ``sources``: id -> ``title``,
``supports`` (what the source backs, in a sentence) and exactly one of ``url`` (a docs page, an issue)
or ``wrangler`` (a path relative to ``packages/wrangler/`` of cloudflare/workers-sdk, as wrangler's bundle
names its modules: ``src/...`` or, for code it bundles from a sibling package, ``../workers-utils/src/...``)
with the ``version`` it was read at. ``quotes``: id -> ``text`` (what the page shows; ``<name>`` marks a part wrangler fills
in) and ``source`` (a source id). Every mistake is one ``ConfigError`` at ``sources.yml:line``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from opsdocs.errors import ConfigError
from opsdocs.project._yaml import line_of, load_yaml

__all__ = ["DATA_FILE", "Quote", "Source", "Sources", "load_sources"]

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "sources.yml"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")
_SOURCE_KEYS = {"title", "url", "wrangler", "version", "supports"}
_QUOTE_KEYS = {"text", "source", "fragments"}
_REPO = "https://github.com/cloudflare/workers-sdk/blob/wrangler@{version}/{path}"


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str  # where a reader follows it (a wrangler path becomes its GitHub URL at that version)
    supports: str
    line: int  # in the data file
    wrangler_path: str | None = None
    version: str | None = None


@dataclass(frozen=True)
class Quote:
    id: str
    text: str
    source: str
    line: int
    explicit: tuple[str, ...] = ()  # the data file's own `fragments`, when the split below is wrong

    @property
    def fragments(self) -> tuple[str, ...]:
        """The fixed pieces wrangler prints verbatim: ``<placeholders>`` and emoji (which the bundle
        writes as ``\\u`` escapes) split the text; each remaining piece must appear in the bundle."""
        if self.explicit:
            return self.explicit
        pieces = re.split(r"<[^<>\n]+>|[^\x00-\x7f]+", self.text)
        return tuple(p.strip() for p in pieces if len(p.strip()) >= 4)


@dataclass(frozen=True)
class Sources:
    path: str
    sources: dict[str, Source]
    quotes: dict[str, Quote]


def load_sources(path: Path = DATA_FILE) -> Sources:
    """The data file, validated; cached per path (it is package data, read once per process)."""
    return _load(str(path))


@lru_cache(maxsize=4)
def _load(path: str) -> Sources:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the sources data file: {exc.strerror}", path=path,
                          hint="reinstall opsdocs; the file is package data") from None
    data = load_yaml(text, path)
    if not isinstance(data, dict) or set(data) - {"sources", "quotes"}:
        raise ConfigError("the sources file must be a mapping with `sources:` and `quotes:`", path=path, line=1,
                          hint="see the comment at the top of the file")
    sources = {sid: _source(path, sid, entry, line_of(data["sources"], sid))
               for sid, entry in _mapping(path, data, "sources").items()}
    quotes = {qid: _quote(path, qid, entry, line_of(data["quotes"], qid), sources)
              for qid, entry in _mapping(path, data, "quotes").items()}
    return Sources(path, sources, quotes)


def _mapping(path: str, data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise ConfigError(f"`{key}` must be a mapping of id -> entry", path=path, line=line_of(data, key),
                          hint="indent each id under it")
    return value


def _fields(path: str, ident: str, entry: Any, line: int, allowed: set[str]) -> dict[str, str]:
    if not _ID.match(ident):
        raise ConfigError(f"id '{ident}' is not kebab-case", path=path, line=line,
                          hint="use lower-case words joined by '-', e.g. d1-time-travel")
    if not isinstance(entry, dict):
        raise ConfigError(f"'{ident}' must be a mapping", path=path, line=line,
                          hint=f"give it: {', '.join(sorted(allowed))}")
    for key, value in entry.items():
        where = line_of(entry, key, line)
        if key not in allowed:
            raise ConfigError(f"'{ident}' has an unknown key '{key}'", path=path, line=where,
                              hint=f"use: {', '.join(sorted(allowed))}")
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(f"'{ident}.{key}' must be non-empty text", path=path, line=where,
                              hint="quote it if YAML reads it as something else")
    return {k: str(v).strip() for k, v in entry.items()}


def _source(path: str, sid: str, entry: Any, line: int) -> Source:
    f = _fields(path, sid, entry, line, _SOURCE_KEYS)
    for key in ("title", "supports"):
        if key not in f:
            raise ConfigError(f"source '{sid}' has no `{key}`", path=path, line=line,
                              hint="say what the source is and which claim it supports")
    if ("url" in f) == ("wrangler" in f):
        raise ConfigError(f"source '{sid}' needs exactly one of `url` and `wrangler`", path=path, line=line,
                          hint="a docs page or issue: url; wrangler's code: wrangler (path) + version")
    if "url" in f:
        if not f["url"].startswith("https://") or "version" in f:
            raise ConfigError(f"source '{sid}': `url` must be an https:// address (and takes no `version`)",
                              path=path, line=line_of(entry, "url", line), hint="paste the page's address")
        return Source(sid, f["title"], f["url"], f["supports"], line)
    if not _VERSION.match(f.get("version", "")):
        raise ConfigError(f"source '{sid}': a `wrangler` path needs the `version` it was read at (X.Y.Z)",
                          path=path, line=line, hint='add version: "4.86.0"')
    wpath = f["wrangler"].lstrip("/")
    # `../deploy-helpers/src/...`: code wrangler bundles from another package of the repository
    in_repo = posixpath.normpath(posixpath.join("packages/wrangler", wpath))
    if not in_repo.startswith("packages/") or in_repo.count("/") < 2:
        raise ConfigError(f"source '{sid}': `wrangler` path '{wpath}' leaves the packages of cloudflare/workers-sdk",
                          path=path, line=line_of(entry, "wrangler", line),
                          hint="src/... for wrangler's own code, ../<package>/src/... for a package it bundles")
    url = _REPO.format(version=f["version"], path=in_repo)
    return Source(sid, f["title"], url, f["supports"], line, wrangler_path=wpath, version=f["version"])


def _quote(path: str, qid: str, entry: Any, line: int, sources: dict[str, Source]) -> Quote:
    explicit = entry.pop("fragments", None) if isinstance(entry, dict) else None
    if explicit is not None and (not isinstance(explicit, list) or not explicit
                                 or not all(isinstance(x, str) and x.strip() for x in explicit)):
        raise ConfigError(f"quote '{qid}': `fragments` must be a list of non-empty texts", path=path,
                          line=line, hint="one fixed piece of the message per item")
    f = _fields(path, qid, entry, line, _QUOTE_KEYS)
    if "text" not in f or "source" not in f:
        raise ConfigError(f"quote '{qid}' needs `text` and `source`", path=path, line=line,
                          hint="text: what wrangler prints; source: the id of the code that prints it")
    if f["source"] not in sources:
        raise ConfigError(f"quote '{qid}' cites unknown source '{f['source']}'", path=path,
                          line=line_of(entry, "source", line), hint="add it under `sources:` or fix the id")
    quote = Quote(qid, f["text"], f["source"], line, tuple(x.strip() for x in explicit or ()))
    if not quote.fragments:
        raise ConfigError(f"quote '{qid}' has no fixed text to check", path=path, line=line,
                          hint="quote at least a few words wrangler prints verbatim")
    return quote
