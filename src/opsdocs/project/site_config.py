"""The site's configuration as input: just enough of ``mkdocs.yml`` (the pages the nav lists, the hooks and
what they say, the exclusions), read once by the loader like every other input."""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import yaml

from opsdocs.errors import ConfigError
from opsdocs.project._yaml import BoundedLoader
from opsdocs.project._read import read_input

_NAV_KEY = re.compile(r"^nav\s*:", re.M)


class _Loader(BoundedLoader):  # aliases bounded
    """Safe, but tolerant of the tags MkDocs configs carry (``!!python/name:``, ``!ENV``): read as None."""


def _unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_Loader.add_multi_constructor("", _unknown_tag)  # type: ignore[no-untyped-call]


@dataclass(frozen=True)
class MkdocsConfig:
    relpath: str  # "mkdocs.yml", relative to the site root
    nav: frozenset[str] | None  # page paths the nav lists (relative to docs_dir); None: no nav, MkDocs lists all
    nav_line: int  # line of `nav:` (1 when absent), where a missing page belongs
    hooks: tuple[Path, ...]  # absolute paths of the `hooks:` files
    hook_sources: tuple[str, ...]  # the text of each hook that could be read (UTF-8), read at load time
    ignored: tuple[str, ...]  # `exclude_docs` and `not_in_nav` patterns (gitignore style)

    @property
    def read_paths(self) -> tuple[Path, ...]:
        return self.hooks

    def hooks_mention(self, word: str) -> bool:
        """Some hook's source names ``word`` (say ``runbooks``: the hook adds that folder to the site)."""
        return any(word in text for text in self.hook_sources)

    def is_ignored(self, page: str) -> bool:
        """``page`` (relative to docs_dir) matches an exclusion pattern: it needs no nav entry."""
        for raw in self.ignored:  # comments and blank lines match no page: no need to skip them
            pattern = raw.strip()
            glob = pattern.removeprefix("/").removesuffix("/") + ("/*" if pattern.endswith("/") else "")
            if fnmatch(page, glob) or (not pattern.startswith("/") and fnmatch(page, f"*/{glob}")):
                return True
        return False


def _nav_pages(node: Any) -> set[str]:
    """Every path in a nav tree (strings, ``{title: page}``, ``{section: [...]}``); a URL never equals a page."""
    if isinstance(node, str):
        return {node.removeprefix("/")}
    if isinstance(node, list):
        return {page for item in node for page in _nav_pages(item)}
    if isinstance(node, dict):
        return {page for item in node.values() for page in _nav_pages(item)}
    return set()


def _read_hooks(hooks: tuple[Path, ...]) -> tuple[str, ...]:
    out = []
    for hook in hooks:
        try:
            out.append(read_input(hook, hook.name, what="hook"))  # never a FIFO or a device: no hang
        except (OSError, ConfigError):
            continue  # a missing, binary or special hook adds nothing we could see
    return tuple(out)


def load_site_config(site_root: Path) -> MkdocsConfig | None:
    """``<site_root>/mkdocs.yml``; None when the site has none; ConfigError (located) when it is broken."""
    path = site_root / "mkdocs.yml"
    return load_mkdocs(path, "mkdocs.yml") if path.is_file() else None


def load_mkdocs(path: Path, relpath: str) -> MkdocsConfig:
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc.problem}", path=relpath, line=getattr(exc.problem_mark, "line", 0) + 1,
                          hint="check indentation, colons and quoting around this line") from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read: {exc}", path=relpath, hint="check the file is UTF-8 YAML") from None
    if not isinstance(data, dict):
        raise ConfigError("must be a mapping of settings", path=relpath, line=1, hint="start with `site_name:`")
    nav_at = _NAV_KEY.search(text)
    ignored = "\n".join(str(data[key]) for key in ("exclude_docs", "not_in_nav") if data.get(key))
    hooks = tuple(path.parent / str(h) for h in data.get("hooks") or [] if h)
    return MkdocsConfig(
        relpath=relpath,
        nav=frozenset(_nav_pages(data["nav"])) if data.get("nav") else None,
        nav_line=text[: nav_at.start()].count("\n") + 1 if nav_at else 1,
        hooks=hooks,
        hook_sources=_read_hooks(hooks),
        ignored=tuple(ignored.splitlines()),
    )
