"""A main that is a build output not built yet (OpenNext): local health checks and wrangler dev are
skipped with the reason and the project's build command; ``verify --build`` runs that command first."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from opsdocs import load_project

OPENNEXT = Path(__file__).resolve().parents[1] / "fixtures" / "projects" / "opennext"


def _verify(root: Path, report: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "opsdocs", "verify", "--root", str(root), "--report", str(report),
                           "--plain", *extra], capture_output=True, text=True, timeout=600)


def test_the_build_command_comes_from_package_json(tmp_path: Path) -> None:
    missing = load_project(OPENNEXT).missing_build
    assert missing is not None and missing.main == ".open-next/worker.js"
    assert missing.command == ("npx", "opennextjs-cloudflare", "build")  # not `deploy`, which also uploads
    (tmp_path / "wrangler.jsonc").write_text('{"name": "a", "main": "dist/w.js"}')
    (tmp_path / "pnpm-lock.yaml").write_text("")
    (tmp_path / "package.json").write_text('{"scripts": {"build": "tsup"}}')
    assert load_project(tmp_path).missing_build.command == ("pnpm", "run", "build")


def _installed(root: Path) -> None:
    """As `npm ci` leaves a project: opsdocs runs only the project's own wrangler."""
    (root / "node_modules").symlink_to(Path(__file__).resolve().parents[2] / "node_modules", target_is_directory=True)


def test_local_health_checks_are_skipped_with_the_reason(tmp_path: Path) -> None:
    root = tmp_path / "app"
    shutil.copytree(OPENNEXT, root)
    _installed(root)
    run = _verify(root, tmp_path / "r.json", "-m", "health")
    assert "Traceback" not in run.stdout + run.stderr
    checks = json.loads((tmp_path / "r.json").read_text())["checks"]
    local = [c for c in checks if c["id"].endswith("@local")]
    assert local and all(c["status"] == "skipped" for c in local)
    assert "main .open-next/worker.js is a build output that does not exist yet; build it first with " \
           "`npx opennextjs-cloudflare build`" in local[0]["message"]


def test_verify_build_runs_the_build_first(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    _installed(root)
    (root / "wrangler.jsonc").write_text('{"name": "built", "main": "dist/worker.js", "compatibility_date": "2025-01-01"}')
    (root / "package.json").write_text('{"name": "built", "scripts": {"build": "node build.mjs"}}')
    (root / "build.mjs").write_text("import fs from 'node:fs'; fs.mkdirSync('dist', {recursive: true});"
                                    "fs.writeFileSync('dist/worker.js', 'export default {fetch() {return new Response(1)}}');")
    assert load_project(root).missing_build is not None
    run = _verify(root, tmp_path / "r.json", "-m", "drift", "--build")
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    assert "building first: npm run build" in run.stderr
    assert (root / "dist" / "worker.js").is_file()
    assert load_project(root).missing_build is None
