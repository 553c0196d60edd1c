"""The note `dairly new` writes: the seed repository's note shape, with placeholders for
the author to fill in."""

from __future__ import annotations

import datetime
import re

from dairly.config import Settings, format_date_template


def note_skeleton(settings: Settings, date: datetime.date) -> str:
    title = format_date_template(settings.title_template, date)
    prefix = settings.heading_prefix
    return (
        f"# {title}\n"
        "\n"
        "------\n"
        "\n\n\n"
        f"## {prefix}{settings.highlights_heading}\n"
        "\n"
        "1. [TODO article title](https://TODO)         :star::star:\n"
        "   - Abstract: TODO\n"
        "   - Paper: [TODO paper title](https://arxiv.org/abs/TODO)\n"
        "   - Code: [https://github.com/TODO](https://github.com/TODO)\n"
        "   - Tips: TODO\n"
        "\n\n\n"
        f"## {prefix}{settings.others_heading}\n"
        "\n"
        "- TODO\n"
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
