"""The note path format, both ways, and the shortcuts that read it fast held to the plain
reading: dates_from_paths to date_from_path, the first-line title to the whole parser,
the tree's escaping to html.escape."""

from __future__ import annotations

import datetime
import html

from hypothesis import given
from hypothesis import strategies as st

from dairly.notes.note import _shown_title, find_title
from dairly.notes.paths import date_from_path, dates_from_paths, note_path
from dairly.readme.render import _escape

digits = st.text(alphabet="0123456789", min_size=1, max_size=8)
part = st.one_of(digits, st.sampled_from(["202203", "202302", "099905", "000001", "abcdef", "2022031", "images"]))
name = st.one_of(
    st.builds(lambda a, b: f"{a}{b}.md", st.sampled_from(["01", "02", "03", "12", "13", "00", "31"]), digits),
    st.sampled_from(["0307.md", "0230.md", "05010.md", "0101.md", "1231.md", "0229.md", "x.md", ".md", "0307.MD"]),
)
paths = st.lists(st.builds(lambda f, n: f"notes/{f}/{n}", part, name), max_size=30)


@given(paths)
def test_dates_from_paths_is_date_from_path_for_each(listing: list[str]) -> None:
    listing.sort()  # as the scan gives them
    assert dates_from_paths(listing, "notes") == [date_from_path(p, "notes") for p in listing]


@given(st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)))
def test_a_days_path_reads_back_as_that_day(day: datetime.date) -> None:
    path = note_path("notes", day)
    assert date_from_path(path, "notes") == day == dates_from_paths([path], "notes")[0]


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
    assert find_title(text) == _shown_title(text)


@given(st.text())
def test_the_trees_escaping_is_html_escape(text: str) -> None:
    assert _escape(text) == html.escape(text)
