"""The operator's terminal: plain prompts on stdin/stdout (they work over SSH and in tmux), rich styling.

Everything shown goes through the session's masker first: a secret never reaches the screen.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from rich.console import Console
from rich.markup import escape

__all__ = ["Quit", "UI", "one_line_of"]


def one_line_of(command: str) -> str:
    """A block as one line to edit: continuations joined, separate lines joined with ``&&`` (as ``-e`` runs them)."""
    out = ""
    for raw in command.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if out and not out.endswith(" "):
            out += " && "
        out += line[:-1].rstrip() + " " if line.endswith("\\") else line
    return out.strip()


class Quit(Exception):
    """The operator quit, or stdin closed (no terminal): the session stops and can be resumed."""


class UI:
    def __init__(self, mask: Callable[[str], str], console: Console | None = None) -> None:
        self.mask = mask
        self.console = console or Console(highlight=False, soft_wrap=True)

    def say(self, text: str = "", style: str | None = None) -> None:
        """Print plain text (escaped, masked), optionally in a rich style."""
        self.console.print(escape(self.mask(text)), style=style)

    def markup(self, text: str) -> None:
        """Print rich markup the session composed itself (values inside it already escaped)."""
        self.console.print(text)

    def esc(self, text: str) -> str:
        return escape(self.mask(text))

    def ask(self, prompt: str) -> str:
        # The prompt goes to input() itself, plain: readline must know it to redraw the line (Ctrl-U, a
        # pre-filled edit) without wiping it.
        self.console.file.flush()
        try:
            return input(self.mask(prompt))
        except EOFError:
            self.console.print()
            raise Quit("stdin closed") from None
        except KeyboardInterrupt:  # Ctrl-C at a prompt: stop cleanly, the log says where
            self.console.print()
            raise Quit("interrupted (Ctrl-C)") from None

    def choose(self, prompt: str, options: Sequence[tuple[str, str]]) -> str:
        """One key of ``options`` ((key, label), ...); the first letter of a label's word is enough."""
        keys = {k for k, _ in options}
        menu = "  ".join(f"[{k}]{label[1:] if label[:1] == k else ' ' + label}" for k, label in options)
        while True:
            answer = self.ask(f"{menu} > ").strip().lower()
            if answer[:1] in keys:
                return answer[:1]
            self.say(f"  answer one of: {', '.join(sorted(keys))}", style="yellow")

    def edit(self, current: str) -> str:
        """A new command line, pre-filled with ``current`` when readline is there (Ctrl-U clears it)."""
        try:
            import readline
        except ImportError:  # pragma: no cover - readline ships with CPython on Linux
            readline = None  # type: ignore[assignment]
        one_line = one_line_of(current)
        if readline is not None and sys.stdin.isatty():
            readline.set_startup_hook(lambda: readline.insert_text(one_line))
        try:
            return self.ask("edit> ")
        finally:
            if readline is not None:
                readline.set_startup_hook(None)
