"""Hostile YAML in every YAML reader: alias bombs, alias cycles and random alias nestings give one located
line (``path:line:col: ...``), never a hang, a traceback or gigabytes of memory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsdocs.project.site_config import load_mkdocs
from opsdocs.errors import ConfigError
from opsdocs.project._yaml import ALIAS_BOUND, load_yaml
from opsdocs.project.checks import load_health_checks
from opsdocs.project.workflows import load_workflow


def _laughs(levels: int, width: int = 9, indent: str = "") -> str:
    """The billion laughs: each level a list of ``width`` aliases of the one before."""
    lines = [f"{indent}l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"{indent}l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


BOMBS = {
    "lists": _laughs(9),
    "mappings": "a: &a {x: 1, y: 2, z: 3, w: 4}\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} {{" + ", ".join(f"k{j}: *{chr(97 + i)}" for j in range(8)) + "}\n"
        for i in range(9)),
    "merge keys": "a: &a {x: 1, y: [1, 2, 3, 4, 5, 6, 7, 8]}\n" + "".join(
        f"m{i}: &m{i} [" + ", ".join([f"*{'a' if i == 0 else f'm{i - 1}'}"] * 10) + "]\n" for i in range(7)),
    "cycle": "a: &a [1, *a]\n",
    "cycle in a mapping": "a: &a {self: *a}\n",
}


def _workflow(tmp: Path, text: str) -> None:
    path = tmp / ".github/workflows/w.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"  {line}\n" for line in text.splitlines())
    path.write_text("name: w\non: push\njobs: {}\nx-anchors:\n" + body)
    load_workflow(path, tmp)


def _checks(tmp: Path, text: str) -> None:
    path = tmp / "checks/health.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    load_health_checks(path, tmp)


def _mkdocs(tmp: Path, text: str) -> None:
    path = tmp / "mkdocs.yml"
    path.write_text("site_name: s\n" + text)
    load_mkdocs(path, "mkdocs.yml")


READERS: dict[str, Callable[[Path, str], None]] = {"workflow": _workflow, "checks": _checks, "mkdocs": _mkdocs}


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("bomb", BOMBS)
def test_alias_bombs_are_one_located_line(tmp_path: Path, reader: str, bomb: str) -> None:
    with pytest.raises(ConfigError) as info:
        READERS[reader](tmp_path, BOMBS[bomb])
    err = info.value
    assert err.line is not None and err.line >= 1
    assert "YAML refused" in err.message and "\n" not in str(err)


def test_a_few_anchors_reused_still_load() -> None:
    text = "base: &b {runs-on: ubuntu-latest, env: {A: 1}}\njobs: {a: *b, b: *b, c: *b}\n"
    assert load_yaml(text, "w.yml")["jobs"]["c"]["runs-on"] == "ubuntu-latest"


def test_the_bound_is_where_it_says() -> None:
    # 8 levels of 9 = 43 million; 5 levels = 59049 values: under the bound, so it loads
    assert 9 ** 5 < ALIAS_BOUND < 9 ** 6
    assert len(load_yaml(_laughs(5), "w.yml")) == 5
    with pytest.raises(ConfigError):
        load_yaml(_laughs(7), "w.yml")


_names = st.sampled_from(["a", "b", "c", "d"])


@st.composite
def _alias_docs(draw: st.DrawFn) -> str:
    """Random anchors and aliases, defined before use, any width and depth."""
    lines, defined = [], []
    for i in range(draw(st.integers(1, 8))):
        width = draw(st.integers(1, 12))
        items = [f"*{draw(st.sampled_from(defined))}" if defined and draw(st.booleans()) else "v"
                 for _ in range(width)]
        name = f"n{i}"
        lines.append(f"{name}: &{name} [{', '.join(items)}]")
        defined.append(name)
    return "\n".join(lines) + "\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_alias_docs())
def test_random_alias_nestings_load_or_are_refused_in_one_line(text: str) -> None:
    try:
        load_yaml(text, "w.yml")
    except ConfigError as err:
        assert err.line is not None and "YAML refused" in err.message
