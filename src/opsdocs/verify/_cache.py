"""Incremental verify: a runbook page whose inputs are unchanged reuses its last *passing* rehearsal.

The key of a page is a SHA-256 over everything its rehearsal can observe:
- its rendered steps, in order (every field: command, mode, expectations, line, timeout);
- every file of the project a sandbox could copy (the whole tree, minus VCS/dependency/output folders and
  the pages themselves, whose steps are already in the key): wrangler config, migrations, Worker sources,
  ``package.json`` and its lock, checks/;
- the wrangler and Node versions the run uses, opsdocs' version and the hash of its own Python sources;
- the variables a step gets from the caller's environment (``sandbox.PASS_ENV``: locale, TZ, CA files);
- whether remote-read steps run (with a token they are never cached: the page is not stored at all).

Trust model: the cache file (``.opsdocs/cache/rehearsals.json``) is as trustworthy as whoever can write
it. It only ever holds results a re-run would reproduce: an entry is written only when every finding of
the page passed or was skipped, and an entry is reused only when its key matches, it names this page and
all its findings are ``runbook`` findings of this page with status passed/skipped; anything else is
ignored and the page re-runs. So a failure is never stored, and a tampered or stale entry can at worst
claim a pass for inputs it was not made from, which is why CI restores it only from the default branch
(PR jobs restore, never save; the nightly job runs ``--no-cache``).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import stat
import tempfile
import threading
import weakref
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from opsdocs.report.finding import Finding, Location
from opsdocs.steps._copy import SKIP_DIRS

__all__ = ["RehearsalCache", "cache_of", "enable"]

FORMAT = 1
_SKIP_DIRS = frozenset({".git", "node_modules", ".opsdocs", ".wrangler", "__pycache__", ".pytest_cache",
                        ".mypy_cache", ".ruff_cache", ".venv", ".venv-bench", "site", ".hg"})
_REUSABLE = ("passed", "skipped")
_caches: weakref.WeakKeyDictionary[Any, RehearsalCache] = weakref.WeakKeyDictionary()


def enable(ctx: Any, cache: RehearsalCache) -> None:
    """Use ``cache`` for this run's runbooks (the CLI does, unless ``--no-cache``)."""
    _caches[ctx] = cache


def cache_of(ctx: Any) -> RehearsalCache | None:
    return _caches.get(ctx)


class RehearsalCache:
    def __init__(self, path: Path, *, inputs: str, reuse: bool = True) -> None:
        self.path = path
        self.reuse = reuse  # False (--no-cache): run every page, still record (the nightly refreshes it)
        self.record = True  # False in a shard: every shard of a run must read the same recorded times
        self.inputs = inputs  # the hash of everything but the steps (same for every page of a run)
        self.reused: dict[str, str] = {}  # page -> when its reused result was recorded
        self._lock = threading.Lock()
        self._entries, self._global = _load(path)
        self._global_now = 0.0  # this run's global checks so far (seconds, summed over builders)

    @classmethod
    def for_run(cls, ctx: Any, *, reuse: bool = True) -> RehearsalCache | None:
        from opsdocs import toolchain
        from opsdocs.steps._copy import copy_base
        from opsdocs.steps.sandbox import PASS_ENV, copied_paths

        folder = ctx.project_cache
        if folder is None:  # committed to git: see VerifyContext.project_cache (nothing to hash for)
            return None
        tools = toolchain.resolve(ctx.project.root, path=ctx.options.env.get("PATH"))
        skip = [ctx.project.docs_dir, ctx.project.docs_dir.parent / "runbooks"]
        inputs = {"format": FORMAT, "tree": _tree_hash(ctx.project.root, skip),
                  # what the sandbox copies, wherever it lies (a monorepo's migrations outside the project,
                  # an assets folder named like an output folder the tree walk skips)
                  "copied": _paths_hash(copied_paths(ctx.project), copy_base(ctx.project)),
                  "opsdocs": _opsdocs_hash(),
                  "wrangler": tools.wrangler_version, "node": tools.node_version,
                  "remote": ctx.options.remote_enabled,
                  # what a step sees of the caller's environment (a `date` under another TZ prints another day)
                  "env": {k: os.environ.get(k) for k in PASS_ENV}}  # as Sandbox.env reads it
        digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
        return cls(folder / "rehearsals.json", inputs=digest, reuse=reuse)

    def key(self, runbook: Any) -> str:
        steps = [asdict(step) for step in runbook.steps]
        blob = json.dumps({"inputs": self.inputs, "page": runbook.page, "steps": steps}, sort_keys=True, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()

    def duration(self, page: str) -> float | None:
        """The page's last recorded rehearsal time (passed or not): what shards balance on."""
        entry = self._entries.get(page)
        return _seconds(entry.get("duration_s")) if isinstance(entry, dict) else None

    def global_duration(self) -> float | None:
        """The last recorded time of the checks that are not a page's rehearsal (shard 1's head start)."""
        return self._global

    def add_global(self, seconds: float) -> None:
        """Count one global builder (site, dev server, static checks, audits) into this run's time of the
        global checks, and record the sum so far: the next run's shard 1 head start."""
        with self._lock:
            self._global_now += seconds
            if self.record:
                self._global = round(self._global_now, 3)
                _save(self.path, self._entries, self._global)

    def get(self, runbook: Any, *, remote_steps: bool) -> list[Finding] | None:
        if remote_steps or not self.reuse:
            return None
        entry = self._entries.get(runbook.page)
        if not isinstance(entry, dict) or entry.get("key") != self.key(runbook):
            return None
        findings = _findings(entry.get("findings"), runbook.page)
        if findings is None:
            return None
        when = str(entry.get("at", "?"))
        with self._lock:
            self.reused[runbook.page] = when
        note = f"(reused: inputs unchanged since the run of {when}; --no-cache re-runs it)"
        return [replace(f, message=f"{f.message} {note}" if f.message else note, duration_s=0.0) for f in findings]

    def put(self, runbook: Any, findings: list[Finding], duration_s: float, *, remote_steps: bool) -> None:
        """Record the page: its findings only when all passed or were skipped (never a failure)."""
        ok = not remote_steps and findings and all(f.status in _REUSABLE for f in findings)
        entry: dict[str, Any] = {"duration_s": round(duration_s, 3),
                                 "at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
        if ok:
            entry["key"] = self.key(runbook)
            entry["findings"] = [f.to_json() for f in findings]
        with self._lock:
            self._entries[runbook.page] = entry
            if self.record:
                _save(self.path, self._entries, self._global)


def _findings(raw: Any, page: str) -> list[Finding] | None:
    """The stored findings, or None when any of them is not a pass/skip of this very page."""
    if not isinstance(raw, list) or not raw:
        return None
    out = []
    for item in raw:
        if not (isinstance(item, dict) and item.get("kind") == "runbook" and item.get("status") in _REUSABLE
                and str(item.get("id", "")).startswith(f"runbook:{page}:") and item.get("path") == page):
            return None
        try:
            loc = Location(page, int(item.get("line") or 1), int(item.get("column") or 1))
            out.append(Finding(str(item["id"]), "runbook", item["status"], loc, str(item.get("message", "")),
                               check=str(item.get("check", "")), subject=str(item.get("subject", ""))))
        except (KeyError, TypeError, ValueError):
            return None
    return out


def _tree_hash(root: Path, skip: list[Path]) -> str:
    skip_abs = {p.resolve() for p in skip}
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and (here / d).resolve() not in skip_abs)
        for name in sorted(filenames):
            _hash_entry(h, here / name, root)
    return h.hexdigest()


def _paths_hash(paths: list[Path], base: Path) -> str:
    """Every file under each of ``paths`` (files or folders, as the sandbox copies them: without
    ``.wrangler``, ``node_modules`` and ``.git``), named relative to ``base``."""
    h = hashlib.sha256()
    for top in paths:
        if not top.is_dir():
            _hash_entry(h, top, base)
            continue
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            for name in sorted(filenames):
                _hash_entry(h, Path(dirpath) / name, base)
    return h.hexdigest()


def _hash_entry(h: Any, path: Path, base: Path) -> None:
    """Name and content of one entry. Only regular files are read (a FIFO would block the run, a device
    stream forever), in chunks; a link counts by its target, and by the file it reaches."""
    name = str(path.relative_to(base)) if path.is_relative_to(base) else str(path)
    h.update(name.encode() + b"\0")
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            h.update(b"link:" + os.readlink(path).encode() + b"\0")
            st = os.stat(path)  # what the copy takes in its place
        if stat.S_ISREG(st.st_mode):
            with path.open("rb") as f:
                h.update(hashlib.file_digest(f, "sha256").digest())
        else:
            h.update(f"<mode {stat.S_IFMT(st.st_mode):o}>".encode())
    except OSError as exc:  # missing or unreadable: what a step would see too
        h.update(f"<{exc.errno}>".encode())
    h.update(b"\0")


def _opsdocs_hash() -> str:
    """opsdocs' version and its Python sources: a changed runner is a changed rehearsal."""
    import opsdocs

    package = Path(opsdocs.__file__).parent
    h = hashlib.sha256(opsdocs.__version__.encode())
    for path in sorted(package.rglob("*.py")):
        h.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def _load(path: Path) -> tuple[dict[str, Any], float | None]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, None  # missing or unreadable: a full run, which writes a fresh one
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("pages"), dict):
        return {}, None
    # An entry of another shape is dropped here, once: every reader may then take entries as dicts.
    pages = {str(page): entry for page, entry in data["pages"].items() if isinstance(entry, dict)}
    return pages, _seconds(data.get("global_s"))


def _seconds(value: Any) -> float | None:
    """A recorded time, or None for anything else (a string, a bool, a negative, NaN or infinity: json
    reads those too), so a damaged cache costs the shards their balance, never the run."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def _save(path: Path, entries: dict[str, Any], global_s: float | None) -> None:
    payload: dict[str, Any] = {"format": FORMAT, "pages": entries}
    if global_s is not None:
        payload["global_s"] = global_s
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".rehearsals-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(payload, out, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache that cannot be written only costs the next run its reuse
