"""The note `dairly new` writes: the seed repository's note shape, with placeholders for
the author to fill in."""

from __future__ import annotations

import datetime
import functools

from dairly.config import Settings, format_date_template


def note_skeleton(settings: Settings, date: datetime.date) -> str:
    """The `skeleton` setting filled in for this day."""
    return settings.skeleton.format(
        title=format_date_template(settings.title_template, date),
        prefix=settings.heading_prefix,
        highlights=settings.highlights_heading,
        others=settings.others_heading,
    )


PLACEHOLDER = "TODO"  # the word the skeleton's placeholder lines hold


def placeholder_lines(settings: Settings) -> frozenset[str]:
    """The lines of the skeleton that hold a placeholder, as `dairly new` writes them
    (spaces collapsed): a note line equal to one is a placeholder left in. Only these
    lines: the word TODO in the author's own text is theirs."""
    return _placeholder_lines(
        settings.skeleton, settings.heading_prefix, settings.highlights_heading, settings.others_heading
    )


@functools.lru_cache(maxsize=4)
def _placeholder_lines(skeleton: str, prefix: str, highlights: str, others: str) -> frozenset[str]:
    filled = skeleton.format(title="", prefix=prefix, highlights=highlights, others=others)
    return frozenset(" ".join(line.split()) for line in filled.splitlines() if PLACEHOLDER in line)


def find_placeholders(text: str, settings: Settings) -> list[int]:
    """The 1-based lines outside code that still hold one of the skeleton's placeholder
    lines as `dairly new` wrote it: lint reports each."""
    if PLACEHOLDER not in text:  # the usual note: one substring search
        return []
    from dairly.markdown import iter_visible, split_lines

    wanted = placeholder_lines(settings)
    return [
        line.number
        for line in iter_visible(split_lines(text))
        if PLACEHOLDER in line.text and " ".join(line.text.split()) in wanted
    ]
