"""unused-secret-doc: an entry in checks/secrets.yml that no workflow uses any more."""

from __future__ import annotations

from drift_helpers import Build, secret_docs

from opsdocs.drift.unused_secret_doc import UnusedSecretDoc

CI = """\
name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ secrets.USED }} ${{ secrets.GITHUB_TOKEN }}"
"""


def test_stale_entry_is_reported_at_its_line_in_secrets_yml(build: Build) -> None:
    project = build({".github/workflows/ci.yml": CI,
                     "checks/secrets.yml": secret_docs("USED", "RENAMED", "GITHUB_TOKEN")})
    (finding,) = UnusedSecretDoc().check(project, [])
    assert finding.id == "drift:unused-secret-doc:RENAMED"
    assert finding.where == "checks/secrets.yml:6"  # second entry: 5 lines per entry
    assert finding.status == "failed"
    assert "secret RENAMED is documented here but no workflow uses `secrets.RENAMED`" in finding.message


def test_every_entry_used_passes(build: Build) -> None:
    project = build({".github/workflows/ci.yml": CI, "checks/secrets.yml": secret_docs("USED")})
    assert UnusedSecretDoc().check(project, []) == []


def test_without_workflows_every_entry_is_stale(build: Build) -> None:
    project = build({"checks/secrets.yml": secret_docs("A", "B")})
    assert [f.where for f in UnusedSecretDoc().check(project, [])] == [
        "checks/secrets.yml:1", "checks/secrets.yml:6"]
