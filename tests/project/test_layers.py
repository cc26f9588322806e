"""Data flows one way: the model knows no reader of it; the checks read pages from the model, never from
the renderer; nothing reaches another layer through importlib. Read from the real source with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "opsdocs"

# package -> the opsdocs packages it must never import (a module-level or function-level import alike)
FORBIDDEN = {
    "project": {"site", "drift", "report", "verify", "cli", "steps"},
    "drift": {"site", "verify", "cli"},
    "report": {"site", "drift", "verify", "cli"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__"):
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                out.add(arg.value)
    return {name for name in out if name.startswith("opsdocs.")}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_back_up(package: str) -> None:
    bad = []
    for path in sorted((SRC / package).rglob("*.py")):
        for name in sorted(_imports(path)):
            if name.split(".")[1] in FORBIDDEN[package]:
                bad.append(f"{path.relative_to(SRC)} imports {name}")
    assert bad == []


def test_the_site_reaches_the_rules_by_a_plain_import() -> None:
    """The reference page lists the registry's rules through an import a reader (and mypy) can follow."""
    text = (SRC / "site" / "_sections.py").read_text(encoding="utf-8")
    assert "importlib" not in text and "from opsdocs.drift.registry import RULES" in text


def test_the_last_report_is_an_input_of_the_project(tmp_path: Path) -> None:
    """Its path is in the memo key and serve's watch list; a new report is a new Project and a new page."""
    from datetime import datetime, timezone

    from shipped_project import copy_project

    from opsdocs.project.load import load_project, watch_paths
    from opsdocs.report import Finding, Report, write_report
    from opsdocs.site.render import page_context

    root = copy_project(tmp_path / "p")
    first = load_project(root)
    assert "No report yet" in page_context(root=root)["status"]()
    report = Report.build([Finding("health:x", "health", "failed", None, "down")], root=root,
                          started_at=datetime(2026, 1, 1, tzinfo=timezone.utc), duration_s=1)
    write_report(report, first.report_path)
    second = load_project(root)
    assert second is not first and first.report_path in second.read_paths
    assert first.report_path in watch_paths(root)
    assert "1 of 1 checks failed" in page_context(root=root)["status"]()
