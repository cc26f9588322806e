"""pytest plugin: opsdocs checks as test items (``pytest --opsdocs``).

Inert unless ``--opsdocs`` is given, so it never touches an ordinary test run. Like pytest-timeout, every
setting is an ini option beside its flag (the flag wins; ini paths are relative to the ini file); the
run's state lives in ``config.stash``. The checks are yielded by one collector node, ``opsdocs``, added
to the session's collection; items are named by page and line, carry markers (``rehearse``,
``remote_read``, ``never``, ``static``, ``health``, ``drift``, ``workflow``, ``links``) for ``-m``, and
match ``-k``. ``opsdocs verify`` is this plugin plus reports.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import pytest

from opsdocs.verify._items import CheckItem, ProjectChecks
from opsdocs.verify._session import SESSION_KEY, OpsdocsSession

__all__ = ["CheckItem", "OpsdocsSession", "ProjectChecks", "SESSION_KEY"]

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

# name -> (help, ini type); each is `--opsdocs-<name>` on the command line and `opsdocs_<name>` in the ini
_SETTINGS: dict[str, tuple[str, Literal["string", "bool"]]] = {
    "root": ("the wrangler project (default: $OPSDOCS_ROOT, else found from the cwd like wrangler)", "string"),
    "base_url": ("a deployed Worker to health-check (also $OPSDOCS_BASE_URL)", "string"),
    "report": ("write the JSON report here", "string"),
    "junit": ("write JUnit XML (one case per finding) here", "string"),
    "external": ("check external links too", "bool"),
    "require_isolation": ("fail when rehearsals cannot run in the kernel sandbox (bubblewrap); "
                          "also $OPSDOCS_REQUIRE_ISOLATION=1", "bool"),
    "no_shared_steps": ("run every page's leading steps in its own sandbox, even when another page starts "
                        "with the same ones", "bool"),
}
_PATHS = ("root", "report", "junit")  # resolved against the cwd (flag) or the ini file's folder (ini)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("opsdocs", "opsdocs: deployment docs that test themselves")
    group.addoption("--opsdocs", action="store_true", help="collect the opsdocs checks of a wrangler project")
    for name, (text, kind) in _SETTINGS.items():
        flag = "--opsdocs-" + name.replace("_", "-")
        if kind == "bool":
            group.addoption(flag, action="store_true", default=None, help=f"{text} (ini: opsdocs_{name})")
        else:
            group.addoption(flag, default=None, help=f"{text} (ini: opsdocs_{name})")
        parser.addini(f"opsdocs_{name}", text, type=kind, default=False if kind == "bool" else None)


def pytest_configure(config: pytest.Config) -> None:
    for name, text in _MARKERS.items():
        config.addinivalue_line("markers", f"{name}: {text}")
    if SESSION_KEY in config.stash or not config.getoption("opsdocs"):
        return  # inert, or `opsdocs verify` brought its own session
    from opsdocs.verify.context import VerifyOptions

    root, base_url = _setting(config, "root"), _setting(config, "base_url")
    options = VerifyOptions(
        root=Path(str(root)) if root else _default_root(),
        base_url=str(base_url) if base_url else None,
        external=bool(_setting(config, "external")),
        report=_path(_setting(config, "report")),
        junit=_path(_setting(config, "junit")),
        require_isolation=bool(_setting(config, "require_isolation"))
        or os.environ.get("OPSDOCS_REQUIRE_ISOLATION", "") not in ("", "0", "false"),
        share_steps=not _setting(config, "no_shared_steps"),
    )
    config.pluginmanager.register(OpsdocsSession(options), "opsdocs-session")  # stashes itself


def _setting(config: pytest.Config, name: str) -> str | bool | None:
    """The flag when given, else the ini value (paths relative to the ini file), else None."""
    value = config.getoption("opsdocs_" + name)
    if value is not None:
        return str(Path(config.invocation_params.dir, value)) if name in _PATHS else value
    ini = config.getini("opsdocs_" + name)
    if not ini:
        return None
    if name in _PATHS:
        base = config.inipath.parent if config.inipath else config.rootpath
        return str(base / str(ini))
    return ini if isinstance(ini, bool) else str(ini)


def _default_root() -> Path:
    from opsdocs.project.load import default_root

    return default_root()


def _path(value: str | bool | None) -> Path | None:
    return Path(str(value)) if value else None


def pytest_report_header(config: pytest.Config) -> str | None:
    """``opsdocs: project NAME at ROOT, wrangler VERSION`` (or why not) when the checks are collected."""
    session = config.stash.get(SESSION_KEY, None)
    return session.header() if session is not None else None
