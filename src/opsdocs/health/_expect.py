"""What a health check expects of an answer: status, JSON fields, latency; and a short body excerpt."""

from __future__ import annotations

import json
from typing import Any

from opsdocs.health._attempt import BODY_LIMIT, Attempt
from opsdocs.project.model import HealthCheck

_EXCERPT = 200
_MISSING = object()


def problems(check: HealthCheck, got: Attempt) -> list[str]:
    if got.error is not None:
        return [got.error]
    problems: list[str] = []
    if got.status != check.expect_status:
        problems.append(f"expected status {check.expect_status}, got {got.status}")
    elif check.expect_json or check.expect_json_fields:
        problems.extend(_json_problems(check, got))
    if got.latency_ms > check.latency_budget_ms:
        problems.append(f"took {got.latency_ms:.0f} ms, over the {check.latency_budget_ms:g} ms budget")
    return problems


def _json_problems(check: HealthCheck, got: Attempt) -> list[str]:
    if got.truncated:
        return [f"expected a JSON body, got more than {BODY_LIMIT} bytes"]
    try:
        data = json.loads(got.body)
    except (ValueError, RecursionError) as exc:
        return [f"expected a JSON body, got invalid JSON ({exc})"]
    problems: list[str] = []
    for field in check.expect_json_fields:
        if _lookup(data, field) is _MISSING:
            problems.append(f"expected JSON field {field!r}, it is missing")
    for field, want in check.expect_json.items():
        have = _lookup(data, field)
        if have is _MISSING:
            problems.append(f"expected JSON field {field!r} = {want!r}, it is missing")
        elif not _same(have, want):
            problems.append(f"expected JSON field {field!r} = {want!r}, got {have!r}")
    return problems


def _lookup(data: Any, field: str) -> Any:
    """``field`` as a key, else as a dotted path (``a.b``, ``items.0``)."""
    if isinstance(data, dict) and field in data:
        return data[field]
    for part in field.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return _MISSING
    return data


def _same(have: Any, want: Any) -> bool:
    """Exact JSON equality: unlike ``==``, ``true`` is not ``1``."""
    if isinstance(have, bool) or isinstance(want, bool):
        return type(have) is type(want) and have == want
    if isinstance(have, dict) and isinstance(want, dict):
        return have.keys() == want.keys() and all(_same(have[k], want[k]) for k in have)
    if isinstance(have, list) and isinstance(want, list):
        return len(have) == len(want) and all(_same(a, b) for a, b in zip(have, want, strict=True))
    return bool(have == want)


def excerpt(body: bytes, truncated: bool) -> str:
    text = " ".join(body[: _EXCERPT * 4].decode("utf-8", "replace").split())
    if not text:
        return "(empty)"
    if len(text) > _EXCERPT or truncated:
        return repr(text[:_EXCERPT]) + "..."
    return repr(text)
