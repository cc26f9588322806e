"""verify --root on another checkout: its undocumented secrets are named with their workflow file:line."""

from __future__ import annotations

import json
from pathlib import Path

from shipped_project import copy_project
from verify_helpers import run_opsdocs

WORKFLOW = """\
name: ship
on: push
permissions: {}
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions: {contents: read}
    timeout-minutes: 10
    steps:
      - name: deploy
        env:
          TOKEN: ${{ secrets.ACME_DEPLOY_TOKEN }}
          HOOK: ${{ secrets.ACME_SLACK_WEBHOOK }}
        run: npx wrangler deploy
"""


def test_undocumented_secrets_of_another_project_are_named(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "acme")
    (root / "checks" / "secrets.yml").unlink()
    (root / ".github" / "workflows" / "ship.yml").write_text(WORKFLOW)
    proc = run_opsdocs("verify", "--plain", "--root", str(root), "-m", "drift", "--report", str(tmp_path / "r.json"))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    undocumented = {c["id"]: c for c in report["checks"] if c["id"].startswith("drift:undocumented-secret:")}
    documented_nowhere = {"ACME_DEPLOY_TOKEN", "ACME_SLACK_WEBHOOK", "CLOUDFLARE_API_TOKEN",
                          "CLOUDFLARE_ACCOUNT_ID", "CLOUDFLARE_READ_TOKEN"}
    named = {name for name in documented_nowhere if any(name in c["message"] for c in undocumented.values())}
    assert named == documented_nowhere
    deploy_token = next(c for c in undocumented.values() if "ACME_DEPLOY_TOKEN" in c["message"])
    assert deploy_token["location"] == ".github/workflows/ship.yml:12"
    assert ".github/workflows/ship.yml:12" in proc.stdout + proc.stderr


def test_a_new_job_with_an_undocumented_secret_fails(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "proj")
    deploy = root / ".github" / "workflows" / "deploy.yml"
    text = deploy.read_text()
    extra = ("  notify:\n    name: Notify\n    runs-on: ubuntu-latest\n    needs: [deploy]\n"
             "    permissions: {}\n    timeout-minutes: 5\n    steps:\n      - name: ping\n"
             "        env:\n          HOOK: ${{ secrets.PAGER_WEBHOOK }}\n        run: echo ping\n")
    deploy.write_text(text.rstrip("\n") + "\n" + extra)
    line = len(text.rstrip("\n").splitlines()) + 10
    proc = run_opsdocs("verify", "--plain", "--root", str(root), "-k", "undocumented",
                       "--report", str(tmp_path / "r.json"))
    assert proc.returncode == 1
    report = json.loads((tmp_path / "r.json").read_text())
    (failure,) = [c for c in report["checks"] if c["status"] == "failed"]
    assert "PAGER_WEBHOOK" in failure["message"]
    assert failure["location"] == f".github/workflows/deploy.yml:{line}"
