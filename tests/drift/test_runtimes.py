"""runtimes: end-of-life Node in setup-node, actions on a retired/retiring runtime, engines vs wrangler's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from drift_helpers import Build

from opsdocs.drift.runtimes import Runtimes, facts

TODAY = dt.date(2026, 12, 1)
SHA = "3d3c42e5aac5ba805825da76410c181273ba90b1"
PINNED = json.loads((Path(__file__).resolve().parents[2] / "node_modules/wrangler/package.json").read_text())
WF = ".github/workflows/ci.yml"
CI = f"""\
name: ci
on: push
env:
  NODE_VERSION: "20"
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/checkout@{SHA} # v4.2.2
      - uses: actions/checkout@{SHA} # v7.0.1
      - uses: actions/setup-node@v6
        with:
          node-version: 18.x
      - uses: actions/setup-node@v6
        with:
          cache: npm
          node-version: ${{{{ env.NODE_VERSION }}}}
      - uses: actions/setup-node@v6
        with:
          node-version: lts/iron
      - uses: actions/setup-node@v6
        with:
          node-version-file: .nvmrc
      - uses: actions/setup-node@v6
        with:
          node-version: "24"
      - uses: actions/github-script@v7
      - uses: actions/upload-artifact@v3.1.0
      - uses: someone/else@v1
      - uses: cloudflare/wrangler-action@v4
"""


def _check(build: Build, files: dict[str, str]) -> dict[str, str]:
    return {f.where: f.message for f in Runtimes(today=TODAY).check(build(files), [])}


def test_failing_workflow_is_reported_at_each_line(build: Build) -> None:
    found = _check(build, {WF: CI, ".nvmrc": "v16.20.2\n"})
    assert sorted(found, key=lambda loc: int(loc.rsplit(":", 1)[1])) == [
        f"{WF}:{n}" for n in (9, 10, 14, 18, 21, 24, 28, 29)]
    assert found[f"{WF}:9"] == ("actions/checkout@v4 runs on node20, which GitHub has retired; "
                                "move to actions/checkout@v7 (node24), pinned by SHA with the version in a comment")
    assert found[f"{WF}:10"].startswith("actions/checkout@v4 runs on node20")  # the major from the # comment
    assert found[f"{WF}:14"] == ("sets up Node 18.x, end of life since 2025-04-30; use a supported LTS "
                                 "(e.g. node-version: \"24\")")
    assert found[f"{WF}:18"].startswith("sets up Node 20 (${{ env.NODE_VERSION }}), end of life since 2026-04-30")
    assert found[f"{WF}:21"].startswith("sets up Node lts/iron, end of life since 2026-04-30")
    assert found[f"{WF}:24"].startswith("sets up Node v16.20.2 (from .nvmrc), end of life since 2023-09-11")
    assert found[f"{WF}:28"].startswith("actions/github-script@v7 runs on node20")
    assert found[f"{WF}:29"].startswith("actions/upload-artifact@v3 runs on node16, which GitHub has retired; ")


def test_current_workflow_passes(build: Build) -> None:
    ok = f"""\
        name: ci
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@{SHA} # v7.0.1
              - uses: actions/setup-node@v7
                with:
                  node-version: "24"
              - uses: actions/setup-node@v7
                with:
                  node-version: ${{{{ matrix.node }}}}
              - uses: actions/setup-node@v7
              - uses: actions/checkout@{SHA}
        """
    assert _check(build, {WF: ok, "package.json": '{"name": "x"}'}) == {}


def test_engines_wrangler_refuses(build: Build) -> None:
    pkg = '{\n  "name": "x",\n  "node": "not this one",\n  "engines": {\n    "npm": ">=10",\n    "node": ">=18"\n  }\n}\n'
    found = _check(build, {"package.json": pkg})
    wanted = PINNED["engines"]["node"]
    assert found == {"package.json:6": (
        f"engines.node \">=18\" contradicts wrangler {PINNED['version']}'s engines.node \"{wanted}\": it admits "
        f"Node 18.0.0, which wrangler refuses; use \"{wanted}\" or narrower")}
    disjoint = _check(build, {"package.json": '{"engines": {"node": "<20"}}'})
    assert list(disjoint.values())[0].split(": ", 1)[1].startswith("no Node satisfies both")


def test_engines_wrangler_accepts_or_none(build: Build) -> None:
    assert _check(build, {"package.json": '{"engines": {"node": ">=22.12.0 <27"}}'}) == {}
    assert _check(build, {"package.json": '{"engines": {"npm": ">=10"}}'}) == {}
    assert _check(build, {"package.json": '{"engines": {"node": "lts"}}'}) == {}  # not a range: not ours


def test_a_node_version_still_supported_today_passes_and_expires_later(build: Build) -> None:
    wf = "name: ci\non: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/setup-node@v7\n" \
         "        with:\n          node-version: 22\n"
    project = build({WF: wf})
    assert Runtimes(today=TODAY).check(project, []) == []
    later = Runtimes(today=dt.date(2027, 5, 1)).check(project, [])
    assert [f.where for f in later] == [f"{WF}:9"]


def test_data_file_has_sources_and_every_action_runtime_is_known() -> None:
    data = facts()
    assert isinstance(data["checked"], dt.date) and data["node"]["20"] == dt.date(2026, 4, 30)
    runtimes = set(data["action_runtimes"])
    assert all(r in runtimes for table in data["actions"].values() for r in table.values())


def test_a_named_step_is_read_at_its_uses_line(build: Build) -> None:
    # The step starts at `- name:` (or `id:`); the version comment is on the `uses:` line below it.
    steps = [{"name": "Set up Python", "id": "py", "uses": f"actions/setup-python@{SHA} # v5.6.0"},
             {"name": "Check out", "uses": f"actions/checkout@{SHA} # v7.0.1"}]
    body = "".join(f"      - name: {s['name']}\n" + (f"        id: {s['id']}\n" if "id" in s else "")
                   + f"        uses: {s['uses']}\n" for s in steps)
    wf = "name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" + body
    found = _check(build, {WF: wf})
    assert list(found) == [f"{WF}:7"]
    assert found[f"{WF}:7"].startswith("actions/setup-python@v5 runs on node20, which GitHub has retired")
