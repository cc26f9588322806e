"""``todo-marker``: no ``TODO(opsdocs)`` left in the files ``opsdocs init`` wrote."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from opsdocs.drift._base import failure
from opsdocs.project.model import Location, Project
from opsdocs.report.finding import Finding
from opsdocs.scaffold import TODO
from opsdocs.project.pages import RenderedPage
from opsdocs.project._read import read_input


def _files(project: Project) -> list[tuple[str, Path]]:
    out = [(f"checks/{p.name}", p) for p in sorted(project.checks_dir.glob("*.y*ml")) if p.is_file()]
    out += [(wf.relpath, wf.path) for wf in project.workflows]
    return out


class TodoMarker:
    id = "todo-marker"
    title = "No TODO(opsdocs) marker is left in checks/ or the workflows"
    doc = """
        `opsdocs init` writes `checks/secrets.yml`, `checks/health.yml` and a nightly workflow from the config
        and the workflows, and leaves `TODO(opsdocs)` where only a person knows the answer: what a secret is
        for, the least permissions it needs, how it is rotated, and a deployed URL that cannot be known offline
        (a workers.dev subdomain). The secrets guide and the health checks would otherwise tell on-call a
        placeholder as if it were a fact. Each marker is reported at its `file:line`; fix it by replacing the
        marker and its hint with the real answer.
    """

    def check(self, project: Project, pages: Sequence[RenderedPage]) -> list[Finding]:
        out = []
        for relpath, path in _files(project):
            try:
                lines = read_input(path, relpath).splitlines()
            except OSError:
                continue  # unreadable files are their loaders' to report
            for number, line in enumerate(lines, 1):
                col = line.find(TODO)
                if col >= 0:
                    hint = line[col + len(TODO):].strip(" :\"'") or "the answer"
                    out.append(failure(self.id, f"{relpath}:{number}", Location(relpath, number, col + 1),
                                       f"placeholder left by opsdocs init: {hint}; write the real answer here"))
        return out
