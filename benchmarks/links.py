"""Benchmark: opsdocs' built-site link checker against pytest-check-links on a synthetic Material site.

Material repeats the whole navigation in every page, so a 1,000-page site holds about a million link
occurrences. ``python benchmarks/links.py [--pages N] [--sample 100] [--timeout 60]`` builds the site once
(cached under ``benchmarks/.cache/`` by page count), times our checker on all of it, then runs both
checkers on the same sample of pages and prints links per second side by side.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
VENV_BIN = ROOT / ".venv" / "bin"
# pytest-check-links needs pytest<9: it lives in its own venv (benchmarks/baseline-requirements.txt, `make bench`)
BASELINE_BIN = ROOT / ".venv-bench" / "bin"
_GENERATOR_VERSION = 1  # bump when the generated pages change, so cached sites are rebuilt
_SECTION_SIZE = 50

sys.path.insert(0, str(ROOT / "src"))


def _page_path(i: int) -> str:
    return f"section-{i // _SECTION_SIZE:02d}/page-{i:04d}.md"


def _page_text(i: int, pages: int) -> str:
    nxt, far = (i + 1) % pages, (i * 7 + 3) % pages
    here = Path(_page_path(i)).parent
    rel_next = os.path.relpath(_page_path(nxt), here)
    rel_far = os.path.relpath(_page_path(far), here)
    return f"""# Page {i}

Deploy step {i} of the synthetic runbook. Next: [page {nxt}]({rel_next}), and see
[rollback on page {far}]({rel_far}#rollback) or [the checks below](#health-checks).

![diagram](../img/diagram.svg)

## Apply migrations

```bash
npx wrangler d1 migrations apply app-db --local
```

## Health checks

| Check | URL |
|-------|-----|
| ping  | `/health` |

## Rollback

Roll back with `wrangler rollback`. Back to [the top](#page-{i}).

## Notes

See [Cloudflare](https://developers.cloudflare.com/d1/) for details.
"""


def _write_project(dest: Path, pages: int) -> None:
    docs = dest / "docs"
    (docs / "img").mkdir(parents=True)
    (docs / "img" / "diagram.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>\n')
    (docs / "index.md").write_text("# Synthetic runbooks\n\nStart at [page 0](section-00/page-0000.md).\n")
    nav: dict[int, list[str]] = {}
    for i in range(pages):
        path = docs / _page_path(i)
        path.parent.mkdir(exist_ok=True)
        path.write_text(_page_text(i, pages))
        nav.setdefault(i // _SECTION_SIZE, []).append(f"      - Page {i}: {_page_path(i)}")
    lines = [
        "site_name: Synthetic runbooks",
        "theme:\n  name: material",
        "markdown_extensions:\n  - toc:\n      permalink: true\n  - tables\n  - pymdownx.superfences",
        "nav:",
        "  - Home: index.md",
    ]
    for section, items in nav.items():
        lines.append(f"  - Section {section}:")
        lines.extend(items)
    (dest / "mkdocs.yml").write_text("\n".join(lines) + "\n")


def _run(cmd: list[str], cwd: Path, timeout_s: float) -> subprocess.CompletedProcess[str]:
    """Run in its own process group so a timeout kills the whole tree."""
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        raise RuntimeError(f"{' '.join(cmd[:2])} timed out after {timeout_s:.0f}s:\n{out[-2000:]}") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, "")


def build_site(pages: int) -> Path:
    """The built synthetic site for ``pages`` pages, from the cache when present."""
    site = CACHE / f"site-{pages}-v{_GENERATOR_VERSION}"
    if (site / "index.html").is_file():
        return site
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    with tempfile.TemporaryDirectory(prefix="opsdocs-bench-") as tmp:
        project = Path(tmp)
        _write_project(project, pages)
        result = _run(
            [str(VENV_BIN / "mkdocs"), "build", "--quiet", "--site-dir", str(project / "site")],
            project,
            timeout_s=900,
        )
        if result.returncode != 0:
            raise RuntimeError(f"mkdocs build failed:\n{result.stdout[-2000:]}")
        partial = site.with_suffix(".partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.copytree(project / "site", partial)
        partial.rename(site)  # only a complete build ever becomes the cache
    return site


_PROGRESS = re.compile(r"^([.FEsx]+)\s*(\[\s*\d+%\])?$", re.M)


def _pytest_check_links(files: list[Path], cwd: Path, timeout_s: float) -> tuple[int, float, bool]:
    """Links checked by pytest-check-links within ``timeout_s``: (count, seconds, finished)."""
    (cwd / "pytest.ini").write_text("[pytest]\n")  # keep the repo's pytest config out of the way
    cmd = [
        str(BASELINE_BIN / "pytest"),
        "--check-links",
        *map(str, files),
        "-p",
        "no:cacheprovider",
        "-p",
        "no:opsdocs",
        "-q",
        "-c",
        str(cwd / "pytest.ini"),
        "--rootdir",
        str(cwd),
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    finished = True
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        finished = False
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
    elapsed = time.perf_counter() - start
    # pytest -q prints one character per test item (one item per link it checks)
    checked = sum(len(m.group(1)) for m in _PROGRESS.finditer(out))
    if finished and checked == 0 and "passed" not in out and "failed" not in out:
        raise RuntimeError(f"pytest-check-links did not run:\n{out[-2000:]}")
    return checked, elapsed, finished


def _count_occurrences(files: list[Path]) -> int:
    """``href``/``src`` occurrences, as our checker reads them (before dropping mailto:, "#" and such)."""
    from opsdocs.links._index import needs_any_case, page_links

    datas = (p.read_bytes() for p in files)
    return sum(sum(page_links(data, any_case=needs_any_case(data)).values()) for data in datas)


def run(pages: int = 1000, sample: int = 100, timeout_s: float = 60) -> dict[str, Any]:
    """Build (or reuse) the site, time both checkers, and return the numbers."""
    from opsdocs.links import check_site_links
    from opsdocs.links._scan import scan_site

    site = build_site(pages)
    start = time.perf_counter()
    findings = check_site_links(site)
    ours_full_s = time.perf_counter() - start
    html_files = sorted(site.rglob("*.html"))
    occurrences = _count_occurrences(html_files)

    # The same pages for both: each checks only these pages' links, against the whole built site.
    sample_files = sorted(site.glob("section-*/page-*/index.html"))[:sample]
    start = time.perf_counter()
    scan = scan_site(
        site, collect_external=False, only={p.relative_to(site).as_posix() for p in sample_files}
    )
    ours_sample_s = time.perf_counter() - start
    sample_links = _count_occurrences(sample_files)
    with tempfile.TemporaryDirectory(prefix="opsdocs-bench-") as tmp:
        theirs, theirs_s, theirs_done = _pytest_check_links(sample_files, Path(tmp), timeout_s)
    return {
        "pages": pages,
        "html_files": len(html_files),
        "link_occurrences": occurrences,
        "ours_full_s": ours_full_s,
        "ours_full_links_per_s": occurrences / ours_full_s,
        "ours_full_status": [f.status for f in findings],
        "sample_pages": len(sample_files),
        "sample_link_occurrences": sample_links,
        "ours_sample_s": ours_sample_s,
        "ours_sample_broken": len(scan.broken),
        "ours_sample_links_per_s": sample_links / ours_sample_s,
        "check_links_checked": theirs,
        "check_links_s": theirs_s,
        "check_links_finished": theirs_done,
        "check_links_links_per_s": theirs / theirs_s if theirs_s else 0.0,
    }


def _print_table(r: dict[str, Any]) -> None:
    done = "" if r["check_links_finished"] else f" (stopped at the {r['check_links_s']:.0f} s timeout)"
    rows = [
        ("", "opsdocs.links", "pytest-check-links"),
        (
            f"whole site ({r['html_files']:,} pages)",
            f"{r['ours_full_s']:.2f} s for {r['link_occurrences']:,} links",
            "-",
        ),
        (
            f"sample ({r['sample_pages']} pages)",
            f"{r['ours_sample_s']:.2f} s for {r['sample_link_occurrences']:,} links",
            f"{r['check_links_s']:.1f} s for {r['check_links_checked']:,} links{done}",
        ),
        (
            "links per second (sample)",
            f"{r['ours_sample_links_per_s']:,.0f}",
            f"{r['check_links_links_per_s']:,.0f}",
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--sample", type=int, default=100, help="pages both checkers run on")
    parser.add_argument("--timeout", type=float, default=60, help="seconds pytest-check-links may take")
    args = parser.parse_args(argv)
    result = run(args.pages, args.sample, args.timeout)
    _print_table(result)
    return 0 if result["ours_full_status"] == ["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
