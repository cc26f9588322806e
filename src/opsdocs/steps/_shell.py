"""A small POSIX-shell word splitter: enough to see every command a block would run, and nothing more.

It does not expand anything. It reports what could hide a command from the classifier (command
substitution, subshells, heredocs, background jobs) so the caller can refuse it instead of guessing, and
every word bash would change before the program sees it (``dynamic``): a variable, ANSI-C quoting
(``$'..'``), brace expansion, a tilde, or a glob that could match a file named like a flag (``*``,
``-*``; ``migrations/*.sql`` cannot, it starts with a literal folder). Only ``"$NAME"`` of a variable
opsdocs itself sets (``SAFE_VARIABLES``), inside double quotes, is known: it is one word, not a flag.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Variables a step's environment holds with values opsdocs chose (never the page's author).
SAFE_VARIABLES = frozenset({"OPSDOCS_BASE_URL", "CLOUDFLARE_ACCOUNT_ID"})
_SAFE_REF = re.compile(r"\$(?:(?P<a>[A-Za-z_][A-Za-z0-9_]*)(?![A-Za-z0-9_\[])|\{(?P<b>[A-Za-z_][A-Za-z0-9_]*)\})")

_SEPARATORS = ("&&", "||", ";", "|", "\n")


@dataclass
class ShellCommand:
    line: int  # 1-based line in the block where the command starts
    words: list[str] = field(default_factory=list)  # quotes removed, nothing expanded
    redirects: list[tuple[str, str]] = field(default_factory=list)  # (operator, target) e.g. (">", "out.txt")
    text: str = ""  # as written, continuations joined
    hidden: list[str] = field(default_factory=list)  # constructs that can hide commands ("$(", "`", ...)
    dynamic: list[tuple[str, str]] = field(default_factory=list)  # (word, why) for words bash would expand


class ShellSyntaxError(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def split_commands(block: str) -> list[ShellCommand]:
    """Split a block into simple commands (``&&``, ``||``, ``;``, ``|`` and newlines separate them).

    Comments and blank lines disappear; ``\\``-newline continues a line. Raises ShellSyntaxError on an
    unclosed quote.
    """
    return _Splitter(block).run()


class _Splitter:
    def __init__(self, block: str) -> None:
        self.src = block
        self.i = 0
        self.line = 1
        self.out: list[ShellCommand] = []
        self.cur = ShellCommand(line=1)
        self.word: list[str] | None = None  # None: not inside a word
        self.start = 0  # index in src where the current command started
        self.pending_redirect: str | None = None
        self.why: str | None = None  # why the current word is dynamic (None: it is literal)
        self.brace = False  # an unquoted "{" seen in the current word
        self.bracket = False  # an unquoted "[" opened a possible glob at the start of the word

    def run(self) -> list[ShellCommand]:
        src = self.src
        while self.i < len(src):
            c = src[self.i]
            if c == "\\":
                self._backslash()
            elif c == "'":
                self._single_quote()
            elif c == '"':
                self._double_quote()
            elif c == "#" and self.word is None:
                while self.i < len(src) and src[self.i] != "\n":
                    self.i += 1
            elif c in " \t":
                self._end_word()
                self.i += 1
            elif c in "<>" or src.startswith("&>", self.i):
                self._redirect()
            elif src.startswith(_SEPARATORS, self.i) or c == "&":
                self._operator()
            elif c in "()":
                self._hide(c)
                self._end_word()
                self.i += 1
            else:
                if c == "`" or src.startswith("$(", self.i):
                    self._hide("`" if c == "`" else "$(")
                self._unquoted(c)
                self._char(c)
                self.i += 1
        self._end_command(len(src))
        return self.out

    # -- characters ------------------------------------------------------------------------------

    def _unquoted(self, c: str) -> None:
        """Note what bash would expand in an unquoted character of the current word."""
        so_far = "".join(self.word or [])
        if c == "$":
            self._dynamic("a variable or $'...' quoting (expanded by bash, unquoted)")
        elif c in "*?" and (not so_far or so_far.startswith("-")):
            self._dynamic("a glob in a flag position (it could match a file named like a flag)")
        elif c == "[" and (not so_far or so_far.startswith("-")):
            self.bracket = True  # a glob only with its "]": `[ -f x ]` is the test command
        elif c == "]" and self.bracket:
            self._dynamic("a glob in a flag position (it could match a file named like a flag)")
        elif c == "~" and not so_far:
            self._dynamic("a tilde (expanded to a home folder)")
        elif c == "{":
            self.brace = True
        elif c == "}" and self.brace:
            self._dynamic("brace expansion")

    def _dynamic(self, why: str) -> None:
        if self.why is None:
            self.why = why

    def _char(self, c: str) -> None:
        if self.word is None:
            self.word = []
        self.word.append(c)

    def _backslash(self) -> None:
        nxt = self.src[self.i + 1: self.i + 2]
        if nxt == "\n":  # a continuation: the command goes on
            self.line += 1
        elif nxt:
            self._char(nxt)
        self.i += 2

    def _single_quote(self) -> None:
        end = self.src.find("'", self.i + 1)
        if end < 0:
            raise ShellSyntaxError("unclosed single quote", self.line)
        chunk = self.src[self.i + 1: end]
        self.line += chunk.count("\n")
        self._char("")
        assert self.word is not None
        self.word.append(chunk)
        self.i = end + 1

    def _double_quote(self) -> None:
        j = self.i + 1
        self._char("")
        assert self.word is not None
        while j < len(self.src) and self.src[j] != '"':
            c = self.src[j]
            if c == "\\" and self.src[j + 1: j + 2] in ('"', "\\", "$", "`", "\n"):
                if self.src[j + 1] == "\n":  # a continuation inside quotes: nothing is kept
                    self.line += 1
                else:
                    self.word.append(self.src[j + 1])
                j += 2
                continue
            if c == "`" or self.src.startswith("$(", j):
                self._hide("`" if c == "`" else "$(")
            elif c == "$":
                ref = _SAFE_REF.match(self.src, j)
                if ref is None or (ref["a"] or ref["b"]) not in SAFE_VARIABLES:
                    self._dynamic("a variable (its value is not known before the step runs)")
            self.line += c == "\n"
            self.word.append(c)
            j += 1
        if j >= len(self.src):
            raise ShellSyntaxError("unclosed double quote", self.line)
        self.i = j + 1

    # -- words, operators, commands --------------------------------------------------------------

    def _end_word(self) -> None:
        if self.word is None:
            return
        word = "".join(self.word)
        self.word = None
        if self.why is not None:
            self.cur.dynamic.append((word, self.why))
        self.why, self.brace, self.bracket = None, False, False
        if self.pending_redirect is not None:
            self.cur.redirects.append((self.pending_redirect, word))
            self.pending_redirect = None
        else:
            self.cur.words.append(word)

    def _operator(self) -> None:
        src = self.src
        op = next((s for s in _SEPARATORS if src.startswith(s, self.i)), "&")
        if op == "&":
            self._hide("&")  # a background job outlives its step
        self._end_word()
        self._end_command(self.i)
        self.i += len(op)
        if op == "\n":
            self.line += 1
        self.start = self.i
        self.cur = ShellCommand(line=self.line)

    def _redirect(self) -> None:
        src = self.src
        fd = ""
        if self.word is not None and "".join(self.word).isdigit():
            fd = "".join(self.word)
            self.word = None
        self._end_word()
        j = self.i
        while j < len(src) and src[j] in "<>&":
            j += 1
        op = fd + src[self.i: j]
        if "<<" in op:
            self._hide("<<")  # a heredoc's body would be read as commands
        if op.endswith("&"):  # 2>&1, >&2: duplicates a descriptor, no file
            k = j
            while k < len(src) and (src[k].isdigit() or src[k] == "-"):
                k += 1
            self.cur.redirects.append((op, src[j:k]))
            self.i = k
            return
        self.pending_redirect = op
        self.i = j

    def _hide(self, construct: str) -> None:
        if construct not in self.cur.hidden:
            self.cur.hidden.append(construct)

    def _end_command(self, end: int) -> None:
        self._end_word()
        if self.pending_redirect is not None:
            raise ShellSyntaxError(f"{self.pending_redirect} without a file name", self.line)
        cmd = self.cur
        cmd.text = " ".join(self.src[self.start:end].replace("\\\n", " ").split())
        if cmd.words or cmd.redirects or cmd.hidden or cmd.dynamic:
            self.out.append(cmd)
