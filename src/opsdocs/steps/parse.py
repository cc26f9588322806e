"""Runbook steps: the shell blocks of a rendered page, with their mode, expectations and source line.

A step is a fenced ``bash``/``sh``/``shell``/``console`` block in the attribute-list form::

    ```{.bash title="Apply pending migrations" data-mode="rehearse" data-expect="No migrations to apply"}
    npx wrangler d1 migrations apply ledger-db-staging --local
    ```

Blocks are read from the rendered text (what the reader copies) and reported at the line of the same fence
in the page as written. Parsing only: nothing here runs or judges a command (see ``classify``).
"""

from __future__ import annotations

import bisect
import difflib
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol, cast

from opsdocs.errors import PageError
from opsdocs.site.pages import RenderedPage
from opsdocs.steps._attrs import parse_info
from opsdocs.steps._fences import Fence, scan_fences

Mode = Literal["rehearse", "remote-read", "never"]

MODES: tuple[Mode, ...] = ("rehearse", "remote-read", "never")
SHELL_LANGUAGES = frozenset({"bash", "sh", "shell", "console"})
DEFAULT_TIMEOUT_S = 120.0
_KNOWN_DATA = ("data-mode", "data-why", "data-expect", "data-expect-re", "data-exit", "data-timeout")
_MODE_HINT = ('add data-mode="rehearse" (runs offline in the sandbox), "remote-read" (read-only against '
              'Cloudflare) or "never" (with data-why="...")')


@dataclass(frozen=True)
class Step:
    page: str  # RenderedPage.relpath, e.g. "docs/migrations.md"
    line: int  # 1-based line of the opening fence in the page as written
    mode: Mode
    command: str  # the block's text after macros: exactly what the reader copies
    title: str | None
    why: str | None
    expect: str | None
    expect_re: str | None
    exit_code: int = 0
    timeout_s: float = DEFAULT_TIMEOUT_S

    @property
    def location(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def id(self) -> str:
        return f"runbook:{self.page}:{self.line}"


@dataclass(frozen=True)
class Runbook:
    """The steps of one page, in order: run in one sandbox; a failed step stops the runbook."""

    page: str
    steps: tuple[Step, ...]


def collect_steps(pages: Iterable[RenderedPage]) -> list[Runbook]:
    """One runbook per page that has shell blocks, in page order. Raises PageError on a bad block."""
    out = []
    for page in pages:
        runbook = parse_page(page)
        if runbook.steps:
            out.append(runbook)
    return out


def parse_page(page: RenderedPage) -> Runbook:
    """Every shell block of ``page`` as a Step (a page without any gives an empty runbook)."""
    text_fences = scan_fences(page.text)
    if not text_fences:
        return Runbook(page.relpath, ())
    lines = _source_lines(page.source, page.text, text_fences)
    steps = []
    for fence, line in zip(text_fences, lines, strict=True):
        step = _step(page.relpath, line, fence)
        if step is not None:
            steps.append(step)
    return Runbook(page.relpath, tuple(steps))


def _step(page: str, line: int, fence: Fence) -> Step | None:
    info = parse_info(fence.info)
    col = fence.indent + 1

    def fail(message: str, hint: str | None = None) -> PageError:
        return PageError(message, path=page, line=line, col=col, hint=hint)

    if info.error is not None:
        raise fail(f"unreadable fence attributes: {info.error}",
                   'write attributes as {.bash title="..." data-mode="rehearse"}')
    if fence.hidden and (info.language in SHELL_LANGUAGES or "data-mode" in info.attrs):
        raise fail("a shell block inside an HTML comment: the reader never sees it, so it must not run",
                   "remove the comment around it, or delete the block")
    if info.language not in SHELL_LANGUAGES:
        if "data-mode" in info.attrs:
            raise fail(f"data-mode on a {info.language or 'plain'} block: only bash, sh, shell and console "
                       "blocks are runbook steps", "use a shell fence, or drop data-mode")
        return None
    if not info.braced:
        rest = fence.info.split(None, 1)[1:] if fence.info else []
        if rest:
            raise fail("fence attributes in the plain form are dropped when the page is rendered",
                       f'use the brace form: {fence.fence}{{.{info.language} {rest[0]}}}, with data-* names')
        raise fail(f"{info.language} block has no data-mode", _MODE_HINT)
    unknown = [k for k in info.attrs if k.startswith("data-") and k not in _KNOWN_DATA]
    if unknown:
        # Compare without the shared "data-" prefix, or every name looks close to every other.
        close = difflib.get_close_matches(unknown[0][5:], [k[5:] for k in _KNOWN_DATA], n=1)
        raise fail(f"unknown attribute {unknown[0]}",
                   f"did you mean data-{close[0]}?" if close else f"known: {', '.join(_KNOWN_DATA)}")
    mode = info.attrs.get("data-mode")
    if mode is None:
        raise fail(f"{info.language} block has no data-mode", _MODE_HINT)
    if mode not in MODES:
        close = difflib.get_close_matches(mode, MODES, n=1)
        raise fail(f"unknown data-mode {mode!r}",
                   f"did you mean {close[0]!r}?" if close else "use rehearse, remote-read or never")
    why = info.attrs.get("data-why")
    if mode == "never" and not (why and why.strip()):
        raise fail("a never block needs data-why", 'say why it is never executed: data-why="deploys to '
                   'production; run it from the deploy workflow"')
    if not fence.closed:
        raise fail("shell block is not closed", f"end it with {fence.fence} on a line of its own")
    command = "\n".join(fence.body).strip("\n")
    if not command.strip():
        raise fail("shell block is empty", "put the command the reader should run inside it, or remove it")
    expect_re = info.attrs.get("data-expect-re")
    if expect_re is not None:
        try:
            re.compile(expect_re)
        except re.error as exc:
            raise fail(f"data-expect-re is not a valid regular expression: {exc}",
                       "Python re syntax; escape literal characters such as . ( [ with a backslash") from None
    return Step(
        page=page,
        line=line,
        mode=cast(Mode, mode),
        command=command,
        title=info.attrs.get("title"),
        why=why,
        expect=info.attrs.get("data-expect"),
        expect_re=expect_re,
        exit_code=_exit_code(info.attrs.get("data-exit"), fail),
        timeout_s=_timeout(info.attrs.get("data-timeout"), fail),
    )


def _exit_code(raw: str | None, fail: _Fail) -> int:
    if raw is None:
        return 0
    try:
        value = int(raw.strip())
    except ValueError:
        raise fail(f"data-exit must be a whole number, got {raw!r}", 'e.g. data-exit="1"') from None
    if not 0 <= value <= 255:
        raise fail(f"data-exit must be between 0 and 255, got {value}", "a process exit status is 0-255")
    return value


def _timeout(raw: str | None, fail: _Fail) -> float:
    if raw is None:
        return DEFAULT_TIMEOUT_S
    try:
        value = float(raw.strip().removesuffix("s"))
    except ValueError:
        raise fail(f"data-timeout must be a number of seconds, got {raw!r}", 'e.g. data-timeout="300"') from None
    if not (value > 0 and math.isfinite(value)):
        raise fail(f"data-timeout must be more than 0 seconds, got {raw!r}", 'e.g. data-timeout="300"')
    return value


class _Fail(Protocol):  # the type of the local ``fail`` helper
    def __call__(self, message: str, hint: str | None = None) -> PageError: ...


# --- rendered fence -> source line ---------------------------------------------------------------


def _source_lines(source: str, text: str, text_fences: list[Fence]) -> list[int]:
    """The source line of each rendered fence.

    Fast path: the same fence openers in the same order (no macro wrote or removed a fence). Otherwise
    the lines are aligned: a fence in lines the macros left alone maps exactly; fences in a changed
    region pair in order with the source fences of that region (a title holding a macro); a rendered fence
    left over was written by a macro and maps to the region's first macro line (``{{`` or ``{%``).
    """
    src_fences = scan_fences(source)
    if len(src_fences) == len(text_fences) and all(
        a.key == b.key or (a.fence, a.indent) == (b.fence, b.indent) and ("{{" in a.info or "{%" in a.info)
        for a, b in zip(src_fences, text_fences)
    ):
        # Linear: the same fences in the same order, some titles written by a macro (the common case)
        return [f.line for f in src_fences]
    src_lines = source.replace("\r\n", "\n").split("\n")
    txt_lines = text.replace("\r\n", "\n").split("\n")
    src_open = {f.line: f for f in src_fences}
    out: dict[int, int] = {}
    matcher = difflib.SequenceMatcher(None, src_lines, txt_lines, autojunk=False)
    fence_lines = [f.line for f in text_fences]  # sorted: fences come in page order
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        in_region = text_fences[bisect.bisect_right(fence_lines, j1):bisect.bisect_right(fence_lines, j2)]
        if tag == "equal":
            for f in in_region:
                out[f.line] = f.line - j1 + i1
            continue
        candidates = [line for line in range(i1 + 1, i2 + 1) if line in src_open]
        for f, line in zip(in_region, candidates, strict=False):
            out[f.line] = line
        for f in in_region[len(candidates):]:
            out[f.line] = _macro_line(src_lines, i1 + 1, i2) or max(min(i1 + 1, len(src_lines)), 1)
    return [out[f.line] for f in text_fences]


def _macro_line(lines: list[str], lo: int, hi: int) -> int | None:
    for number in range(lo, hi + 1):
        if "{{" in lines[number - 1] or "{%" in lines[number - 1]:
            return number
    return None
