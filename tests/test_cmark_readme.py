"""The README's headings and sections, a note's title and the promoted 今日要点, as GitHub
shows them: cmark-gfm decides, and publish never writes a README that renders otherwise
than the note it promotes from."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dairly.config import Settings
from dairly.errors import InputError
from dairly.gfm import headings as gfm_headings
from dairly.gfm import render
from dairly.markdown import shown_headings
from dairly.notes.note import _first_line_title, _shown_title, find_title, parse_note
from dairly.readme.layout import locate
from dairly.readme.plan import compute
from tests.conftest import README_SKELETON
from tests.test_properties import MemorySource

SETTINGS = Settings()
TODAY = datetime.date(2026, 1, 1)


def note_file(highlights: str, extra: str = "") -> dict[str, bytes]:
    text = f"# 学习笔记（2021.9.2）\n\n## :paperclip:  今日要点\n\n{highlights}\n## :paperclip:  Others\n\n- x\n{extra}"
    return {"notes/202109/0902.md": text.encode()}


def test_a_banner_glued_above_an_owned_heading_is_reported_as_raw_text():
    readme = README_SKELETON.replace(
        "------\n\n## :paperclip:  今日要点", '<p align="center">banner</p>\n## :paperclip:  今日要点'
    )
    assert gfm_headings(readme)[1][0] == 2  # GitHub: '## 历史更新' is a heading, 今日要点 is not
    with pytest.raises(InputError) as caught:
        locate(readme, SETTINGS, "README.md")
    assert caught.value.message == (
        "no '## 今日要点' heading (the newest note's highlights) found; line 9 has one right under an HTML line,"
        " so GitHub shows it as raw text inside that HTML block; put a blank line above it"
    )


def test_a_setext_heading_opens_a_section():
    readme = README_SKELETON.replace("## :paperclip:  历史更新\n", ":paperclip:  历史更新\n---\n")
    layout = locate(readme, SETTINGS, "README.md")
    assert layout.history.heading.title == "历史更新"
    assert (layout.history.heading.first.number, layout.history.heading.line.number) == (14, 15)
    assert readme[layout.history.start :].startswith("\nold tree\n")
    assert layout.highlights.content[-1].text == "old highlights"  # it ends above the setext text


def test_a_heading_after_a_fence_opened_in_a_list_item_is_a_heading():
    readme = README_SKELETON.replace("old highlights\n", "- item\n  ```\n")
    layout = locate(readme, SETTINGS, "README.md")  # the fence ends with the item
    assert layout.history.heading.line.number == 15


def test_headings_in_comments_quotes_and_code_are_not_sections():
    text = "<!--\n## a\n-->\n\n> ## b\n\n    ## c\n\n## d\n"
    assert [h.title for h in shown_headings(text)] == ["d"]


def test_the_title_is_the_first_h1_github_shows():
    assert find_title("<div>\n# not a title\n</div>\n\n学习笔记\n====\n") == ("学习笔记", 5)
    assert find_title("---\nx: 1\n---\n> # 引用里的标题\n", 12) == ("引用里的标题", 4)
    assert find_title("```\n# code\n```\n# 标题 #\n") == ("标题", 4)
    assert find_title("    # indented code\n") is None


title_text = st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\n"), max_size=20)


@given(title_text, st.sampled_from(["", "\n", "\n\ntext\n", "\n===\n", "\n<div>\n"]))
def test_the_first_line_title_trick_is_what_cmark_gfm_shows(title, rest):
    text = f"# {title}{rest}"
    trick = _first_line_title(text, 0)
    if trick is not None:
        shown = _shown_title(text)
        assert (trick, 1) == (shown[:2] if shown is not None else ("", 1))


def test_a_setext_note_title_and_its_highlights_parse():
    text = "学习笔记（2021.9.2）\n===\n\n今日要点\n---\n\n1. [a](https://e.com/a)\n"
    record = parse_note("notes/202109/0902.md", datetime.date(2021, 9, 2), text, Settings())
    assert (record.title, record.title_line, record.highlights_line) == ("学习笔记（2021.9.2）", 1, 5)
    assert [e.number for e in record.entries] == [1]


# -- publish: the promoted 今日要点 renders the same in the README -------------------------


def test_an_html_line_ending_the_highlights_gets_a_blank_line_under_it():
    readme = README_SKELETON.replace("old highlights\n\n## :paperclip:  历史更新", "old\n## :paperclip:  历史更新")
    files = note_file('1. [文章 article](https://e.com/a)\n<img src="a.png" width=300>\n')
    plan = compute(MemorySource(files), readme, SETTINGS, TODAY)
    assert plan.new_text is not None
    assert '<img src="notes/202109/a.png" width=300>\n\n## :paperclip:  历史更新\n' in plan.new_text
    again = compute(MemorySource(files), plan.new_text, SETTINGS, TODAY)
    assert again.in_sync  # check accepts what publish wrote


def test_an_element_left_open_in_the_highlights_is_refused_naming_the_line():
    files = note_file('1. [文章 article](https://e.com/a)\n\n<div align="center">\n<img src="a.png">\n')
    plan = compute(MemorySource(files), README_SKELETON, SETTINGS, TODAY)
    assert plan.new_text is None
    assert [str(p) for p in plan.problems] == [
        "notes/202109/0902.md:7: its 今日要点 leaves <div> open, which on GitHub would swallow the README's"
        " history tree and everything after it; close it with </div>"
    ]


def test_reference_definitions_left_in_the_note_are_copied_with_the_links():
    files = note_file(
        "1. [文章 article][a]\n2. [Spec][]\n",
        "\n[a]: ./pics/a.png\n[spec]: https://spec.commonmark.org/\n[unused]: x\n",
    )
    plan = compute(MemorySource(files), README_SKELETON, SETTINGS, TODAY)
    assert plan.highlights == (
        "1. [文章 article][a]\n2. [Spec][]\n\n[a]: notes/202109/pics/a.png\n[spec]: https://spec.commonmark.org/\n"
    )
    shown = render(plan.new_text or "")
    assert '<a href="notes/202109/pics/a.png">文章 article</a>' in shown
    assert '<a href="https://spec.commonmark.org/">Spec</a>' in shown
