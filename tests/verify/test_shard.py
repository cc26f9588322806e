"""Shards on a tiny real project: each check runs in exactly one shard, the split is balanced and the
same in every job, and the merged report equals the unsharded one apart from timings and the notes of
shared steps (and order within a status: the shards' checks are concatenated)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from opsdocs.verify._shard import assign, parse_shard
from opsdocs.errors import ConfigError
from verify_helpers import run_opsdocs

_PAGES = {"a.md": ["echo a1", "echo a2", "echo a3"], "b.md": ["echo b1"], "c.md": ["echo c1", "echo c2"],
          "d.md": ["echo d1"], "e.md": ["echo a1", "echo e2"]}  # e starts like a: shared in one run
_SHARED = "(shared: run once for the pages that start with these same steps)"


def _site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    nav = "".join(f"  - {name}\n" for name in _PAGES)
    (site / "mkdocs.yml").write_text(f"site_name: t\ndocs_dir: docs\nstrict: true\nnav:\n{nav}")
    for name, steps in _PAGES.items():
        blocks = "".join(f'```{{.bash title="s" data-mode="rehearse" data-expect="{s[5:]}"}}\n{s}\n```\n\n'
                         for s in steps)
        (site / "docs" / name).write_text(f"# {name}\n\n{blocks}")
    return site


def _run(root: Path, site: Path, report: Path, *extra: str) -> dict:
    proc = run_opsdocs("verify", "--plain", "--no-cache", "--root", str(root), "--site-root", str(site),
                       "--report", str(report), *extra)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(report.read_text())


def _normal(report: dict) -> tuple:
    # Like a timing, the note of a shared step says how the result was got: in one run e shares a's first
    # step, in shards they may land apart and each run it. Its verdict is the same either way.
    checks = sorted(({k: v.replace(_SHARED, "") if k == "message" else v for k, v in c.items() if k != "duration_s"}
                     for c in report["checks"]),
                    key=lambda c: json.dumps(c, sort_keys=True))
    header = {k: v for k, v in report.items() if k not in ("checks", "started_at", "duration_s")}
    return header, checks


def test_merged_shards_equal_the_unsharded_run(make_project, tmp_path: Path) -> None:
    root, site = make_project(), _site(tmp_path)
    whole = _run(root, site, tmp_path / "whole.json")
    shards = [_run(root, site, tmp_path / f"s{i}.json", "--shard", f"{i}/3") for i in (1, 2, 3)]
    ids = [{c["id"] for c in s["checks"]} for s in shards]
    assert all(ids) and not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])  # each check once
    pages = [{c["path"] for c in s["checks"] if c["id"].startswith("runbook:")} for s in shards]
    assert pages[1] and pages[2]  # the pages really were spread
    assert all(not c["id"].startswith("runbook:") or c["path"] in pages[0] for c in shards[0]["checks"])
    assert {c["kind"] for s in shards[1:] for c in s["checks"]} == {"runbook"}  # globals only in shard 1

    proc = run_opsdocs("report", "merge", *(str(tmp_path / f"s{i}.json") for i in (1, 2, 3)),
                       "--report", str(tmp_path / "merged.json"), "--junit", str(tmp_path / "merged.xml"))
    assert proc.returncode == (1 if whole["summary"]["failed"] else 0), proc.stderr
    merged = json.loads((tmp_path / "merged.json").read_text())
    assert any(c["message"] == _SHARED for c in whole["checks"])  # the exception above really happened
    assert _normal(merged) == _normal(whole)
    assert (tmp_path / "merged.xml").read_text().count("<testcase") == len(whole["checks"])


def test_merge_refuses_a_shard_twice_and_a_missing_shard(make_project, tmp_path: Path) -> None:
    root, site = make_project(), _site(tmp_path)
    report = _run(root, site, tmp_path / "s2.json", "--shard", "2/2", "-m", "runbook")
    assert report["shard"]["index"] == 2 and report["shard"]["total"] == 2
    twice = run_opsdocs("report", "merge", str(tmp_path / "s2.json"), str(tmp_path / "s2.json"),
                        "--report", str(tmp_path / "m.json"))
    assert twice.returncode == 2 and "shard 2/2 is given twice" in twice.stderr, twice.stderr
    alone = run_opsdocs("report", "merge", str(tmp_path / "s2.json"), "--report", str(tmp_path / "m.json"))
    assert alone.returncode == 2 and "shard 1/2 is missing" in alone.stderr, alone.stderr
    assert "Traceback" not in twice.stderr + alone.stderr and not (tmp_path / "m.json").exists()


def test_merge_refuses_shards_that_split_the_pages_differently(make_project, tmp_path: Path) -> None:
    # Two jobs of one matrix that restored different caches deal the pages differently: some page may be
    # in neither report, so the merge must not read as a pass.
    root, site = make_project(), _site(tmp_path)
    _run(root, site, tmp_path / "whole.json")  # records every page's time
    cache_file = root / ".opsdocs" / "cache" / "rehearsals.json"
    recorded = json.loads(cache_file.read_text())
    first = _run(root, site, tmp_path / "s1.json", "--shard", "1/2")
    for n, entry in enumerate(sorted(recorded["pages"])):  # another job's cache: other times
        recorded["pages"][entry]["duration_s"] = 10.0 * (n + 1)
    cache_file.write_text(json.dumps(recorded))
    second = _run(root, site, tmp_path / "s2.json", "--shard", "2/2")
    assert first["shard"]["plan"] != second["shard"]["plan"]
    proc = run_opsdocs("report", "merge", str(tmp_path / "s1.json"), str(tmp_path / "s2.json"),
                       "--report", str(tmp_path / "m.json"))
    assert proc.returncode == 2 and "dealt the pages differently" in proc.stderr, proc.stderr
    assert "s2.json" in proc.stderr  # the report that disagrees is named


def test_a_shard_with_no_pages_passes_and_says_so(make_project, tmp_path: Path) -> None:
    root, site = make_project(), _site(tmp_path)  # 5 pages over 6 shards: the sixth gets none
    proc = run_opsdocs("verify", "--plain", "--no-cache", "--root", str(root), "--site-root", str(site),
                       "--report", str(tmp_path / "s6.json"), "--shard", "6/6", "-m", "runbook")
    assert proc.returncode == 0, proc.stderr
    assert "shard 6/6 has no checks to run" in proc.stderr
    report = json.loads((tmp_path / "s6.json").read_text())
    assert report["checks"] == [] and report["shard"]["index"] == 6
    whole = run_opsdocs("verify", "--plain", "--no-cache", "--root", str(root), "--site-root", str(site),
                        "--report", str(tmp_path / "w.json"), "-k", "no-such-check")
    assert whole.returncode == 1 and "no checks selected" in whole.stderr  # unsharded, nothing is a failure


def test_split_is_longest_first_and_deterministic() -> None:
    weights = {"a": 9.0, "b": 5.0, "c": 4.0, "d": 3.0, "e": 1.0}
    assert assign(weights, 2) == {"a": 1, "b": 2, "c": 2, "d": 1, "e": 2}
    assert assign(dict(reversed(list(weights.items()))), 2) == assign(weights, 2)


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_a_bad_shard_is_one_line(text: str) -> None:
    with pytest.raises(ConfigError, match="is not I/N"):
        parse_shard(text)


def test_shard_one_starts_with_the_global_checks() -> None:
    weights = {"a": 5.0, "b": 4.0, "c": 3.0, "d": 3.0}
    assert assign(weights, 2) == {"a": 1, "b": 2, "c": 2, "d": 1}
    assert assign(weights, 2, first=6.0) == {"a": 2, "b": 2, "c": 1, "d": 1}


def test_a_run_records_the_global_time_and_shard_one_takes_fewer_pages(make_project, tmp_path: Path) -> None:
    root, site = make_project(), _site(tmp_path)
    _run(root, site, tmp_path / "whole.json")
    cache_file = root / ".opsdocs" / "cache" / "rehearsals.json"
    recorded = json.loads(cache_file.read_text())
    assert recorded["global_s"] > 0  # the site build, the dev server, the static checks took time
    assert set(recorded["pages"]) == {f"docs/{name}" for name in _PAGES}
    # Five equal pages, and global checks worth almost two of them: shard 1 takes two pages, shard 2 three
    # (without the head start it would be three and two).
    pages = {page: {"duration_s": 3.0, "at": entry["at"]} for page, entry in recorded["pages"].items()}
    cache_file.write_text(json.dumps({"format": recorded["format"], "pages": pages, "global_s": 5.5}))
    split = [{c["path"] for c in _run(root, site, tmp_path / f"s{i}.json", "--shard", f"{i}/2")["checks"]
              if c["id"].startswith("runbook:")} for i in (1, 2)]
    assert (len(split[0]), len(split[1])) == (2, 3)
    assert json.loads(cache_file.read_text())["global_s"] == 5.5  # shards never rewrite the recorded times


def test_a_damaged_cache_costs_the_balance_not_the_run(make_project, tmp_path: Path) -> None:
    # Entries of another shape, times that are strings, bools, NaN or infinite (json reads them all): the
    # shard falls back to step counts and runs; nothing in opsdocs trips over it.
    root, site = make_project(), _site(tmp_path)
    cache_file = root / ".opsdocs" / "cache" / "rehearsals.json"
    cache_file.parent.mkdir(parents=True)
    cache_file.write_text('{"format": 1, "global_s": NaN, "pages": {"docs/a.md": [1], "docs/b.md": '
                          '{"duration_s": "9"}, "docs/c.md": {"duration_s": true}, "docs/d.md": '
                          '{"duration_s": -Infinity}, "docs/e.md": {"duration_s": 1e400}}}')
    by_steps = [_run(root, site, tmp_path / f"s{i}.json", "--shard", f"{i}/2", "-m", "runbook") for i in (1, 2)]
    cache_file.unlink()
    clean = [_run(root, site, tmp_path / f"c{i}.json", "--shard", f"{i}/2", "-m", "runbook") for i in (1, 2)]
    assert [r["shard"]["plan"] for r in by_steps] == [r["shard"]["plan"] for r in clean]  # the step-count split
    assert all(r["summary"]["failed"] == 0 and r["checks"] for r in by_steps)
