"""The nightly verify workflow for a project: its package manager, its wrangler, a read-only token.

Actions are pinned by commit SHA (tag in a comment), the workflow grants nothing and the job only
``contents: read``; checkout keeps no credentials; the token is the read-only one, on the one step
that needs it. pnpm and yarn come from corepack (shipped with Node), bun from its setup action.
"""

from __future__ import annotations

from opsdocs.packagemanager import PackageManager
from opsdocs.scaffold._marker import WORKFLOW
from opsdocs.scaffold._secrets import READONLY_TOKEN

__all__ = ["WORKFLOW", "render_workflow"]
CHECKOUT = "actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1"
SETUP_NODE = "actions/setup-node@820762786026740c76f36085b0efc47a31fe5020 # v7.0.0"
SETUP_PYTHON = "actions/setup-python@5fda3b95a4ea91299a34e894583c3862153e4b97 # v7.0.0"
SETUP_BUN = "oven-sh/setup-bun@0c5077e51419868618aeaa5fe8019c62421857d6 # v2.2.0"
UPLOAD = "actions/upload-artifact@bbbca2ddaa5d8feaa63e36b76fdaad77386f024f # v7.0.0"
SAVE_CACHE = "actions/cache/save@27d5ce7f107fe9357f9df03efb73ab90386fccae # v5.0.5"
NODE = "24"  # active LTS; wrangler 4.87 and later refuse Node < 22


def _toolchain_steps(pm: PackageManager, install_dir: str, project_dir: str) -> str:
    steps = f"""\
      - name: Set up Node
        uses: {SETUP_NODE}
        with:
          node-version: "{NODE}"
"""
    if pm.name in ("pnpm", "yarn"):
        steps += f"""\
      - name: Enable {pm.name} (corepack, the version package.json's packageManager names)
        run: corepack enable
"""
    elif pm.name == "bun":
        steps += f"""\
      - name: Set up bun
        uses: {SETUP_BUN}
"""
    where = f"\n        working-directory: {install_dir}" if install_dir != project_dir else ""
    return steps + f"""\
      - name: Install the project's dependencies (its own wrangler)
        run: {pm.install}{where}
"""


_TRIGGERS = """\
name: opsdocs-nightly

on:
  schedule:
    - cron: "23 4 * * *"
  workflow_dispatch:

permissions: {}

concurrency:
  group: opsdocs-nightly
  cancel-in-progress: false
"""


def render_workflow(pm: PackageManager, *, base_url: str, opsdocs_version: str, project_dir: str = ".",
                    install_dir: str = ".") -> str:
    """``project_dir``/``install_dir``: the Worker's folder and the lockfile's, relative to the repository
    (a monorepo's workflow lives at the top; `run:` steps default to the Worker's folder)."""
    lock = f"detected from {pm.lockfile}" if pm.lockfile else "no lockfile found: npm is the default"
    if install_dir != ".":
        lock += f" in {install_dir}"
    defaults = f"    defaults:\n      run:\n        working-directory: {project_dir}\n" if project_dir != "." else ""
    out = "" if project_dir == "." else f"{project_dir}/"
    return f"""\
# Nightly: check the docs against reality with `opsdocs verify` (written by `opsdocs init`).
# Package manager: {pm.name} ({lock}); wrangler is the project's own, from its lockfile.
{_TRIGGERS}
jobs:
  verify:
    name: Verify the docs against reality
    runs-on: ubuntu-latest
    timeout-minutes: 30
    permissions:
      contents: read
{defaults}\
    steps:
      - name: Check out
        uses: {CHECKOUT}
        with:
          persist-credentials: false
{_toolchain_steps(pm, install_dir, project_dir)}\
      - name: Set up Python
        uses: {SETUP_PYTHON}
        with:
          python-version: "3.12"
      - name: Install opsdocs
        run: python -m pip install "opsdocs=={opsdocs_version}"
      - name: Verify
        env:
          # Read-only (checks/secrets.yml says which permissions): remote-read steps list and inspect, never change.
          CLOUDFLARE_API_TOKEN: ${{{{ secrets.{READONLY_TOKEN} }}}}
          OPSDOCS_BASE_URL: {base_url}
        run: opsdocs verify --no-cache --report .opsdocs/report.json --junit .opsdocs/junit.xml
      # For pull requests that restore it (docs "Verify in CI"): passing rehearsals only, and the user
      # cache opsdocs fills itself (wrangler's --help texts, Node's compile cache). Saved from the default
      # branch only: a schedule runs there. Restore with the same path list (it is part of the version).
      - name: Save the caches
        if: always()
        uses: {SAVE_CACHE}
        with:
          path: |
            {out}.opsdocs/cache
            ~/.cache/opsdocs
          key: opsdocs-${{{{ runner.os }}}}-${{{{ github.sha }}}}-${{{{ github.run_id }}}}
      - name: Keep the report
        if: always()
        uses: {UPLOAD}
        with:
          name: opsdocs-report
          path: |
            {out}.opsdocs/report.json
            {out}.opsdocs/junit.xml
          if-no-files-found: ignore
"""
