"""Verify at scale (issue 15), on a copy of this repo's project and site, in one run:

full verify (fresh cache) vs unchanged re-verify; one edited page vs full (and which pages re-ran); the
slowest of 4 shards vs the unsharded wall; CPU seconds vs the baseline recorded before the per-step
savings. CPU is read from a cgroup (cpuacct, v1) when one can be made: rehearsals run under bubblewrap, whose
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
GUIDES = ROOT / "src" / "opsdocs" / "guides"
PROJECT_FILES = ("wrangler.jsonc", "worker", "migrations", "checks", ".github", "package.json", "package-lock.json")

# Before the per-step savings (commit 8771fa5, 2026-12-01 23:15 UTC, warm wrangler-help cache, cgroup CPU;
# the machine was shared: load 10.6). `/usr/bin/time -v` of the same run said 30.6 s CPU, 121 s wall (load
# 3.6 to 6.5): bubblewrap's children are not counted there, see above.
BASELINE = {"commit": "8771fa5", "date": "2026-12-01T23:15Z", "cpu_s": 144.17, "wall_s": 181.9, "load": 10.6}
_CG = Path("/sys/fs/cgroup/cpuacct")


def _copy(dest: Path) -> tuple[Path, Path]:
    project, site = dest / "project", dest / "site"
    project.mkdir(parents=True)
    for name in PROJECT_FILES:
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, project / name)
    (project / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    for name in ("docs", "runbooks"):
        shutil.copytree(GUIDES / name, site / name)
    hooks = ROOT / "src" / "opsdocs" / "site" / "hooks.py"
    (site / "mkdocs.yml").write_text((GUIDES / "mkdocs.yml").read_text().replace("  - ../site/hooks.py", f"  - {hooks}"))
    (site / "node_modules").symlink_to(ROOT / "node_modules", target_is_directory=True)
    return project, site


def _cgroup(name: str) -> Path | None:
    path = _CG / f"opsdocs-bench-{os.getpid()}-{name}"
    try:
        path.mkdir(parents=True)
        return path
    except OSError:
        return None


def _verify(project: Path, site: Path, report: Path, name: str, *extra: str) -> dict[str, Any]:
    cmd = [sys.executable, "-c", "import sys; from opsdocs.cli import main; sys.exit(main())", "verify", "--plain",
           "--root", str(project), "--site-root", str(site), "--report", str(report), *extra]
    group = _cgroup(name)
    if group is not None:  # the child enters the cgroup before it execs: every descendant is counted
        cmd = ["sh", "-c", f'echo $$ > {group}/cgroup.procs && exec "$@"', "sh", *cmd]
    env = {**os.environ, "WRANGLER_SEND_METRICS": "false", "CLOUDFLARE_CF_FETCH_ENABLED": "false", "CI": "true"}
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
    with tempfile.TemporaryDirectory(prefix="opsdocs-bench-scale-") as tmp:
        project, site = _copy(Path(tmp))
        report = Path(tmp) / "r.json"
        runs["full"] = _verify(project, site, report, "full")
        runs["unchanged"] = _verify(project, site, report, "unchanged")
        page = site / "runbooks" / "build-check.md"
        page.write_text(page.read_text() + _EDIT)
        runs["one_edited"] = _verify(project, site, report, "edited")
        shards = [] if quick else [_verify(project, site, Path(tmp) / f"s{i}.json", f"s{i}", "--no-cache",
                                           "--shard", f"{i}/4") for i in range(1, 5)]
        runs["shards"] = shards
    full = runs["full"]
    rows = [
        _row("unchanged re-verify / full verify (wall)", runs["unchanged"]["wall_s"] / full["wall_s"], "ratio", 0.10,
             note=f"{runs['unchanged']['wall_s']:.0f} s vs {full['wall_s']:.0f} s; re-ran {runs['unchanged']['rerun_pages']}"),
        _row("one edited page / full verify (wall)", runs["one_edited"]["wall_s"] / full["wall_s"], "ratio", None,
             note=f"re-ran {runs['one_edited']['rerun_pages']} (goal: that page only, plus the global checks)"),
        _row("full verify CPU / before the per-step savings", full["cpu_s"] / BASELINE["cpu_s"], "ratio", 0.60,
             note=f"{full['cpu_s']:.0f} s vs {BASELINE['cpu_s']:.0f} s CPU ({BASELINE['commit']}, "
                  f"{'cgroup' if full['cgroup'] else 'rusage: undercounts'})"),
    ]
    if shards:
        slowest = max(s["wall_s"] for s in shards)
        rows.append(_row("slowest of 4 shards / unsharded (wall)", slowest / full["wall_s"], "ratio", 0.35,
                         note=f"{slowest:.0f} s vs {full['wall_s']:.0f} s; shards {[s['wall_s'] for s in shards]} "
                              "run one after another on 2 cores"))
    return {"rows": rows, "details": {"baseline": BASELINE, **runs}}
