"""A tiny JSON Schema validator for the subset ``schema.json`` uses (no dependency for one file).

It refuses keywords it does not know, so the schema cannot silently grow past what is enforced.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

_ANNOTATIONS = {"$schema", "$id", "title", "description"}
_KEYWORDS = {"type", "enum", "required", "properties", "additionalProperties", "items", "minimum", "format"}
_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


@cache
def report_schema() -> dict[str, Any]:
    """The report's JSON Schema, shipped beside this module."""
    text = resources.files("opsdocs.report").joinpath("schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def validate(instance: Any, schema: dict[str, Any], pointer: str = "") -> list[str]:
    """Every violation as ``"/json/pointer: what is wrong"``; an empty list when valid."""
    unknown = set(schema) - _KEYWORDS - _ANNOTATIONS
    if unknown:
        raise ValueError(f"schema keyword(s) not supported: {sorted(unknown)}")
    where = pointer or "/"
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_is_type(instance, name) for name in names):
            return [f"{where}: expected {' or '.join(names)}, got {_json_type(instance)}"]
    errors: list[str] = []
    if "enum" in schema and instance not in schema["enum"]:
        errors.append(f"{where}: {instance!r} is not one of {schema['enum']}")
    if "minimum" in schema and _is_type(instance, "number") and instance < schema["minimum"]:
        errors.append(f"{where}: {instance} is less than {schema['minimum']}")
    if schema.get("format") == "date-time" and isinstance(instance, str) and not _is_datetime(instance):
        errors.append(f"{where}: {instance!r} is not an ISO 8601 date-time with a time zone")
    if isinstance(instance, dict):
        errors += _validate_object(instance, schema, pointer)
    if isinstance(instance, list) and "items" in schema:
        for i, item in enumerate(instance):
            errors += validate(item, schema["items"], f"{pointer}/{i}")
    return errors


def _validate_object(instance: dict[str, Any], schema: dict[str, Any], pointer: str) -> list[str]:
    errors = [
        f"{pointer or '/'}: missing {key!r}" for key in schema.get("required", []) if key not in instance
    ]
    props: dict[str, Any] = schema.get("properties", {})
    for key, value in instance.items():
        if key in props:
            errors += validate(value, props[key], f"{pointer}/{key}")
        elif schema.get("additionalProperties", True) is False:
            errors.append(f"{pointer or '/'}: unexpected key {key!r}")
    return errors


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool):  # bool is an int in Python, never in JSON
        return name == "boolean"
    if name == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES[name])


def _json_type(value: Any) -> str:
    for name in ("boolean", "null", "integer", "number", "string", "array", "object"):
        if _is_type(value, name):
            return name
    return type(value).__name__


def _is_datetime(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False
