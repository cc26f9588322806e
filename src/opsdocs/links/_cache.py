"""A JSON file of external link results, so a re-run within ``max_age`` does not hit the network again.

Only definite answers (ok, broken) are stored: a rate-limited (skipped) URL is asked again next time.
A missing, unreadable or corrupt cache is an empty one; it is a speed-up, never a source of errors.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from opsdocs._fs import atomic_write_text

_VERSION = 1


def load(path: Path | None, max_age_s: float, *, now: float | None = None) -> dict[str, dict[str, Any]]:
    """Fresh entries by URL: ``{"status", "code", "message", "checked_at"}``."""
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    if (
        not isinstance(data, dict)
        or data.get("version") != _VERSION
        or not isinstance(data.get("urls"), dict)
    ):
        return {}
    now = time.time() if now is None else now
    fresh: dict[str, dict[str, Any]] = {}
    for url, entry in data["urls"].items():
        if (
            isinstance(entry, dict)
            and entry.get("status") in ("ok", "broken")
            and isinstance(entry.get("checked_at"), (int, float))
            and 0 <= now - entry["checked_at"] <= max_age_s
        ):
            fresh[url] = entry
    return fresh


def save(path: Path | None, entries: dict[str, dict[str, Any]]) -> None:
    """Write atomically (a crash mid-write leaves the old file), keeping only ok/broken entries."""
    if path is None:
        return
    keep = {url: e for url, e in entries.items() if e.get("status") in ("ok", "broken")}
    atomic_write_text(path, json.dumps({"version": _VERSION, "urls": keep}, indent=1, sort_keys=True))
