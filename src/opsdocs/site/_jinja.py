"""The one Jinja environment pages are rendered with, and errors mapped to ``page:line``.

mkdocs-macros on a macro error prints a Markdown blob and calls ``exit(100)`` without a line number, so
both the MkDocs build (``macros.on_pre_page_macros``) and :func:`opsdocs.site.render.render_pages`
render through :func:`render_markdown`: same settings as the plugin's environment (StrictUndefined,
default delimiters, includes from ``docs/``), same context, and a :class:`PageError` naming the line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from types import CodeType, TracebackType
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, TemplateSyntaxError
from jinja2.exceptions import UndefinedError

from opsdocs.errors import OpsdocsError, PageError
from opsdocs.site._codegen import PageCodeGenerator

_HINT = "see the variables and macros pages can use with `python -m pydoc opsdocs.site.macros`"
_UNDEFINED = re.compile(r"^'([^']+)' is undefined$")
_BUG = ": this is a bug in opsdocs, please report it with this line"
_NO_ATTRIBUTE = re.compile(r"^'([^']+)' has no attribute '([^']+)'$")

# Compiled page code by (compile settings, exact source text). Compiling (lex, parse, code generation,
# Python's compile) is nearly all the macros cost a build: ~100 ms for the 16 shipped pages against ~3 ms
# to render them. The code depends only on the text and those settings, never on the context (globals
# are bound when a template is made from it), so a text compiles once per process: a `serve` rebuild
# compiles only the pages that changed, every Project (each test fixture) reuses the guides' code, and
# identical pages in one site compile once. Bounded: past it, texts just compile again.
_CODE: dict[tuple[tuple[Any, ...], str], CodeType] = {}
_CODE_MAX = 1024


def make_environment(docs_dir: Path, context: Mapping[str, Any]) -> Environment:
    """An environment like mkdocs-macros builds with ``on_undefined: strict``, globals = ``context``."""
    # optimized=False: the optimizer only folds constants, which pages hardly have, and costs 17% of
    # compiling every page (the macros' main cost in a build; see benchmarks/README.md).
    env = Environment(loader=FileSystemLoader(str(docs_dir)), undefined=StrictUndefined, optimized=False)
    env.code_generator_class = PageCodeGenerator  # less code per page, same output (site/_codegen.py)
    env.globals.update(context)
    return env


def render_markdown(env: Environment, source: str, relpath: str, *, first_line: int = 1) -> str:
    """``source`` rendered; any error becomes a PageError at ``relpath:line`` (``first_line`` is the
    source line the text starts on, after a stripped front matter)."""
    try:
        return _template(env, source).render()
    except OpsdocsError as err:  # a macro refused (e.g. unknown environment): point at the call
        line = _template_line(err.__traceback__)
        if err.path is None and line is not None:
            err.path, err.line = relpath, line + first_line - 1
        raise
    except TemplateSyntaxError as err:
        line = (err.lineno or 1) + first_line - 1
        raise PageError(f"template syntax error: {err.message}", path=relpath, line=line,
                        hint="check the {{ }} / {% %} pairs on that line") from None
    except Exception as err:  # noqa: BLE001 - any macro failure is a page error, never a traceback
        message = _message(err)
        line = _template_line(err.__traceback__)
        if line is None:
            line = _guess_line(source, message)
        col = _column(source, line, message)
        hint = None if message.endswith(_BUG) else _HINT
        raise PageError(message, path=relpath, line=line + first_line - 1, col=col, hint=hint) from None


def _template(env: Environment, source: str) -> Template:
    """What ``env.from_string(source)`` returns, compiling ``source`` only the first time it is seen."""
    key = (_settings(env), source)
    code = _CODE.get(key)
    if code is None:
        code = env.compile(source)  # a syntax error raises here, as in from_string
        if len(_CODE) >= _CODE_MAX:
            _CODE.clear()
        _CODE[key] = code
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def _settings(env: Environment) -> tuple[Any, ...]:
    """Everything the generated code depends on besides the text: the lexer (one cached object per
    delimiter and whitespace setting), the code generator's options, and the filters and tests, whose
    calling convention (``pass_context``...) is decided at compile time."""
    return (env.lexer, env.optimized, env.is_async, env.autoescape, env.finalize, env.code_generator_class,
            tuple(env.extensions), tuple(env.filters.items()), tuple(env.tests.items()))


def _message(err: Exception) -> str:
    """A page author's mistake (an unknown name) in their words; anything else is our bug, said so."""
    text = str(err)
    if isinstance(err, UndefinedError):
        m = _UNDEFINED.match(text)
        if m:
            return f"undefined variable '{m.group(1)}'"
        m = _NO_ATTRIBUTE.match(text)
        if m:
            return f"'{m.group(2)}' is not something {m.group(1)} has"
    # No Python message: it would read as the user's mistake. The type and page:line locate the bug.
    return f"{type(err).__name__} while rendering{_BUG}"


def _template_line(tb: TracebackType | None) -> int | None:
    """Jinja rewrites tracebacks so template frames carry the template's line number."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _names(message: str) -> list[str]:
    return re.findall(r"'([^']+)'", message)


def _guess_line(source: str, message: str) -> int:
    """Fallback: the first line inside ``{{ }}`` or ``{% %}`` naming the culprit."""
    for name in _names(message):
        pattern = re.compile(rf"\b{re.escape(name)}\b")
        for number, text in enumerate(source.splitlines(), start=1):
            if ("{{" in text or "{%" in text) and pattern.search(text):
                return number
    return 1


def _column(source: str, line: int, message: str) -> int | None:
    lines = source.splitlines()
    if not 1 <= line <= len(lines):
        return None
    for name in _names(message):
        m = re.search(rf"\b{re.escape(name)}\b", lines[line - 1])
        if m:
            return m.start() + 1
    return None
