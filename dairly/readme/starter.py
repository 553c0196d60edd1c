"""The README `dairly init` starts a repository with, or the parts it adds to one a person
already has: the date line and the two sections dairly keeps. Pure: text in, text out;
an existing README only gets lines inserted, never a byte of it changed or removed.
"""

from __future__ import annotations

import re

from dairly.config import Settings
from dairly.errors import InputError
from dairly.markdown import (
    BOM,
    Line,
    dominant_newline,
    find_sections,
    is_blank,
    iter_visible,
    shown_headings,
    split_lines,
)

# The character after the date label: the full-width colon of the seeds, or ": ".
_SEPARATOR = {"zh": "：", "en": ": "}


def date_line(settings: Settings) -> str:
    """The date line as `init` writes it, before the first publish fills in its value."""
    return settings.date_label + _SEPARATOR.get(settings.preset, "：")


def new_readme(settings: Settings, name: str) -> str:
    """A README for a new repository called `name`: the title, the date line and the two
    sections dairly keeps, and nothing for the person to delete (no empty section of theirs)."""
    prefix = settings.heading_prefix
    return (
        f"# {name}\n\n"
        f"{date_line(settings)}\n\n"
        f"## {prefix}{settings.highlights_heading}\n\n"
        f"## {prefix}{settings.history_heading}\n"
    )


def missing_parts(text: str, settings: Settings) -> list[str]:
    """What the README lacks of "date line", "highlights" and "history"; a part it has twice
    is an error (a person must choose which one to keep). The sections are found at the
    settings' level (section_level); a date line counts above them only, as check reads it."""
    lines = split_lines(text)
    visible = list(iter_visible(lines))
    found = shown_headings(text)
    missing = []
    above = len(text)
    for part, title in (("highlights", settings.highlights_heading), ("history", settings.history_heading)):
        sections = find_sections(text, title, settings.level, all_headings=found)
        if len(sections) > 1:
            numbers = " and ".join(str(s.heading.line.number) for s in sections)
            raise InputError(
                f"the '{settings.hashes} {title}' heading appears {len(sections)} times (lines {numbers}); keep one"
            )
        if not sections:
            missing.append(part)
        else:
            above = min(above, sections[0].heading.top.start)
    label = re.compile(r"[ \t]*" + re.escape(settings.date_label) + r"[ \t]*[：:]")
    if not any(label.match(ln.text.lstrip(BOM)) for ln in visible if ln.start < above):
        missing.insert(0, "date line")
    return missing


# A line that ends the opening block: a heading, a list, a quote, a table, code, a comment,
# a thematic break or a setext underline. The date line goes before the block holding one.
_NOT_INTRO = re.compile(r" {0,3}(?:#|[-+*][ \t]|\d{1,9}[.)](?:[ \t]|$)|>|\||```|~~~|<!--|(?:[-=*_][ \t]*){3,}$)| {4}")


def _after_opening_block(lines: list[Line]) -> Line | None:
    """The last line of the README's opening block: the `# Title` line with the lines right
    under it (badges), then the paragraphs that follow (an introduction), up to the first
    block that is something else. None when the README does not open with a title."""
    if not lines or not lines[0].text.lstrip(BOM).startswith("# "):
        return None
    blocks: list[list[Line]] = []
    for line in lines:
        if is_blank(line):
            if blocks and blocks[-1]:
                blocks.append([])
            continue
        if not blocks:
            blocks.append([])
        blocks[-1].append(line)
    title, *rest = [b for b in blocks if b]
    if any(_NOT_INTRO.match(ln.text) for ln in title[1:]):
        return title[0]  # the title's own line only: a line under it makes a heading of it
    last = title[-1]
    for block in rest:
        if any(_NOT_INTRO.match(ln.text) for ln in block):
            break
        last = block[-1]
    return last


def add_missing_parts(text: str, settings: Settings) -> str:
    """`text` with the parts it lacks added: the date line after the opening block (the
    title, badges and introduction; at the top when there is no title), the sections at
    the end, in the file's own line endings."""
    missing = missing_parts(text, settings)
    if not missing:
        return text
    nl = dominant_newline(text) if text else "\n"
    prefix = settings.heading_prefix
    if "date line" in missing:
        text = _with_date_line(text, settings, nl)
    tail = []
    if "highlights" in missing:
        tail.append(f"{settings.hashes} {prefix}{settings.highlights_heading}")
    if "history" in missing:
        tail.append(f"{settings.hashes} {prefix}{settings.history_heading}")
    if tail:
        if text and not text.endswith(("\n", "\r")):
            text += nl
        text += nl + (nl + nl).join(tail) + nl
    return text


def _with_date_line(text: str, settings: Settings, nl: str) -> str:
    lines = split_lines(text)
    choices = []
    last = _after_opening_block(lines)
    if last is not None:
        choices.append(last)
        if lines[0] != last:
            choices.append(lines[0])  # if the opening block hides the line (an HTML block), under the title
    for line in choices:
        at = line.end if line.eol else len(text)
        insert = ("" if line.eol else nl) + nl + date_line(settings) + nl
        if line.number < len(lines) and not is_blank(lines[line.number]):
            insert += nl  # a blank line after it, or it would join the paragraph below
        placed = text[:at] + insert + text[at:]
        if "date line" not in missing_parts(placed, settings):
            return placed
    at = 1 if text.startswith(BOM) else 0
    return text[:at] + date_line(settings) + nl + nl + text[at:]
