"""A Cloudflare Pages project verified end to end: the Functions build the guides show for it rehearses
with the real pinned wrangler in the sandbox (which copies the output folder and functions/), and no page
shows it the Workers build."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from verify_helpers import REPO, run_opsdocs

FIXTURE = REPO / "tests" / "fixtures" / "projects" / "pages"


def test_a_pages_project_rehearses_its_functions_build(tmp_path: Path) -> None:
    root = tmp_path / "pages"
    shutil.copytree(FIXTURE, root)
    (root / "functions" / "api").mkdir(parents=True)
    (root / "functions" / "api" / "hello.js").write_text('export function onRequest() { return new Response("hi"); }\n')
    (root / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    report = tmp_path / "r.json"
    proc = run_opsdocs("verify", "--plain", "--no-cache", "--root", str(root), "-m", "runbook",
                       "--report", str(report))
    checks = json.loads(report.read_text())["checks"]
    assert proc.returncode == 0, [c["message"] for c in checks if c["status"] == "failed"]
    built = [c for c in checks if c["path"] == "runbooks/build-check.md" and c["status"] == "passed"
             and c["id"].startswith("runbook:")]
    assert built, checks


def test_a_pages_project_is_health_checked_on_wrangler_pages_dev(tmp_path: Path) -> None:
    # `wrangler dev` refuses a Pages config; the run's one dev server is `wrangler pages dev <output dir>`.
    root = tmp_path / "pages"
    shutil.copytree(FIXTURE, root)
    (root / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    (root / "checks").mkdir()
    (root / "checks" / "health.yml").write_text("- name: home\n  path: /\n  status: 200\n")
    report = tmp_path / "r.json"
    proc = run_opsdocs("verify", "--plain", "--no-cache", "--root", str(root), "-m", "health",
                       "--report", str(report))
    checks = {c["id"]: c for c in json.loads(report.read_text())["checks"]}
    assert proc.returncode == 0, proc.stderr
    assert checks["health:home@local"]["status"] == "passed", checks
