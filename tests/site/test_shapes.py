"""Projects shaped unlike ours (tests/fixtures/projects/*, modelled on public repositories) render, verify
with a report, show each missing role on its page, and fail the matching drift check at file:line."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sitebuild import Build, run_build

from opsdocs import load_project
from opsdocs.drift.pipeline_order import PipelineOrder
from opsdocs.site._context import build_context
from opsdocs.site._missing import _TEXT

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "projects"
# fixture -> (root inside it, {missing role: a unique line of the workflow where drift must point})
SHAPES: dict[str, tuple[str, dict[str, str]]] = {
    "toml-envs": ("", {"verify": "run: pnpm run deploy:prod"}),
    "toml-top-level": ("", {"verify": "run: npx wrangler deploy"}),
    "pages": ("", {"quality": "publish:", "approval": "publish:", "verify": "uses: cloudflare/wrangler-action"}),
    "monorepo": ("apps/api", {}),
    "workflow-run-gate": ("", {"approval": "  deploy:", "verify": "wrangler@4.86.0 deploy"}),
    "versions-action": ("", {}),
    "opennext": ("", {"quality": "  deploy:", "approval": "  deploy:", "verify": "run: npm run deploy"}),
    "no-workflows": ("", {"deploy": ""}),
    "durable-objects": ("", {"verify": "uses: cloudflare/wrangler-action"}),
}
# The drift detail each missing role fails with (the site's admonition and drift's finding, one model).
DETAIL = {"quality": "quality", "migrations": "migrations", "approval": "environment", "verify": "health",
          "rollback": "rollback"}


def _copy(tmp: Path, name: str) -> Path:
    shutil.copytree(FIXTURES / name, tmp / name)
    return tmp / name / SHAPES[name][0]


def _text(page: str) -> str:
    article = page.split("<article", 1)[1].split("</article>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", "", article))


def _line(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.fixture(scope="module", params=sorted(SHAPES))
def shape(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Build]:
    root = _copy(tmp_path_factory.mktemp("shape"), request.param)
    build = run_build("--root", str(root), site=tmp_path_factory.mktemp("site") / "out")
    return request.param, root, build


def test_every_shape_renders_and_names_what_is_missing(shape: tuple[str, Path, Build]) -> None:
    name, root, build = shape
    assert build.code == 0 and "Traceback" not in build.stderr, build.stderr
    project = load_project(root)
    expected = tuple(r for r in ("deploy", "quality", "migrations", "approval", "verify", "rollback")
                     if r in SHAPES[name][1])
    assert project.pipeline.missing_roles == expected
    page = _text(build.page("workflow"))
    for role in expected:
        title = _TEXT[role][0].format(worker=project.pipeline.env.worker_name)
        assert title in page, (role, title)
    for role in set(_TEXT) - {"d1"} - set(expected):
        assert _TEXT[role][0].split("{")[0] not in page or role == "deploy", role


def test_remote_bindings_are_named_where_wrangler_dev_is_explained(shape: tuple[str, Path, Build]) -> None:
    name, root, build = shape
    remote = sorted({b.name for env in load_project(root).wrangler.environments for b in env.bindings if b.remote})
    page = _text(build.page("environments"))
    assert ("Remote bindings: wrangler dev reaches the real account" in page) == bool(remote), name
    for binding in remote:
        assert f"{binding} has" in page or f"{binding}," in page or f"{binding} have" in page


def test_site_and_drift_see_the_same_pipeline(shape: tuple[str, Path, Build]) -> None:
    """Each role the pages call missing is a pipeline-order failure at the workflow line, and no other."""
    name, root, _ = shape
    project = load_project(root)
    assert build_context(project)["pipeline"] is project.pipeline
    found = PipelineOrder().check(project, [])
    roles = SHAPES[name][1]
    if "deploy" in roles:
        assert [(f.id, f.where) for f in found] == [("drift:pipeline-order:no-deploy", ".github/workflows:1")]
        return
    got = {(f.subject.rsplit(":", 1)[1], f.where) for f in found}
    lane = project.pipeline.primary
    assert lane is not None
    workflow = root / lane.workflow.relpath
    want = {(DETAIL[r], f"{lane.workflow.relpath}:{_line(workflow, needle)}") for r, needle in roles.items()}
    assert got == want


def test_every_shape_verifies_with_a_report(shape: tuple[str, Path, Build], tmp_path: Path) -> None:
    name, root, _ = shape
    report = tmp_path / "report.json"
    run = subprocess.run([sys.executable, "-m", "opsdocs", "verify", "--root", str(root), "--report", str(report),
                          "-m", "drift", "--plain"], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    assert run.returncode in (0, 1), run.stderr
    data = json.loads(report.read_text())
    failed = {f["id"] for f in data["checks"] if f["status"] == "failed"}
    assert bool(SHAPES[name][1]) == any(i.startswith("drift:pipeline-order") for i in failed)


# Shapes whose pipeline deploys differently from our sample (an --env lane; the top level with no --env),
# with schemas of their own: every rehearse step of the shipped guides must pass there too, since a page
# that works only for our sample is a bug (the drills once named our `accounts` table and `--env staging`).
# versions-action has a `"remote": true` D1 binding: its drills say --local, so they run here too.
@pytest.mark.parametrize("name", ["toml-envs", "toml-top-level", "monorepo", "versions-action"])
def test_the_guides_rehearse_on_other_shapes(name: str, tmp_path: Path) -> None:
    root = _copy(tmp_path, name)
    (root / "node_modules").symlink_to(Path(__file__).resolve().parents[2] / "node_modules")
    report = tmp_path / "report.json"
    run = subprocess.run([sys.executable, "-m", "opsdocs", "verify", "--root", str(root), "--report", str(report),
                          "-m", "runbook or static", "--plain"], capture_output=True, text=True, timeout=600)
    assert "Traceback" not in run.stdout + run.stderr, run.stderr
    checks = json.loads(report.read_text())["checks"]
    ran = [c for c in checks if c["id"].startswith("runbook:") and c["status"] == "passed"]
    failed = [f"{c['id']}: {c.get('message', '')}" for c in checks if c["status"] == "failed"]
    assert not failed, "\n".join(failed)
    assert len(ran) >= 20, run.stdout[-2000:]  # the drills really ran here, not skipped
