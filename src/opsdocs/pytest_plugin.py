"""pytest plugin: opsdocs checks as test items (``pytest --opsdocs``).

Inert unless ``--opsdocs`` is given, so it never touches an ordinary test run. Items are named by page
and line, carry markers (``rehearse``, ``remote_read``, ``never``, ``static``, ``health``, ``drift``,
``workflow``, ``links``) for ``-m``, and match ``-k``. ``opsdocs verify`` is this plugin plus reports.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from opsdocs.errors import CheckFailed, EnvironmentProblem, OpsdocsError
from opsdocs.report.finding import Finding

_MARKERS = {
    "rehearse": "a runbook step rehearsed against the local sandbox",
    "remote_read": "a read-only check against the real account or a deployed Worker",
    "never": "a runbook step that is never executed (destructive or interactive)",
    "static": "a documented wrangler command checked against the pinned wrangler and wrangler.jsonc",
    "health": "an HTTP health check",
    "drift": "a drift rule: docs against config",
    "workflow": "a workflow audit (zizmor, actionlint)",
    "links": "the built site's links",
    # every item is also marked with its kind
    "runbook": "a runbook step (any mode)",
    "link": "a link check",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("opsdocs", "opsdocs: deployment docs that test themselves")
    group.addoption("--opsdocs", action="store_true", help="collect the opsdocs checks of a wrangler project")
    group.addoption("--opsdocs-root", default=None, help="the wrangler project (default: $OPSDOCS_ROOT, else found from the cwd like wrangler)")
    group.addoption("--opsdocs-base-url", default=None, help="a deployed Worker to health-check")
    group.addoption("--opsdocs-external", action="store_true", help="check external links too")
    group.addoption("--opsdocs-report", default=None, help="write the JSON report here")
    group.addoption("--opsdocs-junit", default=None, help="write JUnit XML (one case per finding) here")


def pytest_configure(config: pytest.Config) -> None:
    for name, text in _MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    if config.getoption("opsdocs") and not config.pluginmanager.has_plugin("opsdocs-session"):
        from opsdocs.verify.context import VerifyOptions

        options = VerifyOptions(
            root=Path(config.getoption("opsdocs_root") or _default_root()),
            base_url=config.getoption("opsdocs_base_url"),
            external=config.getoption("opsdocs_external"),
            report=_path(config.getoption("opsdocs_report")),
            junit=_path(config.getoption("opsdocs_junit")),
        )
        config.pluginmanager.register(OpsdocsSession(options), "opsdocs-session")


def _default_root() -> Path:
    from opsdocs.project.load import default_root

    return default_root()


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


class OpsdocsSession:
    """One verification run inside a pytest session."""

    def __init__(self, options: Any, *, ctx: Any = None,
                 on_start: Callable[[int], None] | None = None,
                 on_item: Callable[[list[Finding]], None] | None = None,
                 on_report: Callable[[dict[str, Any], list[Finding]], None] | None = None) -> None:
        self.options = options
        self.ctx = ctx
        self.on_start = on_start  # the number of selected checks, once collected
        self.on_item = on_item  # one check done: its findings
        self.on_report = on_report
        self.findings: list[Finding] = []
        self.started = datetime.now(timezone.utc)
        self._t0 = time.perf_counter()
        self.interrupted = False
        self.preflight_error: OpsdocsError | None = None
        self.report_error: OpsdocsError | None = None

    @pytest.hookimpl(tryfirst=True)  # before -k/-m deselection, so our items can be selected
    def pytest_collection_modifyitems(self, session: pytest.Session, config: pytest.Config,
                                      items: list[pytest.Item]) -> None:
        from opsdocs.verify.checks import collect_checks
        from opsdocs.verify.context import VerifyContext

        try:
            if self.ctx is None:
                self.ctx = VerifyContext(self.options)
            checks = collect_checks(self.ctx)
        except OpsdocsError as err:
            items.append(_ErrorItem.from_parent(session, name=f"opsdocs: {err}", error=err))
            return
        parent = _Checks.from_parent(session, name="opsdocs")
        items.extend(CheckItem.from_parent(parent, name=c.name, check=c, ctx=self.ctx) for c in checks)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
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

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        try:
            if self.ctx is not None:
                self.ctx.close(interrupted=self.interrupted)
        finally:
            if self.preflight_error is None:  # else nothing ran: no report (the caller prints the one line)
                self._report()

    def _report(self) -> None:
        from opsdocs.report.json import build_report, current_commit, write_report
        from opsdocs.report.junit import write_junit

        # Messages were masked where they were made; the report masks again, in depth.
        masker = self.ctx.masker if self.ctx is not None else None
        if masker:
            self.findings = [Finding(f.id, f.kind, f.status, f.location, masker.mask(f.message), f.duration_s)
                             for f in self.findings]
        report = build_report(self.findings, root=self.options.root.resolve(), started_at=self.started,
                              duration_s=time.perf_counter() - self._t0, commit=current_commit(self.options.root))
        try:
            if self.options.report:
                write_report(report, self.options.report)
            if self.options.junit:
                write_junit(self.findings, self.options.junit)
        except OSError as exc:  # a full disk, a folder removed mid-run: one line, no traceback
            self.report_error = EnvironmentProblem(
                f"cannot write the report: {exc.strerror or exc}", path=exc.filename,
                hint="pass --report/--junit with a path in a writable directory")
            print(f"opsdocs: {self.report_error}", file=sys.stderr)
            return
        if self.on_report:
            self.on_report(report, self.findings)


def _preflight(ctx: Any, checks: list[Any]) -> None:
    """Node and wrangler must exist when a selected check runs wrangler (EnvironmentProblem if not)."""
    import shutil

    from opsdocs.errors import EnvironmentProblem
    from opsdocs.steps.sandbox import find_node_modules

    wrangler_keys = ("runbook:", "static", "devserver", "health:local")
    if not any(r.startswith(wrangler_keys) for c in checks for r in c.resources):
        return
    if shutil.which("node", path=ctx.options.env.get("PATH")) is None:
        raise EnvironmentProblem("Node.js is not on PATH (wrangler runs on it)",
                                 hint="install Node 20 or newer, then run npm ci")
    find_node_modules(ctx.project)


class _Checks(pytest.Collector):
    def collect(self) -> list[pytest.Item]:  # pragma: no cover - items are added directly
        return []


class CheckItem(pytest.Item):
    def __init__(self, *, check: Any, ctx: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.ctx = ctx
        self.findings: list[Finding] = []
        for marker in check.markers:
            self.add_marker(marker)
        self.add_marker(check.kind)

    def runtest(self) -> None:
        start = time.perf_counter()
        try:
            self.findings = list(self.check.produce(self.ctx))
        except OpsdocsError as err:
            self.findings = [Finding(f"{self.check.kind}:{self.name}", self.check.kind, "failed",
                                     self.check.location or err.location, str(err), time.perf_counter() - start)]
        except Exception as exc:  # a bug: keep it in the report, and let pytest show the traceback
            self.findings = [Finding(f"{self.check.kind}:{self.name}", self.check.kind, "failed",
                                     self.check.location, f"internal error: {type(exc).__name__}: {exc}")]
            raise
        if not self.findings:  # a check that found nothing to say about itself is a bug, not a pass
            self.findings = [Finding(f"{self.check.kind}:{self.name}", self.check.kind, "failed",
                                     self.check.location, "no result (internal error: report this)")]
        failed = [f for f in self.findings if f.status == "failed"]
        if failed:
            raise CheckFailed("\n".join(f"{f.location or f.id}: {f.message}" for f in failed))
        if all(f.status == "skipped" for f in self.findings):
            pytest.skip("; ".join(dict.fromkeys(f.message for f in self.findings)))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CheckFailed):
            return excinfo.value.message
        return super().repr_failure(excinfo)  # type: ignore[return-value]

    def reportinfo(self) -> tuple[str, int | None, str]:
        path, _, line = self.check.location.rpartition(":")
        return (path or "opsdocs", int(line) - 1 if line.isdigit() else None, self.name)


class _ErrorItem(pytest.Item):
    """Loading failed (a config error): one failing item saying where and what to do."""

    def __init__(self, *, error: OpsdocsError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error
        self.findings = [Finding("opsdocs:load", "drift", "failed", error.location, str(error))]

    def runtest(self) -> None:
        raise CheckFailed(str(self.error))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return str(self.error)

    def reportinfo(self) -> tuple[str, int | None, str]:
        return (self.error.path or "opsdocs", (self.error.line or 1) - 1, self.name)
