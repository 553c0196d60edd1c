"""lint's rendering findings, one kind of trap each, in a note written in Chinese and
English: each finding is what cmark-gfm (GitHub's engine) renders, checked here against its
output, and says what GitHub shows and the fix."""

from __future__ import annotations

from dairly.gfm import render
from dairly.notes.fixes import fix_note
from dairly.notes.traps import find_traps

ENTRY = "1. [稀疏窗口 Sparse windows](https://example.org/sparse)  :star:"
NEXT = "2. [合并 Merging tokens](https://example.org/merge)"


def note(*body: str) -> str:
    """A note whose 今日要点 body starts on line 5."""
    return "\n".join(["# 学习笔记（2022.3.7）", "", "## :paperclip:  今日要点", "", *body]) + "\n"


def messages(text: str) -> list[tuple[int, str]]:
    return [(trap.line, trap.message) for trap in find_traps(text)]


def test_content_swallowed_by_an_html_block():
    text = note(ENTRY, "", '<div align=center><img src="a.png">', "</div>", NEXT)
    assert "</div>\n2. [合并 Merging tokens](https://example.org/merge)" in render(text, unsafe=True)
    assert messages(text) == [
        (9, "GitHub shows entry 2 as raw text inside the HTML block above; add a blank line after </div>")
    ]


def test_a_comment_that_never_closes_hides_the_rest():
    text = note(ENTRY, "", "<!-- 草稿 draft", "", NEXT)
    assert "<ol" not in render(text).split("<!-- raw HTML omitted -->")[-1]
    assert messages(text) == [
        (
            7,
            "GitHub hides everything from here to the end of the note (lines 7-9) in an HTML comment that is"
            " never closed; add --> where the comment should end",
        )
    ]


def test_an_element_never_closed_is_a_finding_only_where_something_follows():
    follows = note(ENTRY, "", '<div align=center><img src="a.png">', "", NEXT)
    assert messages(follows) == [
        (
            7,
            "GitHub shows everything after this <div> inside it, since it is never closed; add </div> where it"
            " should end",
        )
    ]
    last_line = note(ENTRY, "", '<div align=center><img src="a.png">')  # the seeds' centred last picture
    assert messages(last_line) == []


def test_indented_lines_that_become_code():
    text = note("一段说明 intro", "", "    - Tips: 窗口要小 keep it small")
    assert "<pre><code>- Tips: 窗口要小 keep it small" in render(text)
    assert messages(text) == [
        (
            7,
            "GitHub shows line 7 as a code block: indented 4 spaces or more after a blank line, not under a list"
            " item; indent it less (3 spaces under an entry's text), or fence it with ``` if it is code",
        )
    ]


def test_field_bullets_at_column_0_end_the_entry():
    text = note(ENTRY, "- Tips: 窗口要小 keep it small", NEXT)
    assert '</ol>\n<ul>\n<li>Tips: 窗口要小 keep it small</li>\n</ul>\n<ol start="2">' in render(text)
    assert messages(text) == [
        (
            6,
            "GitHub shows the bullets from here as a list of their own, not inside entry 1: they start at column 0;"
            " indent them by 3 spaces, under the entry's text",
        )
    ]


def test_a_paragraph_not_indented_ends_the_list():
    text = note(ENTRY, "", "一段说明 a note", "", NEXT)
    assert '<p>一段说明 a note</p>\n<ol start="2">' in render(text)
    assert messages(text) == [
        (
            7,
            "GitHub shows this paragraph outside entry 1 and starts a new numbered list after it; indent it by 3"
            " spaces, under the entry's text",
        )
    ]


def test_a_link_github_will_not_make():
    text = note(ENTRY, "   - Code: [https: //github.com/a/b](https: //github.com/a/b)")
    assert "Code: [https: //github.com/a/b](https: //github.com/a/b)" in render(text)
    assert messages(text) == [
        (
            6,
            "GitHub shows '[https: //github.com/a/b](https: //github.com/a/b)' as written, not as a link: its"
            " target holds a space; remove the space in the target",
        )
    ]


def test_bold_github_will_not_apply():
    text = note(ENTRY, "   - Tips: 这是**“重点”**内容 the key")
    assert "这是**“重点”**内容" in render(text)
    assert messages(text) == [
        (
            6,
            "GitHub shows the ** in 'Tips: 这是**“重点”**内容 the key' as written, not as bold: the closing ** sits"
            " between punctuation and a letter; put a space outside the ** (or move the punctuation inside), or"
            " use <b>...</b>",
        )
    ]
    assert messages(note(ENTRY, "   - Tips: 这是 **“重点”** 内容 the key")) == []


def test_an_autolink_running_into_chinese_text():
    text = note(ENTRY, "   - Code: https://github.com/a/repo这个仓库 the repo")
    assert ">https://github.com/a/repo这个仓库</a>" in render(text)
    assert messages(text) == [
        (
            6,
            "GitHub links 'https://github.com/a/repo这个仓库', the text after the address included; put a space"
            " after the address, or write it as <address>",
        )
    ]
    assert messages(note(ENTRY, "   - Wiki: https://zh.wikipedia.org/wiki/北京 Beijing")) == []  # a path


def test_single_tildes_strike_through():
    text = note(ENTRY, "   - Tips: 训练1~3天，显存5~7G for 1 to 3 days")
    assert "训练1<del>3天，显存5</del>7G" in render(text)
    assert messages(text) == [
        (
            6,
            "GitHub strikes through '3天，显存5': two single ~ make a strikethrough; write \\~ (or ～) where you"
            " meant a tilde",
        )
    ]
    assert messages(note(ENTRY, "   - Tips: ~~删掉 removed~~ and `a~b~c`")) == []


def test_unknown_tags_are_removed_and_filtered_ones_shown_as_text():
    text = note(ENTRY, "   - Tips: 返回 List<String> 类型 the type", "   - Demo: <script>alert(1)</script> 演示")
    assert "List<String> 类型" in render(text, unsafe=True)  # GitHub's sanitizer then drops <String>
    assert "&lt;script>alert(1)&lt;/script>" in render(text, unsafe=True)  # tagfilter
    assert messages(text) == [
        (
            6,
            "GitHub removes <String>: it is not an HTML tag GitHub keeps, so nothing shows in its place; write it"
            " in backticks, `<String>`, or as \\<String>",
        ),
        (7, "GitHub shows <script> as text and runs nothing of it; remove it, or put it in backticks"),
    ]
    assert messages(note(ENTRY, "   - Tips: 返回 `List<String>` 类型, <b>粗体</b> bold")) == []


def test_a_setext_underline_turns_a_caption_into_a_heading():
    text = note(ENTRY, "", "图1：窗口大小 window size", "---")
    assert "<h2>图1：窗口大小 window size</h2>" in render(text)
    assert messages(text) == [
        (
            7,
            "GitHub shows '图1：窗口大小 window size' as a heading: the --- line under it makes it one; put a blank"
            " line between them (for a rule), or write it as '## ...' if it is a heading",
        )
    ]
    assert messages(note(ENTRY, "", "图1：窗口大小 window size", "", "---")) == []


def test_a_well_written_bilingual_note_has_no_finding():
    text = note(
        ENTRY,
        "   - Abstract: 小窗口注意力 small-window attention, **重点** bold",
        "   - Code: [ml-cvnets](https://github.com/apple/ml-cvnets) https://github.com/apple/ml-cvnets 代码",
        "   - Tips: 1 到 3 天 ~~旧的~~，`List<String>`",
        "",
        "<div align=center><img src=\"https://img.example.com/4.png\" style='zoom:100%'>",
        "</div>",
        "",
        NEXT,
        "   - Tips: 完 done",
        "",
        "## :paperclip:  Others",
        "",
        "- 页脚 footer",
    )
    assert messages(text) == []


def test_an_entry_under_a_paragraph_is_no_list_item():
    text = note("一段说明 a note", "2. [合并 Merging tokens](https://example.org/merge)")
    assert "<p>一段说明 a note\n2. " in render(text)
    assert messages(text) == [
        (
            6,
            "GitHub shows entry 2 as a line of the paragraph above: only a list item numbered 1 can start right"
            " under a paragraph; add a blank line above it",
        )
    ]
    fixed, _changes = fix_note(text)
    assert fixed == note("一段说明 a note", "", "2. [合并 Merging tokens](https://example.org/merge)")
    assert '<ol start="2">' in render(fixed)
