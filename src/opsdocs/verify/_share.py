"""Identical leading steps run once per run: pages that start the same way share the state they leave.

Many drills begin alike (`d1 migrations apply <db> --local` on a fresh copy, `deploy --dry-run`). Every
page's sandbox starts as the same copy of the project, so the state after the same first steps is the
same too. The first page to get there saves its sandbox (the copy and HOME); a page that starts the same
way waits for it, loads that state into its own sandbox, and runs only the rest. What a page checks does
not change: each shared step is judged by the page's own expectations against the output that run gave,
and its finding says it was shared (not which page ran it: that is a race, and reports must be stable).

Shared are the leading steps that execute (``rehearse``), up to the first ``remote-read`` step that runs
(it reads live state); steps that run nothing (``never``, ``remote-read`` without a token) leave the
sandbox as it was and are passed over. Two steps are the same when what decides their run is: command,
mode, timeout (the expectations only judge the output). A state is saved after a step that ran, whatever
its verdict; a refused step ends the sharing, and pages waiting for it run those steps themselves. So does
a state that names the sandbox's own folder (``pwd > f``): each sandbox has its own path, so that state
would not mean the same in another (wrangler's write-only debug logs aside, see ``Sandbox.save_state``).
Output is another matter: where it names the leader's sandbox (wrangler's "Logs were written to"), a page
sees its own sandbox's path there, as if it had run the step itself.
``--no-shared-steps`` (ini ``opsdocs_no_shared_steps``) turns this off.

Waiting cannot deadlock: a page claims the points on its path before running, and waits only for a point
another page claimed, which that page does while it is running; every claim is resolved when its page ends.
"""

from __future__ import annotations

import json
import shutil
import threading
import weakref
from collections import Counter
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from opsdocs.steps._proc import ProcResult
from opsdocs.steps.parse import Runbook, Step
from opsdocs.steps.run import executes
from opsdocs.steps.sandbox import Sandbox

__all__ = ["Shared", "SharedSteps", "resolve_all", "shared_steps_of"]

_Key = tuple[str, ...]


@dataclass(frozen=True)
class Shared:
    """A saved point: the sandbox state after the first ``len(results)`` executing steps."""

    state: Path  # Sandbox.save_state's folder
    results: tuple[ProcResult, ...]  # what each of those steps gave (output, exit code)
    origin: str = ""  # the sandbox folder that ran them (wrangler's "Logs were written to" line names it)

    def results_in(self, folder: Path) -> list[ProcResult]:
        """The results as a page whose sandbox is ``folder`` would have seen them: its own path, not the
        leader's (a report must not name another page's sandbox, which is gone by then)."""
        if not self.origin:
            return list(self.results)
        return [replace(r, output=r.output.replace(self.origin, str(folder))) for r in self.results]


_of: weakref.WeakKeyDictionary[Any, SharedSteps] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def shared_steps_of(ctx: Any) -> SharedSteps | None:
    """The run's registry (None when ``--no-shared-steps``); made on first use, from every runbook."""
    if not getattr(ctx.options, "share_steps", True):
        return None
    with _lock:
        if ctx not in _of:
            _of[ctx] = SharedSteps(ctx.runbooks, ctx.tmpdir("shared-steps"), remote=ctx.options.remote_enabled)
        return _of[ctx]


class SharedSteps:
    def __init__(self, runbooks: list[Runbook], folder: Path, *, remote: bool) -> None:
        self._folder = folder
        self._remote = remote  # remote-read steps run (a token is set)
        self._lock = threading.Lock()
        # How many pages pass through each point: a point only one page reaches is never saved.
        self._count: Counter[_Key] = Counter(p for rb in runbooks for p in _points(rb, remote))
        self._claims: dict[_Key, tuple[str, Future[Shared | None]]] = {}
        self._saved = 0

    def adopt(self, runbook: Runbook) -> Shared | None:
        """The deepest point on this page's path that another page claimed and saved, else None."""
        points = _points(runbook, self._remote)
        for depth in range(len(points), 0, -1):
            with self._lock:
                claim = self._claims.get(points[depth - 1])
            if claim is None or claim[0] == runbook.page:
                continue
            shared = claim[1].result()  # that page is running: it resolves the claim when it ends at the latest
            if shared is not None:
                return shared
        return None

    def claim(self, runbook: Runbook) -> dict[int, Future[Shared | None]]:
        """The points this page will save (by step index) if it gets there: every point on its path that
        another page also reaches and nobody claimed yet. Claimed before :meth:`adopt`, so that of two
        pages starting at once, one runs the steps and the other waits for them."""
        mine: dict[int, Future[Shared | None]] = {}
        with self._lock:
            for depth, point in enumerate(_points(runbook, self._remote), start=1):
                if self._count[point] > 1 and point not in self._claims:
                    future: Future[Shared | None] = Future()
                    self._claims[point] = (runbook.page, future)
                    mine[depth - 1] = future
        return mine

    def save(self, runbook: Runbook, sandbox: Sandbox, index: int, results: list[ProcResult]) -> Shared | None:
        """Save the sandbox after step ``index`` (``results``: every step so far); None when it cannot be
        copied (a socket, an unreadable file) or names the sandbox's own path (it would point elsewhere in
        another sandbox): then nobody shares it, and each page runs those steps itself."""
        with self._lock:
            self._saved += 1
            dest = self._folder / f"{self._saved}-{runbook.page.replace('/', '_')}-{index + 1}"
        try:
            sandbox.save_state(dest)
        except (OSError, shutil.Error, ValueError):
            shutil.rmtree(dest, ignore_errors=True)
            return None
        return Shared(dest, tuple(results), str(sandbox.folder))


def _points(runbook: Runbook, remote: bool) -> list[_Key]:
    """The page's shareable prefixes, shortest first, one per step that executes: its ``rehearse`` steps
    up to the first ``remote-read`` one that runs. Steps that run nothing (``never``, ``remote-read``
    without a token) leave the sandbox as it was, so they are passed over."""
    out: list[_Key] = []
    key: _Key = ()
    for step in runbook.steps:
        if step.mode == "rehearse":
            key = (*key, _identity(step))
            out.append(key)
        elif executes(step, remote_enabled=remote):  # a remote read that runs sees live state: stop here
            break
    return out


def _identity(step: Step) -> str:
    """What decides how a step runs; never where it is (page, line), its title or what it expects."""
    return json.dumps([step.mode, step.command, step.timeout_s])


def resolve_all(claims: dict[int, Future[Shared | None]]) -> None:
    """Resolve what is still open (a failed step, an error, the end): waiters then run the steps."""
    for future in claims.values():
        if not future.done():
            future.set_result(None)
