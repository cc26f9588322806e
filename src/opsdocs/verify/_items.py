"""The pytest nodes of a run: one collector yielding a :class:`CheckItem` per check."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from opsdocs.errors import CheckFailed, OpsdocsError
from opsdocs.report.finding import Finding, location_of

if TYPE_CHECKING:
    from opsdocs.verify._session import OpsdocsSession
    from opsdocs.verify.checks import Check
    from opsdocs.verify.context import VerifyContext


class ProjectChecks(pytest.Collector):
    """The project's checks. Loading happens here, so an input error is one failing item, not a crash."""

    def __init__(self, *, run: OpsdocsSession, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.run = run

    def collect(self) -> Iterator[pytest.Item]:
        from opsdocs.verify.checks import collect_checks

        try:
            ctx = self.run.load()
            checks = collect_checks(ctx)
        except OpsdocsError as err:
            yield _ErrorItem.from_parent(self, name=f"opsdocs: {err}", error=err)
            return
        for check in checks:
            yield CheckItem.from_parent(self, name=check.name, check=check, ctx=ctx)


class CheckItem(pytest.Item):
    def __init__(self, *, check: Check, ctx: VerifyContext, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check
        self.ctx = ctx
        self.findings: list[Finding] = []
        for marker in check.markers:
            self.add_marker(marker)
        self.add_marker(check.kind)

    def runtest(self) -> None:
        self.findings = self._produce()
        failed = [f for f in self.findings if f.status == "failed"]
        if failed:
            raise CheckFailed("\n".join(f"{f.where or f.id}: {f.message}" for f in failed))
        if all(f.status == "skipped" for f in self.findings):
            pytest.skip("; ".join(dict.fromkeys(f.message for f in self.findings)))

    def _produce(self) -> list[Finding]:
        check, ident = self.check, f"{self.check.kind}:{self.name}"
        start = time.perf_counter()
        try:
            findings = list(check.produce(self.ctx))
        except OpsdocsError as err:
            return [Finding(ident, check.kind, "failed", check.location or location_of(err), str(err),
                            time.perf_counter() - start, check=self.name)]
        except Exception as exc:  # a bug: keep it in the report, and let pytest show the traceback
            self.findings = [Finding(ident, check.kind, "failed", check.location,
                                     f"internal error: {type(exc).__name__}: {exc}", check=self.name)]
            raise
        # a check that found nothing to say about itself is a bug, not a pass
        return findings or [Finding(ident, check.kind, "failed", check.location,
                                    "no result (internal error: report this)", check=self.name)]

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, CheckFailed):
            return excinfo.value.message
        return super().repr_failure(excinfo)  # type: ignore[return-value]

    def reportinfo(self) -> tuple[str, int | None, str]:
        where = self.check.location
        return (where.path, where.line - 1, self.name) if where else ("opsdocs", None, self.name)


class _ErrorItem(pytest.Item):
    """Loading failed (a config error): one failing item saying where and what to do."""

    def __init__(self, *, error: OpsdocsError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error
        self.findings = [Finding("opsdocs:load", "drift", "failed", location_of(error), str(error), check="load")]

    def runtest(self) -> None:
        raise CheckFailed(str(self.error))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        return str(self.error)

    def reportinfo(self) -> tuple[str, int | None, str]:
        return (self.error.path or "opsdocs", (self.error.line or 1) - 1, self.name)
