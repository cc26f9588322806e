"""undescribed-environment: GitHub and wrangler environments need a heading or table row in the guide."""

from __future__ import annotations

from drift_helpers import Build, page

from opsdocs.drift.undescribed_environment import UndescribedEnvironment

WRANGLER = """\
{
  "name": "demo-api",
  "main": "src/index.js",
  "env": {
    "staging": {},
    "production": {},
  },
}
"""
DEPLOY = """\
name: deploy
on: push
jobs:
  ship:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: echo
  preview:
    runs-on: ubuntu-latest
    environment:
      name: preview
    steps:
      - run: echo
  again:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: echo
"""
FILES = {"wrangler.jsonc": WRANGLER, ".github/workflows/deploy.yml": DEPLOY}


def check(build: Build, text: str | None, relpath: str = "docs/environments.md") -> list[tuple[str, str]]:
    pages = [page(relpath, "# Environments\n", text)] if text is not None else []
    return [(f.id, f.where) for f in UndescribedEnvironment().check(build(FILES), pages)]


def test_prose_comments_and_longer_words_do_not_describe(build: Build) -> None:
    text = """\
        # Environments

        The production environment is protected.
        #production is not a heading, and neither is indented code:

            # preview

        | Environment | Worker |
        |---|---|
        | staging | demo-api-staging |

        <!-- | preview | -->
        ## preview-old
    """
    assert check(build, text) == [
        ("drift:undescribed-environment:github:production", ".github/workflows/deploy.yml:4"),
        ("drift:undescribed-environment:github:preview", ".github/workflows/deploy.yml:9"),
        ("drift:undescribed-environment:wrangler:production", "wrangler.jsonc:6"),
    ]


def test_headings_and_table_rows_of_the_rendered_text_describe(build: Build) -> None:
    text = """\
        # Environments
        ### `production`
           ###### Preview: preview
          | <!-- a note -->staging |
    """
    assert check(build, text) == []  # a comment vanishes: it does not glue itself to the name


def test_the_rendered_text_counts_not_the_source(build: Build) -> None:
    # The page source only has "# Environments"; the rendered text is what the reader sees.
    assert ("drift:undescribed-environment:wrangler:staging", "wrangler.jsonc:5") in check(build, "staging\n")


def test_missing_guide_reports_every_environment(build: Build) -> None:
    project = build(FILES)
    findings = UndescribedEnvironment().check(project, [page("runbooks/environments.md", "| production |")])
    assert [f.where for f in findings] == [
        ".github/workflows/deploy.yml:4", ".github/workflows/deploy.yml:9", "wrangler.jsonc:5", "wrangler.jsonc:6"]
    assert findings[0].message == (
        "GitHub environment production is not described in docs/environments.md, which does not exist; "
        "add a heading or a table row naming it")
    assert findings[2].message.startswith("wrangler environment env.staging is not described")


def test_message_names_the_guide_that_exists(build: Build) -> None:
    (finding, *_) = UndescribedEnvironment().check(build(FILES), [page("docs/environments.md", "# E\n")])
    assert finding.message == ("GitHub environment production is not described in docs/environments.md; "
                               "add a heading or a table row naming it")
