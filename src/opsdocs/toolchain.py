"""Which Node binary and which wrangler every wrangler call uses: one answer per project root.

- wrangler: ``$OPSDOCS_NODE_MODULES`` when set (the only place looked at: a pinned install outside both
  checkouts, or how a test shows what happens without one), else the first ``node_modules/wrangler`` in the
  project root or a parent (npm workspaces hoist it). Never another version: a project without one is one
  line with the install command of its own package manager (no fallback to the wrangler opsdocs pins).
- Node: ``.bin/node`` of that same ``node_modules`` (the ``node`` npm package: how a machine whose system
  Node is too old still runs a current wrangler), else ``node`` on ``PATH``.
- wrangler's own ``engines.node`` is checked against that Node's version: a mismatch is one
  EnvironmentProblem saying what to install, before anything runs (wrangler itself would only print a
  multi-line complaint and exit 1 on every call).

Callers run ``[node, wrangler_js, ...]`` (``argv``) or put ``shim_dir`` first on a step's ``PATH`` so that
``node``, ``wrangler``, ``npx wrangler`` and ``node_modules/.bin/wrangler`` all reach the same pair.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from opsdocs.errors import EnvironmentProblem
from opsdocs.noderange import parse_range, parse_version
from opsdocs.project._read import read_input

__all__ = ["NODE_MODULES_ENV", "Toolchain", "Wrangler", "cli_js", "find_wrangler", "install_wrangler_command", "resolve"]

NODE_MODULES_ENV = "OPSDOCS_NODE_MODULES"
_NODE_VERSION_TIMEOUT_S = 20.0


@dataclass(frozen=True)
class Toolchain:
    node: Path  # the Node binary
    node_version: str  # "22.23.3"
    node_modules: Path  # the node_modules holding wrangler (a sandbox links to it)
    wrangler_js: Path  # wrangler's bin entry (bin/wrangler.js)
    wrangler_version: str  # from its package.json
    wrangler_engines: str | None  # its engines.node, e.g. ">=22.12.0"

    def argv(self, *args: str) -> list[str]:
        """``wrangler ARGS`` run by this Node: wrangler's bundle itself, as ``bin/wrangler.js`` would spawn it
        (one Node start-up, not two: that launcher only checks the Node version, done in ``resolve``)."""
        cli = cli_js(self.wrangler_js)
        if cli is None:
            return [str(self.node), str(self.wrangler_js), *args]
        return [str(self.node), "--no-warnings", str(cli), *args]

    def shim_dir(self, directory: Path) -> Path:
        """Fill ``directory`` with ``node`` and ``wrangler`` links to this pair; put it first on PATH.

        ``wrangler.js`` and npm's ``npx`` start with ``#!/usr/bin/env node``: with this directory first, they
        run on this Node, and ``npx wrangler`` finds this wrangler in the ``node_modules`` linked beside it."""
        directory.mkdir(parents=True, exist_ok=True)
        for name, target in (("node", self.node), ("wrangler", self.wrangler_js)):
            link = directory / name
            if link.is_symlink() or link.exists():
                link.unlink()
            link.symlink_to(target)
        return directory

    def describe(self) -> str:
        return f"wrangler {self.wrangler_version} on Node {self.node_version} ({self.node})"


@dataclass(frozen=True)
class Wrangler:
    """The wrangler package a project root resolves to (no Node needed to know this)."""

    node_modules: Path
    package_json: Path
    js: Path
    version: str
    engines: str | None  # its engines.node


def cli_js(wrangler_js: Path) -> Path | None:
    """``wrangler-dist/cli.js``, what ``bin/wrangler.js`` spawns with ``node --no-warnings``; None when the
    package is laid out otherwise (then the launcher itself runs)."""
    cli = wrangler_js.parent.parent / "wrangler-dist" / "cli.js"
    return cli if wrangler_js.name == "wrangler.js" and cli.is_file() else None


def find_wrangler(root: Path) -> Wrangler:
    """The wrangler ``resolve`` would use for ``root``, read from its package.json."""
    node_modules, package = _find_wrangler(Path(root).resolve())
    data = _read_package(package)
    version = str(data.get("version") or "")
    if not version:
        raise EnvironmentProblem("cannot read the wrangler version: no \"version\"", path=package,
                                 hint="reinstall with `npm ci`")
    bin_field = data.get("bin")
    rel = bin_field.get("wrangler") if isinstance(bin_field, dict) else bin_field
    engines = data.get("engines")
    wanted = engines.get("node") if isinstance(engines, dict) else None
    return Wrangler(node_modules, package, (package.parent / str(rel or "bin/wrangler.js")).resolve(), version,
                    str(wanted) if isinstance(wanted, str) else None)


def resolve(root: Path, *, path: str | None = None) -> Toolchain:
    """The toolchain for the project at ``root``; ``path`` is the PATH searched for ``node`` (default:
    this process's). Raises EnvironmentProblem (one line, with what to install) when it cannot run."""
    w = find_wrangler(root)
    node = _find_node(w.node_modules, path)
    node_version = _node_version(str(node), node.stat().st_mtime_ns)
    _check_engines(w.engines, node, node_version, w.version, bundled=node.parent == w.node_modules / ".bin")
    return Toolchain(node, node_version, w.node_modules, w.js, w.version, w.engines)


def _find_wrangler(root: Path) -> tuple[Path, Path]:
    """The project's own wrangler: the first ``node_modules/wrangler`` at or above it, as node resolves it.
    Never another version (issue 9): with none installed, one line with the exact install command."""
    override = os.environ.get(NODE_MODULES_ENV)
    candidates = [Path(override)] if override else [base / "node_modules" for base in (root, *root.parents)]
    for node_modules in candidates:
        package = node_modules / "wrangler" / "package.json"
        if package.is_file():
            return node_modules.resolve(), package
    if override:
        raise EnvironmentProblem(f"wrangler is not installed in ${NODE_MODULES_ENV}", path=override,
                                 hint=f"run `npm ci` there, or unset {NODE_MODULES_ENV}")
    raise EnvironmentProblem("the project has no wrangler installed (no node_modules/wrangler here or above); "
                             "opsdocs runs the project's own wrangler, never another version",
                             path=root, hint=f"run `{install_wrangler_command(root)}` in it")


def install_wrangler_command(root: Path) -> str:
    """The exact command that installs the project's wrangler with its own package manager: its install
    when package.json declares wrangler, else the command that adds it."""
    from opsdocs.packagemanager import detect_package_manager

    pm = detect_package_manager(root)
    try:
        package = json.loads(read_input(root / "package.json", "package.json", what="package.json"))
    except (OSError, ValueError):
        package = {}
    declared = isinstance(package, dict) and any(
        isinstance(package.get(key), dict) and "wrangler" in package[key] for key in ("dependencies", "devDependencies"))
    return pm.install if declared else pm.add_wrangler


def _read_package(package: Path) -> dict[str, object]:
    try:
        data = json.loads(package.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EnvironmentProblem(f"cannot read the wrangler version: {exc}", path=package,
                                 hint="reinstall with `npm ci`") from None
    if not isinstance(data, dict):
        raise EnvironmentProblem("cannot read the wrangler version: not a JSON object", path=package,
                                 hint="reinstall with `npm ci`")
    return data


def _find_node(node_modules: Path, path: str | None) -> Path:
    bundled = node_modules / ".bin" / "node"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return bundled
    found = shutil.which("node", path=path if path is not None else os.environ.get("PATH"))
    if found is None:
        raise EnvironmentProblem("Node.js is not on PATH (wrangler runs on it)",
                                 hint="install Node 22 or newer, or add it to the project: "
                                      "`npm install --save-dev --save-exact node@22`")
    return Path(found)


@lru_cache(maxsize=16)
def _node_version(node: str, _mtime_ns: int) -> str:
    """``node --version`` without the ``v`` (memoised per binary and modification time)."""
    try:
        out = subprocess.run([node, "--version"], capture_output=True, text=True, check=True,
                             timeout=_NODE_VERSION_TIMEOUT_S, stdin=subprocess.DEVNULL).stdout
        return ".".join(map(str, parse_version(out.strip())))
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise EnvironmentProblem(f"cannot run `{node} --version`: {exc}", path=node,
                                 hint="reinstall Node (or `npm ci` when it comes from node_modules)") from None


def _check_engines(wanted: object, node: Path, node_version: str, wrangler_version: str, *,
                   bundled: bool) -> None:
    if not isinstance(wanted, str):
        return  # wrangler says nothing: nothing to hold it to
    try:
        ok = parse_range(wanted).contains(parse_version(node_version))
    except ValueError:
        return  # a range we cannot read: let wrangler judge for itself
    if ok:
        return
    fix = ("run `npm ci` (the node package in node_modules is outdated)" if bundled else
           f"install Node {wanted}, or pin one in the project: `npm install --save-dev --save-exact node@22`")
    raise EnvironmentProblem(f"wrangler {wrangler_version} needs Node {wanted}, but {node} is v{node_version}",
                             hint=fix)
