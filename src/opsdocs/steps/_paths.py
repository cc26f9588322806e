"""Where a runbook command may read and write: the sandbox copy, by relative path only.

The kernel sandbox is what enforces it; these rules are the classifier's reading of a command, so that a
refusal names the word that would leave the sandbox before anything runs.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import takewhile
from urllib.parse import urlsplit

__all__ = ["DEVICES", "Refusal", "is_config_file", "is_loopback", "reaching_above", "sandbox_path", "writable_path"]

DEVICES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})
Refusal = tuple[str, str]



_CONFIG_FILES = frozenset({".npmrc", ".yarnrc", ".yarnrc.yml", ".pnpmrc", ".curlrc", "_curlrc", ".netrc",
                           "_netrc", ".wgetrc", ".bashrc", ".profile", ".bash_profile", ".env", ".dev.vars",
                           "bunfig.toml", ".node-options", ".sqliterc"})

def is_config_file(path: str) -> bool:
    """A file a program reads on its own to change how it runs (``.npmrc``, ``.curlrc``, ``.env``...)."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name in _CONFIG_FILES or name.startswith((".env.", ".dev.vars."))


# How many folders above the project root the sandbox copy reaches: 0, or in a monorepo whose migrations
# live outside the Worker's folder the depth of that folder in the mirrored repository (apps/api: 2).
_ABOVE: ContextVar[int] = ContextVar("opsdocs_sandbox_above", default=0)


@contextmanager
def reaching_above(levels: int) -> Iterator[None]:
    """Within it, ``..`` may climb ``levels`` folders: the copy mirrors the repository that far up."""
    token = _ABOVE.set(levels)
    try:
        yield
    finally:
        _ABOVE.reset(token)


def sandbox_path(path: str, *, strict: bool = False) -> bool:
    """Relative, without ``~`` or variables, and with no ``..`` that climbs above the sandbox copy (none at
    all when ``strict``: a ``cd ..`` would move every later relative path, which is not followed)."""
    if not path or path.startswith(("/", "~")) or "$" in path:
        return False
    parts = path.split("/")
    if ".." not in parts:
        return True
    # Only a leading run of `..` (through the mirror's own folders); one after a name could climb out of
    # a symlink's target, which no text normalisation can see.
    ups = sum(1 for _ in takewhile(lambda part: part == "..", parts))
    return not strict and ".." not in parts[ups:] and ups <= _ABOVE.get()


def writable_path(path: str) -> bool:
    """A sandbox path a step may write: not into ``node_modules`` (the shared, read-only install that every
    later step and the broker's wrangler run: a planted file there would be code they execute)."""
    parts = [p for p in path.split("/") if p not in ("", ".")]
    return sandbox_path(path) and "node_modules" not in parts


def is_loopback(url: str) -> bool:
    host = urlsplit(url if "://" in url else f"http://{url}").hostname
    if host is None:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
