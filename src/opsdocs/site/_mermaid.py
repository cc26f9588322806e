"""The pipeline diagram, generated from every workflow's jobs and ``needs``: it cannot drift.

One subgraph per workflow, one node per job (``<workflow stem>__<job id>``, so equal job ids in two
workflows stay apart), one edge per ``needs`` entry, a dotted edge from a job that calls a reusable
workflow to that workflow's subgraph, and the GitHub environment (the approval gate) on the edges into
a gated job, or on the job itself when nothing precedes it.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from opsdocs.project.model import Job, Project, Workflow


def node_id(workflow: Workflow, job_id: str) -> str:
    return f"{_slug(PurePosixPath(workflow.relpath).stem)}__{_slug(job_id)}"


def _graph_id(workflow: Workflow) -> str:
    return "wf_" + _slug(PurePosixPath(workflow.relpath).stem)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", text)


def _label(text: str) -> str:
    """Mermaid label text: quotes and angle brackets as entities (``#quot;`` is Mermaid's escape)."""
    return text.replace('"', "#quot;").replace("<", "#lt;").replace(">", "#gt;")


def _node(workflow: Workflow, job: Job) -> str:
    lines = [_label(job.name or job.id), f"<code>{_label(job.id)}</code>"]
    if job.environment and not job.needs:
        lines.append(f"gate: {_label(job.environment)}")
    shape = ('[["', '"]]') if job.uses else ('["', '"]')
    return f"    {node_id(workflow, job.id)}{shape[0]}{'<br/>'.join(lines)}{shape[1]}"


def pipeline_mermaid(project: Project, direction: str = "LR") -> str:
    """A ```` ```mermaid ```` fence with the whole CI/CD graph."""
    out = [f"flowchart {direction}"]
    edges: list[str] = []
    for wf in project.workflows:
        # A short one-line title: a long one wraps and mermaid draws it over the first job box.
        # (the workflow's file name: unique, short; its `name:` is in the jobs table)
        out.append(f'  subgraph {_graph_id(wf)}["{_label(PurePosixPath(wf.relpath).name)}"]')
        out.append(f"    direction {direction}")
        for job in wf.jobs.values():
            out.append(_node(wf, job))
            for need in job.needs:
                # Text, not an emoji: a machine without an emoji font draws an empty box.
                gate = f'|"gate: {_label(job.environment)}"|' if job.environment else ""
                edges.append(f"  {node_id(wf, need)} -->{gate} {node_id(wf, job.id)}")
            # `./x` or GitHub's self-repository form `$/x`: a workflow of this repository
            called = project.workflow(job.uses.removeprefix("./").removeprefix("$/")) if job.uses else None
            if called is not None:
                edges.append(f"  {node_id(wf, job.id)} -. calls .-> {_graph_id(called)}")
        out.append("  end")
    return "```mermaid\n" + "\n".join(out + edges) + "\n```"
