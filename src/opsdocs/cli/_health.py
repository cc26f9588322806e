"""``opsdocs health --base-url URL``: run ``checks/health.yml`` against a deployment.

CI runs it right after ``wrangler deploy``, on-call runs it by hand. It reads only the checks file, not
the whole project, so it works on any runner that has the repository. Exit 0 only when every check passes,
1 when one fails, 2 when it cannot run (no URL, bad URL, bad checks file).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from opsdocs.errors import ConfigError
from opsdocs.health import parse_base_url, run_health_checks
from opsdocs.project.checks import load_health_checks
from opsdocs.project.model import HealthCheck
from opsdocs.report.finding import Finding

ENV_BASE_URL = "OPSDOCS_BASE_URL"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "health",
        help="run checks/health.yml against a deployed URL",
        description="Run the declared health checks against a base URL; exit 0 only when all pass.",
    )
    parser.add_argument("--base-url", help=f"e.g. https://api.example.com (default: ${ENV_BASE_URL})")
    parser.add_argument("--root", type=Path, help="project checkout (default: $OPSDOCS_ROOT, else the nearest folder "
                        "at or above the current one with a wrangler config, else .)")
    parser.add_argument("--checks", type=Path, help="checks file (default: ROOT/checks/health.yml)")
    parser.add_argument("--json", action="store_true", help="print the findings as JSON")
    parser.set_defaults(handler=run)


def _default_root() -> Path:
    """The project found from the cwd; health needs only its checks file, so without a wrangler config
    anywhere up (a runner with just the checks) the current folder will do."""
    from opsdocs.project.load import default_root

    try:
        return default_root()
    except ConfigError:
        return Path(".")


def run(args: argparse.Namespace) -> int:
    raw_url = args.base_url or os.environ.get(ENV_BASE_URL, "")
    if not raw_url.strip():
        raise ConfigError("no base URL to check",
                          hint=f"pass --base-url https://<worker>.workers.dev or set {ENV_BASE_URL}")
    base_url = parse_base_url(raw_url)
    root = args.root if args.root is not None else _default_root()
    if not root.is_dir():  # say so, rather than "checks/health.yml not found" under a path that is not there
        raise ConfigError("project root is not a directory", path=root,
                          hint="pass --root with the path of a wrangler project checkout")
    path = args.checks or root / "checks" / "health.yml"
    if not path.exists():  # a FIFO or a link to /dev/zero exists: load_health_checks says what it is
        raise ConfigError("health checks file not found", path=path,
                          hint="create checks/health.yml or pass --checks FILE")
    checks = load_health_checks(path, root)
    if not checks:
        raise ConfigError("no health checks declared", path=path,
                          hint="add at least one '- name: ...\\n  path: ...' entry")
    started = time.perf_counter()
    findings = run_health_checks(checks, base_url)
    elapsed = time.perf_counter() - started
    if args.json:
        print(json.dumps([f.to_json() for f in findings], indent=2))
    elif sys.stdout.isatty():
        _print_rich(checks, findings, elapsed)
    else:
        _print_plain(checks, findings, elapsed)
    return 0 if all(f.status == "passed" for f in findings) else 1


def _summary(findings: list[Finding], elapsed: float) -> str:
    failed = sum(f.status != "passed" for f in findings)
    return f"{len(findings) - failed} passed, {failed} failed in {elapsed:.2f} s"


def _print_plain(checks: tuple[HealthCheck, ...], findings: list[Finding], elapsed: float) -> None:
    for check, finding in zip(checks, findings, strict=True):
        mark = "ok  " if finding.status == "passed" else "FAIL"
        where = "" if finding.status == "passed" else f" [{finding.where}]"
        print(f"{mark} {check.name}: {finding.message}{where}")
    print(_summary(findings, elapsed))


def _print_rich(checks: tuple[HealthCheck, ...], findings: list[Finding], elapsed: float) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=True)  # one line per check, however narrow
    for check, finding in zip(checks, findings, strict=True):
        if finding.status == "passed":
            console.print(f"[green]✓[/] [bold]{escape(check.name)}[/]: {escape(finding.message)}")
        else:
            console.print(f"[red]✗[/] [bold]{escape(check.name)}[/]: {escape(finding.message)} "
                          f"[dim]{escape(finding.where)}[/]")
    console.print(_summary(findings, elapsed), style="green" if all(
        f.status == "passed" for f in findings) else "red")
