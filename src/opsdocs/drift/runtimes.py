"""``runtimes``: workflows set up a supported Node, run actions on a runtime GitHub still runs, and the
project's ``engines.node`` asks for a Node the pinned wrangler accepts. Facts: ``opsdocs/data/runtimes.yml``."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from opsdocs import toolchain
from opsdocs.drift._base import failure
from opsdocs.drift._visit import WorkflowAudit
from opsdocs.errors import EnvironmentProblem
from opsdocs.noderange import parse_range
from opsdocs.project._yaml import BoundedLoader
from opsdocs.project.model import ActionRef, Job, Location, Project, Step, Workflow
from opsdocs.report.finding import Finding
from opsdocs.project._read import read_input

DATA = Path(__file__).resolve().parents[1] / "data" / "runtimes.yml"
_EXPR = re.compile(r"^\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")
_COMMENT_VERSION = re.compile(r"#\s*(v\d+)(?:[.\s]|$)")


@lru_cache(maxsize=1)
def facts() -> dict[str, Any]:
    data = yaml.load(DATA.read_text(encoding="utf-8"), Loader=BoundedLoader)  # noqa: S506 - SafeLoader
    assert isinstance(data, dict)
    return data


class Runtimes(WorkflowAudit):
    id = "runtimes"
    title = "Node and action runtimes are supported; engines.node suits the pinned wrangler"
    doc = """
        Reports, at the line to change: a workflow whose `actions/setup-node` sets up a Node major past its end
        of life (`node-version`, also through `${{ env.X }}`, or the file `node-version-file` names); an action
        whose major version runs on an action runtime GitHub has retired or is retiring (`node12`, `node16`,
        `node20`: such a step stops running when the runtime goes); and a `package.json` `engines.node` that
        admits a Node the pinned wrangler's own `engines.node` refuses. Fix: move to a supported LTS, to the
        action's newest major (pinned by SHA, version in a comment), or narrow `engines.node` to what wrangler
        needs. The facts (Node end-of-life dates from the Node.js Release schedule, runtime status from GitHub's
        changelog, each action major's `runs.using` from its action.yml) live in `src/opsdocs/data/runtimes.yml`
        with their sources; refresh them there, as its header says, and update its `checked:` date.
    """

    def __init__(self, today: dt.date | None = None) -> None:
        self._today = today

    def visit_step(self, project: Project, workflow: Workflow, job: Job, step: Step) -> list[Finding]:
        return self._node_setup(project, workflow, step, self._today or dt.date.today())

    def visit_workflow(self, project: Project, workflow: Workflow) -> list[Finding]:
        return [self._action(project, ref) for ref in workflow.actions if _runtime_status(project, ref)]

    def finish(self, project: Project) -> list[Finding]:
        return self._engines(project)

    # --- setup-node --------------------------------------------------------------------------------

    def _node_setup(self, project: Project, wf: Workflow, step: Step, today: dt.date) -> list[Finding]:
        if not (step.uses or "").startswith("actions/setup-node@"):
            return []
        w = step.with_
        line = _line(w, "node-version", step.location.line)
        raw, via = w.get("node-version"), ""
        if raw is None and isinstance(w.get("node-version-file"), str):
            line = _line(w, "node-version-file", step.location.line)
            raw, via = _read_version_file(project.root / w["node-version-file"]), f" (from {w['node-version-file']})"
        m = _EXPR.match(str(raw or "").strip())
        if m:
            value = step.env.get(m[1], wf.env.get(m[1]))
            raw, via = value, f" (${{{{ env.{m[1]} }}}})"
        major = _major(str(raw)) if raw is not None else None
        end = facts()["node"].get(major) if major else None
        if not isinstance(end, dt.date) or end > today:
            return []
        loc = Location(wf.relpath, line)
        return [failure(self.id, f"{wf.relpath}:{line}", loc,
                        f"sets up Node {raw}{via}, end of life since {end.isoformat()}; use a supported LTS "
                        f"(e.g. node-version: \"{_suggest(today)}\")")]

    # --- actions -----------------------------------------------------------------------------------

    def _action(self, project: Project, ref: ActionRef) -> Finding:
        major, runtime, status = _runtime_status(project, ref) or ("", "", "")
        newest = max(facts()["actions"][ref.action], key=lambda v: int(v[1:]))
        return failure(self.id, f"{ref.workflow}:{ref.location.line}", ref.location,
                       f"{ref.action}@{major} runs on {runtime}, which GitHub "
                       f"{'is retiring' if status == 'retiring' else 'has retired'}; move to {ref.action}@{newest} "
                       f"({facts()['actions'][ref.action][newest]}), pinned by SHA with the version in a comment")

    # --- package.json engines ----------------------------------------------------------------------

    def _engines(self, project: Project) -> list[Finding]:
        pkg = project.root / "package.json"
        try:
            data = json.loads(read_input(pkg, "package.json", what="package.json"))
            wanted = data["engines"]["node"]
        except (OSError, ValueError, KeyError, TypeError):
            return []  # no package.json, or no engines.node: nothing claimed
        try:
            pinned = toolchain.find_wrangler(project.root)
            theirs, ours = parse_range(str(wanted)), parse_range(pinned.engines or "*")
        except (EnvironmentProblem, ValueError):
            return []  # no wrangler, or a range we cannot read: other checks say so
        if theirs.is_subset_of(ours):
            return []
        line = _json_key_line(pkg, "node", after="engines")
        lowest = next((i.lo for i in theirs.intervals if not ours.contains(i.lo)), theirs.minimum())
        shown = ".".join(map(str, lowest)) if lowest else "?"
        how = ("no Node satisfies both" if not theirs.overlaps(ours)
               else f"it admits Node {shown}, which wrangler refuses")
        return [failure(self.id, f"package.json:{line}", Location("package.json", line),
                        f"engines.node \"{wanted}\" contradicts wrangler {pinned.version}'s engines.node "
                        f"\"{pinned.engines}\": {how}; use \"{pinned.engines}\" or narrower")]


def _runtime_status(project: Project, ref: ActionRef) -> tuple[str, str, str] | None:
    table = facts()["actions"].get(ref.action)
    if table is None:
        return None
    major = _ref_major(project, ref)
    runtime = table.get(major) if major else None
    status = facts()["action_runtimes"].get(runtime) if runtime else None
    return (major or "", str(runtime), str(status)) if status in ("retired", "retiring") else None


def _ref_major(project: Project, ref: ActionRef) -> str | None:
    """``v4`` from ``@v4``/``@v4.2.1``, or for a SHA pin from its ``# v4.2.1`` comment."""
    if ref.ref and not ref.pinned:
        m = re.match(r"^(v\d+)", ref.ref)
        return m[1] if m else None
    try:  # the comment is not in the model: read the workflow's `uses:` line
        lines = read_input(project.root / ref.workflow, ref.workflow, what="workflow").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    # The location is the step's first line, and `name:` or `id:` may come before `uses:`: the first line
    # from there that holds the reference is the one whose comment names the version.
    line = next((t for t in lines[max(ref.location.line - 1, 0):] if ref.uses in t), "")
    m = _COMMENT_VERSION.search(line.partition(ref.uses)[2])
    return m[1] if m else None


def _major(value: str) -> str | None:
    v = value.strip().lower().removeprefix("v")
    if v.startswith("lts/"):
        code = facts()["lts_codenames"].get(v[4:])
        return str(code) if code else None
    m = re.match(r"^(?:[<>=~^]=?\s*)?(\d+)(?:[.x*]|$)", v)
    return m[1] if m else None


def _suggest(today: dt.date) -> str:
    """The oldest even (LTS) major still supported: long support, widest compatibility."""
    alive = sorted(int(k) for k, end in facts()["node"].items() if int(k) % 2 == 0 and end > today + dt.timedelta(days=180))
    return str(alive[0]) if alive else "lts/*"


def _read_version_file(path: Path) -> str | None:
    try:
        return read_input(path, path.name, what="Node version file").strip().splitlines()[0] or None
    except (OSError, IndexError, UnicodeDecodeError):
        return None


def _line(mapping: Any, key: str, default: int) -> int:
    lines = getattr(mapping, "lines", None)
    return int(lines[key][0]) if isinstance(lines, dict) and key in lines else default


def _json_key_line(path: Path, key: str, *, after: str) -> int:
    """The line of ``"key"`` after ``"after"`` in a JSON file (1 when not found)."""
    seen = False
    for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        seen = seen or f'"{after}"' in text
        if seen and re.search(rf'"{re.escape(key)}"\s*:', text.partition(f'"{after}"')[2] or text):
            return n
    return 1
