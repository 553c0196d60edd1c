"""The layout `dairly new` writes, read line by line (plain_note): a note laid out so holds
no rendering trap, so lint (dairly.notes.traps.find_traps) and check's look at the section
publish promotes (dairly.readme.render.promoted_findings) answer it without cmark-gfm; and
the hook's path, whose promoted note is nearly always such, never imports lint's traps.
"""

from __future__ import annotations

import re

# A note written the way `dairly new` lays one out holds no trap, and most notes are such:
# headings, a rule, entries `N. [title](url)  :star:` with their field bullets indented 3
# spaces (and bullets under a field indented 5: the Tips' points), centred pictures
# `<div align=center><img ...>` closed on the next line, bullets under a heading.
# plain_note() reads that shape line by line, in inline text that holds no character a
# trap needs (no HTML, emphasis, tilde, code, bracket but a link's, entity, escape or table
# pipe; no address outside a link's target), each block between blank lines where
# CommonMark puts it; any other line sends the note to cmark-gfm.
# tests/test_cmark_plain.py holds its answer to notes.traps.rendered_traps()'s.
_TEXT = r"[^<>&*_~`\\\[\]|\t\r\n]"
_URL = r"https?://[A-Za-z0-9./%?=#:-]+"
_INLINE = rf"(?:{_TEXT}|\[{_TEXT}+\]\({_URL}\))+"
_STARTS_BLOCK = r"(?![\s#>+=*\d-])"  # a bullet's text that would open a block of its own
_PLAIN_HEADING = re.compile(rf"#{{1,6}} {_INLINE}")
_PLAIN_RULE = re.compile(r"-{3,}")
_PLAIN_ENTRY = re.compile(rf"[1-9]\. \[{_TEXT}+\]\({_URL}\)(?: +(?::star:|\u2b50)+)? *")
_PLAIN_FIELD = re.compile(rf"   - {_STARTS_BLOCK}{_INLINE}")
_PLAIN_NESTED = re.compile(rf"     - {_STARTS_BLOCK}{_INLINE}")
_PLAIN_BULLET = re.compile(rf"- {_STARTS_BLOCK}{_INLINE}")
_PLAIN_PICTURE = re.compile(r"<div align=(?:center|\"center\"|'center')>(?:<img [^<>&\n]*>)?")
_PLAIN_IMG = re.compile(r"<img [^<>&\n]*>")
_PLAIN_LINK = re.compile(rf"\[({_TEXT}+)\]\(({_URL})\)")


def plain_note(text: str, start: int) -> bool:
    """Whether the Markdown from `start` on is laid out as described above, so that
    cmark-gfm would show no trap in it."""
    if "\r" in text:
        return False
    blank = True  # the line above is blank (or there is none)
    where = "top"  # under a heading or rule; "entry", "picture", "closed" (a picture), "between", "bullets"
    following = 1  # the number GitHub gives the next entry of the list above
    field = False  # the line above is an entry's field (or a bullet under one)
    for line in text[start:].split("\n"):
        if not line:
            if where == "picture":
                return False  # a picture's <div> never closed
            if where == "closed":
                where = "between"  # entries, headings and pictures may follow
            blank, field = True, False
            continue
        if where == "closed":
            return False  # a picture's block goes on below its </div>
        if where == "picture":
            if line == "</div>":
                where = "closed"
            elif not _PLAIN_IMG.fullmatch(line):
                return False
        elif line[0] == "<":
            if not (blank and _PLAIN_PICTURE.fullmatch(line)):
                return False
            where = "picture"
        elif not _plain_inline(line):
            return False
        elif line[0] == "#" or (line[0] == "-" and _PLAIN_RULE.fullmatch(line)):
            if not blank or (line[0] == "#" and not _PLAIN_HEADING.fullmatch(line)):
                return False
            where = "top"
        elif line[0] == " ":
            if blank or where != "entry":
                return False
            if _PLAIN_FIELD.fullmatch(line):
                field = True
            elif not (field and _PLAIN_NESTED.fullmatch(line)):  # a bullet under a field
                return False
        elif line[0] == "-":
            if not (where == "bullets" or (where == "top" and blank)) or not _PLAIN_BULLET.fullmatch(line):
                return False
            where = "bullets"
        elif blank and _PLAIN_ENTRY.fullmatch(line):
            number = int(line[: line.index(".")])
            if where == "entry" and number != following:
                return False  # in the list above, numbered otherwise than GitHub counts
            where, following = "entry", number + 1
        else:
            return False
        blank = False
    return where != "picture"


def _plain_inline(line: str) -> bool:
    """Whether a line (not HTML) holds no address or mail address GitHub could link
    outside a link's target (or its text, when that is the target itself)."""
    if "://" not in line and "www." not in line and "@" not in line:
        return True
    rest = _PLAIN_LINK.sub(lambda m: "" if m.group(1) == m.group(2) else f"[{m.group(1)}]", line)
    return "://" not in rest and "www." not in rest and "@" not in rest
