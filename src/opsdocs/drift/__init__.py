"""Drift rules: the docs no longer match reality, here, at this line.

One rule per module, named after its id (``undocumented_secret.py`` is ``undocumented-secret``); the
registry lists them in report order. Each rule reads only the Project and the rendered pages.
"""

from opsdocs.drift._base import Rule
from opsdocs.drift.registry import RULES, rule, run_rules

__all__ = ["RULES", "Rule", "rule", "run_rules"]
