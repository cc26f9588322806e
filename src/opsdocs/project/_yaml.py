"""YAML that remembers where things are: mappings and lists carry the line of each key and item.

GitHub workflows are YAML 1.1 to PyYAML, where a bare ``on`` key is the boolean True; keys keep their
written text instead, so ``on:`` stays ``"on"``.

``BoundedLoader`` is the one base of every YAML reader (workflows, ``checks/*.yml``, ``mkdocs.yml``,
data files): aliases that expand to more than ``ALIAS_BOUND`` extra nodes (a "billion laughs" file,
kilobytes that become 10^9 values for whatever walks them), or an alias inside itself (a cycle), are one
located error instead of hours of work or a recursion without end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from opsdocs.errors import ConfigError


class LineDict(dict[str, Any]):
    """A mapping plus ``lines[key] = (line, col)`` and the 1-based ``start``/``end`` lines of the block."""

    lines: dict[str, tuple[int, int]]
    start: int
    end: int


class LineList(list[Any]):
    lines: list[tuple[int, int]]
    start: int
    end: int


ALIAS_BOUND = 100_000  # nodes aliases may add; real workflows reuse a few anchors, never this many


class BoundedLoader(yaml.SafeLoader):
    """SafeLoader whose documents are refused when aliases make them much bigger than written."""

    def compose_document(self) -> yaml.Node | None:
        node = super().compose_document()
        if node is not None:
            check_expansion(node, self.name)
        return node


def check_expansion(root: yaml.Node, path: str | Path) -> None:
    """Raise ConfigError at the first node whose alias-expanded size passes the bound, or at a cycle."""
    sizes: dict[int, int] = {}
    distinct = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            children = _children(node)
            sizes[key] = 1 + sum(sizes[id(c)] for c in children)
            open_.discard(key)
            distinct += 1
            if sizes[key] - distinct > ALIAS_BOUND:
                raise _bomb(node, path, f"aliases expand it to more than {ALIAS_BOUND} extra values")
            continue
        if key in sizes:
            continue  # an alias of a node already measured: its size counts again, its work does not
        if key in open_:
            raise _bomb(node, path, "an alias refers to the node that contains it (a cycle)")
        open_.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _bomb(node: yaml.Node, path: str | Path, what: str) -> ConfigError:
    mark = node.start_mark
    return ConfigError(f"YAML refused: {what}", path=str(path), line=mark.line + 1, col=mark.column + 1,
                       hint="write the values out instead of nesting aliases (&anchor / *alias)")


class _Loader(BoundedLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.lines = {}
    out.start, out.end = node.start_mark.line + 1, _end_line(node)
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            key = str(key_node.value)  # written text: "on" stays "on", "3" stays "3"
        else:
            raise ConfigError(
                "a mapping key must be a plain string",
                path=loader.name,
                line=key_node.start_mark.line + 1,
                col=key_node.start_mark.column + 1,
                hint="write the key as text",
            )
        out[key] = loader.construct_object(value_node, deep=True)  # type: ignore[no-untyped-call]
        out.lines[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(c, deep=True) for c in node.value)  # type: ignore[no-untyped-call]
    out.lines = [(c.start_mark.line + 1, c.start_mark.column + 1) for c in node.value]
    out.start, out.end = node.start_mark.line + 1, _end_line(node)
    return out


def _end_line(node: yaml.Node) -> int:
    # end_mark points just past the node; at column 0 that is the start of the next line.
    mark = node.end_mark
    return mark.line if mark.column == 0 else mark.line + 1


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str, path: str | Path) -> Any:
    """Parse YAML with locations; any syntax error becomes one located ``ConfigError``."""
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:  # a control character: rejected before parsing starts
        line = text.count("\n", 0, exc.position) + 1
        raise ConfigError(f"invalid YAML: character #x{exc.character:04x} is not allowed", path=path, line=line,
                          col=exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1,
                          hint="remove the control character") from None
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise ConfigError("invalid YAML: nested too deeply", path=path, line=1,
                          hint="flatten the structure") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise ConfigError(f"invalid YAML: character #x{exc.character:04x} is not allowed", path=path, line=line,
                          hint="remove the control character") from None
    except yaml.MarkedYAMLError as exc:
        raise located_error(exc, path, exc.problem or exc.context,
                            hint="check indentation, colons and quoting around this line") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", path=path, line=1, hint="fix the YAML syntax") from None
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]


def located_error(exc: yaml.MarkedYAMLError, path: str | Path, problem: str | None, *, hint: str) -> ConfigError:
    """One located line for a YAML syntax error: at the problem's mark, else at its context's."""
    mark = exc.problem_mark or exc.context_mark
    return ConfigError(f"invalid YAML: {problem or exc}", path=path, line=mark.line + 1 if mark else None,
                       col=mark.column + 1 if mark else None, hint=hint)


def line_of(container: Any, key: str | int, default: int = 1) -> int:
    """Line of a key in a LineDict (or an index in a LineList), else ``default``."""
    lines = getattr(container, "lines", None)
    try:
        return int(lines[key][0]) if lines is not None else default
    except (KeyError, IndexError, TypeError):
        return default
