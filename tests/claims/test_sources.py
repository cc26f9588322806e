"""The sources data file: the shipped one is valid, every mistake in one is one located line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from opsdocs.claims import load_sources
from opsdocs.claims._render import claim_macro, quote_macro
from opsdocs.errors import ConfigError

GOOD = """\
sources:
  d1-limits:
    title: D1 limits
    url: https://developers.cloudflare.com/d1/platform/limits/
    supports: 100 KB per statement.
  apply-ts:
    title: apply.ts
    wrangler: src/d1/migrations/apply.ts
    version: "4.86.0"
    supports: sorted by number.
quotes:
  none-pending:
    text: "✅ No migrations to apply!"
    source: apply-ts
  failed:
    text: "Migration <name> failed with the following errors:"
    source: apply-ts
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_shipped_file_loads_and_every_quote_cites_a_source() -> None:
    data = load_sources()
    assert data.sources and data.quotes
    assert all(q.source in data.sources for q in data.quotes.values())
    for src in data.sources.values():
        assert src.url.startswith("https://"), src.id
        if src.wrangler_path:
            assert src.url.startswith(f"https://github.com/cloudflare/workers-sdk/blob/wrangler@{src.version}/packages/")
            assert "/../" not in src.url and src.url.endswith(src.wrangler_path.split("../")[-1]), src.id


def test_a_wrangler_path_becomes_its_github_url_and_quotes_split_on_placeholders(tmp_path: Path) -> None:
    data = load_sources(_write(tmp_path, GOOD))
    assert data.sources["apply-ts"].url == ("https://github.com/cloudflare/workers-sdk/blob/wrangler@4.86.0/"
                                            "packages/wrangler/src/d1/migrations/apply.ts")
    assert data.sources["d1-limits"].line == 2
    (tmp_path / "sibling").mkdir()
    sibling = _write(tmp_path / "sibling", GOOD.replace("src/d1/migrations/apply.ts", "../workers-utils/src/d1-migrations.ts"))
    # code wrangler bundles from a sibling package links to that package, not through `..`
    assert load_sources(sibling).sources["apply-ts"].url == (
        "https://github.com/cloudflare/workers-sdk/blob/wrangler@4.86.0/packages/workers-utils/src/d1-migrations.ts")
    assert data.quotes["none-pending"].fragments == ("No migrations to apply!",)
    assert data.quotes["failed"].fragments == ("Migration", "failed with the following errors:")


@pytest.mark.parametrize(("edit", "line", "message"), [
    (("url: https://developers.cloudflare.com/d1/platform/limits/", "url: http://example.com"), 4,
     "`url` must be an https:// address"),
    (('version: "4.86.0"', 'version: "latest"'), 6, "needs the `version` it was read at"),
    (("wrangler: src/d1/migrations/apply.ts", "wrangler: ../../README.md"), 8, "leaves the packages"),
    (("    supports: 100 KB per statement.\n", ""), 2, "has no `supports`"),
    (("title: D1 limits", "title: D1 limits\n    wrangler: src/x.ts"), 2, "exactly one of `url` and `wrangler`"),
    (("source: apply-ts\n  failed", "source: nope\n  failed"), 14, "cites unknown source 'nope'"),
    (("  d1-limits:", "  D1_limits:"), 2, "is not kebab-case"),
    (("    supports: sorted by number.", "    supports: sorted.\n    colour: red"), 11, "unknown key 'colour'"),
])
def test_each_mistake_is_one_located_config_error(tmp_path: Path, edit: tuple[str, str], line: int,
                                                  message: str) -> None:
    old, new = edit
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    assert info.value.line == line
    assert message in info.value.message
    assert str(info.value).startswith(f"{path}:{line}")


def test_claim_renders_linked_titles_and_flags_what_it_cannot_link(tmp_path: Path) -> None:
    data = load_sources(_write(tmp_path, GOOD))
    claim, quote = claim_macro(data), quote_macro(data)
    out = claim("d1-limits", "apply-ts")
    assert 'href="https://developers.cloudflare.com/d1/platform/limits/"' in out and ">apply.ts</a>" in out
    assert "opsdocs-source-missing" in claim() and "unknown source nope" in claim("nope")
    assert quote("none-pending") == "✅ No migrations to apply!"
    assert quote("gone") == "[unknown quote gone]"
