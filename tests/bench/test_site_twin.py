"""The site benchmark's static twin is the macros build's own final Markdown: both builds give the same
HTML pages, so the ratio measures only the macros plugin (issue 15)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "benchmarks")]

import synthetic  # noqa: E402
from run import _BUILD  # noqa: E402


def _build(config: Path, site: Path, **env: str) -> None:
    full = {**os.environ, "OPSDOCS_ROOT": str(REPO), **env}
    proc = subprocess.run([sys.executable, "-c", _BUILD, str(config), str(site)], cwd=config.parent, env=full,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def _article(html: str) -> str:
    m = re.search(r"<article.*?</article>", html, re.S)
    assert m, "no article"
    return m.group(0)


def test_twin_builds_the_same_pages_without_the_macros_plugin(tmp_path: Path) -> None:
    macros = synthetic.write_site(tmp_path / "macros", 1, prerendered=False)
    captured = tmp_path / "captured"
    _build(synthetic.capture_config(macros), tmp_path / "site-a", OPSDOCS_BENCH_CAPTURE=str(captured))
    twin = synthetic.write_twin(macros, captured, tmp_path / "twin")
    assert "  - macros:" not in twin.read_text() and "  - macros:" in macros.read_text()
    _build(twin, tmp_path / "site-b")
    pages = sorted(p.relative_to(tmp_path / "site-a") for p in (tmp_path / "site-a").rglob("index.html"))
    assert len(pages) > 10
    for rel in pages:
        a = _article((tmp_path / "site-a" / rel).read_text())
        b = _article((tmp_path / "site-b" / rel).read_text())
        assert a == b, rel
