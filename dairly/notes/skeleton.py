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
    outside code: a note with any is unfinished and is not published."""
    if PLACEHOLDER not in text:  # the usual note: one substring search
        return []
    from dairly.markdown import iter_visible, split_lines

    return [line.number for line in iter_visible(split_lines(text)) if _PLACEHOLDER_WORD.search(line.text)]
