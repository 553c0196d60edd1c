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


def conflict_hunks(text: str) -> list[list[int]]:
    """Each conflict's marker lines (1-based): [start, separator, end], or [start, base,
    separator, end] in the diff3 style. Only markers at column 0 outside code blocks and
    HTML comments that open, divide and close a conflict in that order count, so a lone
    `=======` (a heading's underline) is not one."""
    if "<<<<<<<" not in text:  # the usual file: one substring search
        return []
    from dairly.markdown import iter_visible, split_lines

    found: list[list[int]] = []
    opened: list[int] = []
    divided = False
    for line in iter_visible(split_lines(text)):
        if _START.match(line.text):
            opened, divided = [line.number], False
        elif opened and not divided and len(opened) == 1 and _BASE.match(line.text):
            opened.append(line.number)
        elif opened and not divided and _SEPARATOR.match(line.text):
            opened.append(line.number)
            divided = True
        elif opened and divided and _END.match(line.text):
            found.append([*opened, line.number])
            opened, divided = [], False
    return found


def conflict_lines(text: str) -> list[int]:
    """The 1-based lines of git's conflict markers (conflict_hunks), in order."""
    return [number for hunk in conflict_hunks(text) for number in hunk]


def conflict_sides(text: str) -> tuple[str | None, str, str] | None:
    """The versions a file with conflict markers was merged from: (base, ours, theirs),
    each the text outside the conflicts with that side's lines inside them; base is None
    unless every conflict shows it (the diff3 style). None when there is no conflict."""
    hunks = conflict_hunks(text)
    if not hunks:
        return None
    from dairly.markdown import split_lines

    lines = split_lines(text)
    base: list[str] | None = []
    ours: list[str] = []
    theirs: list[str] = []
    at = 0  # index of the next line not yet taken
    for hunk in hunks:
        start, separator, end = hunk[0] - 1, hunk[-2] - 1, hunk[-1] - 1
        common = [ln.text + ln.eol for ln in lines[at:start]]
        for side in (ours, theirs):
            side += common
        if base is not None:
            base += common
        if len(hunk) == 4:
            middle = hunk[1] - 1
            ours += [ln.text + ln.eol for ln in lines[start + 1 : middle]]
            if base is not None:
                base += [ln.text + ln.eol for ln in lines[middle + 1 : separator]]
        else:
            ours += [ln.text + ln.eol for ln in lines[start + 1 : separator]]
            base = None
        theirs += [ln.text + ln.eol for ln in lines[separator + 1 : end]]
        at = end + 1
    rest = [ln.text + ln.eol for ln in lines[at:]]
    return (
        None if base is None else "".join(base + rest),
        "".join(ours + rest),
        "".join(theirs + rest),
    )


def refuse_conflicts(text: str, path: str, *, readme: bool) -> None:
    """Raise an InputError when `text` (the README, or a note when not `readme`) holds an
    unresolved merge conflict."""
    lines = conflict_lines(text)
    if not lines:
        return
    shown = ", ".join(map(str, lines[:-1])) + f" and {lines[-1]}"
    if readme:
        ways = (
            f"run `dairly resolve`: it regenerates the parts dairly owns from the notes and stages {path}"
            " (or edit it by hand: keep what each side should keep and delete the marker lines)"
        )
    else:
        ways = (
            "edit it by hand: keep what each side should keep and delete the marker lines, or take one side"
            f" whole with `git checkout --ours {path}` (or --theirs)"
        )
    raise InputError(f"merge conflict: git left conflict markers on lines {shown}; {ways}", path=path, line=lines[0])
