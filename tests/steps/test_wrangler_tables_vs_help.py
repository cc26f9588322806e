"""Every hand table of the classifier against the REAL pinned wrangler's ``--help``.

The booleans (with their aliases), the value flags, the path flags and the local/remote flags are hand
tables in ``_yargs.py`` and ``_wrangler_rules.py``. An upgrade that renames a flag, adds an alias, turns a
boolean into a value flag or adds a path flag fails here, naming the table's file:line.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from opsdocs.steps import WranglerHelp
from opsdocs.steps import _wrangler_rules as rules
from opsdocs.steps import _yargs

REPO = Path(__file__).resolve().parents[2]
# Every command whose flags the classifier reads, plus the leaves of the modelled groups.
_COMMANDS = [("d1", "execute"), ("d1", "export"), ("d1", "migrations", "apply"), ("d1", "migrations", "list"),
             ("d1", "migrations", "create"), ("d1", "time-travel", "restore"), ("d1", "time-travel", "info"),
             ("d1", "list"), ("d1", "info"), ("deploy",), ("rollback",), ("versions", "upload"),
             ("versions", "deploy"), ("versions", "list"), ("deployments", "list"), ("dev",), ("whoami",),
             ("types",), ("tail",), ("secret", "list"), ("kv", "key", "get"), ("kv", "key", "put"),
             ("kv", "key", "list"), ("r2", "object", "get"), ("r2", "object", "put"),
             ("pages", "functions", "build")]
# Table entries no pinned command lists (kept for older wranglers or other commands): named, so a new one
# must be added here on purpose.
_OLDER = {"--experimental-json-config", "-j", "--x-remote-bindings", "--experimental-remote-bindings",
          "--node-compat", "--legacy-env", "--show-interactive-dev-session", "--ignore-empty", "--force",
          "--update-config", "--help", "-h", "--version", "-v", "--no-bundle", "--strict-vars", "--preview",
          "--yes", "-y", "--latest"}


def _where(module: object, name: str) -> str:
    path = inspect.getsourcefile(module)  # type: ignore[arg-type]
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.startswith(f"{name}:") or text.startswith(f"{name} ="))
    return f"{Path(path).relative_to(REPO)}:{line}"


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, ...], object]:
    helper = WranglerHelp.for_version(REPO, cache_dir=tmp_path_factory.mktemp("help"))
    helper.prefetch(_COMMANDS)
    found = {path: helper.command(path) for path in _COMMANDS}
    gone = [" ".join(p) for p, spec in found.items() if spec is None]
    assert gone == [], f"commands the classifier models are gone from wrangler: {gone}"
    return found


def _flags(specs: dict[tuple[str, ...], object]) -> list:
    return [f for spec in specs.values() for f in spec.flags]  # type: ignore[attr-defined]


_SAFETY = {"local", "remote", "dry-run", "tunnel", "install-skills", "help", "version"}


def test_boolean_aliases_map_to_one_key(specs: dict) -> None:
    # Only the keys the classifier decides with: `-y` is --yes, --force or --skip-confirmation depending on
    # the command, which a global table cannot say and no decision reads.
    wrong = {}
    for flag in _flags(specs):
        keys = {_yargs.BOOLEANS.get(n) for n in flag.names}
        if flag.type == "boolean" and keys & _SAFETY and len(keys) != 1:
            wrong[flag.names] = sorted(map(str, keys))
    assert wrong == {}, f"{_where(_yargs, 'BOOLEANS')}: an alias is missing or maps to another key: {wrong}"


def test_safety_booleans_are_all_known(specs: dict) -> None:
    # The booleans that decide local/remote, a dry run, a tunnel, a skill install, help: every spelling.
    safety = _SAFETY
    missing = sorted({n for f in _flags(specs) if f.type == "boolean" for n in f.names
                      if any(n.lstrip("-") == k for k in safety) or set(f.names) & {f"--{k}" for k in safety}}
                     - set(_yargs.BOOLEANS))
    assert missing == [], f"{_where(_yargs, 'BOOLEANS')}: safety flags wrangler has and the table lacks: {missing}"


def test_no_table_boolean_takes_a_value_in_wrangler(specs: dict) -> None:
    clash = sorted({n for f in _flags(specs) if f.takes_value for n in f.names if n in _yargs.BOOLEANS})
    assert clash == [], f"{_where(_yargs, 'BOOLEANS')}: these take a value in wrangler: {clash}"
    clash = sorted({n for f in _flags(specs) if not f.takes_value for n in f.names if n in rules.VALUE_FLAGS})
    assert clash == [], f"{_where(rules, 'VALUE_FLAGS')}: these are booleans in wrangler: {clash}"


def test_every_table_flag_still_exists(specs: dict) -> None:
    listed = {n for f in _flags(specs) for n in f.names}
    for module, name, table in ((_yargs, "BOOLEANS", set(_yargs.BOOLEANS)), (rules, "PATH_FLAGS", rules.PATH_FLAGS)):
        gone = sorted(table - listed - _OLDER)
        assert gone == [], f"{_where(module, name)}: renamed or removed in the pinned wrangler: {gone}"


def test_every_path_flag_is_confined(specs: dict) -> None:
    # A value flag naming a file or folder: its value must be checked to stay inside the sandbox.
    words = ("path", "file", "dir", "config", "persist", "cwd", "output")
    unconfined = sorted({n for f in _flags(specs) if f.takes_value for n in f.names if n.startswith("--")
                         and any(w in n for w in words) and not set(f.names) & rules.PATH_FLAGS})
    allowed = {"--compatibility-flags", "--compatibility-flag", "--output-format", "--profile"}  # not paths
    assert sorted(set(unconfined) - allowed) == [], (
        f"{_where(rules, 'PATH_FLAGS')}: value flags naming a path that are not confined: {unconfined}")
