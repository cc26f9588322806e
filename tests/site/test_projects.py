"""`opsdocs build --root` renders THAT project's names; renaming in the config renames every page."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from other_project import write_other_project
from shipped_project import copy_project
from sitebuild import Build, run_build

# Names of this repo's config, read from it (not typed) so the test follows a renamed repo too.
from opsdocs import load_project
from opsdocs.site._context import build_context

OURS = load_project()
# Secrets named like wrangler's credential variables stay on the pages as those variables' names.
WRANGLER_VARS = set(build_context(OURS)["cf_env"].values())
OUR_NAMES = {OURS.wrangler.name, *(db.name for db in OURS.databases), *OURS.secrets} - WRANGLER_VARS
GUIDES = ("", "runbook", "secrets", "rollback", "troubleshooting", "migrations", "workflow", "environments")


@pytest.fixture(scope="module")
def other_build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    root = write_other_project(tmp_path_factory.mktemp("other"))
    build = run_build("--root", str(root), site=tmp_path_factory.mktemp("site") / "out")
    assert build.code == 0, build.stderr
    return build


def _text(page: str) -> str:
    """The article's text (tags removed: highlighted code becomes the command a reader copies)."""
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", "", re.sub(r"<br ?/?>|</(?:p|li|td|th|h\d)>", "\n", article)))


def test_other_project_shows_its_names(other_build: Build) -> None:
    pages = {url: _text(other_build.page(url)) for url in GUIDES}
    everything = "\n".join(pages.values())
    for name in ("inventory-svc", "inventory-svc-live", "inventory-live", "STOCK", "schema_history",
                 "INV_CF_TOKEN", "INV_CF_ACCOUNT", "INV_RO_TOKEN", "live-approval", "0002_stock.sql",
                 "ship.yml", "env.qa"):
        assert name in everything, name
    assert "npx wrangler d1 migrations apply inventory-live --remote --env live" in pages["runbook"]
    assert "npx wrangler d1 migrations list inventory-dev --local" in pages["migrations"]
    for name in OUR_NAMES:
        assert name not in everything, name


def test_other_project_pipeline_roles(other_build: Build) -> None:
    workflow = _text(other_build.page("workflow"))
    for job in ("gate", "schema", "release", "Probe live", "Undo release"):
        assert job in workflow


@pytest.fixture(scope="module")
def renamed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Build, Build]:
    base = run_build(site=tmp_path_factory.mktemp("site") / "base")
    root = copy_project(tmp_path_factory.mktemp("renamed") / "project")
    config = root / "wrangler.jsonc"
    text = config.read_text()
    old_binding = OURS.wrangler.top.d1_databases[0].binding
    text = text.replace(f'"name": "{OURS.wrangler.name}"', '"name": "renamed-api"')
    text = text.replace(f'"binding": "{old_binding}"', '"binding": "RENAMED_DB"')
    assert text != config.read_text()
    config.write_text(text)
    build = run_build("--root", str(root), site=tmp_path_factory.mktemp("site") / "renamed")
    assert base.code == 0 and build.code == 0, base.stderr + build.stderr
    return base, build


def test_renaming_worker_and_binding_changes_every_page(renamed: tuple[Build, Build]) -> None:
    base, build = renamed
    old_binding = OURS.wrangler.top.d1_databases[0].binding
    old_worker = re.compile(rf"\b{re.escape(OURS.wrangler.name)}\b")
    changed = 0
    for page in sorted(base.site.rglob("index.html")):
        url = str(page.parent.relative_to(base.site)).replace(".", "")
        if url.startswith("reference/"):  # the rules' own prose quotes example names
            continue
        before, after = _text(base.page(url)), _text(build.page(url))
        if old_worker.search(before):
            changed += 1
            assert not old_worker.search(after), url
            assert "renamed-api" in after, url
        if re.search(rf"\b{old_binding}\b", before):
            assert not re.search(rf"\b{old_binding}\b", after), url
            assert "RENAMED_DB" in after, url
    assert changed >= 4


def test_root_must_exist(tmp_path: Path) -> None:
    build = run_build("--root", str(tmp_path / "nope"), site=tmp_path / "out")
    assert build.code == 2
    assert build.stderr.strip().count("\n") == 0 and "project root is not a directory" in build.stderr
