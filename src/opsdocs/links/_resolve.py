"""Resolve a link value the way a browser would, against the files of a built site.

A value is parsed once per distinct spelling (there are only a few thousand on a large site) and the
resolution is cached per (ancestor directory, value): ``../page-0171/`` means the same file from every
page of ``section-03/``, so a million nav occurrences cost a million dict look-ups, not path arithmetic.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from urllib.parse import unquote, urlsplit

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_SEARCH_INDEX = "search/search_index.json"


class Kind(Enum):
    SKIP = "skip"  # mailto:, tel:, javascript:, data:, other schemes, "#", the search index
    EXTERNAL = "external"  # http(s) outside the site
    ANCHOR = "anchor"  # "#id" on the same page
    PATH = "path"  # a file of the site, maybe with an anchor


@dataclass(frozen=True)
class Parsed:
    kind: Kind
    ups: int = 0  # leading "../" after normalisation; -1 for a root-relative path
    rest: str = ""  # the path below that ancestor, unquoted, without a trailing slash
    is_dir: bool = False  # written as a directory ("x/", "..", ""): the browser asks for x/index.html
    anchor: str | None = None
    url: str = ""  # EXTERNAL: the URL without its fragment


@dataclass(frozen=True)
class Target:
    """Where a link lands: a site file (or None when it does not exist) and the anchor asked for."""

    path: str | None  # posix path relative to the site root
    anchor: str | None
    wanted: str  # what the link asked for, for messages ("section-03/page-0171/index.html")


def parse_value(value: str, site_prefix: str = "/", site_origin: str = "") -> Parsed:
    """Classify one decoded ``href``/``src`` value; ``site_*`` map links to the site's own URL inside."""
    if value in ("", "#"):
        return Parsed(Kind.SKIP)
    if value.startswith("//"):
        value = "https:" + value
    if (scheme := _SCHEME.match(value)) is not None:
        if scheme.group(1).lower() not in ("http", "https"):
            return Parsed(Kind.SKIP)
        url = value.split("#", 1)[0]
        if not (site_origin and value.startswith(site_origin + site_prefix)):
            return Parsed(Kind.EXTERNAL, url=url)
        value = value[len(site_origin) :]  # our own site: check it offline, in the build
    path, _, anchor = value.partition("#")
    path = path.split("?", 1)[0]
    fragment = anchor if "#" in value else None
    if not path:
        return Parsed(Kind.ANCHOR, anchor=fragment) if fragment else Parsed(Kind.SKIP)
    path = unquote(path)
    ups = 0
    if path.startswith("/"):
        if not (path + "/").startswith(site_prefix):
            return Parsed(Kind.PATH, ups=-1, rest="\0outside", anchor=fragment)
        path, ups = path[len(site_prefix) :], -1
    is_dir = path.endswith("/") or path.rsplit("/", 1)[-1] in ("", ".", "..")
    norm = posixpath.normpath(path) if path else "."
    parts = [] if norm == "." else norm.split("/")
    if ups == 0:
        while parts and parts[0] == "..":
            parts.pop(0)
            ups += 1
    else:
        parts = [p for p in parts if p != ".."]  # a browser clamps "/.." at the root
    rest = "/".join(parts)
    if rest == _SEARCH_INDEX:
        return Parsed(Kind.SKIP)
    return Parsed(Kind.PATH, ups=ups, rest=rest, is_dir=is_dir, anchor=fragment)


class SiteFiles:
    """Every file and directory of a built site, read once; resolves parsed values against them."""

    def __init__(self, site_dir: Path) -> None:
        self.files: set[str] = set()
        self.dirs: set[str] = {""}
        for root, dirnames, filenames in os.walk(site_dir):
            rel = Path(root).relative_to(site_dir).as_posix()
            base = "" if rel == "." else rel + "/"
            self.dirs.update(base + d for d in dirnames)
            self.files.update(base + f for f in filenames)

    def resolve(self, base_dir: str, parsed: Parsed) -> Target:
        """``parsed`` as seen from a page in ``base_dir`` (already the ancestor the ``../`` lead to)."""
        if parsed.rest == "\0outside" or base_dir == "\0outside":
            return Target(None, parsed.anchor, "a path outside the site")
        joined = f"{base_dir}/{parsed.rest}" if base_dir and parsed.rest else base_dir or parsed.rest
        if parsed.is_dir or (joined in self.dirs and joined not in self.files):
            wanted = f"{joined}/index.html" if joined else "index.html"
        else:
            wanted = joined
        return Target(wanted if wanted in self.files else None, parsed.anchor, wanted)


def ancestors(page: str) -> list[str]:
    """``a/b/index.html`` -> ["a/b", "a", ""]: the directory each count of ``../`` leads to."""
    parts = page.split("/")[:-1]
    return ["/".join(parts[: len(parts) - k]) for k in range(len(parts) + 1)]


def site_url(index_html: bytes) -> tuple[str, str]:
    """(origin, path prefix) from the home page's canonical link; ("", "/") when the site has no site_url."""
    m = re.search(rb"""<link\s[^>]*rel=["']?canonical["']?[^>]*>""", index_html)
    href = re.search(rb"""\shref\s*=\s*["']?([^"'\s>]+)""", m.group(0)) if m else None
    if href is None:
        return "", "/"
    parts = urlsplit(href.group(1).decode("utf-8", "replace"))
    if not parts.scheme or not parts.netloc:
        return "", "/"
    prefix = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme}://{parts.netloc}", prefix or "/"
