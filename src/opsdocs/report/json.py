"""The JSON report: the one file every other view (status page, CI summary) is rendered from."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from opsdocs.errors import ConfigError
from opsdocs._fs import atomic_write_text
from opsdocs._subprocess import Timeout, run_captured
from opsdocs.report._schema import report_schema, validate
from opsdocs.report.finding import Finding
from opsdocs.steps.masking import MIN_LENGTH, Masker

__all__ = [
    "REPORT_VERSION",
    "STATUS_ORDER",
    "build_report",
    "current_commit",
    "mask",
    "mask_findings",
    "read_report",
    "sort_findings",
    "write_report",
]

REPORT_VERSION = 1
STATUS_ORDER = {"failed": 0, "skipped": 1, "passed": 2}
MIN_SECRET_LEN = MIN_LENGTH  # shorter values ("1", "yes") would mask ordinary words and say nothing secret
_GIT_TIMEOUT_S = 10.0
_FRESH_HINT = "delete it and run `opsdocs verify` to write a fresh one"


def mask(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret value of at least 4 characters in ``text`` with ``***`` (the run's Masker)."""
    return Masker(secrets).mask(text)


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


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Failed first, then skipped, then passed; the original order within each group."""
    return sorted(findings, key=lambda f: STATUS_ORDER[f.status])


def build_report(
    findings: Iterable[Finding],
    *,
    root: Path,
    started_at: datetime,
    duration_s: float,
    commit: str | None = None,
    masker: Masker | None = None,
    secrets: Iterable[str] = (),
    isolation: str | None = None,
    interrupted: bool = False,
) -> dict[str, Any]:
    """The report dict (schema in ``report/schema.json``), every text masked by the run's ``masker``
    (``opsdocs verify`` passes its one Masker; ``secrets`` adds values to it)."""
    extra = [s for s in secrets if s]
    if masker is None or extra:
        masker = Masker([*(masker.values if masker is not None else ()), *extra])
    ordered = sort_findings(mask_findings(findings, masker))
    summary = {status: sum(f.status == status for f in ordered) for status in ("passed", "failed", "skipped")}
    # A naive datetime is taken as local time; the report always says UTC so readers need no guess.
    stamp = started_at.astimezone(timezone.utc).isoformat(timespec="seconds")
    report: dict[str, Any] = {
        "version": REPORT_VERSION,
        "root": str(root),
        "started_at": stamp,
        "duration_s": round(max(duration_s, 0.0), 3),
        "commit": commit,
    }
    if isolation is not None:
        report["isolation"] = isolation
    if interrupted:
        report["interrupted"] = True
    report["summary"] = summary
    report["checks"] = [{**f.to_json(), "duration_s": round(max(f.duration_s, 0.0), 3)} for f in ordered]
    return report


def write_report(report: dict[str, Any], path: Path) -> None:
    """Write ``report`` as JSON, atomically (a reader never sees half a file)."""
    atomic_write_text(Path(path), json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def read_report(path: Path) -> dict[str, Any] | None:
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
    errors = validate(data, report_schema()) or _summary_mismatch(data)
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ConfigError(
            f"not a valid opsdocs report: {errors[0]}{more}", path=path, line=1, hint=_FRESH_HINT
        )
    result: dict[str, Any] = data
    return result


def _summary_mismatch(report: dict[str, Any]) -> list[str]:
    checks: Sequence[dict[str, Any]] = report["checks"]
    for status, count in report["summary"].items():
        actual = sum(c["status"] == status for c in checks)
        if actual != count:
            return [f"/summary/{status}: says {count} but {actual} checks are {status}"]
    return []


def current_commit(root: Path) -> str | None:
    """``git rev-parse HEAD`` in ``root``; None outside a git checkout, without git, or on timeout."""
    try:
        proc = run_captured(["git", "rev-parse", "--verify", "--quiet", "HEAD"], cwd=root, timeout_s=_GIT_TIMEOUT_S,
                            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    except (OSError, Timeout):
        return None
    commit = proc.stdout.strip()
    return commit if proc.returncode == 0 and commit else None
