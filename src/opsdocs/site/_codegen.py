"""The code generator pages compile with: Jinja's own, writing less code for the same behaviour.

Compiling a page is nearly all the macros cost a cold build (see benchmarks/README.md, "Site build, issue
15 part 4"), and two parts of Jinja's compile do work a page does not need:

- **Each use of a context name** (``{{ code(x) }}``, ``{{ db.name }}``) is written as
  ``(undefined(name='code') if l_0_code is missing else l_0_code)``: 650 of them in the shipped pages, half
  of the Python ``compile`` time. Here a name the context lacks becomes its Undefined once, where the
  frame looks it up (``resolve = context.resolve``, which is what Jinja's own derived contexts use), so a
  use is the plain local. Only names loaded that way are written plain: a loop variable, a macro
  parameter or a name stored before it is read keep Jinja's check.
- **The template root** is walked four times before its code is written (``find`` Extends, ``find_all``
  Block and ImportedName with recursive generators, then a visitor collecting the filters and tests it
  uses), ~12 % of compiling a page; one iterative walk answers all four, in the same order.

The output is what Jinja's generator gives, byte for byte, on every shipped page and fixture project
(tests/site/test_codegen.py also renders templates built to reach the other paths: undefined names, sets
in branches and loops, loop else, includes, macros, call blocks, namespaces, recursive loops).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.idtracking import VAR_LOAD_RESOLVE

__all__ = ["PageCodeGenerator"]


class PageCodeGenerator(CodeGenerator):
    """``Environment.code_generator_class`` for pages (set in :func:`opsdocs.site._jinja.make_environment`)."""

    def write_commons(self) -> None:
        super().write_commons()
        # Context.resolve: a missing name is environment.undefined(name=...), the object each use of it
        # would otherwise build (Jinja writes resolve = context.resolve_or_missing just above).
        self.writeline("resolve = context.resolve")

    def visit_Name(self, node: nodes.Name, frame: Frame) -> None:
        if node.ctx == "load":
            ref = frame.symbols.ref(node.name)
            load = frame.symbols.find_load(ref)
            if load is not None and load[0] == VAR_LOAD_RESOLVE:  # never `missing`: see write_commons
                self.write(ref)
                return
        super().visit_Name(node, frame)

    _root: tuple[list[nodes.Node], Callable[[Any], Iterator[Any]]] | None = None

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        # The instance attributes shadow Node.find/find_all for the root only, and only while its code is
        # generated (nothing changes the tree meanwhile): same results, one walk instead of three.
        found = _finder(node)
        node.find = lambda node_type: next(found(node_type), None)  # type: ignore[method-assign]
        node.find_all = found  # type: ignore[method-assign,assignment]
        self._root = (node.body, found)
        try:
            super().visit_Template(node, frame)
        finally:
            del node.find, node.find_all
            self._root = None

    def pull_dependencies(self, nodes_: Iterable[nodes.Node]) -> None:
        # Jinja's visitor walks the whole root body for Filter and Test nodes, stopping at blocks; without
        # blocks, visiting just those nodes collects the same names (it sorts them before writing).
        if self._root is not None and nodes_ is self._root[0]:
            found = self._root[1]
            if next(found(nodes.Block), None) is None:
                nodes_ = list(found((nodes.Filter, nodes.Test)))
        super().pull_dependencies(nodes_)


def _finder(root: nodes.Node) -> Callable[[Any], Iterator[Any]]:
    """``root.find_all`` over one pre-order list of the nodes below ``root`` (Node.find_all's order)."""
    below: list[nodes.Node] = []
    stack = list(root.iter_child_nodes())
    stack.reverse()
    while stack:
        item = stack.pop()
        below.append(item)
        children = list(item.iter_child_nodes())
        children.reverse()
        stack.extend(children)
    return lambda node_type: (n for n in below if isinstance(n, node_type))
