"""Read one input file of a project the way every reader must: bounded, located, never special.

- Only regular files: a FIFO would block forever, ``/dev/zero`` would stream without end, a socket or a
  device is not a document. A symlink is followed only when its target is a regular file.
- Size-limited (``MAX_BYTES`` unless told otherwise), checked before and while reading.
- UTF-8 (a BOM is dropped, CRLF becomes LF); an invalid byte is reported at its line and column.
- A NUL byte is reported at its line and column: no text format opsdocs reads may contain one.

Every failure is one ``ConfigError`` (``path:line:col: what; what to do``).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from opsdocs.errors import ConfigError

__all__ = ["MAX_BYTES", "read_input", "inside"]

MAX_BYTES = 16 << 20  # 16 MiB: far above any real config, workflow or page; a bigger one is a mistake


def read_input(path: Path, rel: str, *, limit: int = MAX_BYTES, what: str = "file") -> str:
    """The text of ``path``; FileNotFoundError when it does not exist (callers decide if that is fine)."""
    try:
        info = os.stat(path)  # follows a link: what matters is what would be read
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ConfigError(f"cannot read the {what}: {exc.strerror or exc}", path=rel,
                          hint="check the file's permissions") from None
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a directory" if stat.S_ISDIR(info.st_mode) \
            else "a device or socket"
        raise ConfigError(f"the {what} is {kind}, not a regular file", path=rel,
                          hint="replace it with a regular text file")
    if info.st_size > limit:
        raise ConfigError(f"the {what} is {info.st_size} bytes, more than the {limit} bytes opsdocs reads",
                          path=rel, hint="split it or remove what is not configuration")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read the {what}: {exc.strerror or exc}", path=rel,
                          hint="check the file's permissions") from None
    if len(data) > limit:
        raise ConfigError(f"the {what} is more than the {limit} bytes opsdocs reads", path=rel,
                          hint="split it or remove what is not configuration")
    return decode(data, rel, what=what)


def decode(data: bytes, rel: str, *, what: str = "file") -> str:
    """UTF-8 text of ``data`` (BOM dropped, CRLF -> LF); bad bytes and NULs are located errors."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _position(data, exc.start)
        raise ConfigError(f"the {what} is not valid UTF-8 (byte 0x{data[exc.start]:02x})", path=rel, line=line,
                          col=col, hint="save it as UTF-8") from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        col = nul - (text.rfind("\n", 0, nul) + 1) + 1
        raise ConfigError(f"the {what} contains a NUL byte", path=rel, line=line, col=col,
                          hint="remove it: a text file has no NUL bytes")
    return text.replace("\r\n", "\n")


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, len(data[start:offset].decode("utf-8", errors="replace")) + 1


def inside(path: Path, roots: list[Path], rel: str, *, what: str = "page") -> None:
    """ConfigError when ``path`` (a link, or through a linked folder) leads outside every one of ``roots``:
    a page linked to ``/proc/self/environ`` or ``~/.env`` must never be read into the site."""
    real = Path(path).resolve()
    if not any(real.is_relative_to(Path(r).resolve()) for r in roots):
        raise ConfigError(f"the {what} is a link to {real}, outside the project", path=rel,
                          hint="copy the file into the project instead of linking to it")
