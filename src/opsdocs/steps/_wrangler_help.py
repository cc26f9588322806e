"""The pinned wrangler's command tree, read from its ``--help`` and cached per wrangler build.

``.opsdocs/cache/wrangler-help-<version>.json`` holds one entry per command, filled lazily; a new
wrangler version starts a new file. The same entries go to the user's cache too
(``~/.cache/opsdocs/wrangler-help/``, keyed by the wrangler bundle's path, size and mtime): a fresh
checkout or a copy of the project then runs no ``--help`` at all, where each costs a Node start-up and
wrangler's whole bundle. ``--help`` runs in its own process group with a timeout, with the compile cache
(``_compile_cache``) opsdocs fills.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from opsdocs import toolchain
from opsdocs._fs import project_cache_dir, user_cache_home
from opsdocs.errors import EnvironmentProblem
from opsdocs.steps import _proc
from opsdocs.steps._compile_cache import ENV as COMPILE_CACHE_ENV
from opsdocs.steps._compile_cache import build_key as _build_key
from opsdocs.steps._compile_cache import compile_cache
from opsdocs.steps._help_text import CommandSpec, FlagSpec, PositionalSpec, parse_help
from opsdocs.toolchain import NODE_MODULES_ENV  # noqa: F401 - re-exported for opsdocs.steps.sandbox

__all__ = ["CommandSpec", "FlagSpec", "PositionalSpec", "WranglerHelp"]

HELP_TIMEOUT_S = 30.0
_WORKERS = 4  # 2 cores; --help is mostly Node start-up, a few in parallel still pays


class WranglerHelp:
    """``command(path)`` answers from the cache or runs ``wrangler <path> --help`` once."""

    def __init__(self, wrangler: Sequence[str], version: str, cache_file: Path | None, *,
                 shared_file: Path | None = None, env: dict[str, str] | None = None) -> None:
        self.wrangler = list(wrangler)  # argv prefix: [node, --no-warnings, cli.js] from opsdocs.toolchain
        self.version = version
        self.cache_file = cache_file
        self.shared_file = shared_file  # the user's copy, for every checkout of the same wrangler build
        self._env = dict(env or {})  # added to --help's environment (the compile cache)
        self._lock = threading.Lock()
        self._specs: dict[tuple[str, ...], CommandSpec] = {}
        for file in (shared_file, cache_file):  # the project's own entries win
            if file is not None:
                self._load(file)

    @classmethod
    def for_version(cls, root: Path, *, cache_dir: Path | None = None, in_project: bool = True) -> WranglerHelp:
        """The wrangler (and Node) :func:`opsdocs.toolchain.resolve` picks for ``root``, cached in
        ``cache_dir`` (default ``root/.opsdocs/cache``, unless ``in_project`` is False: that folder is
        committed, so only the user's copy is used)."""
        root = Path(root).resolve()
        tools = toolchain.resolve(root)
        name = f"wrangler-help-{tools.wrangler_version}.json"
        if cache_dir is not None:  # a cache of the caller's own, nothing shared (tests that want real --help)
            return cls(tools.argv(), tools.wrangler_version, Path(cache_dir) / name)
        folder = compile_cache(tools)
        project_file = project_cache_dir(root) / name if in_project else None
        return cls(tools.argv(), tools.wrangler_version, project_file,
                   shared_file=user_cache_home() / "wrangler-help" / f"{_build_key(tools)}.json",
                   env={COMPILE_CACHE_ENV: str(folder)} if folder is not None else None)

    def command(self, path: tuple[str, ...]) -> CommandSpec | None:
        """The spec of ``wrangler <path>``, or None when wrangler has no such command."""
        path = tuple(path)
        with self._lock:
            if path in self._specs:
                return self._specs[path]
        if path:
            parent = self.command(path[:-1])
            if parent is None or path[-1] not in parent.subcommands:
                return None
        self._fill([path])
        return self._specs[path]

    def prefetch(self, paths: Iterable[tuple[str, ...]]) -> None:
        """Fill the cache for many commands, running the missing ``--help`` calls concurrently."""
        wanted = {tuple(p) for p in paths}
        depth = 0
        while True:
            level = {p[:depth] for p in wanted if len(p) >= depth}
            if not level:
                return
            known = []
            for p in level:
                parent = self._specs.get(p[:-1]) if p else None
                if not p or (parent is not None and p[-1] in parent.subcommands):
                    known.append(p)
            self._fill([p for p in known if p not in self._specs])
            depth += 1

    # -- running wrangler, the cache file ---------------------------------------------------------

    def _fill(self, paths: list[tuple[str, ...]]) -> None:
        if not paths:
            return
        with ThreadPoolExecutor(max_workers=min(_WORKERS, len(paths))) as pool:
            specs = list(pool.map(self._run_help, paths))
        with self._lock:
            for spec in specs:
                self._specs[spec.path] = spec
            for file in (self.cache_file, self.shared_file):
                if file is not None:
                    self._save(file)

    def _run_help(self, path: tuple[str, ...]) -> CommandSpec:
        # No credential: --help needs none, and wrangler must not see a token it could send anywhere.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CLOUDFLARE_", "CF_", "NODE_OPTIONS"))}
        env.update({"WRANGLER_SEND_METRICS": "false", "CLOUDFLARE_CF_FETCH_ENABLED": "false", "CI": "true",
                    "NO_COLOR": "1", "FORCE_COLOR": "0", "WRANGLER_NO_UPDATE_CHECK": "true", **self._env})
        command = " ".join(["wrangler", *path, "--help"])
        try:
            with tempfile.TemporaryDirectory(prefix="opsdocs-help-") as cwd:  # no wrangler.jsonc to read
                result = _proc.run([*self.wrangler, *path, "--help"], cwd=cwd, env=env,
                                   timeout_s=HELP_TIMEOUT_S)
        except OSError as exc:
            raise EnvironmentProblem(f"cannot run `{command}`: {exc.strerror or exc}", path=self.wrangler[-1],
                                     hint="install wrangler with `npm ci`") from None
        if result.timed_out or result.exit_code != 0:
            why = "timed out" if result.timed_out else f"exited {result.exit_code}"
            raise EnvironmentProblem(f"`{command}` {why}: {result.output.strip()[-300:]}",
                                     path=self.wrangler[-1], hint="reinstall wrangler with `npm ci`")
        return parse_help(path, _proc.strip_ansi(result.output))

    def _load(self, file: Path) -> None:
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
            commands = data["commands"] if data.get("version") == self.version else {}
            specs = {}
            for key, entry in commands.items():
                path = tuple(key.split()) if key else ()
                specs[path] = CommandSpec.from_json(path, entry)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return  # a missing or damaged cache is rebuilt from --help: none of it is used
        self._specs.update(specs)

    def _save(self, file: Path) -> None:
        """Merge with what another process may have written, then replace the file atomically."""
        merged: dict[str, object] = {}
        try:
            old = json.loads(file.read_text(encoding="utf-8"))
            if old.get("version") == self.version:
                merged.update(old["commands"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        merged.update({" ".join(p): s.to_json() for p, s in self._specs.items()})
        payload = json.dumps({"version": self.version, "commands": merged}, sort_keys=True, separators=(",", ":"))
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".wrangler-help-")
        except OSError:
            return  # a read-only checkout still works, only slower
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
            os.replace(tmp, file)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
