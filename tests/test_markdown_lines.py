"""The line machinery must give exactly what the plain way gives: split_lines keeps exact
offsets and endings (alone and on a range), and a section's body and content are its
lines. Each is checked against the plain computation on generated Markdown with every
kind of line ending.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from dairly.config import Settings
from dairly.markdown import (
    Line,
    find_sections,
    lines_numbered,
    split_lines,
)

LABEL = "更新今日时间"
SETTINGS = Settings()

# Pieces that exercise every branch: headings, fences (backtick and tilde, indented, with
# info strings), the date label, blank-looking lines (tabs, ideographic spaces, \x1c, which
# str.strip() removes), a BOM, and plain text.
piece = st.sampled_from(
    [
        "# Title",
        "## :paperclip:  今日要点",
        "## :paperclip:  历史更新",
        "## Others",
        "   ## indented",
        "    # code, not a heading",
        "#no space",
        "```",
        "```python",
        "  ~~~",
        "~~~~",
        "``` a`b",
        f"{LABEL}：2022.5.11",
        f"  {LABEL} : 2022.5.11 ",
        f"text with {LABEL} inside",
        "",
        " \t ",
        "\u3000",
        "\x1c",
        "\ufeff# bom",
        "plain words",
        '    1. <a href="notes/202201/0101.md" target="_blank">x</a>',
        "a # b ` c ~",
        "<!-- a comment",
        "  end -->",
        "<!-- one line -->",
    ]
)
eol = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def documents(draw, uniform: bool):
    pieces = draw(st.lists(piece, max_size=25))
    if uniform:
        ending = draw(st.sampled_from(["\n", "\r\n"]))
        endings = [ending] * len(pieces)
    else:
        endings = draw(st.lists(eol, min_size=len(pieces), max_size=len(pieces)))
    text = "".join(p + e for p, e in zip(pieces, endings, strict=True))
    if draw(st.booleans()) and text:
        text = text[: -len(endings[-1])]  # no newline at the end
    return text


def reference_split(text: str) -> list[Line]:
    """The plain split: one regex pass, CR LF as one ending."""
    lines, pos = [], 0
    for m in re.finditer(r"\r\n|\r|\n", text):
        lines.append(Line(len(lines) + 1, pos, m.end(), text[pos : m.start()], m.group()))
        pos = m.end()
    if pos < len(text):
        lines.append(Line(len(lines) + 1, pos, len(text), text[pos:], ""))
    return lines


@given(st.one_of(documents(uniform=True), documents(uniform=False)))
def test_split_lines_matches_the_plain_split(text):
    assert split_lines(text) == reference_split(text)


@given(st.one_of(documents(uniform=True), documents(uniform=False)), st.data())
def test_split_lines_of_a_range_is_that_slice_of_all_lines(text, data):
    lines = reference_split(text)
    i = data.draw(st.integers(0, len(lines)))
    j = data.draw(st.integers(i, len(lines)))
    start = lines[i].start if i < len(lines) else len(text)
    end = lines[j].start if j < len(lines) else len(text)
    assert split_lines(text, start, end, i + 1) == lines[i:j]


@given(st.one_of(documents(uniform=True), documents(uniform=False)))
def test_a_sections_body_and_content_are_its_lines(text):
    for title in ("今日要点", "历史更新", "Others"):
        for section in find_sections(text, title):
            body = [ln for ln in reference_split(text) if section.start <= ln.start < section.end]
            assert section.body == body
            kept = [i for i, ln in enumerate(body) if ln.text.strip()]
            assert section.content == (body[kept[0] : kept[-1] + 1] if kept else [])
            content = section.content
            assert section.content_span() == ((content[0].start, content[-1].end, content[-1].eol) if content else None)


@given(st.one_of(documents(uniform=True), documents(uniform=False)), st.data())
def test_lines_numbered_are_those_lines_of_the_whole_split(text, data):
    # `start` after a lone CR too: its line number counts it as split_lines does
    lines = reference_split(text)
    i = data.draw(st.integers(0, len(lines)))
    start = lines[i].start if i < len(lines) else len(text)
    numbers = sorted(data.draw(st.sets(st.integers(i + 1, len(lines)))) if i < len(lines) else set())
    assert lines_numbered(text, numbers, start) == {n: lines[n - 1] for n in numbers}


def test_content_span_on_a_section_that_ends_the_file_without_a_newline():
    text = "## 历史更新\r\n\r\n  tree line \u3000\r\n\r\n## Others\r\nlast"
    (section,) = find_sections(text, "历史更新")
    assert section.content_span() == (text.index("  tree"), text.index("\r\n\r\n## Others") + 2, "\r\n")
    (others,) = find_sections(text, "Others")
    assert others.content_span() == (text.index("last"), len(text), "")
