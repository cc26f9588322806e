"""Where a runbook command may read and write: the sandbox copy, by relative path only.

The kernel sandbox is what enforces it; these rules are the classifier's reading of a command, so that a
refusal names the word that would leave the sandbox before anything runs.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

__all__ = ["DEVICES", "Refusal", "is_config_file", "is_loopback", "sandbox_path", "writable_path"]

DEVICES = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr"})
Refusal = tuple[str, str]



_CONFIG_FILES = frozenset({".npmrc", ".yarnrc", ".yarnrc.yml", ".pnpmrc", ".curlrc", "_curlrc", ".netrc",
                           "_netrc", ".wgetrc", ".bashrc", ".profile", ".bash_profile", ".env", ".dev.vars",
                           "bunfig.toml", ".node-options", ".sqliterc"})

def is_config_file(path: str) -> bool:
    """A file a program reads on its own to change how it runs (``.npmrc``, ``.curlrc``, ``.env``...)."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return name in _CONFIG_FILES or name.startswith((".env.", ".dev.vars."))


def sandbox_path(path: str) -> bool:
    """Relative, without ``..``, ``~`` or variables: it cannot leave the sandbox copy."""
    return bool(path) and not path.startswith(("/", "~")) and "$" not in path and ".." not in path.split("/")


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
