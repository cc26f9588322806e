"""What an unexpected exception becomes: one line that says it is a bug in opsdocs, and the traceback in a
private file that line names (never on the terminal, where a reader of a CI log would take it for their
own error). ``OPSDOCS_DEBUG=1`` raises it instead, for a developer of opsdocs."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path

__all__ = ["BUG_EXIT", "debugging", "report_bug"]

BUG_EXIT = 70  # EX_SOFTWARE (sysexits.h): an internal error, not the user's input


def debugging() -> bool:
    return os.environ.get("OPSDOCS_DEBUG", "") not in ("", "0")


def report_bug(exc: BaseException, *, where: str = "") -> int:
    """Print the one line for ``exc`` on stderr and return :data:`BUG_EXIT`."""
    saved = _save_traceback(exc)
    frame = _innermost_opsdocs_frame(exc)
    at = f" at {frame}" if frame else ""
    kept = f"; the traceback is in {saved}" if saved else ""
    context = f" {where}" if where else ""
    # The exception's own text is left out: it may quote input (a token in an environment value, say);
    # the file, readable only by this user, has it.
    print(f"opsdocs: internal error{context}: {type(exc).__name__}{at}: this is a bug in opsdocs, please report "
          f"it{kept}", file=sys.stderr)
    return BUG_EXIT


def _save_traceback(exc: BaseException) -> Path | None:
    try:
        fd, name = tempfile.mkstemp(prefix="opsdocs-bug-", suffix=".txt")  # mode 0600
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write("".join(traceback.format_exception(exc)))
        return Path(name)
    except OSError:
        return None


def _innermost_opsdocs_frame(exc: BaseException) -> str | None:
    package = str(Path(__file__).parent)
    found = None
    for summary in traceback.extract_tb(exc.__traceback__):
        if summary.filename.startswith(package):
            found = f"{Path(summary.filename).relative_to(Path(package).parent)}:{summary.lineno}"
    return found
