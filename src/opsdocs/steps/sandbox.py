"""A throw-away copy of the project where runbook steps run for real, offline.

The sandbox holds copies of what wrangler reads (the config, the Worker's source, every migrations
directory, package.json) and a symlink to ``node_modules``; wrangler's local state (``.wrangler/state``)
is created inside it, so a rehearsal never touches the real checkout. HOME points inside the sandbox
too: wrangler cannot find a real ``wrangler login`` there, so without a token every remote command fails
before it reaches Cloudflare. The directory is removed on exit, also when a step raised.
"""

from __future__ import annotations

import os
import sys
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from opsdocs.errors import EnvironmentProblem
from opsdocs.project.load import CHECKOUT_ROOT
from opsdocs.project.model import Project
# $OPSDOCS_NODE_MODULES: use this node_modules (with wrangler) and no other, e.g. a pinned install outside
# both checkouts; also how a test shows what happens when no wrangler can be found.
from opsdocs.steps._wrangler_help import NODE_MODULES_ENV
from opsdocs.steps._proc import ProcResult, add_cleanup, remove_cleanup, run
from opsdocs.steps.masking import CREDENTIAL_ENV

__all__ = ["Sandbox", "find_node_modules", "NODE_MODULES_ENV", "PASS_ENV"]


# Only these reach a step from the caller's environment: a step must not depend on (or leak) the rest.
PASS_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS")
_QUIET_ENV = {
    "CI": "true",  # wrangler takes the default answer instead of prompting
    "WRANGLER_SEND_METRICS": "false",
    "CLOUDFLARE_CF_FETCH_ENABLED": "false",
    "NO_COLOR": "1",
    "FORCE_COLOR": "0",
    "npm_config_offline": "true",  # `npx wrangler` must run the installed one, never fetch a package
    "npm_config_update_notifier": "false",
    "npm_config_fund": "false",
}
_EXTRA_FILES = ("package.json", "package-lock.json", "tsconfig.json", ".dev.vars.example")


def find_node_modules(project: Project) -> Path:
    """``$OPSDOCS_NODE_MODULES`` when set (the only place looked at), else the project's ``node_modules``
    with wrangler in it, else the opsdocs checkout's."""
    override = os.environ.get(NODE_MODULES_ENV)
    if override:
        if (Path(override) / ".bin" / "wrangler").exists():
            return Path(override)
        raise EnvironmentProblem(f"wrangler is not installed in ${NODE_MODULES_ENV} (no .bin/wrangler)",
                                 path=override, hint=f"run npm ci there, or unset {NODE_MODULES_ENV}")
    for base in (project.root, CHECKOUT_ROOT):
        candidate = base / "node_modules"
        if (candidate / ".bin" / "wrangler").exists():
            return candidate
    raise EnvironmentProblem(
        "wrangler is not installed (no node_modules/.bin/wrangler in the project or the opsdocs checkout)",
        path=project.root, hint="run npm ci",
    )


class Sandbox:
    """A temp copy of the project; use as a context manager, then ``run()`` step text inside it."""

    def __init__(self, project: Project, *, node_modules: Path | None = None, keep: bool = False) -> None:
        self.project = project
        self._node_modules = node_modules
        self._keep = keep  # for debugging a drill: leave the directory behind
        self._tmp: Path | None = None

    # --- lifecycle -------------------------------------------------------------------------------

    def __enter__(self) -> Sandbox:
        if shutil.which("node") is None and shutil.which("nodejs") is None:
            raise EnvironmentProblem("node is not installed or not on PATH", hint="install Node 20")
        node_modules = self._node_modules or find_node_modules(self.project)
        self._tmp = Path(tempfile.mkdtemp(prefix="opsdocs-sandbox-"))
        add_cleanup(self.close)  # a SIGTERM ends the process without unwinding this `with`
        try:
            self._populate(node_modules)
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
        if self._tmp is None:
            raise RuntimeError("Sandbox used outside its `with` block")
        return self._tmp / "project"

    @property
    def home(self) -> Path:
        return self.root.parent / "home"

    @property
    def state_dir(self) -> Path:
        """Where wrangler keeps local D1 and cache state (its default, beside the copied config)."""
        return self.root / Path(self.project.wrangler.relpath).parent / ".wrangler" / "state"

    @property
    def wrangler_bin(self) -> Path:
        return self.root / "node_modules" / ".bin" / "wrangler"

    # --- running ---------------------------------------------------------------------------------

    def env(self, *, remote: bool = False) -> dict[str, str]:
        """The environment of a step. Credentials only for ``remote=True`` (a remote-read step)."""
        env = {k: os.environ[k] for k in PASS_ENV if k in os.environ}
        bin_dir = str(self.root / "node_modules" / ".bin")
        # The running Python's bin dir too: a page's `opsdocs health` is this opsdocs, venv activated or not.
        py_bin = str(Path(sys.executable).parent)
        env["PATH"] = os.pathsep.join(p for p in (bin_dir, py_bin, env.get("PATH", os.defpath)) if p)
        env.update(_QUIET_ENV)
        env["HOME"] = str(self.home)
        env["XDG_CONFIG_HOME"] = str(self.home / ".config")
        env["npm_config_cache"] = str(self.home / ".npm")
        # wrangler leaves files in the temp dir (update-check/): keep them in the sandbox, deleted with it.
        env["TMPDIR"] = str(self.home / "tmp")
        if remote:
            env.update({k: os.environ[k] for k in CREDENTIAL_ENV if os.environ.get(k)})
            if os.environ.get("OPSDOCS_BASE_URL"):  # the deployed Worker the health steps check
                env["OPSDOCS_BASE_URL"] = os.environ["OPSDOCS_BASE_URL"]
        return env

    def run(self, command: str, timeout_s: float, *, remote: bool = False) -> ProcResult:
        """Run a step's text with ``bash -eo pipefail`` in the sandbox root; output merged, ANSI-free."""
        argv = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command]
        return run(argv, cwd=self.root, env=self.env(remote=remote), timeout_s=timeout_s)

    # --- copying ---------------------------------------------------------------------------------

    def _populate(self, node_modules: Path) -> None:
        src_root = self.project.root
        config = self.project.wrangler.path
        config_dir = config.parent
        self.root.mkdir(parents=True)
        (self.home / "tmp").mkdir(parents=True)
        # checks/: a page's `opsdocs health` reads checks/health.yml from the checkout it runs in.
        wanted: set[Path] = {config, self.project.checks_dir}
        wanted |= {src_root / name for name in _EXTRA_FILES}
        wanted |= {config_dir / name for name in _EXTRA_FILES}
        for db in self.project.databases:
            wanted.add(config_dir / db.migrations_dir)
        for env in self.project.wrangler.environments:
            if env.main:
                wanted.add(_source_tree(config_dir, env.main))
        assets = self.project.wrangler.raw.get("assets")
        if isinstance(assets, dict) and isinstance(assets.get("directory"), str):
            wanted.add(config_dir / assets["directory"])
        for path in sorted(wanted):
            self._copy(path)
        (self.root / "node_modules").symlink_to(node_modules.resolve(), target_is_directory=True)

    def _copy(self, path: Path) -> None:
        path = path.resolve() if path.exists() else path
        try:
            rel = path.relative_to(self.project.root.resolve())
        except ValueError:
            return  # outside the project (../shared): a rehearsal must not reach it
        target = self.root / rel
        if path.is_dir():
            shutil.copytree(path, target, dirs_exist_ok=True, symlinks=True,
                            ignore=shutil.ignore_patterns(".wrangler", "node_modules", ".git"))
        elif path.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


def _source_tree(config_dir: Path, main: str) -> Path:
    """The Worker's entry file's top directory (``worker/`` for ``worker/index.js``), or the file itself."""
    rel = Path(main)
    parts = [p for p in rel.parts if p not in (".",)]
    if len(parts) > 1 and parts[0] != "..":
        return config_dir / parts[0]
    return config_dir / rel
