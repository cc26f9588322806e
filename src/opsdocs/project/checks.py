"""Load ``checks/health.yml``: the one definition of "the deployment is healthy".

On-call, CI's post-deploy step (``opsdocs health``) and ``opsdocs verify`` all read this file, so every
mistake in it is reported as ``path:line:col: message; hint``. The YAML is *composed* (not just loaded)
so every value keeps the line it came from.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from opsdocs._fs import relpath
from opsdocs.errors import ConfigError
from opsdocs.project._yaml import BoundedLoader, located_error
from opsdocs.project.model import HealthCheck, Location

__all__ = ["load_health_checks", "SAFE_METHODS"]

# Health checks hit production: only methods that cannot change anything.
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

_EXAMPLE = "e.g. '- name: health\\n  path: /health\\n  status: 200'"
_KEYS = {
    "name": "a unique name, e.g. 'health'",
    "path": "a URL path starting with '/', e.g. '/health'",
    "method": f"one of {', '.join(SAFE_METHODS)} (default GET)",
    "status": "the expected HTTP status, an integer (default 200)",
    "json": "a mapping of JSON field (dotted for nested) to its exact expected value",
    "json_fields": "a list of JSON fields that must be present, e.g. [version]",
    "latency_ms": "the latency budget per attempt in milliseconds, a positive number (default 1000)",
    "retries": "how many times to retry on connection errors, timeouts and 5xx, an integer >= 0 (default 2)",
    "backoff": "seconds before the first retry, doubled each time, a number >= 0 (default 0.5)",
    "timeout": "seconds before one attempt is abandoned, a positive number (default 10)",
}
_REQUIRED = ("name", "path")
_MAX_RETRIES = 10


def load_health_checks(path: Path, root: Path) -> tuple[HealthCheck, ...]:
    """Read the health checks declared in ``path``; a missing file declares none.

    Raises :class:`~opsdocs.errors.ConfigError` (with path, line, column and a hint) for anything wrong.
    """
    import os

    from opsdocs.project._read import read_input

    lexical, base = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    # where the file is as written: a link to /dev/zero is still checks/health.yml
    rel = lexical.relative_to(base).as_posix() if lexical.is_relative_to(base) else relpath(path, root)

    try:
        text = read_input(path, rel, limit=1 << 20, what="health checks file")
    except FileNotFoundError:
        return ()
    try:
        doc = yaml.compose(text, Loader=BoundedLoader)  # aliases bounded
    except yaml.MarkedYAMLError as exc:
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise located_error(exc, rel, problem,
                            hint="check indentation and quoting; a value containing ': ' or '#' needs quotes") from None
    except yaml.YAMLError as exc:  # reader errors (control characters) carry no mark
        raise ConfigError(f"invalid YAML: {exc}", path=rel, hint="remove control characters") from None
    if doc is None or (isinstance(doc, yaml.ScalarNode) and doc.value == ""):
        return ()
    if not isinstance(doc, yaml.SequenceNode):
        raise _Ctx(rel).error(doc, "the file must be a list of checks", hint=_EXAMPLE)
    ctx = _Ctx(rel)
    checks: list[HealthCheck] = []
    seen: dict[str, int] = {}
    for item in doc.value:
        check = ctx.check(item)
        if check.name in seen:
            raise ctx.error(
                _value_node(item, "name") or item,
                f"duplicate check name {check.name!r} (first at line {seen[check.name]})",
                hint="names identify findings: make each one unique",
            )
        seen[check.name] = check.location.line
        checks.append(check)
    return tuple(checks)


def _value_node(mapping: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(mapping, yaml.MappingNode):
        for k, v in mapping.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v  # type: ignore[no-any-return]
    return None


@dataclass
class _Ctx:
    """Turns nodes into typed values, raising located errors."""

    rel: str

    def error(self, node: yaml.Node, message: str, *, hint: str) -> ConfigError:
        mark = node.start_mark
        return ConfigError(message, path=self.rel, line=mark.line + 1, col=mark.column + 1, hint=hint)

    def value(self, node: yaml.Node) -> Any:
        # A fresh constructor per value: plain Python data, YAML 1.1 rules as yaml.safe_load applies them.
        try:
            return yaml.SafeLoader("").construct_document(node)  # type: ignore[no-untyped-call]
        except yaml.constructor.ConstructorError as exc:
            raise self.error(node, f"invalid value: {exc.problem}", hint="use plain YAML scalars") from None

    def check(self, item: yaml.Node) -> HealthCheck:
        if not isinstance(item, yaml.MappingNode):
            raise self.error(item, "each check must be a mapping", hint=_EXAMPLE)
        fields: dict[str, tuple[yaml.Node, Any]] = {}
        for key_node, value_node in item.value:
            key = self.value(key_node)
            if not isinstance(key, str):
                raise self.error(key_node, f"keys must be strings, got {key!r}", hint=_EXAMPLE)
            if key not in _KEYS:
                close = difflib.get_close_matches(key, list(_KEYS), n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(_KEYS)}"
                raise self.error(key_node, f"unknown key {key!r}", hint=hint)
            if key in fields:
                raise self.error(key_node, f"duplicate key {key!r}", hint="keep one of them")
            fields[key] = (value_node, self.value(value_node))
        for key in _REQUIRED:
            if key not in fields:
                raise self.error(item, f"check is missing {key!r}", hint=f"add {key}: {_KEYS[key]}")

        name = self.text(fields, "name")
        path = self.text(fields, "path")
        if not path.startswith("/"):
            raise self.error(fields["path"][0], f"path {path!r} must start with '/'", hint=_KEYS["path"])
        method = self.text(fields, "method", "GET").upper()
        if method not in SAFE_METHODS:
            raise self.error(
                fields["method"][0],
                f"method {method!r} is not allowed",
                hint=f"health checks run against production, so only {', '.join(SAFE_METHODS)}",
            )
        status = self.number(fields, "status", 200, integer=True, low=100, high=599)
        expect_json = self.mapping(fields, "json")
        json_fields = self.strings(fields, "json_fields")
        if method == "HEAD" and (expect_json or json_fields):
            node = fields["json" if "json" in fields else "json_fields"][0]
            raise self.error(node, "HEAD responses have no body to check", hint="use method: GET")
        return HealthCheck(
            name=name,
            path=path,
            method=method,
            expect_status=int(status),
            expect_json=expect_json,
            expect_json_fields=json_fields,
            latency_budget_ms=float(self.number(fields, "latency_ms", 1000, low=0, strict_low=True)),
            retries=int(self.number(fields, "retries", 2, integer=True, low=0, high=_MAX_RETRIES)),
            backoff_s=float(self.number(fields, "backoff", 0.5, low=0, high=60)),
            timeout_s=float(self.number(fields, "timeout", 10, low=0, high=300, strict_low=True)),
            location=Location(self.rel, item.start_mark.line + 1, item.start_mark.column + 1),
        )

    def text(self, fields: dict[str, tuple[yaml.Node, Any]], key: str, default: str | None = None) -> str:
        if key not in fields and default is not None:
            return default
        node, value = fields[key]
        if not isinstance(value, str) or not value.strip():
            raise self.error(node, f"{key} must be a non-empty string, got {value!r}", hint=_KEYS[key])
        return value.strip()

    def number(
        self,
        fields: dict[str, tuple[yaml.Node, Any]],
        key: str,
        default: float,
        *,
        integer: bool = False,
        low: float | None = None,
        high: float | None = None,
        strict_low: bool = False,
    ) -> float:
        if key not in fields:
            return default
        node, value = fields[key]
        kinds: tuple[type, ...] = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise self.error(node, f"{key} must be {'an integer' if integer else 'a number'}, got {value!r}",
                             hint=_KEYS[key])
        too_low = low is not None and (value <= low if strict_low else value < low)
        if too_low or (high is not None and value > high) or value != value:  # value != value: NaN
            bound = f"{'>' if strict_low else '>='} {low:g}" if low is not None else ""
            if high is not None:
                bound += f"{' and ' if bound else ''}<= {high:g}"
            raise self.error(node, f"{key} must be {bound}, got {value!r}", hint=_KEYS[key])
        return float(value)

    def mapping(self, fields: dict[str, tuple[yaml.Node, Any]], key: str) -> dict[str, Any]:
        if key not in fields:
            return {}
        node, value = fields[key]
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise self.error(node, f"{key} must be a mapping of field names to values", hint=_KEYS[key])
        return dict(value)

    def strings(self, fields: dict[str, tuple[yaml.Node, Any]], key: str) -> tuple[str, ...]:
        if key not in fields:
            return ()
        node, value = fields[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(node, f"{key} must be a list of field names, got {value!r}", hint=_KEYS[key])
        return tuple(value)
