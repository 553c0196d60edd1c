"""The note `dairly new` writes: the seed repository's note shape, with placeholders for
the author to fill in."""

from __future__ import annotations

import datetime
import re

from dairly.config import Settings, format_date_template


def note_skeleton(settings: Settings, date: datetime.date) -> str:
    """The `skeleton` setting filled in for this day."""
    return settings.skeleton.format(
        title=format_date_template(settings.title_template, date),
        prefix=settings.heading_prefix,
        highlights=settings.highlights_heading,
        others=settings.others_heading,
    )


PLACEHOLDER = "TODO"  # what the skeleton leaves for the author to replace
_PLACEHOLDER_WORD = re.compile(r"(?<![A-Za-z0-9_])TODO(?![A-Za-z0-9_])")


def find_placeholders(text: str) -> list[int]:
    """The 1-based lines that still hold the skeleton's placeholder (the word TODO),
    outside code: lint reports each."""
    if PLACEHOLDER not in text:  # the usual note: one substring search
        return []
    from dairly.markdown import iter_visible, split_lines

    return [line.number for line in iter_visible(split_lines(text)) if _PLACEHOLDER_WORD.search(line.text)]


def unfinished_line(text: str, highlights: str) -> int | None:
    """The first line of the highlights section (its heading included) that still holds the
    placeholder, or None: such a note is unfinished, and stays out of the README until it
    is filled in. A placeholder elsewhere (the skeleton's `- TODO` under Others) is not
    promoted, so it holds nothing back; lint reports it."""
    lines = find_placeholders(text)
    if not lines:
        return None
    from dairly.markdown import find_sections

    for section in find_sections(text, highlights):
        first = section.heading.line.number
        body = section.body
        last = body[-1].number if body else first
        inside = [n for n in lines if first <= n <= last]
        if inside:
            return inside[0]
    return None
