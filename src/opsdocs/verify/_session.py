"""One verification run inside a pytest session: load once, collect, prefetch, record, report."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import pytest

from opsdocs.errors import EnvironmentProblem, OpsdocsError
from opsdocs.report.finding import Finding

if TYPE_CHECKING:
    from opsdocs.report.model import Report, ShardInfo
    from opsdocs.verify.context import VerifyContext, VerifyOptions

SESSION_KEY = pytest.StashKey["OpsdocsSession"]()


class OpsdocsSession:
    """A pytest plugin object: the run's options, its context (loaded once, lazily) and its findings."""

    def __init__(self, options: VerifyOptions, *, ctx: VerifyContext | None = None,
                 on_start: Callable[[int], None] | None = None,
                 on_item: Callable[[list[Finding]], None] | None = None,
                 on_report: Callable[[Report], None] | None = None) -> None:
        self.options = options
        self.ctx = ctx
        self.on_start = on_start  # the number of selected checks, once collected
        self.on_item = on_item  # one check done: its findings
        self.on_report = on_report  # the run's one typed Report, once written
        self.findings: list[Finding] = []
        self.started = datetime.now(timezone.utc)
        self._t0 = time.perf_counter()
        self.interrupted = False
        self.load_error: OpsdocsError | None = None
        self.preflight_error: OpsdocsError | None = None
        self.report_error: OpsdocsError | None = None
        self.shard: ShardInfo | None = None  # set by verify/_shard.py's plugin for `--shard I/N`
        self.internal_error: BaseException | None = None  # a bug in opsdocs, raised inside pytest

    def load(self) -> VerifyContext:
        """The run's context, loaded on first use; an input error is kept and raised again each time."""
        from opsdocs.verify.context import VerifyContext

        if self.ctx is None:
            if self.load_error is None:
                try:
                    self.ctx = VerifyContext(self.options)
                except OpsdocsError as err:
                    self.load_error = err
            if self.load_error is not None:
                raise self.load_error
        assert self.ctx is not None
        return self.ctx

    def header(self) -> str:
        """One line for pytest's header: which project, which wrangler runs its commands."""
        try:
            project = self.load().project
        except OpsdocsError as err:
            return f"opsdocs: {self.options.root}: {err}"
        try:
            wrangler = f"wrangler {_wrangler_version(project)}"
        except EnvironmentProblem as err:
            wrangler = f"no wrangler: {err}"
        return f"opsdocs: project {project.wrangler.name} ({project.root / project.wrangler.relpath}), {wrangler}"

    # --- hooks -----------------------------------------------------------------------------------

    def pytest_configure(self, config: pytest.Config) -> None:
        config.stash[SESSION_KEY] = self

    @pytest.hookimpl(wrapper=True)
    def pytest_make_collect_report(self, collector: pytest.Collector) -> Iterator[None]:
        """Beside what the session collects from its arguments, the one ``opsdocs`` collector node."""
        from opsdocs.verify._items import ProjectChecks

        report: Any = yield
        if isinstance(collector, pytest.Session) and report.passed:
            report.result.append(ProjectChecks.from_parent(collector, name="opsdocs", run=self))
        return report  # type: ignore[no-any-return]

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        from opsdocs.verify._items import CheckItem
        from opsdocs.verify.checks import prefetch

        if self.ctx is None:
            return
        checks = [i.check for i in session.items if isinstance(i, CheckItem)]
        try:
            _preflight(self.ctx, checks)
        except OpsdocsError as err:
            # The machine lacks wrangler or Node: say it once, not once per selected check.
            self.preflight_error = err
            session.items[:] = []
            return
        prefetch(self.ctx, checks)
        if self.on_start:
            self.on_start(len(session.items))

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
        try:
            return (yield)
        finally:
            found = list(getattr(item, "findings", ()))
            self.findings.extend(found)
            if self.on_item:
                self.on_item(found)

    def pytest_keyboard_interrupt(self) -> None:
        self.interrupted = True

    def pytest_internalerror(self, excrepr: object, excinfo: pytest.ExceptionInfo[BaseException]) -> bool | None:
        """An exception in opsdocs' own hooks: kept for the one line the CLI prints (opsdocs._crash), in
        place of pytest's INTERNALERROR traceback. ``OPSDOCS_DEBUG=1`` keeps pytest's."""
        from opsdocs._crash import debugging

        if debugging():
            return None
        self.internal_error = excinfo.value
        return True

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        try:
            if self.ctx is not None:
                self.ctx.close(interrupted=self.interrupted)
        finally:
            # After a preflight error nothing ran, and after a bug in opsdocs the results are not to be
            # trusted: no report then (an earlier one stays as it was); the caller prints the one line.
            if self.preflight_error is None and self.internal_error is None:
                self._report()

    def _report(self) -> None:
        from opsdocs.report.json import build_report, current_commit, write_report
        from opsdocs.report.junit import write_junit
        from opsdocs.steps._isolation import status
        from opsdocs.steps.masking import Masker

        # Messages were masked where they were made; the report masks again, in depth, with the run's one
        # Masker (the credentials and the workflows' secrets set in the environment). Every view reads it.
        masker = self.ctx.masker if self.ctx is not None else Masker.from_env(None, self.options.env)
        report = build_report(self.findings, root=self.options.root.resolve(), started_at=self.started,
                              duration_s=time.perf_counter() - self._t0, commit=current_commit(self.options.root),
                              masker=masker, isolation=status().header(),
                              interrupted=bool(getattr(self, "interrupted", False)), shard=self.shard)
        self.findings = list(report.findings)
        try:
            if self.options.report:
                write_report(report, self.options.report)
            if self.options.junit:
                write_junit(report, self.options.junit)
        except OSError as exc:  # a full disk, a folder removed mid-run: one line, no traceback
            self.report_error = EnvironmentProblem(
                f"cannot write the report: {exc.strerror or exc}", path=exc.filename,
                hint="pass --report/--junit with a path in a writable directory")
            print(f"opsdocs: {self.report_error}", file=sys.stderr)
            return
        if self.on_report:
            self.on_report(report)


def _wrangler_version(project: Any) -> str:
    """The version of the wrangler the sandbox runs the project's commands with (opsdocs.toolchain's)."""
    from opsdocs import toolchain

    return toolchain.find_wrangler(project.root).version


def _preflight(ctx: VerifyContext, checks: list[Any]) -> None:
    """Node and wrangler must exist (and suit each other: opsdocs.toolchain) when a selected check runs
    wrangler (EnvironmentProblem if not)."""
    from opsdocs import toolchain
    from opsdocs.steps._isolation import require

    if getattr(ctx.options, "require_isolation", False):
        require()  # before anything runs: an unisolated rehearsal must not start at all
    wrangler_keys = ("runbook:", "static", "devserver", "health:local")
    if not any(r.startswith(wrangler_keys) for c in checks for r in c.resources):
        return
    toolchain.resolve(ctx.project.root, path=ctx.options.env.get("PATH"))
