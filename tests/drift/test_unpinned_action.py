"""unpinned-action: every `uses:` names a full commit SHA (or a docker digest, or local code)."""

from __future__ import annotations

from drift_helpers import Build

from opsdocs.drift.unpinned_action import UnpinnedAction

SHA = "08c6903cd8c0fde910a37f88322edcfb5dd907a8"
CI = f"""\
name: ci
on: push
jobs:
  call:
    uses: org/repo/.github/workflows/x.yml@main
  local:
    uses: ./.github/workflows/quality.yml
  self:
    uses: $/.github/workflows/quality.yml
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{SHA}
      - uses: actions/setup-node@v5
      - uses: actions/cache@{SHA[:39]}
      - uses: ./.github/actions/setup
      - uses: docker://alpine:3.20
      - uses: docker://alpine@sha256:{"a" * 64}
      - uses: actions/upload-artifact
      - uses: actions/checkout@{SHA.upper()}
"""


def test_unpinned_uses_are_reported_at_their_line(build: Build) -> None:
    findings = UnpinnedAction().check(build({".github/workflows/ci.yml": CI}), [])
    wf = ".github/workflows/ci.yml"
    assert [(f.id, f.where) for f in findings] == [
        (f"drift:unpinned-action:{wf}:{n}", f"{wf}:{n}") for n in (4, 14, 15, 17, 19)]
    assert findings[1].message == ("actions/setup-node@v5 is not pinned to a commit; use "
                                   "actions/setup-node@<40-hex commit SHA> # v5")
    assert findings[4].message.endswith("use actions/upload-artifact@<40-hex commit SHA> # tag")


def test_pinned_workflows_pass(build: Build) -> None:
    pinned = f"name: ci\non: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@{SHA}\n"
    assert UnpinnedAction().check(build({".github/workflows/ci.yml": pinned}), []) == []
