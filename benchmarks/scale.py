"""Verify at scale (issue 15), on copies of this repo's project and site, in one run:

- CPU of a full verify *before* the per-step savings (the code of commit ``BEFORE``, its own guides) and
  now, both on a fresh copy with an empty user cache (a new CI machine), then now again with the user cache
  those runs left (a developer's machine, or CI restoring ``~/.cache/opsdocs``);
- full verify vs unchanged re-verify; one edited page vs full (and which pages re-ran);
- the slowest of 4 shards vs the unsharded wall (shards run one after another here).
CPU is read from a cgroup (cpuacct, v1) when one can be made: rehearsals run under bubblewrap, whose
processes' CPU never reaches ``getrusage(RUSAGE_CHILDREN)`` (``/usr/bin/time`` sees 6 s of a 140 s run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PROJECT_FILES = ("wrangler.jsonc", "worker", "migrations", "checks", ".github", "package.json", "package-lock.json")

# Before the per-step savings: the last commit before issue 15's work on wrangler calls. Its source is taken
# with `git archive` and run on PYTHONPATH, with the same venv, node_modules and machine, in the same run.
BEFORE = "8771fa5"
_CG = Path("/sys/fs/cgroup/cpuacct")


def _before_src(dest: Path) -> Path | None:
    """``src/`` of BEFORE, unpacked under ``dest``; None when git cannot give it (a shallow clone)."""
    try:
        dest.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", BEFORE, "src"], capture_output=True,
                                 timeout=60, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError):
        return None
    return dest / "src"


def _copy(dest: Path, src: Path = ROOT / "src") -> tuple[Path, Path]:
    """The project (this repo's sample) and the built-in site of ``src`` (its own guides and hooks)."""
    project, site = dest / "project", dest / "site"
    project.mkdir(parents=True)
    for name in PROJECT_FILES:
        path = ROOT / name
        (shutil.copytree if path.is_dir() else shutil.copy2)(path, project / name)
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    guides = src / "opsdocs" / "guides"
    for name in ("docs", "runbooks"):
        shutil.copytree(guides / name, site / name)
    hooks = src / "opsdocs" / "site" / "hooks.py"
    (site / "mkdocs.yml").write_text((guides / "mkdocs.yml").read_text().replace("  - ../site/hooks.py", f"  - {hooks}"))
    (site / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return project, site


def _cgroup(name: str) -> Path | None:
    path = _CG / f"opsdocs-bench-{os.getpid()}-{name}"
    try:
        path.mkdir(parents=True)
        return path
    except OSError:
        return None


def _verify(project: Path, site: Path, report: Path, name: str, *extra: str, src: Path | None = None,
            cache_home: Path | None = None) -> dict[str, Any]:
    """One ``opsdocs verify`` (of ``src`` when given, else this checkout's), its wall and cgroup CPU."""
    cmd = [sys.executable, "-c", "import sys; from opsdocs.cli import main; sys.exit(main())", "verify", "--plain",
           "--root", str(project), "--site-root", str(site), "--report", str(report), *extra]
    group = _cgroup(name)
    if group is not None:  # the child enters the cgroup before it execs: every descendant is counted
        cmd = ["sh", "-c", f'echo $$ > {group}/cgroup.procs && exec "$@"', "sh", *cmd]
    env = {**os.environ, "WRANGLER_SEND_METRICS": "false", "CLOUDFLARE_CF_FETCH_ENABLED": "false", "CI": "true"}
    if src is not None:
        env["PYTHONPATH"] = str(src)
    if cache_home is not None:  # the user's cache (compile cache, shared help texts): empty = a new machine
        env["XDG_CACHE_HOME"] = str(cache_home)
    for k in ("CLOUDFLARE_API_TOKEN", "OPSDOCS_BASE_URL", "GITHUB_ACTIONS"):
        env.pop(k, None)
    start, r0 = time.perf_counter(), os.times()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200,
                          start_new_session=True, stdin=subprocess.DEVNULL)
    wall, r1 = time.perf_counter() - start, os.times()
    cpu = (r1.children_user + r1.children_system) - (r0.children_user + r0.children_system)
    if group is not None:
        cpu = int((group / "cpuacct.usage").read_text()) / 1e9
        group.rmdir()
    checks = json.loads(report.read_text())["checks"] if report.exists() else []
    rerun = sorted({c["path"] for c in checks if c["id"].startswith("runbook:") and "(reused:" not in c["message"]})
    return {"exit": proc.returncode, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "cgroup": group is not None,
            "load": round(os.getloadavg()[0], 2), "rerun_pages": rerun, "checks": len(checks),
            "last_line": (proc.stderr.strip().splitlines() or [""])[-1][:200]}


_EDIT = '\n```{.bash title="An edited step" data-mode="rehearse" data-expect="edited"}\necho edited\n```\n'


def measure_scale(quick: bool) -> dict[str, Any]:
    from run import _row  # benchmarks/run.py's row helper

    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="opsdocs-bench-scale-") as tmp_name:
        tmp = Path(tmp_name)
        cold_home = tmp / "cache-home"  # one user cache: empty for the first run of each, then as they left it
        before_src = _before_src(tmp / "before")
        if before_src is not None:
            project, site = _copy(tmp / "b", before_src)
            runs["before"] = _verify(project, site, tmp / "b.json", "before", src=before_src,
                                     cache_home=tmp / "before-home")
        project, site = _copy(tmp / "c")
        runs["full_cold"] = _verify(project, site, tmp / "c.json", "cold", cache_home=cold_home)
        project, site = _copy(tmp / "w")
        report = tmp / "r.json"
        runs["full"] = _verify(project, site, report, "full", cache_home=cold_home)
        runs["unchanged"] = _verify(project, site, report, "unchanged", cache_home=cold_home)
        page = site / "runbooks" / "build-check.md"
        page.write_text(page.read_text() + _EDIT)
        runs["one_edited"] = _verify(project, site, report, "edited", cache_home=cold_home)
        runs["shards"] = [] if quick else [
            _verify(project, site, tmp / f"s{i}.json", f"s{i}", "--no-cache", "--shard", f"{i}/4",
                    cache_home=cold_home) for i in range(1, 5)]
    return {"rows": _rows(runs, _row), "details": {"before_commit": BEFORE, **runs}}


def _rows(runs: dict[str, Any], _row: Any) -> list[dict[str, Any]]:
    full, cold, before = runs["full"], runs["full_cold"], runs.get("before")
    how = "cgroup" if full["cgroup"] else "rusage: undercounts"
    rows = [
        _row("unchanged re-verify / full verify (wall)", runs["unchanged"]["wall_s"] / full["wall_s"], "ratio", 0.10,
             note=f"{runs['unchanged']['wall_s']:.0f} s vs {full['wall_s']:.0f} s; re-ran {runs['unchanged']['rerun_pages']}"),
        _row("one edited page / full verify (wall)", runs["one_edited"]["wall_s"] / full["wall_s"], "ratio", None,
             note=f"re-ran {runs['one_edited']['rerun_pages']} (goal: that page only, plus the global checks)"),
    ]
    if before is not None:
        rows += [
            _row(f"full verify CPU, new machine: now / before ({BEFORE})", cold["cpu_s"] / before["cpu_s"], "ratio",
                 0.60, note=f"{cold['cpu_s']:.0f} s vs {before['cpu_s']:.0f} s CPU ({how}), empty user caches"),
            _row("  now with the user cache warm / before, new machine", full["cpu_s"] / before["cpu_s"], "ratio",
                 None, note=f"{full['cpu_s']:.0f} s CPU: compile cache and help texts already there"),
        ]
    if runs["shards"]:
        slowest = max(s["wall_s"] for s in runs["shards"])
        rows.append(_row("slowest of 4 shards / unsharded (wall)", slowest / full["wall_s"], "ratio", 0.35,
                         note=f"{slowest:.0f} s vs {full['wall_s']:.0f} s; shards {[s['wall_s'] for s in runs['shards']]} "
                              "run one after another on 2 cores"))
    return rows
