"""Every drift rule, in report order, and the one function that runs them."""

from __future__ import annotations

import time
from dataclasses import replace

from collections.abc import Sequence

from opsdocs.drift._base import Rule, passed
from opsdocs.drift.claim_source import ClaimSource
from opsdocs.errors import OpsdocsError
from opsdocs.drift.remote_sql_traps import RemoteSqlTraps
from opsdocs.drift.drizzle_journal import DrizzleJournal
from opsdocs.drift.env_missing_bindings import EnvMissingBindings
from opsdocs.drift.job_hygiene import JobHygiene
from opsdocs.drift.literal_config_value import LiteralConfigValue
from opsdocs.drift.migrations_dir import MigrationsDir
from opsdocs.drift.nav_coverage import NavCoverage
from opsdocs.drift.pipeline_order import PipelineOrder
from opsdocs.drift.quoted_output import QuotedOutput
from opsdocs.drift.rollback_readiness import RollbackReadiness
from opsdocs.drift.todo_marker import TodoMarker
from opsdocs.drift.runtimes import Runtimes
from opsdocs.drift.undescribed_environment import UndescribedEnvironment
from opsdocs.drift.undocumented_secret import UndocumentedSecret
from opsdocs.drift.unpinned_action import UnpinnedAction
from opsdocs.drift.unused_secret_doc import UnusedSecretDoc
from opsdocs.drift.workflow_database import WorkflowDatabase
from opsdocs.project.model import Project
from opsdocs.report.finding import Finding
from opsdocs.project.pages import RenderedPage

RULES: tuple[Rule, ...] = (
    UndocumentedSecret(),
    UnusedSecretDoc(),
    UndescribedEnvironment(),
    EnvMissingBindings(),
    PipelineOrder(),
    MigrationsDir(),
    DrizzleJournal(),
    RemoteSqlTraps(),
    LiteralConfigValue(),
    NavCoverage(),
    UnpinnedAction(),
    JobHygiene(),
    WorkflowDatabase(),
    ClaimSource(),
    QuotedOutput(),
    RollbackReadiness(),
    TodoMarker(),
    Runtimes(),
)


def rule(rule_id: str) -> Rule:
    """The rule with this id; an unknown id is the user's mistake, not a bug."""
    for r in RULES:
        if r.id == rule_id:
            return r
    raise OpsdocsError(f"unknown drift rule '{rule_id}'", hint=f"use one of: {', '.join(r.id for r in RULES)}")


def run_rules(project: Project, pages: Sequence[RenderedPage], *,
              rules: Sequence[Rule] = RULES) -> list[Finding]:
    """Every rule's failures, or one passed Finding (timed) for a rule that found nothing, in rule order.

    ``opsdocs verify`` runs each rule through here as its own check (``rules=(rule,)``).
    """
    out: list[Finding] = []
    for r in rules:
        start = time.perf_counter()
        found = r.check(project, pages)
        out.extend(found or [replace(passed(r), duration_s=time.perf_counter() - start)])
    return out
