"""The checker on a site built by MkDocs + Material: no false alarms from the theme, real ones found"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from opsdocs.links import check_site_links

MKDOCS = Path(sys.executable).with_name("mkdocs")


def build(project: Path, pages: dict[str, str]) -> Path:
    (project / "mkdocs.yml").write_text(
        "site_name: T\nsite_url: https://docs.example.com/ops/\ntheme:\n  name: material\n"
        "markdown_extensions:\n  - toc:\n      permalink: true\n"
    )
    for rel, text in pages.items():
        path = project / "docs" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    proc = subprocess.Popen(
        [str(MKDOCS), "build", "-q"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    try:
        out, _ = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    assert proc.returncode == 0, out
    return project / "site"


def test_material_site_broken_anchor_and_raw_html_link(tmp_path: Path) -> None:
    site = build(
        tmp_path,
        {
            "index.md": "# Home\n\n[This](guide/setup.md#install), [a typo](guide/setup.md#instal).\n",
            "guide/setup.md": "# Setup\n\n## Install\n\nBack [home](../index.md).\n\n"
            '<a href="../rollback/">raw HTML link to a page that does not exist</a>\n',
        },
    )
    findings = check_site_links(site, location_root=tmp_path)
    assert sorted((f.status, f.id) for f in findings) == [
        # raw HTML is not rewritten: from guide/setup/index.html "../rollback/" is guide/rollback/
        ("failed", "link:guide/rollback/index.html"),
        ("failed", "link:guide/setup/index.html#instal"),
    ]
    [typo] = [f for f in findings if f.id.endswith("#instal")]
    assert typo.path == "site/index.html"
    line = (site / "index.html").read_text().splitlines()[typo.line - 1 if typo.line else 0]
    assert 'href="guide/setup/#instal"' in line


def test_clean_material_site_passes(tmp_path: Path) -> None:
    site = build(
        tmp_path,
        {
            "index.md": "# Home\n\n[Setup](guide/setup.md#install)\n\n![logo](img/logo.svg)\n",
            "img/logo.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n',
            "guide/setup.md": '# Setup\n\n## Install\n\n```html\n<a href="gone.html" id="fake">x</a>\n```\n',
        },
    )
    [passed] = check_site_links(site)
    assert passed.status == "passed", passed.message
    assert "across 3 pages ok" in passed.message  # index, guide/setup and 404
