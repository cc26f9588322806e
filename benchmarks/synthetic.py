"""Generators for the benchmarks: the shipped site multiplied, and rendered pages repeated.

``write_site(dest, copies, prerendered=...)`` copies every page of the shipped site (``docs/**/*.md`` and
the drills in ``runbooks/``) under ``copies`` sub-folders of a new ``docs/``, with a generated nav, and
writes an ``mkdocs.yml`` derived from ours. ``prerendered=True`` writes each page already rendered with
the same context the macros plugin uses and drops the plugin from the config.

``write_twin(macros_config, dest)`` is the twin the site goal means (issue 15): the macros site is built
once with a capture hook that saves every page's *final* Markdown (after every ``on_page_markdown``,
front matter kept), and the twin is those exact texts without the macros plugin. ``prerendered=True``
rendered the pages again through ``render_source`` with another relpath and project load, which is not
the same text (the benchmark reported 1.16 where the same-text ratio was 1.30).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from opsdocs.project.load import CHECKOUT_ROOT, GUIDES_DIR, load_project
from opsdocs.site.hooks import runbook_pages
from opsdocs.site.pages import RenderedPage
from opsdocs.site.render import render_pages, render_source, split_front_matter

__all__ = ["capture_config", "copy_name", "page_count", "repeated_pages", "shipped_pages", "write_site",
           "write_twin"]


def copy_name(i: int) -> str:
    return f"copy-{i:02d}"


def shipped_pages(site_root: Path = GUIDES_DIR) -> list[tuple[str, Path]]:
    """``(relpath inside a copy, source)`` of every page the shipped site builds."""
    docs = site_root / "docs"
    out = [(p.relative_to(docs).as_posix(), p) for p in sorted(docs.rglob("*.md"))]
    out += [(f"runbooks/{p.name}", p) for p in runbook_pages(site_root)]
    return out


class _IgnoreTags(yaml.SafeLoader):
    """Reads mkdocs.yml for its nav only: ``!!python/name`` values are not needed (nor imported)."""


_IgnoreTags.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def _prefixed(nav: Any, prefix: str) -> Any:
    if isinstance(nav, str):
        return nav if "://" in nav else f"{prefix}/{nav}"
    if isinstance(nav, list):
        return [_prefixed(item, prefix) for item in nav]
    if isinstance(nav, dict):
        return {key: _prefixed(value, prefix) for key, value in nav.items()}
    return nav


def _config_text(site_root: Path, copies: int, drills: list[str], *, macros: bool) -> str:
    """Our mkdocs.yml with the nav replaced by one section per copy (and the macros plugin if not)."""
    text = (site_root / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.load(text, Loader=_IgnoreTags)["nav"]
    if drills:  # hooks.py inserts "Drills" from the site root's runbooks/; here they are in each copy
        keys = [next(iter(i)) if isinstance(i, dict) else i for i in nav]
        nav.insert(keys.index("Status") if "Status" in keys else len(nav), {"Drills": drills})
    out: list[str] = []
    in_nav = in_macros = False
    for line in text.splitlines():
        if line and not line[0].isspace() and not line.startswith("#"):  # a top-level key
            in_nav, in_macros = line.startswith("nav:"), False
        elif line.startswith("  - "):  # a plugin (or hook) entry
            in_macros = not macros and line.startswith("  - macros:")
        if in_nav or in_macros:
            continue
        if line.startswith("  - ../site/hooks.py"):  # relative to the guides' mkdocs.yml
            line = f"  - {(site_root / '../site/hooks.py').resolve()}"
        out.append(line)
    sections = [{f"Copy {i}": _prefixed(nav, copy_name(i))} for i in range(copies)]
    out.append(yaml.safe_dump({"nav": sections}, sort_keys=False, width=200).rstrip())
    return "\n".join(out) + "\n"


def write_site(dest: Path, copies: int, *, prerendered: bool, site_root: Path = GUIDES_DIR) -> Path:
    """Write the multiplied site into ``dest`` (which must be empty or absent); returns its mkdocs.yml."""
    dest.mkdir(parents=True, exist_ok=True)
    docs = dest / "docs"
    for asset in (site_root / "docs").rglob("*"):  # stylesheets and such: once, where the config points
        if asset.is_file() and asset.suffix != ".md":
            target = docs / asset.relative_to(site_root / "docs")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(asset, target)
    (dest / "node_modules").symlink_to(CHECKOUT_ROOT / "node_modules", target_is_directory=True)
    pages = shipped_pages(site_root)
    project = load_project(site_root=dest) if prerendered else None
    for rel, source_path in pages:
        source = source_path.read_text(encoding="utf-8-sig")
        for i in range(copies):
            relpath = f"docs/{copy_name(i)}/{rel}"
            # Each copy a text of its own: a real site's pages differ, so nothing may be saved by seeing the
            # same page text twice (a compile cache keyed by text would otherwise compile each page once).
            text = source.rstrip("\n") + f"\n\n<!-- synthetic copy {i} of {rel} -->\n"
            if project is not None:
                body, first = split_front_matter(text)
                front = text[: len(text) - len(body)] if body != text else ""
                text = front + render_source(dest, body, relpath, first_line=first, project=project)
            target = dest / relpath
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    drills = [rel for rel, _ in pages if rel.startswith("runbooks/")]
    config = dest / "mkdocs.yml"
    config.write_text(_config_text(site_root, copies, drills, macros=not prerendered), encoding="utf-8")
    return config


_CAPTURE_HOOK = """
import os
from pathlib import Path

import yaml
from mkdocs.plugins import event_priority


@event_priority(-100)  # after every other on_page_markdown: the text the page is built from
def on_page_markdown(markdown, page, config, files):
    out = Path(os.environ["OPSDOCS_BENCH_CAPTURE"]) / page.file.src_uri
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = {k: v for k, v in page.meta.items() if k != "render_macros"}
    front = "---\\n" + yaml.safe_dump(meta, sort_keys=False) + "---\\n\\n" if meta else ""
    out.write_text(front + markdown, encoding="utf-8")
    return markdown
"""


def capture_config(macros_config: Path) -> Path:
    """The macros site's config plus the capture hook (run it with OPSDOCS_BENCH_CAPTURE=<dir>)."""
    hook = macros_config.parent / "capture_hook.py"
    hook.write_text(_CAPTURE_HOOK, encoding="utf-8")
    text = macros_config.read_text(encoding="utf-8")
    marker = "\nhooks:\n"
    assert marker in text, "the shipped mkdocs.yml has a hooks: list"
    out = macros_config.parent / "mkdocs-capture.yml"
    out.write_text(text.replace(marker, f"{marker}  - {hook}\n", 1), encoding="utf-8")
    return out


def write_twin(macros_config: Path, captured: Path, dest: Path) -> Path:
    """The static twin: the macros site with each page replaced by its captured final Markdown and the
    macros plugin dropped from the config."""
    shutil.copytree(macros_config.parent, dest, symlinks=True,
                    ignore=shutil.ignore_patterns("site-*", "capture_hook.py", "mkdocs-capture.yml"))
    for md in captured.rglob("*.md"):
        target = dest / "docs" / md.relative_to(captured)
        target.write_text(md.read_text(encoding="utf-8"), encoding="utf-8")
    lines, in_macros = [], False
    for line in (dest / "mkdocs.yml").read_text(encoding="utf-8").splitlines():
        if line and not line[0].isspace():
            in_macros = False
        if line.startswith("  - macros:"):
            in_macros = True
        elif in_macros and not line.startswith("      "):
            in_macros = False
        if not in_macros:
            lines.append(line)
    (dest / "mkdocs.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return dest / "mkdocs.yml"


_RELPATH = re.compile(r"^(docs|runbooks)/")


def repeated_pages(count: int, site_root: Path = GUIDES_DIR) -> list[RenderedPage]:
    """``count`` rendered pages: the shipped site's pages (rendered once) cycled, each under its own path."""
    shipped = render_pages(load_project(site_root=site_root), site_root)
    if not shipped:
        raise RuntimeError(f"no pages under {site_root}")
    out = []
    for i in range(count):
        page = shipped[i % len(shipped)]
        relpath = _RELPATH.sub(rf"\1/{copy_name(i // len(shipped))}/", page.relpath)
        out.append(RenderedPage(relpath=relpath, path=page.path, source=page.source, text=page.text))
    return out


def page_count(site_root: Path = GUIDES_DIR) -> int:
    """Pages in the shipped site (the unit ``copies`` multiplies)."""
    return len(shipped_pages(site_root))
