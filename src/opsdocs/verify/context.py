"""One verification run: the Project and its rendered pages, loaded once, and the shared resources
(sandboxes, the one ``wrangler dev``, the built site) started lazily — in the background as soon as the
selected checks are known — and torn down together, whatever happens."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from opsdocs.project.load import load_project
from opsdocs.project.model import Project
from opsdocs.project.pages import RenderedPage

if TYPE_CHECKING:
    from opsdocs.steps.parse import Runbook

T = TypeVar("T")


@dataclass(frozen=True)
class VerifyOptions:
    root: Path
    base_url: str | None = None  # a deployed Worker to health-check (also OPSDOCS_BASE_URL)
    external: bool = False  # check external links too
    report: Path | None = None  # JSON report path
    junit: Path | None = None  # JUnit XML path
    site_dir: Path | None = None  # where the site is built for the link check (default: a temp dir)
    require_isolation: bool = False  # fail the run when the kernel sandbox (bubblewrap) is unavailable
    workers: int = 3  # background threads; every heavy task is a subprocess, so threads only wait
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    share_steps: bool = True  # pages starting with the same steps run them once (verify/_share.py)

    @property
    def remote_enabled(self) -> bool:
        """remote-read steps run only with a token; they never write."""
        return bool(self.env.get("CLOUDFLARE_API_TOKEN"))

    @property
    def deployed_url(self) -> str | None:
        return self.base_url or self.env.get("OPSDOCS_BASE_URL") or None


class VerifyContext:
    """Everything a run shares. Thread-safe memoisation: each resource is built once, by whoever asks first."""

    def __init__(self, options: VerifyOptions, *, project: Project | None = None,
                 pages: tuple[RenderedPage, ...] | None = None) -> None:
        from opsdocs.site.render import render_pages
        from opsdocs.steps.masking import Masker

        self.options = options
        self.project = project or load_project(options.root)
        self.pages = pages if pages is not None else render_pages(self.project)
        self.masker = Masker.from_env(self.project, options.env)
        self._pool = ThreadPoolExecutor(max_workers=options.workers, thread_name_prefix="opsdocs")
        self._futures: dict[str, Future[Any]] = {}
        self._lock = threading.Lock()
        self._stack = ExitStack()
        self._tmp = Path(tempfile.mkdtemp(prefix="opsdocs-verify-"))
        self._closed = False

    @cached_property
    def project_cache(self) -> Path | None:
        """``.opsdocs/cache`` (rehearsals, help texts, dev state, external links), or None when git tracks
        anything in it: a commit could then claim passes (a forged entry, under its true key), so the run
        neither reads nor writes it. CI restores the folder from the default branch's cache instead."""
        from opsdocs._fs import PROJECT_CACHE, committed, project_cache_dir

        return None if committed(self.project.root, PROJECT_CACHE) else project_cache_dir(self.project.root)

    @cached_property
    def runbooks(self) -> list[Runbook]:
        """The runbooks of every rendered page, parsed once per run (PageError on a bad block)."""
        from opsdocs.steps.parse import collect_steps

        return [rb for rb in collect_steps(self.pages) if rb.steps]

    # --- memoised resources ----------------------------------------------------------------------

    def start(self, key: str, build: Callable[[], T]) -> Future[T]:
        """Start building ``key`` in the background unless it is already started."""
        with self._lock:
            if key not in self._futures:
                self._futures[key] = self._pool.submit(build)
            return self._futures[key]

    def get(self, key: str, build: Callable[[], T]) -> T:
        """The value of ``key``, building it now if nobody started it; re-raises its error."""
        return self.start(key, build).result()

    def enter(self, cm: AbstractContextManager[T]) -> T:
        """Enter a context manager whose exit runs when the run closes (sandboxes, the dev server).

        Entered outside the lock (starting ``wrangler dev`` takes seconds; sandboxes must not queue behind
        it); a resource that finishes starting after the run closed is stopped at once.
        """
        value = cm.__enter__()
        with self._lock:
            if not self._closed:
                self._stack.push(cm)
                return value
        cm.__exit__(None, None, None)
        raise RuntimeError("verification run already closed")

    def tmpdir(self, name: str) -> Path:
        path = self._tmp / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def close(self, *, interrupted: bool = False) -> None:
        """Stop everything: cancel what has not started, wait for the rest, exit every resource.

        On an interrupt, running subprocesses are killed first so the wait is short.
        """
        with self._lock:
            if self._closed:
                return
            self._closed = True
        if interrupted:
            from opsdocs.steps._proc import kill_all

            kill_all()
        self._pool.shutdown(wait=True, cancel_futures=True)
        try:
            self._stack.close()
        finally:
            shutil.rmtree(self._tmp, ignore_errors=True)
