"""A throw-away copy of the project where runbook steps run for real, offline.

The sandbox holds copies of what wrangler reads (the config, the Worker's source, every migrations
directory, package.json) and a symlink to the ``node_modules`` :mod:`opsdocs.toolchain` picked (its ``node``
and ``wrangler`` are linked into the shims directory, first on a step's PATH); wrangler's local state (``.wrangler/state``)
is created inside it, so a rehearsal never touches the real checkout. HOME points inside the sandbox
too: wrangler cannot find a real ``wrangler login`` there, so without a token every remote command fails
before it reaches Cloudflare. The directory is removed on exit, also when a step raised.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from opsdocs import toolchain
from opsdocs.project.load import CHECKOUT_ROOT
from opsdocs.project.model import Project
from opsdocs.steps import _isolation
from opsdocs.steps._compile_cache import ENV as COMPILE_CACHE_ENV, compile_cache
from opsdocs.steps._copy import copy_base, copy_into
from opsdocs.steps._expanded import argv_is_remote, argv_refusal
from opsdocs.steps._broker import Broker, program_table, write_broker_shims
from opsdocs.steps._shims import RUNNERS, write_shims
from opsdocs.steps._proc import ProcResult, add_cleanup, remove_cleanup, run
from opsdocs.steps.masking import Masker
# $OPSDOCS_NODE_MODULES: use this node_modules (with wrangler) and no other (see opsdocs.toolchain).
from opsdocs.toolchain import NODE_MODULES_ENV, Toolchain

__all__ = ["Sandbox", "NODE_MODULES_ENV", "PASS_ENV", "copied_paths"]


# Only these reach a step from the caller's environment: a step must not depend on (or leak) the rest.
# (PATH is rebuilt, never taken: a `PATH=.` or a planted binary earlier on it must not pick the program.)
PASS_ENV = ("LANG", "LC_ALL", "LC_CTYPE", "TZ", "SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS")
_SYSTEM_PATH = "/usr/local/bin:/usr/bin:/bin"
_QUIET_ENV = {
    "CI": "true",  # wrangler takes the default answer instead of prompting
    "WRANGLER_SEND_METRICS": "false",
    "CLOUDFLARE_CF_FETCH_ENABLED": "false",
    "NO_COLOR": "1",
    "FORCE_COLOR": "0",
    "npm_config_offline": "true",  # `npx wrangler` must run the installed one, never fetch a package
    "npm_config_update_notifier": "false",
    "npm_config_fund": "false",
    "NO_UPDATE_NOTIFIER": "1",
    "WRANGLER_NO_UPDATE_CHECK": "true",  # wrangler's update check must not reach the network
    "CURL_HOME": os.devnull,  # curl reads no .curlrc (curl is also called with -q first)
}
_EXTRA_FILES = ("package.json", "package-lock.json", "tsconfig.json", ".dev.vars.example")


class _Own:
    """A path in the sandbox's own folder (beside the copy): ``sandbox.<attribute>`` is ``_top / name``."""

    def __init__(self, name: str, doc: str) -> None:
        self.name, self.__doc__ = name, doc

    def __get__(self, sandbox: Sandbox, owner: type | None = None) -> Path:
        return sandbox._top / self.name


class Sandbox:
    """A temp copy of the project; use as a context manager, then ``run()`` step text inside it."""

    def __init__(self, project: Project, *, tools: Toolchain | None = None, keep: bool = False) -> None:
        self.project = project
        self._tools = tools
        self._keep = keep  # for debugging a drill: leave the directory behind
        self._tmp: Path | None = None
        # A monorepo's migrations_dir may leave the project (../../packages/db/drizzle): the copy then
        # mirrors the repository from its root down, so that relative path means the same in the sandbox.
        self._base = copy_base(project)
        self._base_rel = project.root.resolve().relative_to(self._base)
        self._modules: Path | None = None
        self._compile_cache: Path | None = None  # wrangler's compiled bundles, read-only here (_compile_cache)

    # --- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> Sandbox:
        if self._tools is None:  # EnvironmentProblem (one line) when Node or wrangler will not do
            self._tools = toolchain.resolve(self.project.root)
        self._modules = self._tools.node_modules
        # Only under the kernel sandbox, which makes the folder read-only: a step must never write V8 code.
        if _isolation.status().available:
            self._compile_cache = compile_cache(self._tools)
        self._tmp = Path(tempfile.mkdtemp(prefix="opsdocs-sandbox-"))
        add_cleanup(self.close)  # a SIGTERM ends the process without unwinding this `with`
        try:
            self._populate(self._tools)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        remove_cleanup(self.close)
        if self._tmp is not None and not self._keep:
            shutil.rmtree(self._tmp, ignore_errors=True)
        self._tmp = None

    # --- paths -----------------------------------------------------------------------------------

    @property
    def root(self) -> Path:
        """The copy of the project root: steps run here."""
        return self._top / "project" / self._base_rel

    @property
    def folder(self) -> Path:
        """The sandbox's own folder (the copy, HOME, the shims): output that names it names this sandbox."""
        return self._top

    home = _Own("home", "HOME of every step: wrangler's config and logs land here, never in the user's")

    @property
    def _top(self) -> Path:
        """The sandbox's own folder: the copy, home, shims and the broker's socket are all in it."""
        return _entered(self._tmp)

    @property
    def state_dir(self) -> Path:
        """Where wrangler keeps local D1 and cache state (its default, beside the copied config)."""
        return self.root / Path(self.project.wrangler.relpath).parent / ".wrangler" / "state"

    shims = _Own("shims", "``npx``/``pnpm``/``yarn``/``bunx`` stand-ins that run only this sandbox's wrangler")

    @property
    def toolchain(self) -> Toolchain:
        """The Node and wrangler every step and server in this sandbox runs (``toolchain.argv(...)``)."""
        return _entered(self._tools)

    # --- running ---------------------------------------------------------------------------------

    broker_shims = _Own("broker-shims", "a remote-read block's ``wrangler``/``curl``/``opsdocs``: broker clients")
    broker_socket = _Own("broker.sock", "where the credential broker listens while a remote-read block runs")

    def env(self, *, remote: bool = False) -> dict[str, str]:
        """The environment of a step. Never a credential: in a remote-read block (``remote=True``) only the
        wrangler the credential broker starts gets the token (``_broker``); the block gets the broker's shims."""
        env = {k: os.environ[k] for k in PASS_ENV if k in os.environ}
        bin_dir = str(self.root / "node_modules" / ".bin")
        # The running Python's bin dir too: a page's `opsdocs health` is this opsdocs, venv activated or not.
        py_bin = str(Path(sys.executable).parent)
        first = (str(self.broker_shims),) if remote else ()
        env["PATH"] = os.pathsep.join((*first, str(self.shims), bin_dir, py_bin, *_node_dirs(), _SYSTEM_PATH))
        # No user or global npmrc (node-options, script-shell...): files that do not exist, in a read-only dir.
        env["npm_config_userconfig"] = str(self.shims / "no-user-npmrc")
        env["npm_config_globalconfig"] = str(self.shims / "no-global-npmrc")
        env.update(_QUIET_ENV)
        env["HOME"] = str(self.home)
        if self._compile_cache is not None:
            env[COMPILE_CACHE_ENV] = str(self._compile_cache)
        env["XDG_CONFIG_HOME"] = str(self.home / ".config")
        env["npm_config_cache"] = str(self.home / ".npm")
        # wrangler leaves files in the temp dir (update-check/): keep them in the sandbox, deleted with it.
        env["TMPDIR"] = str(self.home / "tmp")
        if remote and os.environ.get("OPSDOCS_BASE_URL"):  # the deployed Worker the health steps check
            env["OPSDOCS_BASE_URL"] = os.environ["OPSDOCS_BASE_URL"]
        return env

    def run(self, command: str, timeout_s: float, *, remote: bool = False,
            masker: Masker | None = None) -> ProcResult:
        """Run a step's text with ``bash -eo pipefail`` in the sandbox root; output merged, ANSI-free.

        Under the kernel sandbox (``_isolation``): always offline, only the sandbox writable. A remote-read
        step (``remote``) reaches Cloudflare only through the broker, whose output ``masker`` masks."""
        argv = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command]
        if not remote:
            return run(self.isolate(argv), cwd=self.root, env=self.env(), timeout_s=timeout_s)
        with self._broker(masker or Masker.from_env(self.project), timeout_s):
            return run(self.isolate(argv), cwd=self.root, env=self.env(remote=True), timeout_s=timeout_s)

    def _broker(self, masker: Masker, timeout_s: float) -> Broker:
        programs = program_table(self.toolchain.argv())
        return Broker(self.broker_socket, root=self._top, masker=masker, timeout_s=timeout_s,
                      refusal=lambda argv: argv_refusal("remote-read", argv, self.project), programs=programs,
                      remote=lambda argv: argv_is_remote(argv, self.project),
                      env=self.env(), isolate=self.isolate)

    def isolate(self, argv: Sequence[str], *, offline: bool = True, cwd: Path | None = None) -> list[str]:
        """``argv`` wrapped in the kernel sandbox: this copy writable, the checkouts hidden, the rest read-only."""
        assert self._tmp is not None, "Sandbox used outside its `with` block"
        keep = [self._modules] if self._modules is not None else []
        keep += [self.shims, self.broker_shims]  # bound read-only over the writable sandbox: a step cannot replace them
        keep += [self._compile_cache] if self._compile_cache is not None else []
        checkouts = (self.project.root, self._base, CHECKOUT_ROOT)
        hide = [p for p in checkouts if not _contains(p, self._tmp)]
        return _isolation.wrap(argv, cwd=cwd or self.root, writable=[self._tmp], offline=offline, keep=keep,
                               hide=hide)

    # --- shared states (verify/_share.py) ---------------------------------------------------------

    _STATE = ("project", "home")  # what steps can change: the copy and HOME (never the shims)

    # wrangler's debug logs: written on every call, never read back by anything a step runs
    _WRITE_ONLY = (Path("home/.config/.wrangler/logs"),)

    def save_state(self, dest: Path) -> None:
        """Copy what the steps so far left (the project copy, HOME) to ``dest``; links stay links.

        ValueError when a file or link there names this sandbox's own folder (``pwd > f``, ``ln -s
        "$PWD/x"``): every sandbox has its own path, so in another one that state would point elsewhere."""
        for name in self._STATE:
            shutil.copytree(self._top / name, dest / name, symlinks=True)
        where = _mentions(dest, str(self._top).encode(), skip=self._WRITE_ONLY)
        if where is not None:
            raise ValueError(f"{where} names the sandbox's own path")

    def load_state(self, src: Path) -> None:
        """Replace this sandbox's copy and HOME with a state :meth:`save_state` wrote."""
        for name in self._STATE:
            shutil.rmtree(self._top / name)
            shutil.copytree(src / name, self._top / name, symlinks=True)

    # --- copying ---------------------------------------------------------------------------------

    def _populate(self, tools: Toolchain) -> None:
        self.root.mkdir(parents=True)
        (self.home / "tmp").mkdir(parents=True)
        for path in copied_paths(self.project):
            self._copy(path)
        (self.root / "node_modules").symlink_to(tools.node_modules, target_is_directory=True)
        write_shims(self.shims, tools.wrangler_js)
        write_broker_shims(self.broker_shims, self.broker_socket, RUNNERS)
        tools.shim_dir(self.shims)  # `node` and `wrangler` themselves: the toolchain's pair

    def _copy(self, path: Path) -> None:
        copy_into(path, self._base, self._top / "project")


_T = TypeVar("_T")


def _entered(value: _T | None) -> _T:
    """What ``__enter__`` set up; using a Sandbox outside its ``with`` block is a bug in the caller."""
    if value is None:
        raise RuntimeError("Sandbox used outside its `with` block")
    return value


def _contains(parent: Path, child: Path) -> bool:
    return Path(child).resolve().is_relative_to(Path(parent).resolve())


def _node_dirs() -> list[str]:
    """Where ``node`` is found on the caller's PATH (the system Node), never the rest of that PATH."""
    node = shutil.which("node") or shutil.which("nodejs")
    return [str(Path(node).parent)] if node else []


def _mentions(folder: Path, needle: bytes, *, skip: tuple[Path, ...] = ()) -> Path | None:
    """The first file under ``folder`` whose bytes or link target contain ``needle`` (relative), else None."""
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if (here / d).relative_to(folder) not in skip]
        for name in filenames:
            path = here / name
            try:
                if path.is_symlink():
                    found = needle in os.fsencode(os.readlink(path))
                else:
                    found = path.is_file() and needle in path.read_bytes()
            except OSError:
                continue
            if found:
                return path.relative_to(folder)
    return None


def copied_paths(project: Project) -> list[Path]:
    """What a sandbox copies of the project (each a file or folder; some may not exist): its config, the
    checks/ folder (a page's `opsdocs health` reads checks/health.yml), package files, every migrations
    folder (a monorepo's may lie outside the project), each environment's Worker sources and the assets
    folder; for a Pages project its output folder and ``functions/``. The rehearsal cache hashes the same
    list (verify/_cache.py), so nothing a step can see is left out of its key."""
    config = project.wrangler.path
    config_dir = config.parent
    wanted: set[Path] = {config, project.checks_dir}
    wanted |= {project.root / name for name in _EXTRA_FILES}
    wanted |= {config_dir / name for name in _EXTRA_FILES}
    for db in project.databases:
        wanted.add(config_dir / db.migrations_dir)
    for env in project.wrangler.environments:
        if env.main:
            wanted.add(_source_tree(config_dir, env.main))
    assets = project.wrangler.raw.get("assets")
    if isinstance(assets, dict) and isinstance(assets.get("directory"), str):
        wanted.add(config_dir / assets["directory"])
    pages_out, functions = project.wrangler.pages_output_dir, project.wrangler.pages_functions
    if pages_out is not None and functions is not None:  # a Pages project: its site and its Functions
        wanted |= {config_dir / pages_out, functions}
    return sorted(wanted)


def _source_tree(config_dir: Path, main: str) -> Path:
    """The Worker's entry file's top directory (``worker/`` for ``worker/index.js``), or the file itself."""
    rel = Path(main)
    parts = [p for p in rel.parts if p not in (".",)]
    if len(parts) > 1 and parts[0] != "..":
        return config_dir / parts[0]
    return config_dir / rel
