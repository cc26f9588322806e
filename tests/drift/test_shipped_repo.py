"""This repository's own config and pages pass every drift rule: the docs match reality."""

from __future__ import annotations

from opsdocs.drift import run_rules
from opsdocs.project.load import CHECKOUT_ROOT, GUIDES_DIR, load_project
from opsdocs.site.render import render_pages


def test_the_shipped_repo_passes_every_rule() -> None:
    project = load_project(CHECKOUT_ROOT, site_root=GUIDES_DIR)
    failed = [f"{f.where}: {f.message}" for f in run_rules(project, render_pages(project))
              if f.status != "passed"]
    assert failed == []
