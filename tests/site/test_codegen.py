"""Pages compiled with site/_codegen.py render exactly as Jinja's own code generator renders them: every
shipped page for every fixture project, and templates written to reach the paths the shorter code touches
(undefined names, sets in branches and loops, loop else, includes, macros, call blocks, namespaces,
recursive loops, blocks, filters and tests), outputs and errors alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jinja2 import DictLoader, Environment, StrictUndefined, Undefined
from jinja2.compiler import CodeGenerator

from opsdocs import load_project
from opsdocs.project.load import GUIDES_DIR
from opsdocs.site._codegen import PageCodeGenerator
from opsdocs.site._context import build_context
from opsdocs.site.render import split_front_matter
from opsdocs.site.sources import page_files

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "projects"
ROOTS = {"monorepo": "apps/api"}

INCLUDED = {
    "part.md": "[{{ name }}|{{ q | default('no q') }}|{{ missing_here is defined }}]",
    "macros.md": "{% macro m(a, b=name) %}<{{ a }}{{ b }}{{ name }}>{% endmacro %}",
}
CASES = [
    "plain {{ name }} {{ name.upper() }} {{ items | length }}",
    "{{ nope }}",
    "{{ nope.attr }}",
    "{{ name.nope }}",
    "{{ nope is defined }} {{ nope is undefined }} {{ nope | default('d') }} {{ name if nope is defined }}",
    "{% if flag %}{% set q = 1 %}{% endif %}{{ q }}",
    "{% if not flag %}{% set q = 1 %}{% endif %}{{ q is defined }}",
    "{{ q is defined }}{% set q = 2 %}{{ q }}",
    "{% for i in items %}{{ q is defined }}{% set q = i %}{{ q }}{% endfor %}{{ q is defined }}",
    "{% for i in items %}{{ loop.index }}{{ i }}{% else %}none{% endfor %}{{ i is defined }}",
    "{% for i in [] %}{{ i }}{% else %}{{ i is defined }}{{ name }}{% endfor %}",
    "{% for i in items if i > 1 %}{{ i }}{{ name }}{% endfor %}",
    "{% for i in items %}{{ i }}{{ loop.last }}{{ other }}{% endfor %}",
    "{% for i in items %}{{ i }}{{ nope }}{% endfor %}",
    "{% for row in tree recursive %}({{ row.n }}{{ loop(row.kids) }}){% endfor %}",
    "{% set ns = namespace(n=0) %}{% for i in items %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}",
    "{% with q = name %}{{ q }}{{ other }}{% endwith %}{{ q is defined }}",
    "{% macro m(a, b=name) %}{{ a }}{{ b }}{{ other }}{{ c is defined }}{% endmacro %}{{ m(1) }}{{ m(2, 3) }}",
    "{% macro m(a=b, b=1) %}{{ a }}{{ b }}{% endmacro %}{{ m() }}{{ m(2) }}",
    "{% macro m(a) %}{{ caller(a) }}{% endmacro %}{% call(x) m(5) %}{{ x }}{{ name }}{% endcall %}",
    "{% include 'part.md' %}{% set q = 7 %}{% include 'part.md' %}",
    "{% if flag %}{% set q = 3 %}{% endif %}{% include 'part.md' %}",
    "{% from 'macros.md' import m %}{{ m(1) }}{% import 'macros.md' as lib %}{{ lib.m(2) }}",
    "{% block b %}{{ name }}{{ nope is defined }}{% endblock %}{{ self.b() }}",
    "{% filter upper %}{{ name }}{% endfilter %}{{ items | join(',') }}{{ 3 is odd }}",
    "{% set block_set %}{{ name }}{{ other }}{% endset %}{{ block_set }}",
    "{{ 'a' if flag else nope }}{{ name is string }}{{ nope if flag }}",
]


def _env(generator: type[CodeGenerator], undefined: type[Undefined]) -> Environment:
    env = Environment(loader=DictLoader(INCLUDED), undefined=undefined, optimized=False)
    env.code_generator_class = generator
    env.globals.update(name="ops", other="x", flag=True, items=[1, 2, 3],
                       tree=[{"n": 1, "kids": [{"n": 2, "kids": []}]}])
    return env


def _outcome(env: Environment, text: str) -> tuple[str, str]:
    try:
        return "ok", env.from_string(text).render()
    except Exception as err:  # noqa: BLE001 - the error is part of the outcome compared
        return type(err).__name__, str(err)


@pytest.mark.parametrize("undefined", [StrictUndefined, Undefined])
@pytest.mark.parametrize("text", CASES)
def test_a_template_renders_as_with_jinjas_generator(text: str, undefined: type[Undefined]) -> None:
    expected = _outcome(_env(CodeGenerator, undefined), text)
    assert _outcome(_env(PageCodeGenerator, undefined), text) == expected


def test_the_cases_reach_errors_and_outputs() -> None:
    """The comparison above is not vacuous: strict cases fail where a name is missing, others render."""
    outcomes = [_outcome(_env(PageCodeGenerator, StrictUndefined), text)[0] for text in CASES]
    assert outcomes.count("UndefinedError") >= 3
    assert outcomes.count("ok") >= 15


def test_the_generated_code_is_shorter() -> None:
    text = "{% for t in items %}{{ name }} {{ t }}{% endfor %}{{ name }}{{ nope is defined }}"
    ours = _env(PageCodeGenerator, StrictUndefined).compile(text, raw=True)
    theirs = _env(CodeGenerator, StrictUndefined).compile(text, raw=True)
    assert "l_0_name is missing" in theirs and "l_0_name is missing" not in ours
    assert len(ours) < len(theirs)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_every_shipped_page_renders_as_with_jinjas_generator(name: str) -> None:
    project = load_project(FIXTURES / name / ROOTS.get(name, ""), site_root=GUIDES_DIR)
    context: dict[str, Any] = build_context(project)
    stock, ours = Environment(undefined=StrictUndefined), Environment(undefined=StrictUndefined)
    ours.code_generator_class = PageCodeGenerator
    for env in (stock, ours):
        env.globals.update(context)
    pages = list(page_files(GUIDES_DIR, project.root))
    assert len(pages) > 10
    for relpath, path in pages:
        body, _ = split_front_matter(path.read_text(encoding="utf-8-sig"))
        assert ours.from_string(body).render() == stock.from_string(body).render(), relpath
