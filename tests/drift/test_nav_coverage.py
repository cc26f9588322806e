"""nav-coverage: the eight guides exist and every page (runbooks too) is reachable from the nav."""

from __future__ import annotations

import pytest
from drift_helpers import Build

from opsdocs.drift.nav_coverage import GUIDES, NavCoverage
from opsdocs.errors import ConfigError
from opsdocs.project.load import load_project, watch_paths

GUIDE_FILES = {f"docs/{g}": "# Guide\n" for g in GUIDES}
MKDOCS = """\
site_name: demo
markdown_extensions:
  - pymdownx.emoji:
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
not_in_nav: |
  /drafts/
  scratch.md
exclude_docs: |
  # a comment, then a blank line

  *.tmp.md
nav:
  - Home: index.md
  - Guides:
      - runbook.md
      - Secrets: /secrets.md
      - rollback.md
      - troubleshooting.md
      - migrations.md
      - workflow.md
      - Environments: environments.md
  - Runbooks:
      - runbooks/drill.md
  - Cloudflare: https://developers.cloudflare.com/index.md
extra:
  password: !ENV [SITE_PASSWORD, ""]
"""


def run(build: Build, files: dict[str, str]) -> list[tuple[str, str]]:
    project = build({**GUIDE_FILES, "mkdocs.yml": MKDOCS, **files})
    return [(f.id.removeprefix("drift:nav-coverage:"), f.where) for f in NavCoverage().check(project, [])]


def test_a_complete_site_passes(build: Build) -> None:
    files = {"runbooks/drill.md": "x", "docs/drafts/idea.md": "x", "docs/sub/scratch.md": "x",
             "docs/scratch.md": "x", "docs/notes.tmp.md": "x", "docs/.hidden/x.md": "x", "docs/sub/.draft.md": "x", "docs/img.png": "x"}
    assert run(build, files) == []


def test_pages_missing_from_the_nav_point_at_the_nav(build: Build) -> None:
    files = {"runbooks/drill.md": "x", "runbooks/restore.md": "x", "docs/extra.md": "x",
             "docs/sub/drafts/x.md": "x", "docs/cloudflare.md": "x"}
    assert run(build, files) == [
        ("docs/cloudflare.md", "mkdocs.yml:12"),  # an external URL is not the page
        ("docs/extra.md", "mkdocs.yml:12"),
        ("docs/sub/drafts/x.md", "mkdocs.yml:12"),  # "/drafts/" is anchored at the docs root
        ("runbooks/restore.md", "mkdocs.yml:12"),
    ]


def test_missing_guides_and_their_message(build: Build) -> None:
    project = build({"mkdocs.yml": "site_name: demo\n", "docs/index.md": "x", "docs/secrets.md": "x"})
    findings = NavCoverage().check(project, [])
    missing = [g for g in GUIDES if g not in ("index.md", "secrets.md")]
    assert [(f.id, f.where) for f in findings] == [(f"drift:nav-coverage:docs/{g}", f"docs/{g}:1") for g in missing]
    assert findings[0].message == "the guide docs/runbook.md does not exist; create it and add it to the nav"


def test_without_a_nav_mkdocs_lists_every_docs_page_but_not_runbooks(build: Build) -> None:
    project = build({**GUIDE_FILES, "mkdocs.yml": "site_name: demo\n", "docs/extra.md": "x",
                     "runbooks/drill.md": "x"})
    findings = NavCoverage().check(project, [])
    assert [(f.id, f.where) for f in findings] == [("drift:nav-coverage:runbooks/drill.md", "mkdocs.yml:1")]
    assert findings[0].message == ("runbooks/drill.md is not in the nav of mkdocs.yml, so readers cannot reach "
                                   "it; add it under the section it belongs to")


@pytest.mark.parametrize(("hook", "covered"), [
    ("def on_files(files, config):\n    return add(files, 'runbooks')\n", True),
    ("def on_files(files, config):\n    return files\n", False),
])
def test_a_hook_that_adds_the_runbooks_covers_them(build: Build, hook: str, covered: bool) -> None:
    mkdocs = "site_name: demo\nhooks:\n  - hooks/missing.py\n  - hooks/binary.py\n  - hooks/site.py\nnav:\n  - index.md\n"
    project = build({**GUIDE_FILES, "mkdocs.yml": mkdocs, "hooks/site.py": hook, "runbooks/drill.md": "x"})
    locations = [f.where for f in NavCoverage().check(project, []) if f.id.endswith("runbooks/drill.md")]
    assert locations == ([] if covered else ["mkdocs.yml:6"])


def test_an_unreadable_hook_does_not_cover(build: Build) -> None:
    mkdocs = "site_name: demo\nhooks: [hooks/binary.py]\nnav:\n  - index.md\n"
    project = build({**GUIDE_FILES, "mkdocs.yml": mkdocs, "runbooks/drill.md": "x", "hooks/binary.py": ""})
    assert project.site is not None and project.site.hook_sources == ("",)
    (project.root / "hooks" / "binary.py").write_bytes(b"\xff\xfe runbooks")
    project = load_project(project.root, site_root=project.root)  # the hook changed: the loader reads it again
    assert project.site is not None and project.site.hook_sources == ()
    assert "drift:nav-coverage:runbooks/drill.md" in [f.id for f in NavCoverage().check(project, [])]


def test_the_loader_records_the_site_config_and_hooks_it_read(build: Build) -> None:
    mkdocs = "site_name: demo\nhooks: [hooks/site.py]\n"
    project = build({**GUIDE_FILES, "mkdocs.yml": mkdocs, "hooks/site.py": "x = 1\n"})
    assert {project.root / "mkdocs.yml", project.root / "hooks" / "site.py"} <= set(project.read_paths)
    assert set(project.read_paths) <= set(watch_paths(project.root))


def test_no_mkdocs_yml(build: Build) -> None:
    findings = NavCoverage().check(build(GUIDE_FILES), [])
    assert [(f.id, f.where) for f in findings] == [("drift:nav-coverage:mkdocs.yml", "mkdocs.yml:1")]
    assert findings[0].message == "there is no mkdocs.yml beside docs/, so there is no site to navigate"


@pytest.mark.parametrize(("text", "expected"), [
    ("site_name: demo\nnav:\n  - [index.md\n",
     "mkdocs.yml:4: invalid YAML: expected ',' or ']', but got '<stream end>'; check indentation, colons and "
     "quoting around this line"),
    ("- just a list\n", "mkdocs.yml:1: must be a mapping of settings; start with `site_name:`"),
])
def test_a_broken_mkdocs_yml_is_a_located_error(build: Build, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as err:  # read as input, with the rest of the project: before any check
        build({**GUIDE_FILES, "mkdocs.yml": text})
    assert str(err.value).startswith(expected)


def test_an_unreadable_mkdocs_yml_is_a_located_error(build: Build) -> None:
    project = build(GUIDE_FILES)
    (project.root / "mkdocs.yml").write_bytes(b"site_name: \xff\n")
    with pytest.raises(ConfigError) as err:
        load_project(project.root, site_root=project.root)
    assert str(err.value).startswith("mkdocs.yml: cannot read: ")
    assert str(err.value).endswith("; check the file is UTF-8 YAML")


def test_unlisted_runbooks_join_unlisted_pages(build: Build) -> None:
    mkdocs = "site_name: demo\n\nnav:\n  - index.md\n"
    project = build({**GUIDE_FILES, "mkdocs.yml": mkdocs, "runbooks/drill.md": "x"})
    ids = [f.id.removeprefix("drift:nav-coverage:") for f in NavCoverage().check(project, [])]
    assert ids == [f"docs/{g}" for g in sorted(GUIDES) if g != "index.md"] + ["runbooks/drill.md"]
