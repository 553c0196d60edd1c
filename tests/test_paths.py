"""The note path format, both ways, and the first-line title held to the whole parser."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from dairly.notes.note import _shown_title, find_title
from dairly.notes.paths import DEFAULT_NOTE_PATH, compile_pattern


@given(st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)))
def test_a_days_path_reads_back_as_that_day(day: datetime.date) -> None:
    pattern = compile_pattern(DEFAULT_NOTE_PATH)
    assert pattern.date(pattern.path(day)) == day


lines = st.lists(
    st.one_of(
        st.sampled_from(["# T", "# T #", "#  spaced  ", "#", "# a # b", "## h2", "===", "text", "", "```", "# T\r"]),
        st.text(max_size=12),
    ),
    max_size=6,
)


@given(lines)
def test_the_first_line_shortcut_gives_what_the_whole_parser_gives(pieces: list[str]) -> None:
    text = "\n".join(pieces)
    shown = _shown_title(text)
    assert find_title(text) == (shown[:2] if shown else None)
