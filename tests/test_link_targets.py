"""links.target_spans finds inline links and images with a pattern that starts at the `[`
and reads an image's `!` before it; held equal to the pattern it replaces, which started
with an optional `!` (copied here as the oracle: it is gone from dairly), on text made of
the characters that decide where a link starts and ends."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from dairly.links import LINK_TEXT, target_spans

OLD_INLINE_LINK = re.compile(r"(!?\[" + LINK_TEXT + r"\]\([ \t]*)(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)")


def old_inline_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for m in OLD_INLINE_LINK.finditer(text):
        start, end = m.start(2), m.end(2)
        if end - start >= 2 and text[start] + text[end - 1] in ("<>", '""', "''"):
            start, end = start + 1, end - 1
        spans.append((start, end, "image" if text[m.start()] == "!" else "link"))
    return spans


text = st.lists(
    st.sampled_from(["!", "[", "]", "(", ")", "<", ">", " ", "\n", "\\", "a", "b.png", '"', "](", "!["]), max_size=40
).map("".join)


@given(text)
@example("[a](b) ends with a bang!")  # no `!` before the first character, whatever the last is
@example("![a](b.png) and [c](d)")
@example("[a](<b>)![c](d)")
def test_inline_links_and_images_are_what_the_old_pattern_found(text: str) -> None:
    found = [span for span in target_spans(text) if span[2] in ("link", "image")]
    assert found == old_inline_spans(text)
