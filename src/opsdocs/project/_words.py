"""A workflow ``run:`` script as simple commands (words), the way a reader of the script sees them.

Not a shell: enough of one to find what a step runs. Lines joined at ``\\``, comments dropped, split at
``;``, ``&&``, ``||``, ``|`` and newlines; leading ``VAR=value`` assignments and ``cd DIR`` tracked so a
command knows the folder it runs in. A line the tokenizer cannot read (a heredoc, an unbalanced quote) is
split on blanks instead: the point is never to fail on a script, only to read what can be read.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

_SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", ";;", "|&"}
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# Words that run the rest of the command line (`time npx wrangler deploy`).
_PREFIXES = {"time", "exec", "command", "env", "nohup", "sudo"}


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]  # the command and its arguments, assignments and prefixes removed
    cwd: str | None  # the folder a `cd` before it moved to (relative as written), None: unchanged
    line: int  # 1-based line within the script


def _tokens(line: str) -> list[str]:
    lex = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
    lex.whitespace_split = True
    lex.commenters = "#"
    try:
        return list(lex)
    except ValueError:
        return line.split("#", 1)[0].split()


def _join_continued(script: str) -> list[tuple[int, str]]:
    """(first line number, logical line) with ``\\``-continued lines joined."""
    out: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(script.replace("\r\n", "\n").split("\n"), start=1):
        if not pending:
            start = number
        if raw.rstrip().endswith("\\"):
            pending += raw.rstrip()[:-1] + " "
            continue
        out.append((start, pending + raw))
        pending = ""
    if pending:
        out.append((start, pending))
    return out


def commands(script: str) -> list[Command]:
    """Every simple command of ``script`` in order."""
    out: list[Command] = []
    cwd: str | None = None
    for number, line in _join_continued(script):
        current: list[str] = []
        for token in [*_tokens(line), ";"]:
            if token not in _SEPARATORS:
                current.append(token)
                continue
            words = _strip(current)
            current = []
            if not words:
                continue
            if words[0] == "cd" and len(words) >= 2:
                cwd = words[1] if cwd is None or words[1].startswith("/") else f"{cwd}/{words[1]}"
                continue
            out.append(Command(tuple(words), cwd, number))
    return out


def _strip(words: list[str]) -> list[str]:
    i = 0
    while i < len(words) and (_ASSIGN.match(words[i]) or words[i] in _PREFIXES):
        i += 1
    return words[i:]
