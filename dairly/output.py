"""The two rich consoles (stdout for results, stderr for errors), made on first use.

User text is printed with markup and emoji codes off, so a `[link](...)` in a note is
never read as rich markup and a `:paperclip:` heading is shown as written; and it is
soft-wrapped, so one problem stays one line whatever the terminal width.
"""

from __future__ import annotations

from functools import cache


@cache
def _console(stderr: bool):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)


def say(text: str = "", style: str | None = None) -> None:
    _console(False).print(text, style=style, markup=False)


def warn(text: str, style: str | None = "yellow") -> None:
    _console(True).print(text, style=style, markup=False)


def error(text: str) -> None:
    _console(True).print(f"dairly: error: {text}", style="bold red", markup=False)


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
