"""Shared findings for the report tests: interleaved statuses, so ordering has something to do."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from opsdocs.report import Finding, Report, build_report
from opsdocs.project.model import Location


@pytest.fixture
def findings() -> list[Finding]:
    return [
        Finding("link:docs/index.md:3", "link", "passed", Location("docs/index.md", 3), "ok", 0.01),
        Finding(
            "runbook:docs/migrations.md:42",
            "runbook",
            "failed",
            Location("docs/migrations.md", 42),
            "expected 'No migrations'\ngot: Migration 0002_add.sql failed",
            1.25,
        ),
        Finding("health:/healthz", "health", "skipped", Location("checks/health.yml", 7), "no server", 0.0),
        Finding(
            "drift:undocumented-secret:FOO",
            "drift",
            "failed",
            Location(".github/workflows/deploy.yml", 19),
            "secret FOO | used but not documented",
            0.002,
        ),
        Finding("workflow:actionlint", "workflow", "passed", None, "clean", 0.5),
        Finding(
            "runbook:docs/rollback.md:10", "runbook", "skipped", Location("docs/rollback.md", 10), "remote_read", 0.0
        ),
        Finding("runbook:docs/migrations.md:50", "runbook", "passed", Location("docs/migrations.md", 50), "ok", 0.3),
    ]


@pytest.fixture
def report(findings: list[Finding]) -> Report:
    return build_report(
        findings,
        root=Path("/srv/app"),
        started_at=datetime(2026, 5, 1, 12, 30, 5, tzinfo=timezone.utc),
        duration_s=2.34567,
        commit="0123456789abcdef0123456789abcdef01234567",
    )


@pytest.fixture
def report_json(report: Report) -> dict[str, Any]:
    """The report as the JSON file holds it."""
    return report.to_json()
