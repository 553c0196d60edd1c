"""Everything dairly prints: results on stdout, warnings and errors on stderr.

Off a terminal (hooks, CI, pipes) lines are written as plain text, without importing rich.
On a terminal, rich colours them, with markup and emoji codes off, so a `[link](...)` in a
note is never read as rich markup and a `:paperclip:` heading is shown as written; and
soft-wrapped, so one problem stays one line whatever the terminal width.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def _make_console(**options: object) -> Console:
    """A rich console that lets a closed pipe be a BrokenPipeError, as for every other
    write, instead of rich's own exit: one exit code for it, whatever prints."""
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            raise BrokenPipeError

    return PipeConsole(highlight=False, emoji=False, **options)  # type: ignore[arg-type]


@cache
def _console(stderr: bool) -> Console:
    return _make_console(stderr=stderr, soft_wrap=True)


# Control characters (but the line breaks and tabs dairly prints itself) as Python writes
# them in a string: a file name or a title holding ESC, a carriage return or NUL shows as
# `\x1b`, never as a terminal command or a cut line.
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0)) if c not in (0x09, 0x0A)}


def _emit(stderr: bool, text: str, style: str | None) -> None:
    text = text.translate(_CONTROLS)
    stream = sys.stderr if stderr else sys.stdout
    if not stream.isatty():
        stream.write(text + "\n")
        return
    _console(stderr).print(text, style=style, markup=False)


def say(text: str = "", style: str | None = None) -> None:
    _emit(False, text, style)


def warn(text: str, style: str | None = "yellow") -> None:
    _emit(True, text, style)


def error(text: str) -> None:
    _emit(True, f"dairly: error: {text}", "bold red")


def plural(count: int, word: str, many: str | None = None) -> str:
    """'1 note', '2 notes'; `many` for the irregular ones ('entries')."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def unified_diff(old: str, new: str, name: str) -> str:
    """The diff from `old` to `new`, line endings kept, as `git diff` names the file."""
    import difflib  # only --diff and --dry-run show one

    from dairly.markdown import split_lines

    a = [ln.text + ln.eol for ln in split_lines(old)]
    b = [ln.text + ln.eol for ln in split_lines(new)]
    lines = difflib.unified_diff(a, b, f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)


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


def print_json(data: object) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@cache
def table_console() -> Console:
    """A rich console for tables and the heatmap; wide enough off a terminal that a table
    piped to a file is not squeezed to 80 columns."""
    return _make_console(width=None if sys.stdout.isatty() else 160)
