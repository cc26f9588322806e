"""Every input is read the same bounded way: regular files only, a size limit, UTF-8 and NULs located."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from opsdocs.errors import ConfigError
from opsdocs.project._read import inside, read_input


def test_special_files_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yml"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.yml"
    zero.symlink_to("/dev/zero")
    for path in (fifo, zero, tmp_path):
        with pytest.raises(ConfigError) as err:
            read_input(path, path.name)
        assert "not a regular file" in str(err.value)


@pytest.mark.parametrize(("data", "where"), [(b"a: 1\n\xffb", (2, 1)), (b"ok\nab\xc3(", (2, 3)),
                                              (b"x\x00", (1, 2)), (b"a\nbb\ncc\x00", (3, 3))])
def test_bad_bytes_are_located(tmp_path: Path, data: bytes, where: tuple[int, int]) -> None:
    path = tmp_path / "f.yml"
    path.write_bytes(data)
    with pytest.raises(ConfigError) as err:
        read_input(path, "f.yml")
    assert (err.value.line, err.value.col) == where


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yml"
    path.write_bytes(b"a" * 2048)
    with pytest.raises(ConfigError) as err:
        read_input(path, "big.yml", limit=1024)
    assert "more than the 1024 bytes" in str(err.value)
    assert read_input(path, "big.yml", limit=4096) == "a" * 2048


def test_links_leaving_the_project(tmp_path: Path) -> None:
    page = tmp_path / "docs" / "p.md"
    page.parent.mkdir()
    page.symlink_to("/proc/self/environ")
    with pytest.raises(ConfigError) as err:
        inside(page, [tmp_path], "docs/p.md")
    assert "outside the project" in str(err.value)
    ok = tmp_path / "docs" / "q.md"
    ok.write_text("# q")
    inside(ok, [tmp_path], "docs/q.md")
