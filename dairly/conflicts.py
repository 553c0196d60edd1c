"""Git's conflict markers left in a README or a note: a merge that stopped with a conflict
(say, in a clone where the README merge driver was never registered). Read as Markdown,
such a file shows both sides and three stray lines, and every later error would point
elsewhere ("the heading appears 2 times"); the file is refused instead, naming the conflict,
its lines and the ways out. Pure: text in, an error out.
"""

from __future__ import annotations

import re

from dairly.errors import InputError

_START = re.compile(r"<{7}(?:[ \t]|$)")
_BASE = re.compile(r"\|{7}(?:[ \t]|$)")
_SEPARATOR = re.compile(r"={7}[ \t]*$")
_END = re.compile(r">{7}(?:[ \t]|$)")


def conflict_lines(text: str) -> list[int]:
    """The 1-based lines of git's conflict markers at column 0 (`<<<<<<<`, `|||||||`,
    `=======`, `>>>>>>>`), outside code blocks and HTML comments; only markers that open,
    divide and close a conflict in that order count, so a lone `=======` (a heading's
    underline) is not one."""
    if "<<<<<<<" not in text:  # the usual file: one substring search
        return []
    from dairly.markdown import iter_visible, split_lines

    found: list[int] = []
    opened: list[int] = []
    divided = False
    for line in iter_visible(split_lines(text)):
        if _START.match(line.text):
            opened, divided = [line.number], False
        elif opened and not divided and _BASE.match(line.text):
            opened.append(line.number)
        elif opened and _SEPARATOR.match(line.text):
            opened.append(line.number)
            divided = True
        elif opened and divided and _END.match(line.text):
            found += [*opened, line.number]
            opened, divided = [], False
    return found


def refuse_conflicts(text: str, path: str, *, readme: bool) -> None:
    """Raise an InputError when `text` (the README, or a note when not `readme`) holds an
    unresolved merge conflict."""
    lines = conflict_lines(text)
    if not lines:
        return
    shown = ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"
    if readme:
        ways = (
            "register dairly's merge driver with `dairly hook install` and merge the file again with"
            f" `git checkout -m {path}`, or edit it by hand: keep what each side should keep and delete"
            " the marker lines"
        )
    else:
        ways = (
            "edit it by hand: keep what each side should keep and delete the marker lines, or take one side"
            f" whole with `git checkout --ours {path}` (or --theirs)"
        )
    raise InputError(f"merge conflict: git left conflict markers on lines {shown}; {ways}", path=path, line=lines[0])
