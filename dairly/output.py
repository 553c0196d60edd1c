"""The two rich consoles (stdout for results, stderr for errors), made on first use.

User text is printed with markup and emoji codes off, so a `[link](...)` in a note is
never read as rich markup and a `:paperclip:` heading is shown as written; and it is
soft-wrapped, so one problem stays one line whatever the terminal width.
"""

from __future__ import annotations

import sys
from functools import cache


@cache
def _console(stderr: bool):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)


def _emit(stderr: bool, text: str, style: str | None) -> None:
    stream = sys.stderr if stderr else sys.stdout
    if not stream.isatty():
        # Hooks and CI read plain lines; skipping rich there saves its ~20 ms import
        # on every commit, and the text is the same as rich would print uncoloured.
        stream.write(text + "\n")
        return
    _console(stderr).print(text, style=style, markup=False)


def say(text: str = "", style: str | None = None) -> None:
    _emit(False, text, style)


def warn(text: str, style: str | None = "yellow") -> None:
    _emit(True, text, style)


def error(text: str) -> None:
    _emit(True, f"dairly: error: {text}", "bold red")


def diff(text: str) -> None:
    """A unified diff, coloured by line kind."""
    for line in text.splitlines():
        style = None
        if line.startswith(("+++", "---")):
            style = "bold"
        elif line.startswith("+"):
            style = "green"
        elif line.startswith("-"):
            style = "red"
        elif line.startswith("@@"):
            style = "cyan"
        say(line, style)
