"""Per-secret prose that config cannot give (purpose, permissions, rotation), from ``checks/secrets.yml``."""

from __future__ import annotations

from pathlib import Path

from opsdocs.errors import ConfigError
from opsdocs.project._yaml import LineDict, line_of, load_yaml
from opsdocs.project.model import Location, SecretDoc

_REQUIRED = ("purpose", "permissions", "where", "rotation")
_KNOWN = {*_REQUIRED, "how_to_get"}


def load_secret_docs(path: Path, rel: str) -> dict[str, SecretDoc]:
    """Secret name -> its documentation; a missing file means nothing is documented yet."""
    from opsdocs.project._read import read_input

    try:
        text = read_input(path, rel, limit=1 << 20, what="secrets file")
    except FileNotFoundError:
        return {}
    data = load_yaml(text, rel)
    if data is None:
        return {}
    if not isinstance(data, LineDict):
        raise ConfigError("must be a mapping of secret names to their documentation", path=rel, line=1,
                          hint="write `CLOUDFLARE_API_TOKEN:` then `purpose:`, `permissions:`, `where:`, `rotation:`")
    out: dict[str, SecretDoc] = {}
    for name, entry in data.items():
        line = line_of(data, name)
        if not isinstance(entry, LineDict):
            raise ConfigError(f"secret '{name}' must be a mapping", path=rel, line=line,
                              hint=f"give it the keys {', '.join(_REQUIRED)}")
        for key in _REQUIRED:
            if not entry.get(key):
                raise ConfigError(f"secret '{name}' is missing '{key}'", path=rel, line=line,
                                  hint=f"add `{key}:` under {name}")
        unknown = sorted(set(entry) - _KNOWN)
        if unknown:
            raise ConfigError(f"secret '{name}' has unknown key '{unknown[0]}'", path=rel,
                              line=line_of(entry, unknown[0], line), hint=f"use only: {', '.join(sorted(_KNOWN))}")
        perms = entry["permissions"]
        if isinstance(perms, str):
            perms = [perms]
        if not isinstance(perms, list) or not all(isinstance(p, str) for p in perms):
            raise ConfigError(f"secret '{name}': 'permissions' must be a list of strings", path=rel,
                              line=line_of(entry, "permissions", line), hint="write one permission per `- ` line")
        for key in ("purpose", "where", "rotation", "how_to_get"):
            if key in entry and not isinstance(entry[key], str):
                raise ConfigError(f"secret '{name}': '{key}' must be text", path=rel,
                                  line=line_of(entry, key, line), hint="write it as a sentence")
        out[str(name)] = SecretDoc(
            name=str(name), purpose=entry["purpose"].strip(), permissions=tuple(perms),
            where=entry["where"].strip(), rotation=entry["rotation"].strip(),
            how_to_get=str(entry.get("how_to_get") or "").strip(), location=Location(rel, line),
        )
    return out
