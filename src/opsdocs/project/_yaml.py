"""YAML that remembers where things are: mappings and lists carry the line of each key and item.

GitHub workflows are YAML 1.1 to PyYAML, where a bare ``on`` key is the boolean True; keys keep their
written text instead, so ``on:`` stays ``"on"``.
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


class _Loader(yaml.SafeLoader):
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
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise ConfigError(
            f"invalid YAML: {problem}",
            path=path,
            line=mark.line + 1 if mark else None,
            col=mark.column + 1 if mark else None,
            hint="check indentation, colons and quoting around this line",
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML: {exc}", path=path, line=1, hint="fix the YAML syntax") from None
    finally:
        loader.dispose()  # type: ignore[no-untyped-call]


def line_of(container: Any, key: str | int, default: int = 1) -> int:
    """Line of a key in a LineDict (or an index in a LineList), else ``default``."""
    lines = getattr(container, "lines", None)
    try:
        return int(lines[key][0]) if lines is not None else default
    except (KeyError, IndexError, TypeError):
        return default
