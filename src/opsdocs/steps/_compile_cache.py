"""Node's compile cache for the project's wrangler: V8 code for its bundles, made by opsdocs, read by steps.

Every wrangler call compiles the same bundles again (wrangler's 15 MB ``wrangler-dist/cli.js``, miniflare,
undici): about a sixth of a local ``d1 execute``'s CPU, on each of a run's dozens of calls. Node 22.1 and
later keep compiled code in ``$NODE_COMPILE_CACHE`` and check each entry against its source's hash, so a
changed wrangler only misses the cache; it never runs stale code. Node 20 ignores the variable.

Trust: V8 does not treat a code cache as untrusted input, so nothing a page runs ever writes one. opsdocs
fills the folder itself, outside any sandbox, by loading wrangler's bundle (``require``: it defines wrangler's
commands and runs none of them, and reads nothing of the project); sandboxes get the folder read-only
(``Sandbox.isolate``), and only when the kernel sandbox is there to make it read-only. The folder is the
user's cache (``$XDG_CACHE_HOME/opsdocs/node-compile``, else ``~/.cache/...``), shared by every project and
run; a stamp per Node and wrangler build says it was filled, so a run loads the bundle at most once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path

from opsdocs._fs import user_cache_home
from opsdocs._subprocess import Timeout, run_captured
from opsdocs.noderange import parse_version
from opsdocs.toolchain import Toolchain, cli_js

__all__ = ["ENV", "build_key", "compile_cache"]

ENV = "NODE_COMPILE_CACHE"
_FILL_TIMEOUT_S = 60.0
_FIRST_NODE = (22, 1)  # module.enableCompileCache / NODE_COMPILE_CACHE
_lock = threading.Lock()
_filled: dict[tuple[str, Path], Path | None] = {}  # per process: one look at the stamp per Node and wrangler build
_digest_lock = threading.Lock()
_digests: dict[tuple[str, int, int, int], str] = {}


def _bundle(tools: Toolchain) -> Path:
    """What a call compiles first: wrangler's bundle, else (another layout) its launcher."""
    return cli_js(tools.wrangler_js) or tools.wrangler_js


def build_key(tools: Toolchain) -> str:
    """Names this Node and wrangler build (paths, versions, the bundle's bytes): a patched bundle is a new
    key, so nothing cached for another build is read for this one. Bytes, not the file's time: `npm ci`
    on a CI runner writes the same bundle with a new mtime on every run, and a cache carried between runs
    must still be found."""
    bundle = _bundle(tools)
    ident = (str(tools.node), tools.node_version, str(bundle), tools.wrangler_version, _digest(bundle))
    return hashlib.sha256(repr(ident).encode()).hexdigest()[:20]


def _digest(path: Path) -> str:
    """sha256 of the file (~20 ms for wrangler's 15 MB bundle), once per process and file version."""
    try:
        st = path.stat()
    except OSError:
        return "missing"
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    with _digest_lock:
        if key not in _digests:
            try:
                with path.open("rb") as f:
                    _digests[key] = hashlib.file_digest(f, "sha256").hexdigest()
            except OSError:
                _digests[key] = "unreadable"
        return _digests[key]


def compile_cache(tools: Toolchain) -> Path | None:
    """The folder to give wrangler as ``$NODE_COMPILE_CACHE``, filled for this Node and wrangler; None when
    this Node has no compile cache or the folder cannot be made (every call then compiles, as before)."""
    try:
        if tuple(parse_version(tools.node_version)[:2]) < _FIRST_NODE:
            return None
    except ValueError:
        return None
    key, folder = build_key(tools), user_cache_home() / "node-compile"
    with _lock:
        if (key, folder) not in _filled:
            _filled[key, folder] = _fill(tools, _bundle(tools), key, folder)
        return _filled[key, folder]


def _fill(tools: Toolchain, bundle: Path, key: str, folder: Path) -> Path | None:
    stamp = folder / f".filled-{key}"
    if stamp.is_file() and any(folder.glob("v*")):  # Node files its entries under v<version>-<arch>-...
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    # The same Node flags as a real call (--no-warnings), so Node files the entries where calls look.
    argv = [str(tools.node), "--no-warnings", "-e", "require(process.argv[1])", str(bundle)]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), ENV: str(folder), "CI": "true",
           "WRANGLER_SEND_METRICS": "false", "HOME": str(Path.home())}  # no credential: none is needed
    try:
        with tempfile.TemporaryDirectory(prefix="opsdocs-compile-cache-") as cwd:
            result = run_captured(argv, cwd=Path(cwd), timeout_s=_FILL_TIMEOUT_S, env=env)
    except (OSError, Timeout):
        return None
    if result.returncode != 0:
        return None  # calls still work without it, only slower
    try:
        stamp.write_text(f"{tools.node} {tools.node_version} {bundle}\n", encoding="utf-8")
    except OSError:
        return None
    return folder
