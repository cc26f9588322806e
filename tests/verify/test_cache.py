"""Incremental verify on a tiny real project: unchanged pages reuse their passing rehearsal, an edited page
or project input re-runs, a failure is never reused, a tampered entry cannot turn a failure green."""

from __future__ import annotations

import json
from pathlib import Path

from verify_helpers import run_opsdocs

_MKDOCS = "site_name: t\ndocs_dir: docs\nstrict: true\nnav:\n  - a.md\n  - b.md\n"


def _page(text: str, expect: str) -> str:
    return f'# Page\n\n```{{.bash title="step" data-mode="rehearse" data-expect="{expect}"}}\n{text}\n```\n'


def _setup(make_project, tmp_path: Path, b_expect: str = "bee") -> tuple[Path, Path]:
    root = make_project()
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "mkdocs.yml").write_text(_MKDOCS)
    (site / "docs" / "a.md").write_text(_page("echo ay; ls migrations", "ay"))
    (site / "docs" / "b.md").write_text(_page("echo bee", b_expect))
    return root, site


def _verify(root: Path, site: Path, tmp_path: Path, *extra: str) -> tuple[int, dict, str]:
    report = tmp_path / "r.json"
    proc = run_opsdocs("verify", "--plain", "--root", str(root), "--site-root", str(site), "-m", "runbook",
                       "--report", str(report), *extra)
    return proc.returncode, json.loads(report.read_text()), proc.stderr


def _reused(report: dict) -> dict[str, bool]:
    return {c["path"]: "(reused:" in c["message"] for c in report["checks"] if c["id"].startswith("runbook:")}


def test_unchanged_pages_are_reused_and_edits_rerun(make_project, tmp_path: Path) -> None:
    root, site = _setup(make_project, tmp_path)
    code, first, _ = _verify(root, site, tmp_path)
    assert code == 0 and _reused(first) == {"docs/a.md": False, "docs/b.md": False}

    code, second, err = _verify(root, site, tmp_path)
    assert code == 0 and _reused(second) == {"docs/a.md": True, "docs/b.md": True}
    assert "reused the passing rehearsals of 2 unchanged page(s)" in err

    (site / "docs" / "b.md").write_text(_page("echo bee; echo again", "again"))  # one page edited
    code, third, _ = _verify(root, site, tmp_path)
    assert code == 0 and _reused(third) == {"docs/a.md": True, "docs/b.md": False}

    (root / "migrations" / "0002_more.sql").write_text("CREATE TABLE u (id INTEGER);\n")  # a project input
    code, fourth, _ = _verify(root, site, tmp_path)
    assert code == 0 and _reused(fourth) == {"docs/a.md": False, "docs/b.md": False}

    code, full, _ = _verify(root, site, tmp_path, "--no-cache")
    assert code == 0 and _reused(full) == {"docs/a.md": False, "docs/b.md": False}
    code, after, _ = _verify(root, site, tmp_path)  # --no-cache reused nothing but recorded its results
    assert code == 0 and _reused(after) == {"docs/a.md": True, "docs/b.md": True}


def test_a_failure_is_never_reused_and_a_tampered_entry_is_ignored(make_project, tmp_path: Path) -> None:
    root, site = _setup(make_project, tmp_path, b_expect="not what it prints")
    code, first, _ = _verify(root, site, tmp_path)
    assert code == 1
    cache = root / ".opsdocs" / "cache" / "rehearsals.json"
    entries = json.loads(cache.read_text())["pages"]
    assert "findings" not in entries["docs/b.md"] and "findings" in entries["docs/a.md"]

    # Poison: give the failing page the passing entry of the other page, under any key we like.
    forged = dict(entries["docs/a.md"])
    entries["docs/b.md"] = forged
    cache.write_text(json.dumps({"format": 1, "pages": entries}))
    code, second, _ = _verify(root, site, tmp_path)
    assert code == 1
    (b,) = [c for c in second["checks"] if c["id"].startswith("runbook:docs/b.md")]
    assert b["status"] == "failed" and "(reused:" not in b["message"]

    # b's own findings marked passed, under a key made from other inputs (a's): the key decides, b re-runs.
    # (A writer who recomputes b's true key could forge a pass: the cache is trusted as far as who writes
    # it, which is why CI restores it only from the default branch; see verify/_cache.py.)
    entries = json.loads(cache.read_text())["pages"]
    entries["docs/b.md"] = {**forged, "key": entries["docs/a.md"]["key"]}
    failed = [c for c in first["checks"] if c["id"].startswith("runbook:docs/b.md")]
    entries["docs/b.md"]["findings"] = [{**f, "status": "passed"} for f in failed]
    cache.write_text(json.dumps({"format": 1, "pages": entries}))
    code, third, _ = _verify(root, site, tmp_path)
    assert code == 1 and not any("(reused:" in c["message"] for c in third["checks"] if "b.md" in c["id"])


def test_a_committed_cache_is_neither_read_nor_written(make_project, tmp_path: Path) -> None:
    # The attack the key cannot stop: a commit that brings .opsdocs/cache/ with the failing page's true
    # key and its findings marked passed. Uncommitted (the control), such an entry is trusted.
    import subprocess

    root, site = _setup(make_project, tmp_path, b_expect="not what it prints")
    code, first, _ = _verify(root, site, tmp_path)
    assert code == 1
    cache = root / ".opsdocs" / "cache" / "rehearsals.json"
    data = json.loads(cache.read_text())
    failed = [c for c in first["checks"] if c["id"].startswith("runbook:docs/b.md")]
    data["pages"]["docs/b.md"] = {**data["pages"]["docs/a.md"], "key": _true_key(root, site, "docs/b.md"),
                                  "findings": [{**f, "status": "passed"} for f in failed]}
    forged = json.dumps(data)
    cache.write_text(forged)
    code, control, _ = _verify(root, site, tmp_path)
    assert code == 0 and _reused(control)["docs/b.md"]  # the documented limit: whoever writes it is trusted

    cache.write_text(forged)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(root)]
    for args in (["init", "-q"], ["add", "-f", ".opsdocs/cache/rehearsals.json"], ["commit", "-qm", "cache"]):
        subprocess.run([*git, *args], check=True, timeout=30, capture_output=True)
    code, after, err = _verify(root, site, tmp_path)
    assert code == 1 and not any(_reused(after).values())
    (b,) = [c for c in after["checks"] if c["id"].startswith("runbook:docs/b.md")]
    assert b["status"] == "failed"
    assert "is committed to git, so this run neither reuses nor writes it" in err
    assert cache.read_text() == forged  # not written either: the commit's file is left as it is


def _true_key(root: Path, site: Path, page: str) -> str:
    """The key a run computes for ``page`` (what a forger who reads the code can compute too)."""
    from opsdocs.project.load import load_project
    from opsdocs.site.render import render_pages
    from opsdocs.verify._cache import RehearsalCache
    from opsdocs.verify.context import VerifyContext, VerifyOptions

    project = load_project(root, site_root=site)
    ctx = VerifyContext(VerifyOptions(root=root), project=project, pages=render_pages(project, site_root=site))
    try:
        cache = RehearsalCache.for_run(ctx)
        assert cache is not None
        (runbook,) = [rb for rb in ctx.runbooks if rb.page == page]
        return cache.key(runbook)
    finally:
        ctx.close()


def test_the_callers_timezone_is_an_input(make_project, tmp_path: Path, monkeypatch) -> None:
    # TZ reaches every step (sandbox.PASS_ENV): `date` prints another day elsewhere, so it is in the key.
    root, site = _setup(make_project, tmp_path)
    monkeypatch.setenv("TZ", "UTC")
    assert _verify(root, site, tmp_path)[0] == 0
    code, same, _ = _verify(root, site, tmp_path)
    assert code == 0 and all(_reused(same).values())
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    code, moved, _ = _verify(root, site, tmp_path)
    assert code == 0 and not any(_reused(moved).values())


def _monorepo(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The monorepo fixture (migrations in ../../packages/db/drizzle, outside the project), installed, with
    an assets folder named `site`, which the tree walk skips as an output folder."""
    import shutil

    from verify_helpers import REPO

    repo = tmp_path / "mono"
    shutil.copytree(REPO / "tests" / "fixtures" / "projects" / "monorepo", repo)
    api = repo / "apps" / "api"
    config = (api / "wrangler.jsonc").read_text()
    (api / "wrangler.jsonc").write_text(config.replace('"main"', '"assets": {"directory": "site"},\n\t"main"', 1))
    (api / "site").mkdir()
    (api / "site" / "index.html").write_text("<h1>v1</h1>\n")
    (api / "node_modules").symlink_to(REPO / "node_modules", target_is_directory=True)
    site = tmp_path / "guides"
    (site / "docs").mkdir(parents=True)
    (site / "mkdocs.yml").write_text("site_name: t\ndocs_dir: docs\nstrict: true\nnav:\n  - a.md\n")
    page = _page("cat ../../packages/db/drizzle/0001_posts.sql site/index.html", "h1")
    (site / "docs" / "a.md").write_text(page)
    return api, site, repo / "packages" / "db" / "drizzle" / "0001_posts.sql"


def test_what_the_sandbox_copies_from_outside_the_tree_walk_is_in_the_key(tmp_path: Path) -> None:
    root, site, migration = _monorepo(tmp_path)
    code, first, err = _verify(root, site, tmp_path)
    assert code == 0, err
    code, second, _ = _verify(root, site, tmp_path)
    assert code == 0 and _reused(second) == {"docs/a.md": True}

    migration.write_text(migration.read_text() + "-- edited\n")  # outside the project root
    code, third, _ = _verify(root, site, tmp_path)
    assert code == 0 and _reused(third) == {"docs/a.md": False}

    (root / "site" / "index.html").write_text("<h1>v2</h1>\n")  # a folder name the tree walk skips
    code, fourth, _ = _verify(root, site, tmp_path)
    assert code == 0 and _reused(fourth) == {"docs/a.md": False}


def test_a_fifo_in_the_project_does_not_hang_the_key(make_project, tmp_path: Path) -> None:
    import os

    root, site = _setup(make_project, tmp_path)
    os.mkfifo(root / "migrations" / "pipe")  # read, it would block the run for ever
    code, first, err = _verify(root, site, tmp_path)
    assert code == 0, err
    code, second, _ = _verify(root, site, tmp_path)
    assert _reused(second) == {"docs/a.md": True, "docs/b.md": True}
