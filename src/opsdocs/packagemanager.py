"""Which package manager a project uses, from its lockfile: the commands to install its dependencies.

A project's wrangler is the one its own package manager installed; opsdocs never installs one for it.
The lockfile decides (it is what CI installs from); ``packageManager`` in package.json breaks a tie or
stands in when there is no lockfile yet; npm is the default, as for wrangler's own docs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from opsdocs.project._read import read_input

__all__ = ["PackageManager", "detect_package_manager"]


@dataclass(frozen=True)
class PackageManager:
    name: str  # npm, pnpm, yarn, bun
    lockfile: str | None  # the file it was detected from (relative to the project), None: defaulted
    install: str  # install exactly what the lockfile says (CI)
    add_wrangler: str  # add wrangler to a project that has none
    exec_wrangler: str  # run the project's own wrangler


_LOCKFILES = (  # first match wins
    ("pnpm-lock.yaml", "pnpm"),
    ("bun.lock", "bun"),
    ("bun.lockb", "bun"),
    ("yarn.lock", "yarn"),
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
)


def _make(name: str, lockfile: str | None, *, yarn_berry: bool = False) -> PackageManager:
    if name == "pnpm":
        return PackageManager(name, lockfile, "pnpm install --frozen-lockfile", "pnpm add -D wrangler",
                              "pnpm exec wrangler")
    if name == "yarn":
        install = "yarn install --immutable" if yarn_berry else "yarn install --frozen-lockfile"
        return PackageManager(name, lockfile, install, "yarn add -D wrangler", "yarn wrangler")
    if name == "bun":
        return PackageManager(name, lockfile, "bun install --frozen-lockfile", "bun add -d wrangler",
                              "bunx wrangler")
    return PackageManager("npm", lockfile, "npm ci" if lockfile else "npm install",
                          "npm install --save-dev wrangler", "npx wrangler")


def _declared(root: Path) -> str | None:
    """``"packageManager": "pnpm@9.1.0"`` in package.json (corepack's field), when readable."""
    try:
        data = json.loads(read_input(root / "package.json", "package.json", what="package.json"))
    except (OSError, ValueError):
        return None
    value = data.get("packageManager") if isinstance(data, dict) else None
    if isinstance(value, str):
        name = value.split("@", 1)[0].strip()
        if name in ("npm", "pnpm", "yarn", "bun"):
            return name
    return None


def _yarn_berry(root: Path) -> bool:
    try:
        head = read_input(root / "yarn.lock", "yarn.lock", what="yarn.lock")[:2000]
    except OSError:
        return False
    return "__metadata:" in head  # Yarn 2+ lockfiles carry it; Yarn 1's never does


def detect_package_manager(root: Path) -> PackageManager:
    declared = _declared(root)
    found = [(lock, name) for lock, name in _LOCKFILES if (root / lock).is_file()]
    pick = next(((lock, name) for lock, name in found if name == declared), found[0] if found else None)
    if pick is None:
        return _make(declared or "npm", None, yarn_berry=declared == "yarn")
    lock, name = pick
    return _make(name, lock, yarn_berry=name == "yarn" and _yarn_berry(root))
