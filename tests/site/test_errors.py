"""A broken page or config fails the build with one `path:line` line, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from shipped_project import copy_project
from sitebuild import run_build

from opsdocs import PageError, load_project
from opsdocs.project.load import CHECKOUT_ROOT
from opsdocs.site.render import render_pages

HOOKS = CHECKOUT_ROOT / "src" / "opsdocs" / "site" / "hooks.py"


def make_site(root: Path, pages: dict[str, str], runbooks: dict[str, str] | None = None) -> Path:
    """A small site using the real plugin, hooks and strict settings; returns its mkdocs.yml."""
    (root / "docs").mkdir(parents=True)
    for name, text in pages.items():
        (root / "docs" / name).write_text(text)
    if runbooks is not None:
        (root / "runbooks").mkdir()
        for name, text in runbooks.items():
            (root / "runbooks" / name).write_text(text)
    (root / "node_modules").symlink_to(CHECKOUT_ROOT / "node_modules")
    nav = "\n".join(f"  - {n}" for n in pages) + "\n  - Status: status.md\n"
    (root / "docs" / "status.md").write_text("# Status\n")
    (root / "mkdocs.yml").write_text(
        "site_name: t\nstrict: true\ntheme:\n  name: material\n  font: false\n"
        "markdown_extensions: [attr_list, pymdownx.superfences]\n"
        "plugins:\n  - macros:\n      modules: [opsdocs.site.macros]\n      on_undefined: strict\n"
        f"      on_error_fail: true\nhooks:\n  - {HOOKS}\nnav:\n{nav}"
    )
    return root / "mkdocs.yml"


def test_undefined_variable_names_page_and_line(tmp_path: Path) -> None:
    page = "# Title\n\nSome text.\n\n```{.bash data-mode=\"rehearse\"}\nnpx wrangler d1 list {{ nope }}\n```\n"
    config = make_site(tmp_path / "s", {"index.md": "# ok {{ db.name }}\n", "broken.md": page})
    build = run_build("--config-file", str(config), site=tmp_path / "out")
    assert build.code == 2
    assert build.stderr.strip().splitlines() == [
        "opsdocs: docs/broken.md:6:25: undefined variable 'nope'; "
        "see the variables and macros pages can use with `python -m pydoc opsdocs.site.macros`"
    ]


def test_a_page_with_front_matter_names_its_own_line_in_the_build(tmp_path: Path) -> None:
    """The build reads each page once (the hook) and still counts the front matter's lines."""
    page = "---\ntitle: Broken\ntags: [a]\n---\n# Broken\n\n{{ nope }}\n"
    config = make_site(tmp_path / "s", {"index.md": "# ok\n", "broken.md": page})
    build = run_build("--config-file", str(config), site=tmp_path / "out")
    assert build.code == 2
    assert build.stderr.strip().splitlines()[0].startswith("opsdocs: docs/broken.md:7:")


def test_bad_attribute_and_syntax_errors_have_lines(tmp_path: Path) -> None:
    site = tmp_path / "s"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "a.md").write_text("---\ntitle: A\n---\n# A\n\n{{ db.no_such_field }}\n")
    with pytest.raises(PageError) as err:
        render_pages(load_project(), site_root=site)
    assert (err.value.path, err.value.line) == ("docs/a.md", 6)
    assert "no_such_field" in err.value.message
    (site / "docs" / "a.md").write_text("# A\n\n\n{% if db %}\n")
    with pytest.raises(PageError) as err:
        render_pages(load_project(), site_root=site)
    assert (err.value.path, err.value.line) == ("docs/a.md", 4)
    (site / "docs" / "a.md").write_text("# A\n{{ wrangler('deploy', env='no-such-env') }}\n")
    with pytest.raises(PageError) as err:
        render_pages(load_project(), site_root=site)
    assert (err.value.path, err.value.line) == ("docs/a.md", 2)
    assert "no environment 'no-such-env'" in err.value.message


def test_config_error_is_one_line(tmp_path: Path) -> None:
    root = copy_project(tmp_path / "project")
    text = (root / "wrangler.jsonc").read_text().replace('"main": ', '"main": 42, "x": ', 1)
    (root / "wrangler.jsonc").write_text(text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if '"main": 42' in t)
    build = run_build("--root", str(root), site=tmp_path / "out")
    assert build.code == 2
    lines = build.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"opsdocs: wrangler.jsonc:{line}:"), build.stderr
    assert "Traceback" not in build.stderr


def test_runbooks_join_the_site_with_macros_and_nav(tmp_path: Path) -> None:
    drill = "# Tiny drill\n\n```{.bash data-mode=\"rehearse\"}\nnpx wrangler d1 migrations list {{ db.name }}\n```\n"
    config = make_site(tmp_path / "s", {"index.md": "# Home\n"}, runbooks={"tiny-drill.md": drill})
    build = run_build("--config-file", str(config), site=tmp_path / "out")
    assert build.code == 0, build.stderr
    home = build.page("")
    assert "Drills" in home and 'href="runbooks/tiny-drill/"' in home
    assert home.index("Drills") < home.index("Status")
    page = build.page("runbooks/tiny-drill")
    assert load_project().wrangler.top.d1_databases[0].name in page and "{{" not in page
    pages = render_pages(load_project(), site_root=tmp_path / "s")
    assert [p.relpath for p in pages] == ["docs/index.md", "docs/status.md", "runbooks/tiny-drill.md"]


def test_site_without_runbooks_dir_builds(tmp_path: Path) -> None:
    config = make_site(tmp_path / "s", {"index.md": "# Home {{ worker.worker_name }}\n"})
    build = run_build("--config-file", str(config), site=tmp_path / "out")
    assert build.code == 0, build.stderr
    assert "Drills" not in build.page("")
    shutil.rmtree(tmp_path / "out")
