"""Find the ids and link values in one built HTML page, fast.

A 1,000-page Material site repeats its navigation in every page: about a million ``href`` occurrences in
300 MB of HTML. ``html.parser`` needs minutes for that; a bytes regex that starts with a literal
(``href``) lets ``re`` skip ahead with a fast substring search, so one pass per attribute costs ~0.3 s for
the whole site. The price is that such a regex also matches text that merely looks like an attribute
(``<code>&lt;a href="x"&gt;</code>``, ``data-href=``, a ``<script>`` body). Ids are therefore verified
one by one (they are few), and link values only when they turn out broken (:func:`find_attribute`): a false
match can never hide a broken link or report one that is not there.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from html import unescape

_VALUE = rb"""\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+)"""
_HREF = re.compile(rb"href" + _VALUE)
_SRC = re.compile(rb"src" + _VALUE)
_ID = re.compile(rb"id" + _VALUE)
_NAME = re.compile(rb"name" + _VALUE)
# Only for a page with upper-case attribute names (hand-written HTML): slower, rarely needed. Each
# probe is a scan of the page, so only the all-caps spellings are probed; "Href" alone goes unseen.
_ANY_CASE = re.compile(rb"(?<=\s)(?:href|src)" + _VALUE, re.IGNORECASE)
_ID_ANY_CASE = re.compile(rb"(?<=\s)id" + _VALUE, re.IGNORECASE)
_UNUSUAL_CASE = (b"HREF", b"SRC", b"ID=")
_TAG_NAME = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)")
_REL = re.compile(rb"""\srel\s*=\s*["']?([^"'>]*)""", re.IGNORECASE)


def page_links(data: bytes, *, any_case: bool) -> Counter[bytes]:
    """Candidate ``href``/``src`` values of a page (raw, quotes included) with their occurrence counts."""
    links: Counter[bytes] = Counter()
    if any_case:
        links.update(_ANY_CASE.findall(data))
    else:
        links.update(_HREF.findall(data))
        links.update(_SRC.findall(data))
    return links


def page_ids(data: bytes, *, any_case: bool) -> frozenset[str]:
    """The ids of a page, each verified to be a real attribute (a false one could hide a missing anchor)."""
    spans = _text_spans(data)
    pattern = _ID_ANY_CASE if any_case else _ID
    return frozenset(
        decode_value(m.group(1)) for m in pattern.finditer(data) if _is_attribute(data, m.start(), spans)
    )


def has_name_anchor(data: bytes, anchor: str) -> bool:
    """True when ``<a name="anchor">`` exists: the legacy fragment target, looked up only on a miss."""
    spans = _text_spans(data)
    for m in _NAME.finditer(data):
        if decode_value(m.group(1)) == anchor and _is_attribute(data, m.start(), spans):
            if (tag := tag_at(data, m.start())) is not None and tag[0] == "a":
                return True
    return False


def decode_value(raw: bytes) -> str:
    """An attribute value as the browser sees it: quotes removed, entities decoded, outer space stripped."""
    if raw[:1] in (b'"', b"'"):
        raw = raw[1:-1]
    text = raw.decode("utf-8", errors="replace")
    return (unescape(text) if "&" in text else text).strip()


def find_attribute(data: bytes, raw: bytes, *, attrs: tuple[bytes, ...] = (b"href", b"src")) -> int | None:
    """Offset of the first real ``href``/``src`` attribute valued ``raw``; None if only text has it."""
    start, spans = 0, None
    quoted = raw[:1] in (b'"', b"'")
    while (pos := data.find(raw, start)) != -1:
        start = pos + 1
        after = data[pos + len(raw) : pos + len(raw) + 1]
        if not quoted and after not in (b"", b">") and not after.isspace():
            continue  # an unquoted value is only this one if it ends here
        name = _attribute_before(data, pos, attrs)
        if name is None:
            continue
        spans = _text_spans(data) if spans is None else spans
        if _is_attribute(data, name, spans):
            return pos
    return None


def line_of(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def tag_at(data: bytes, pos: int) -> tuple[str, str] | None:
    """(tag name, rel attribute) of the tag that contains ``pos``, lower-cased; None outside a tag."""
    lt = data.rfind(b"<", 0, pos)
    if lt == -1 or data.rfind(b">", lt, pos) != -1:
        return None
    name = _TAG_NAME.match(data, lt)
    if name is None:
        return None
    end = data.find(b">", pos)
    rel = _REL.search(data, lt, end if end != -1 else len(data))
    return name.group(1).decode().lower(), (rel.group(1).decode("utf-8", "replace").lower() if rel else "")


def _attribute_before(data: bytes, value_pos: int, attrs: tuple[bytes, ...]) -> int | None:
    """Start of the attribute name whose value starts at ``value_pos`` when it is one of ``attrs``."""
    i = value_pos
    while i > 0 and data[i - 1 : i].isspace():
        i -= 1
    if data[i - 1 : i] != b"=":
        return None
    i -= 1
    while i > 0 and data[i - 1 : i].isspace():
        i -= 1
    for attr in attrs:
        if data[i - len(attr) : i].lower() == attr:
            return i - len(attr)
    return None


def _is_attribute(data: bytes, pos: int, text_spans: list[tuple[int, int]]) -> bool:
    """Is the attribute name at ``pos`` a real attribute: inside a tag, not in a comment or script body?"""
    if not data[pos - 1 : pos].isspace():  # "data-id=", "grid=": another attribute's tail
        return False
    if tag_at(data, pos) is None:
        return False
    i = bisect_right(text_spans, (pos, _END)) - 1
    return i < 0 or pos >= text_spans[i][1]


_END = 1 << 62


def _text_spans(data: bytes) -> list[tuple[int, int]]:
    """Sorted (start, end) of comments and script bodies: a "<a href=..." there is text, not a tag."""
    spans: list[tuple[int, int]] = []
    size = len(data)
    comment, script = data.find(b"<!--"), data.find(b"<script")
    while comment != -1 or script != -1:
        if script == -1 or (comment != -1 and comment < script):
            end = data.find(b"-->", comment + 4)
            start, pos = comment, (size if end == -1 else end + 3)
        else:
            body = data.find(b">", script)  # the <script src=...> tag itself is a real tag
            end = data.find(b"</script", body) if body != -1 else -1
            start, pos = (size if body == -1 else body + 1), (size if end == -1 else end)
        spans.append((start, pos))
        # Search again only past this span, and never again for a kind that has run out.
        if comment != -1 and comment < pos:
            comment = data.find(b"<!--", pos)
        if script != -1 and script < pos:
            script = data.find(b"<script", pos)
    return spans


def needs_any_case(data: bytes) -> bool:
    """Does the page (maybe) spell attribute names in capitals? Then the slower any-case patterns are used."""
    return any(spelling in data for spelling in _UNUSUAL_CASE)
