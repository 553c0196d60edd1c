"""The note `dairly new` writes: the seed repository's note shape, with placeholders for
the author to fill in."""

from __future__ import annotations

import datetime

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
