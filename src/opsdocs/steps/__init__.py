"""Runbook steps: shell blocks of the rendered pages, their safety rules and static checks."""

from opsdocs.steps.classify import Command, check_safety, classify
from opsdocs.steps.parse import MODES, Mode, Runbook, Step, collect_steps, parse_page
from opsdocs.steps.static import CommandSpec, WranglerHelp, check_step_static

__all__ = [
    "MODES",
    "Command",
    "CommandSpec",
    "Mode",
    "Runbook",
    "Step",
    "WranglerHelp",
    "check_safety",
    "check_step_static",
    "classify",
    "collect_steps",
    "parse_page",
]
