"""The classifier's rule table against the REAL pinned wrangler's ``--help``: an upgrade that adds a command
group or a value-taking flag the table does not know fails here, not silently in a classification."""

from __future__ import annotations

from pathlib import Path

import pytest

from opsdocs.steps import WranglerHelp
from opsdocs.steps import _wrangler_rules as rules

REPO = Path(__file__).resolve().parents[2]

# Commands the guides use or the classifier models in detail: their value flags must all be known, or the
# flag's value would be read as a positional (a database name, a path).
_MODELLED = [("d1", "execute"), ("d1", "export"), ("d1", "migrations", "apply"), ("d1", "migrations", "list"),
             ("d1", "time-travel", "restore"), ("d1", "time-travel", "info"), ("deploy",), ("rollback",),
             ("versions", "upload"), ("versions", "deploy"), ("deployments", "list"), ("dev",), ("whoami",),
             ("pages", "functions", "build")]


@pytest.fixture(scope="module")
def wrangler_help(tmp_path_factory: pytest.TempPathFactory) -> WranglerHelp:
    helper = WranglerHelp.for_version(REPO, cache_dir=tmp_path_factory.mktemp("help"))
    helper.prefetch([*_MODELLED, *((g,) for g in (p[0] for p in rules.GROUPS if len(p) == 1))])
    return helper


def test_every_top_level_command_is_in_the_rule_table(wrangler_help: WranglerHelp) -> None:
    top = wrangler_help.command(())
    assert top is not None and "d1" in top.subcommands
    known = {p[0] for p in rules.GROUPS} | rules.TOP_LEAVES | rules.OTHER_GROUPS
    assert sorted(set(top.subcommands) - known) == []


def test_modelled_groups_know_every_child(wrangler_help: WranglerHelp) -> None:
    missing = {}
    for path, children in rules.GROUPS.items():
        spec = wrangler_help.command(path)
        if spec is not None and set(spec.subcommands) - children:
            missing[" ".join(path)] = sorted(set(spec.subcommands) - children)
    assert missing == {}


@pytest.mark.parametrize("path", _MODELLED, ids=" ".join)
def test_value_flags_of_modelled_commands_are_known(wrangler_help: WranglerHelp, path: tuple[str, ...]) -> None:
    spec = wrangler_help.command(path)
    assert spec is not None, f"wrangler {' '.join(path)} is gone"
    unknown = sorted(name for flag in spec.flags if flag.takes_value for name in flag.names
                     if name not in rules.VALUE_FLAGS)
    assert unknown == []
