"""Generated sections checked against the workflow files read independently (plain YAML, grep)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from other_project import write_other_project

from opsdocs import load_project
from opsdocs.project.load import CHECKOUT_ROOT
from opsdocs.site._context import build_context


def _workflows(root: Path) -> dict[str, dict[str, object]]:
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted((root / ".github/workflows").glob("*.yml"))}


@pytest.fixture(params=["repo", "other"])
def root(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return CHECKOUT_ROOT if request.param == "repo" else write_other_project(tmp_path / "other")


def test_pipeline_mermaid_has_a_node_per_job_and_an_edge_per_needs(root: Path) -> None:
    diagram = build_context(load_project(root))["pipeline_mermaid"]()
    assert diagram.startswith("```mermaid\nflowchart LR\n") and diagram.endswith("\n```")
    nodes = set(re.findall(r"^\s+(\w+__\w+)\[", diagram, re.M))
    edges = set(re.findall(r"^\s+(\w+__\w+) -->(?:\|[^|]*\|)? (\w+__\w+)$", diagram, re.M))
    expected_nodes, expected_edges = set(), set()
    for stem, data in _workflows(root).items():
        slug = re.sub(r"\W", "_", stem)
        for job_id, job in data["jobs"].items():  # type: ignore[attr-defined]
            expected_nodes.add(f"{slug}__{re.sub(r'[^A-Za-z0-9_]', '_', job_id)}")
            needs = job.get("needs") or []
            for need in [needs] if isinstance(needs, str) else needs:
                expected_edges.add((f"{slug}__{need}", f"{slug}__{job_id}"))
    assert nodes == expected_nodes
    assert edges == expected_edges and edges
    for call in re.findall(r"-\. calls \.-> (wf_\w+)", diagram):
        assert f"subgraph {call}[" in diagram  # the called workflow is drawn


def test_gated_jobs_are_labelled_with_their_environment(root: Path) -> None:
    project = load_project(root)
    diagram = build_context(project)["pipeline_mermaid"]()
    for job in project.jobs:
        if job.environment and job.needs:
            assert re.search(rf'-->\|"gate: {re.escape(job.environment)}"\| \w+__{re.escape(job.id)}\b', diagram)


def test_secrets_table_lists_file_and_line_of_every_use(root: Path) -> None:
    table = build_context(load_project(root))["secrets_table"]()
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| <code>(\w+)</code> \|.*$", table, re.M)}
    uses: dict[str, list[str]] = {}
    for path in sorted((root / ".github/workflows").glob("*.yml")):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for name in re.findall(r"secrets\.(\w+)", line.split("#", 1)[0]):
                if name != "GITHUB_TOKEN":
                    uses.setdefault(name, []).append(f"{path.relative_to(root)}:{number}")
    assert set(rows) == set(uses) and uses
    for name, places in uses.items():
        for place in places:
            assert f"<code>{place}</code>" in rows[name], (name, place)
