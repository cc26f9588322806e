"""Turn a site scan and external results into Findings, each pointing at the first page:line that has it.

Occurrences were found by a fast regex; here each reported one is confirmed to be a real attribute
(not text in a code sample or a script) before it is shown. Only the first few pages of a broken link
are opened, so a broken nav link in 1,000 pages costs three file reads, not a thousand.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from opsdocs.links._external import UrlResult, redact
from opsdocs.links._index import find_attribute, line_of, tag_at
from opsdocs.links._scan import SiteScan
from opsdocs.report.finding import Finding, Location

_SHOWN = 3  # pages listed per broken link
_HINTS_ONLY = ("preconnect", "dns-prefetch")  # <link rel=...> to an origin, not a document: never fetched


def internal(site_dir: Path, scan: SiteScan, where: Callable[[str], str], duration_s: float) -> list[Finding]:
    findings: list[Finding] = []
    read = _reader(site_dir)
    for broken in scan.broken.values():
        shown, count, _ = _locate(read, broken.occurrences)
        if count == 0:
            continue  # every occurrence was text that looks like a link: nothing is broken
        anchor = f"#{broken.anchor}" if broken.anchor is not None else ""
        raw = _raw_of(broken.occurrences, shown)
        what = (
            f"missing anchor {anchor} in {broken.wanted}"
            if broken.reason == "missing anchor"
            else f"missing file {broken.wanted}{anchor}"
        )
        findings.append(
            Finding(
                id=f"link:{broken.wanted}{anchor}",
                kind="link",
                status="failed",
                location=Location(where(shown[0][0]), shown[0][1]),
                message=f"broken link to {what} (written {raw}) in {_pages(count, shown, where)}",
                check="internal",
                subject=f"{broken.wanted}{anchor}",
            )
        )
    if not findings:
        findings.append(
            Finding(
                id="link:internal",
                kind="link",
                status="passed",
                location=None,
                message=f"{scan.distinct} distinct internal links across {len(scan.pages)} pages ok",
                duration_s=duration_s,
                check="internal",
            )
        )
    return findings


def external_targets(site_dir: Path, scan: SiteScan) -> dict[str, tuple[list[tuple[str, int]], int]]:
    """URL -> (first pages with lines, page count), without resource hints and text look-alikes."""
    targets: dict[str, tuple[list[tuple[str, int]], int]] = {}
    read = _reader(site_dir)
    for url, occurrences in scan.external.items():
        shown, count, hint_only = _locate(read, occurrences)
        if count and not hint_only:
            targets[url] = (shown, count)
    return targets


def external(
    targets: dict[str, tuple[list[tuple[str, int]], int]],
    results: dict[str, UrlResult],
    where: Callable[[str], str],
    duration_s: float,
) -> list[Finding]:
    findings: list[Finding] = []
    ok = cached = 0
    for url, (shown, count) in targets.items():
        result = results[url]
        if result.status == "ok":
            ok, cached = ok + 1, cached + result.cached
            continue
        shown_url = redact(url)
        verdict = "is broken" if result.status == "broken" else "was not checked"
        findings.append(
            Finding(
                id=f"link:{shown_url}",
                kind="link",
                status="failed" if result.status == "broken" else "skipped",
                location=Location(where(shown[0][0]), shown[0][1]),
                message=f"external link {shown_url} {verdict}: {result.message} "
                f"(in {_pages(count, shown, where)})",
                duration_s=result.duration_s,
                check="external",
                subject=shown_url,
            )
        )
    if ok or not targets:
        findings.append(
            Finding(
                id="link:external",
                kind="link",
                status="passed",
                location=None,
                message=f"{ok} external links ok ({cached} from cache)" if targets else "no external links",
                duration_s=duration_s,
                check="external",
            )
        )
    return findings


def location_of(site_dir: Path, location_root: Path | None) -> Callable[[str], str]:
    """page (relative to the site) -> the path findings show: under ``location_root``, else ``site/...``."""
    site = site_dir.resolve()
    root = location_root.resolve() if location_root is not None else site.parent
    try:
        base = site.relative_to(root).as_posix()
    except ValueError:
        base = os.fspath(site)
    prefix = "" if base == "." else base + "/"
    return lambda page: prefix + page


def _reader(site_dir: Path) -> Callable[[str], bytes]:
    """Page bytes, a few kept: broken links tend to share pages (a broken nav link is in all of them)."""
    return lru_cache(maxsize=16)(lambda page: (site_dir / page).read_bytes())


def _locate(
    read: Callable[[str], bytes], occurrences: list[tuple[str, bytes]]
) -> tuple[list[tuple[str, int]], int, bool]:
    """(first pages with a real occurrence and its line, pages that really have it, only a resource hint)."""
    shown: list[tuple[str, int]] = []
    false = 0
    hint_only = False
    for page, raw in occurrences:
        if len(shown) == _SHOWN:
            break
        data = read(page)
        pos = find_attribute(data, raw)
        if pos is None:
            false += 1
            continue
        if not shown:
            tag = tag_at(data, pos)
            hint_only = tag is not None and tag[0] == "link" and any(h in tag[1].split() for h in _HINTS_ONLY)
        shown.append((page, line_of(data, pos)))
    return shown, len(occurrences) - false, hint_only


def _raw_of(occurrences: list[tuple[str, bytes]], shown: list[tuple[str, int]]) -> str:
    raw = dict(occurrences)[shown[0][0]].decode("utf-8", "replace")
    return raw if raw[:1] in ('"', "'") else f'"{raw}"'


def _pages(count: int, shown: list[tuple[str, int]], where: Callable[[str], str]) -> str:
    listed = ", ".join(f"{where(page)}:{line}" for page, line in shown)
    more = f" and {count - len(shown)} more" if count > len(shown) else ""
    return f"{count} page{'s' if count != 1 else ''}: {listed}{more}"
