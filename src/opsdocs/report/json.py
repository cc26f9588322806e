"""The JSON report: the typed :class:`Report` written to and read from ``.opsdocs/report.json``."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from opsdocs.errors import ConfigError
from opsdocs._fs import atomic_write_text
from opsdocs._subprocess import Timeout, run_captured
from opsdocs.report.finding import Finding
from opsdocs.report.model import REPORT_VERSION, STATUS_ORDER, Report, ShardInfo, sort_findings
from opsdocs.steps.masking import Masker

__all__ = [
    "REPORT_VERSION",
    "STATUS_ORDER",
    "Report",
    "build_report",
    "current_commit",
    "mask_findings",
    "read_report",
    "sort_findings",
    "write_report",
]

_GIT_TIMEOUT_S = 10.0
_FRESH_HINT = "delete it and run `opsdocs verify` to write a fresh one"


def mask_findings(findings: Iterable[Finding], masker: Masker) -> list[Finding]:
    """The findings with ``masker`` applied to every text field (id, identity, location's path, message)."""
    m = masker.mask
    return [
        dataclasses.replace(
            f, id=m(f.id), check=m(f.check), subject=m(f.subject), message=m(f.message),
            location=dataclasses.replace(f.location, path=m(f.location.path)) if f.location else None,
        )
        for f in findings
    ]


def build_report(
    findings: Iterable[Finding],
    *,
    root: Path,
    started_at: datetime,
    duration_s: float,
    commit: str | None = None,
    masker: Masker | None = None,
    isolation: str | None = None,
    interrupted: bool = False,
    shard: ShardInfo | None = None,
) -> Report:
    """The run's :class:`Report`, every text masked by the run's one ``masker`` (``opsdocs verify``'s)."""
    masked = mask_findings(findings, masker) if masker is not None else list(findings)
    return Report.build(masked, root=root, started_at=started_at, duration_s=duration_s, commit=commit,
                        isolation=isolation, interrupted=interrupted, shard=shard)


def write_report(report: Report, path: Path) -> None:
    """Write ``report`` as JSON, atomically (a reader never sees half a file)."""
    text = json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    atomic_write_text(Path(path), text)


def read_report(path: Path) -> Report | None:
    """The report at ``path``; None when there is none yet; ConfigError when it is not a valid report."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the report: {exc}", path=path, hint=_FRESH_HINT) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"the report is not valid JSON: {exc.msg}",
            path=path,
            line=exc.lineno,
            col=exc.colno,
            hint=_FRESH_HINT,
        ) from None
    version = data.get("version") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version != REPORT_VERSION:
        raise ConfigError(
            f"report version {version} is not {REPORT_VERSION}",
            path=path,
            line=1,
            hint="it was written by another opsdocs version; " + _FRESH_HINT,
        )
    try:
        return Report.from_json(data)
    except ValueError as exc:
        raise ConfigError(f"not a valid opsdocs report: {exc}", path=path, line=1, hint=_FRESH_HINT) from None


def current_commit(root: Path) -> str | None:
    """``git rev-parse HEAD`` in ``root``; None outside a git checkout, without git, or on timeout."""
    try:
        proc = run_captured(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=root, timeout_s=_GIT_TIMEOUT_S,
                            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    except (OSError, Timeout):
        return None
    commit = proc.stdout.strip()
    return commit if proc.returncode == 0 and commit else None
