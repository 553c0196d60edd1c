"""One line scanner: which lines are fenced code, HTML comment or Markdown GitHub renders.

markdown.py, notes/entries.py and links.py each kept their own fence tracking; they now
share markdown.line_kinds. The functions each caller had are copied below as they were,
as the oracles (the code they describe is gone from dairly, so a copy is the only honest
reference), and held equal to what the callers compute now on generated Markdown: every
kind of fence (backticks, tildes, indented, too short, info strings with a backtick,
closed by a longer run, left open), HTML comments opened and closed on the same or later
lines, a BOM, entries, bullets and headings, with every kind of line ending.
"""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from dairly.links import _code_ranges
from dairly.markdown import BOM, Line, atx_heading, closes_fence, code_spans, fence_opening, iter_visible, split_lines
from dairly.notes.entries import entry_blocks

# Fences and comments as often as everything else: the scanner is about how they nest.
structure = st.sampled_from(
    [
        "```",
        "```python",
        "``` a`b",
        "````",
        "   ```",
        "    ```",
        "~~~",
        "  ~~~ info",
        "~~~~~",
        "``",
        "``` ",
        "<!--",
        "<!-- a comment",
        "   <!-- indented",
        "    <!-- too far",
        "<!-- one line -->",
        "text --> after",
        "-->",
        "\ufeff```",
        "\ufeff<!--",
    ]
)
content = st.sampled_from(
    [
        "1. [title](https://a.example/x)  :star:",
        "2) second",
        "10.",
        "- Abstract: words",
        "   - Paper: [p](https://p.example)",
        "* [bulleted](u) (source)",
        "+ plus",
        "---",
        "* * *",
        "# Heading",
        "## :paperclip:  Others",
        "#no space",
        "plain words",
        "inline `code [x](y)` here",
        "![pic](img.png) and [link](t)",
        '<img src="a.png">',
        "[ref]: target",
        "",
        "   ",
    ]
)
piece = st.one_of(structure, content)
eol = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(piece, max_size=30))
    endings = draw(st.lists(eol, min_size=len(pieces), max_size=len(pieces)))
    text = "".join(p + e for p, e in zip(pieces, endings, strict=True))
    if text and draw(st.booleans()):
        text = text[: -len(endings[-1])]  # no line ending at the end
    return text


# -- the oracles: each caller's own scanner, as it was -------------------------------------


def old_iter_visible(lines: list[Line]) -> list[Line]:
    """markdown.iter_visible before the scanner was shared."""
    out = []
    fence: str | None = None
    in_comment = False
    for line in lines:
        text = line.text
        if in_comment:
            in_comment = "-->" not in text
            continue
        if "`" not in text and "~" not in text and "<!--" not in text:
            if fence is None:
                out.append(line)
            continue
        if line.number == 1:
            text = text.lstrip(BOM)
        if fence is not None:
            if closes_fence(text, fence):
                fence = None
            continue
        opening = text.lstrip(" ")
        if opening.startswith("<!--") and len(text) - len(opening) <= 3:
            in_comment = "-->" not in opening[4:]
            continue
        fence = fence_opening(text)
        if fence is None:
            out.append(line)
    return out


_ENTRY_LINE = re.compile(r"(\d{1,9})[.)](?:[ \t]+(.*))?")
_TOP_BULLET = re.compile(r"[-*+](?:[ \t]+(.*))?")


def _is_break(text: str) -> bool:
    return len(text.replace(" ", "").replace("\t", "")) >= 3 and set(text) <= set(text[0] + " \t")


def old_entry_blocks(body: list[Line]) -> list[list[Line]]:
    """notes/entries.entry_blocks before the scanner was shared."""
    blocks: list[list[Line]] = []
    current: list[Line] | None = None
    fence: str | None = None
    bulleted: bool | None = None
    for line in body:
        text = line.text
        if fence is not None:
            if closes_fence(text, fence):
                fence = None
        elif text[:1].isdigit() and _ENTRY_LINE.fullmatch(text):
            bulleted = bool(bulleted)
            current = [line]
            blocks.append(current)
            continue
        elif text[:1] in "-*+" and bulleted is not False and _TOP_BULLET.fullmatch(text) and not _is_break(text):
            bulleted = True
            current = [line]
            blocks.append(current)
            continue
        elif atx_heading(text) is not None:
            break
        else:
            fence = fence_opening(text)
        if current is not None:
            current.append(line)
    for block in blocks:
        while len(block) > 1 and not block[-1].text.strip():
            block.pop()
    return blocks


def _inside(offset: int, ranges: list[tuple[int, int]], starts: list[int]) -> bool:
    from bisect import bisect_right

    i = bisect_right(starts, offset) - 1
    return i >= 0 and offset < ranges[i][1]


def old_code_ranges(text: str) -> list[tuple[int, int]]:
    """links._code_ranges before the scanner was shared."""
    ranges: list[tuple[int, int]] = []
    if "```" in text or "~~~" in text:
        fence_start, fence = 0, None
        for line in split_lines(text):
            if fence is None:
                fence = fence_opening(line.text)
                fence_start = line.start
            elif closes_fence(line.text, fence):
                ranges.append((fence_start, line.end))
                fence = None
        if fence is not None:
            ranges.append((fence_start, len(text)))
    if "`" in text:
        spans = [(start, end) for start, end, _n in code_spans(text, lone=True)]
        if ranges:
            starts = [start for start, _end in ranges]
            spans = [s for s in spans if not _inside(s[0], ranges, starts)]
        ranges = sorted(ranges + spans)
    return ranges


# -- the properties ------------------------------------------------------------------------


@given(documents(), st.integers(1, 3))
def test_visible_lines_are_what_iter_visible_gave(text: str, number: int) -> None:
    lines = split_lines(text, number=number)  # line 1 (a BOM stripped) or a later part
    assert list(iter_visible(lines)) == old_iter_visible(lines)


@given(documents(), st.integers(1, 3))
def test_entry_blocks_are_what_entry_blocks_gave(text: str, number: int) -> None:
    body = split_lines(text, number=number)
    assert entry_blocks(body) == old_entry_blocks(body)


@given(documents())
def test_code_ranges_are_what_links_gave(text: str) -> None:
    assert _code_ranges(text) == old_code_ranges(text)
