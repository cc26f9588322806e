"""claim-source: claim markers cite known sources, quote markers known quotes, at the page's line."""

from __future__ import annotations

from drift_helpers import Build, page

from opsdocs.claims import find_markers
from opsdocs.drift.claim_source import ClaimSource

GOOD = """\
# Rollback

Time Travel keeps 30 days on Workers Paid. {{ claim("cf-d1-limits", "cf-d1-time-travel") }}

```text
{{ quote("no-migrations") }}
```
"""

BAD = """\
# Rollback

A sentence with an empty marker. {{ claim() }}
One with an unknown source. {{ claim("cf-d1-limits", "no-such-source") }}
A computed one. {{ claim(name) }}

{{ quote("no-such-quote") }} and {{ quote("no-migrations", "dry-run-exit") }}
"""


def test_markers_known_to_the_sources_file_pass(build: Build) -> None:
    assert ClaimSource().check(build(), [page("docs/rollback.md", GOOD)]) == []


def test_each_bad_marker_fails_at_its_page_line(build: Build) -> None:
    findings = ClaimSource().check(build(), [page("docs/rollback.md", BAD)])
    got = [(f.where, f.id.rsplit(":", 1)[1]) for f in findings]
    assert got == [
        ("docs/rollback.md:3", "empty"),
        ("docs/rollback.md:4", "no-such-source"),
        ("docs/rollback.md:5", "dynamic"),
        ("docs/rollback.md:7", "no-such-quote"),
        ("docs/rollback.md:7", "arity"),
    ]
    assert "cites unknown source 'no-such-source'" in findings[1].message
    assert "src/opsdocs/data/sources.yml" in findings[1].message
    assert all(f.status == "failed" for f in findings)


def test_markers_inside_multiline_expressions_keep_their_line() -> None:
    source = "a\n{{ code('x') ~\n   claim('cf-d1-limits') }}\nb {{ quote('dry-run-exit') }}\n"
    assert [(m.kind, m.ids, m.line) for m in find_markers(source)] == [
        ("claim", ("cf-d1-limits",), 3), ("quote", ("dry-run-exit",), 4)]


def test_a_word_ending_in_claim_is_not_a_marker() -> None:
    assert find_markers("{{ disclaim('x') }} {{ obj.claim('y') }}") == []

