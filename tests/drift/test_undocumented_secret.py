"""undocumented-secret: a secret a workflow reads with no entry in checks/secrets.yml."""

from __future__ import annotations

from drift_helpers import Build, secret_docs

from opsdocs.drift.undocumented_secret import UndocumentedSecret

CI = """\
name: ci
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ secrets.API_KEY }}"
      - run: echo "${{ secrets.DOCUMENTED }}"
      - env:
          K: ${{ secrets.API_KEY }}
          L: ${{ secrets.API_KEY }}
          T: ${{ secrets.GITHUB_TOKEN }}
        run: echo
"""
NIGHTLY = """\
name: nightly
on: push
jobs:
  n:
    runs-on: ubuntu-latest
    steps:
      - run: echo "${{ secrets.OTHER }}"
"""


def test_one_finding_per_secret_at_its_first_use_listing_the_others(build: Build) -> None:
    project = build({".github/workflows/ci.yml": CI, ".github/workflows/nightly.yml": NIGHTLY,
                     "checks/secrets.yml": secret_docs("DOCUMENTED")})
    findings = UndocumentedSecret().check(project, [])
    assert [(f.id, f.where) for f in findings] == [
        ("drift:undocumented-secret:API_KEY", ".github/workflows/ci.yml:7"),
        ("drift:undocumented-secret:OTHER", ".github/workflows/nightly.yml:7"),
    ]
    api, other = findings
    assert api.kind == "drift" and api.status == "failed"
    assert api.message == (
        "secret API_KEY is used here (also used at .github/workflows/ci.yml:10, .github/workflows/ci.yml:11) "
        "but checks/secrets.yml does not document it; add `API_KEY:` with purpose, permissions, where and "
        "rotation to checks/secrets.yml")
    assert other.message.startswith("secret OTHER is used here but checks/")  # a single use lists no others


def test_documented_secrets_and_github_token_pass(build: Build) -> None:
    project = build({".github/workflows/ci.yml": CI,
                     "checks/secrets.yml": secret_docs("API_KEY", "DOCUMENTED")})
    assert UndocumentedSecret().check(project, []) == []


def test_no_secrets_file_documents_nothing(build: Build) -> None:
    project = build({".github/workflows/nightly.yml": NIGHTLY})
    (finding,) = UndocumentedSecret().check(project, [])
    assert finding.where == ".github/workflows/nightly.yml:7"
