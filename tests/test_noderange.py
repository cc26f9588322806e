"""npm-style engines ranges: the subset of node-semver the toolchain check and the runtimes rule read."""

from __future__ import annotations

import pytest

from opsdocs.noderange import parse_range, parse_version


@pytest.mark.parametrize(("text", "inside", "outside"), [
    (">=22.12.0", ["22.12.0", "24.1.0"], ["22.11.9", "20.20.2"]),
    (">= 22", ["22.0.0"], ["21.9.9"]),
    ("^20 || >=22", ["20.9.0", "22.0.0"], ["21.0.0", "19.9.9"]),
    ("18.x", ["18.0.0", "18.99.1"], ["19.0.0", "17.9.9"]),
    ("20 - 22", ["20.0.0", "22.9.9"], ["23.0.0"]),
    ("~22.12", ["22.12.9"], ["22.13.0", "22.11.0"]),
    ("^0.2.3", ["0.2.9"], ["0.3.0", "0.2.2"]),
    (">16 <20.1", ["17.0.0", "20.0.9"], ["16.9.9", "20.1.0"]),
    ("<=22", ["22.99.0"], ["23.0.0"]),
    ("=v22.1.0", ["22.1.0"], ["22.1.1"]),
    ("*", ["0.0.1", "99.0.0"], []),
    ("", ["1.0.0"], []),
    (">=22.0.0-rc.1", ["22.0.0"], ["21.0.0"]),
])
def test_ranges(text: str, inside: list[str], outside: list[str]) -> None:
    r = parse_range(text)
    assert all(r.contains(parse_version(v)) for v in inside)
    assert not any(r.contains(parse_version(v)) for v in outside)


def test_set_operations() -> None:
    wrangler = parse_range(">=22.12.0")
    assert parse_range(">=22.12").is_subset_of(wrangler) and parse_range("^24 || ^22.13").is_subset_of(wrangler)
    assert not parse_range(">=18").is_subset_of(wrangler) and not parse_range("^22").is_subset_of(wrangler)
    assert parse_range(">=18").overlaps(wrangler) and not parse_range("<22").overlaps(wrangler)
    assert parse_range(">=24 <22").is_empty() and parse_range(">=24 <22").minimum() is None
    assert parse_range("^20 || ^18").minimum() == (18, 0, 0)


@pytest.mark.parametrize("text", ["latest", ">=22.x.y", "~>", "22.1.0.0", "lts/*"])
def test_not_a_range(text: str) -> None:
    with pytest.raises(ValueError):
        parse_range(text)


def test_versions() -> None:
    assert parse_version("v22.23.3\n") == (22, 23, 3)
    with pytest.raises(ValueError):
        parse_version("22.1")
