"""The sandbox copy: links out of the project are not followed, links inside become plain files, special
files and secrets (.env, .dev.vars, .npmrc) never arrive, whatever assets.directory says."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opsdocs.steps._copy import copy_into, is_secret_file


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "public").mkdir(parents=True)
    (root / "public" / "index.html").write_text("<h1>hi</h1>")
    for secret in (".env", ".env.production", ".dev.vars", ".dev.vars.staging", ".npmrc", ".curlrc", ".netrc"):
        (root / secret).write_text("CLOUDFLARE_API_TOKEN=leak\n")
        (root / "public" / secret).write_text("leak\n")
    (root / ".dev.vars.example").write_text("KEY=example\n")
    (root / "wrangler.jsonc").write_text("{}")
    outside = tmp_path / "outside.txt"
    outside.write_text("outside the project\n")
    (root / "public" / "out-link").symlink_to(outside)
    (root / "public" / "etc-link").symlink_to("/etc")
    (root / "public" / "environ").symlink_to("/proc/self/environ")
    (root / "public" / "zero").symlink_to("/dev/zero")
    (root / "public" / "in-link").symlink_to(root / "wrangler.jsonc")
    (root / "public" / "loop").symlink_to(root / "public")
    os.mkfifo(root / "public" / "fifo")
    return root


@pytest.mark.parametrize("what", [".", "public"])
def test_copies_without_leaving_the_project(project: Path, tmp_path: Path, what: str) -> None:
    dest = tmp_path / "sandbox"
    copy_into(project / what, project, dest)
    files = {p.relative_to(dest).as_posix() for p in dest.rglob("*")}
    base = "public/" if what == "." else "public/"
    assert f"{base}index.html" in files
    assert not any(Path(f).name in {".env", ".env.production", ".dev.vars", ".dev.vars.staging", ".npmrc",
                                    ".curlrc", ".netrc"} for f in files)
    for gone in ("out-link", "etc-link", "environ", "zero", "fifo"):
        assert f"{base}{gone}" not in files
    link_copy = dest / "public" / "in-link"
    assert link_copy.is_file() and not link_copy.is_symlink()  # a write to it stays in the sandbox
    assert not any(p.is_symlink() for p in dest.rglob("*"))
    if what == ".":
        assert (dest / ".dev.vars.example").is_file()
    text = "".join(p.read_text(errors="replace") for p in dest.rglob("*") if p.is_file())
    assert "leak" not in text and "outside the project" not in text


@pytest.mark.parametrize(("name", "secret"), [(".env", True), (".env.local", True), (".dev.vars", True),
                                              (".dev.vars.production", True), (".npmrc", True),
                                              (".env.example", False), (".dev.vars.example", False),
                                              ("env.js", False), ("index.html", False)])
def test_secret_file_names(name: str, secret: bool) -> None:
    assert is_secret_file(name) is secret
