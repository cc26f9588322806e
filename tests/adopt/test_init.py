"""`opsdocs init`: what it writes for a project, idempotent, never overwriting without --force."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from opsdocs.cli import main
from opsdocs.packagemanager import detect_package_manager
from opsdocs.project.load import load_project
from opsdocs.project.secret_docs import load_secret_docs

WORKFLOW = ".github/workflows/opsdocs-nightly.yml"


def _init(root: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["init", "--root", str(root), *args])
    return code, out.getvalue(), err.getvalue()


def test_writes_the_three_files_and_says_so(parcel_tracker: Path) -> None:
    code, out, _ = _init(parcel_tracker)
    assert code == 0
    assert out.splitlines() == ["wrote      checks/secrets.yml", "wrote      checks/health.yml", f"wrote      {WORKFLOW}",
                                "wrote      .gitignore"]
    docs = load_secret_docs(parcel_tracker / "checks/secrets.yml", "checks/secrets.yml")  # the real loader
    uses = {ref.name for ref in load_project(parcel_tracker).secret_refs}
    assert uses <= set(docs) and "CLOUDFLARE_READONLY_API_TOKEN" in docs
    token, hook = docs["PARCEL_CF_TOKEN"], docs["PARCEL_CHAT_HOOK"]
    assert token.rotation.startswith("TODO(opsdocs)")  # only a person knows; the rest, see below
    assert all(v.startswith("TODO(opsdocs)") for v in (hook.purpose, hook.rotation, *hook.permissions))
    assert token.where == "GitHub environment secret: live"
    text = (parcel_tracker / "checks/secrets.yml").read_text()
    lines = (parcel_tracker / ".github/workflows/pipeline.yml").read_text().splitlines()
    for used in re.findall(r"# used at \.github/workflows/pipeline\.yml:(\d+)\nPARCEL_CF_TOKEN", text):
        assert "secrets.PARCEL_CF_TOKEN" in lines[int(used) - 1]
    health = (parcel_tracker / "checks/health.yml").read_text()
    assert "# Deployed at: https://parcels.example.net\n" in health


def test_second_run_changes_nothing(parcel_tracker: Path) -> None:
    _init(parcel_tracker)
    before = {p: p.read_bytes() for p in parcel_tracker.rglob("*") if p.is_file()}
    code, out, _ = _init(parcel_tracker)
    assert code == 0 and all(line.startswith("unchanged") for line in out.splitlines())
    assert {p: p.read_bytes() for p in parcel_tracker.rglob("*") if p.is_file()} == before


def test_a_file_of_yours_is_kept_and_its_diff_shown(parcel_tracker: Path) -> None:
    mine = parcel_tracker / "checks" / "health.yml"
    mine.parent.mkdir()
    mine.write_text("- name: mine\n  path: /ping\n")
    code, out, _ = _init(parcel_tracker)
    assert code == 1 and mine.read_text() == "- name: mine\n  path: /ping\n"
    assert "-  path: /ping\n" in out and "+- name: home\n" in out
    assert "kept       checks/health.yml (yours differs, shown above; --force replaces it)" in out
    assert (parcel_tracker / "checks/secrets.yml").is_file()  # the others are still written
    code, out, _ = _init(parcel_tracker, "--force")
    assert code == 0 and "replaced   checks/health.yml" in out and "/ping" not in mine.read_text()


def _workflow(root: Path) -> dict:
    _init(root)
    return yaml.safe_load((root / WORKFLOW).read_text())


def test_nightly_workflow_is_pinned_minimal_and_read_only(parcel_tracker: Path) -> None:
    wf = _workflow(parcel_tracker)
    assert wf["permissions"] == {} and wf["jobs"]["verify"]["permissions"] == {"contents": "read"}
    steps = wf["jobs"]["verify"]["steps"]
    for step in steps:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w.-]+(/[\w.-]+)?@[0-9a-f]{40}", step["uses"]), step["uses"]
    runs = [s.get("run", "") for s in steps]
    assert "pnpm install --frozen-lockfile" in runs and "corepack enable" in runs
    (verify,) = [s for s in steps if "opsdocs verify" in s.get("run", "")]
    assert verify["env"]["CLOUDFLARE_API_TOKEN"] == "${{ secrets.CLOUDFLARE_READONLY_API_TOKEN }}"
    assert verify["env"]["OPSDOCS_BASE_URL"] == "https://parcels.example.net"
    assert sum("secrets." in json.dumps(s) for s in steps) == 1  # the token reaches one step only


def test_the_nightly_runs_everything_and_saves_what_pull_requests_restore(parcel_tracker: Path) -> None:
    # Full run (issue 15: the nightly never reuses), then the rehearsal cache and the user cache saved
    # even after a failure (only passes are stored), under a key new per run, by a pinned action.
    steps = _workflow(parcel_tracker)["jobs"]["verify"]["steps"]
    (verify,) = [i for i, s in enumerate(steps) if "opsdocs verify" in s.get("run", "")]
    assert "--no-cache" in steps[verify]["run"].split()
    (save,) = [i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/cache/save@")]
    assert save > verify and steps[save]["if"] == "always()"
    assert steps[save]["with"]["path"].split() == [".opsdocs/cache", "~/.cache/opsdocs"]
    assert "github.run_id" in steps[save]["with"]["key"] and "secrets." not in json.dumps(steps[save])


def test_opsdocs_output_is_ignored_once_and_the_teams_lines_kept(parcel_tracker: Path) -> None:
    # A committed .opsdocs/cache is refused by verify: init makes sure it is not committed by accident.
    ignore = parcel_tracker / ".gitignore"
    ignore.write_text("node_modules\n.wrangler")  # the team's lines, no final newline
    assert "extended   .gitignore (ignores .opsdocs/" in _init(parcel_tracker)[1]
    assert ignore.read_text().startswith("node_modules\n.wrangler\n") and ignore.read_text().endswith("\n.opsdocs/\n")
    text = ignore.read_text()
    code, out, _ = _init(parcel_tracker)
    assert code == 0 and ".gitignore" not in out and ignore.read_text() == text  # idempotent


def test_a_parent_gitignore_that_ignores_it_already_is_enough(tmp_path: Path) -> None:
    repo = tmp_path / "acme"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures/projects/monorepo", repo)
    (repo / ".git").mkdir()
    api = repo / "apps" / "api"
    (repo / ".gitignore").write_text("# build output\n/.opsdocs/\n")  # anchored at the top: not apps/api's
    _init(api)
    assert (api / ".gitignore").read_text().endswith("\n.opsdocs/\n")
    (api / ".gitignore").unlink()
    (repo / ".gitignore").write_text("**/.opsdocs/\n")
    code, out, _ = _init(api)
    assert ".gitignore" not in out and not (api / ".gitignore").exists()


def _secret_docs(root: Path) -> dict:
    return yaml.safe_load((root / "checks/secrets.yml").read_text())


def test_what_the_pipeline_shows_of_a_secret_is_written_out(parcel_tracker: Path) -> None:
    # The token is handed to a deploy of a Worker with routes and to remote migrations; the account id
    # only to wrangler's accountId; the chat hook is unknown to the pipeline, so a person must say.
    _init(parcel_tracker)
    docs = _secret_docs(parcel_tracker)
    token, account, hook = docs["PARCEL_CF_TOKEN"], docs["PARCEL_CF_ACCOUNT"], docs["PARCEL_CHAT_HOOK"]
    assert token["permissions"] == ["Account › Workers Scripts › Edit", "Account › D1 › Edit",
                                    "Zone › Workers Routes › Edit"]
    assert "`parcel-tracker-live`" in token["purpose"] and "TODO" in token["rotation"]
    assert account["permissions"] == ["none: an identifier, not a credential"] and "TODO" not in str(account)
    assert all("TODO(opsdocs)" in str(hook[k]) for k in ("purpose", "permissions", "rotation"))


def test_a_token_that_only_deploys_gets_no_d1_permission(parcel_tracker: Path) -> None:
    wf = parcel_tracker / ".github/workflows/pipeline.yml"
    text = wf.read_text()
    start, end = text.index("  migrate:\n"), text.index("  ship:\n")
    wf.write_text(text[:start] + text[end:].replace("needs: migrate", "needs: test"))
    _init(parcel_tracker)
    assert "Account › D1 › Edit" not in _secret_docs(parcel_tracker)["PARCEL_CF_TOKEN"]["permissions"]


def test_nightly_workflow_passes_our_own_workflow_rules(parcel_tracker: Path) -> None:
    # What init writes must not fail the rules it brings (a retired action runtime, an unpinned action).
    import datetime as dt

    from opsdocs.drift.runtimes import Runtimes
    from opsdocs.drift.unpinned_action import UnpinnedAction

    _init(parcel_tracker)
    project = load_project(parcel_tracker)
    found = [f for rule in (Runtimes(today=dt.date.today()), UnpinnedAction()) for f in rule.check(project, [])
             if f.where.startswith(WORKFLOW)]
    assert found == []


@pytest.mark.parametrize(("lockfile", "text", "install"), [
    ("package-lock.json", "{}", "npm ci"),
    ("yarn.lock", "# yarn lockfile v1\n", "yarn install --frozen-lockfile"),
    ("yarn.lock", "__metadata:\n  version: 8\n", "yarn install --immutable"),
    ("bun.lock", "{}", "bun install --frozen-lockfile"),
])
def test_the_projects_own_package_manager(parcel_tracker: Path, lockfile: str, text: str, install: str) -> None:
    (parcel_tracker / "pnpm-lock.yaml").unlink()
    (parcel_tracker / lockfile).write_text(text)
    runs = [s.get("run") for s in _workflow(parcel_tracker)["jobs"]["verify"]["steps"]]
    assert install in runs
    assert ("corepack enable" in runs) == lockfile.startswith("yarn")


def test_package_manager_without_a_lockfile(tmp_path: Path) -> None:
    assert detect_package_manager(tmp_path).install == "npm install"
    (tmp_path / "package.json").write_text('{"packageManager": "pnpm@9.12.0"}')
    assert detect_package_manager(tmp_path).name == "pnpm"


def test_workers_dev_url_is_a_flagged_placeholder(parcel_tracker: Path) -> None:
    config = parcel_tracker / "wrangler.jsonc"
    config.write_text(re.sub(r'\s*"routes": \[[^\]]*\],', "", config.read_text()))
    _init(parcel_tracker)
    health = (parcel_tracker / "checks/health.yml").read_text()
    assert "# Deployed at: https://parcel-tracker-live.TODO(opsdocs)-your-subdomain.workers.dev" in health


def test_no_project_here_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPSDOCS_ROOT", raising=False)
    monkeypatch.chdir(tmp_path)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["init"]) == 2
    assert err.getvalue().count("\n") == 1 and not (tmp_path / "checks").exists()


def test_in_a_monorepo_the_nightly_goes_where_github_reads_it(tmp_path: Path) -> None:
    # GitHub reads workflows at the top of the repository only; run: steps start in the Worker's folder,
    # and the workspace installs from the folder of its lockfile.
    repo = tmp_path / "acme"
    shutil.copytree(Path(__file__).resolve().parents[1] / "fixtures/projects/monorepo", repo)
    (repo / ".git").mkdir()
    (repo / "package-lock.json").write_text("{}")
    api = repo / "apps" / "api"
    code, out, _ = _init(api)
    assert code == 0 and f"wrote      ../../{WORKFLOW}" in out.splitlines()
    assert not (api / ".github").exists()
    wf = yaml.safe_load((repo / WORKFLOW).read_text())["jobs"]["verify"]
    assert wf["defaults"] == {"run": {"working-directory": "apps/api"}}
    (install,) = [s for s in wf["steps"] if s.get("run") == "npm ci"]
    assert install["working-directory"] == "."
    (upload,) = [s for s in wf["steps"] if "upload-artifact" in s.get("uses", "")]
    assert upload["with"]["path"].split() == ["apps/api/.opsdocs/report.json", "apps/api/.opsdocs/junit.xml"]
    (save,) = [s for s in wf["steps"] if s.get("uses", "").startswith("actions/cache/save@")]
    assert save["with"]["path"].split() == ["apps/api/.opsdocs/cache", "~/.cache/opsdocs"]
    project = load_project(api)  # the team's own workflow is still the one that deploys
    assert project.pipeline.lanes and any(wf.relpath.endswith(WORKFLOW) for wf in project.workflows)
