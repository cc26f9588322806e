"""A Worker whose ``main`` is a build output (OpenNext's ``.open-next/worker.js``, a bundler's ``dist/``):
until the project's own build runs there is nothing for ``wrangler dev`` to serve. Found at load time, with
the build command from package.json, so checks needing the bundle are skipped with that reason, and
``opsdocs verify --build`` runs the command first."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

_LOCKS = (("pnpm-lock.yaml", "pnpm"), ("yarn.lock", "yarn"), ("bun.lockb", "bun"), ("bun.lock", "bun"))


@dataclass(frozen=True)
class MissingBuild:
    main: str  # as written in the config
    command: tuple[str, ...] | None  # the build, as argv (None: no build script found)

    @property
    def reason(self) -> str:
        how = (f"build it first with `{' '.join(self.command)}` (or run `opsdocs verify --build`)"
               if self.command else "build it first (no build script found in package.json)")
        return f"main {self.main} is a build output that does not exist yet; {how}"


def missing_build(config_dir: Path, main: str | None, package: dict[str, Any], repo: Path) -> MissingBuild | None:
    if not main or (config_dir / main).exists():
        return None
    scripts = package.get("scripts") if isinstance(package.get("scripts"), dict) else {}
    return MissingBuild(main, _command({str(k): str(v) for k, v in (scripts or {}).items()}, config_dir, repo))


def _command(scripts: dict[str, str], config_dir: Path, repo: Path) -> tuple[str, ...] | None:
    manager = next((m for lock, m in _LOCKS for d in (config_dir, repo) if (d / lock).is_file()), "npm")
    # The script that only builds the Worker (not `deploy`/`preview`, which build and then do more).
    for name, text in scripts.items():
        if text.strip().startswith("opennextjs-cloudflare build") and "&&" not in text:
            return (manager, "run", name)
    if any("opennextjs-cloudflare" in text for text in scripts.values()):
        return ("npx", "opennextjs-cloudflare", "build")
    if "build" in scripts:
        return (manager, "run", "build")
    return None
