"""The rendering traps lint once let pass, one kind each, in a note written in Chinese and
English: each finding is checked here against what cmark-gfm (GitHub's engine) renders,
names the construct as GitHub parses it, and says the fix; `--fix` makes the fixes that
need no judgement."""

from __future__ import annotations

from dairly.gfm import blocks, render
from dairly.notes.fixes import Fixed, fix_note
from dairly.notes.traps import find_traps

ENTRY = "1. [稀疏窗口 Sparse windows](https://example.org/sparse)  :star:"


def note(*body: str) -> str:
    """A note whose 今日要点 body starts on line 5."""
    return "\n".join(["# 学习笔记（2022.3.7）", "", "## :paperclip:  今日要点", "", *body]) + "\n"


def messages(text: str) -> list[tuple[int, str]]:
    return [(trap.line, trap.message) for trap in find_traps(text)]


# -- (a) a numbered list GitHub renumbers ------------------------------------------------


def test_a_numbered_list_counts_on_from_its_first_number() -> None:
    text = note(ENTRY, "", "3. [跳过 Skipped](https://example.org/b)", "", "4. [末 Last](https://example.org/c)")
    assert '<ol>\n<li>\n<p><a href="https://example.org/sparse">' in render(text)
    assert render(text).count("<li>") == 3 and "start=" not in render(text)
    assert messages(text) == [
        (
            7,
            "GitHub shows the item numbered 3 as number 2: a numbered list counts on from its first item's"
            " number (1), whatever the others say; number it 2, or put a line of text above it to start a new list",
        )
    ]
    assert find_traps(text, {5: 1, 7: 3, 9: 4})[0].shown.startswith("GitHub shows entry 3 as number 2:")


def test_numbers_written_alike_or_in_order_are_no_trap() -> None:
    assert messages(note("1. 甲 a", "1. 乙 b", "1. 丙 c")) == []  # every item 1: GitHub counts them, as meant
    assert messages(note("0. 零 zero", "1. 一 one", "", "<div>x</div>", "", "5. 五 five", "6. 六 six")) == []
    assert messages(note("- 列表 list", "", "   2. 二 two", "   7. 七 seven")) == [
        (8, "GitHub shows the item numbered 7 as number 3: a numbered list counts on from its first item's"
            " number (2), whatever the others say; number it 3, or put a line of text above it to start a new list")
    ]  # fmt: skip


# -- (b) a heading without a space ---------------------------------------------------------


def test_a_heading_without_a_space_is_a_paragraph() -> None:
    text = note("##小结 Summary", "", "正文 text")
    assert "<p>##小结 Summary</p>" in render(text)
    assert messages(text) == [
        (5, "GitHub shows '##小结 Summary' as a paragraph, not as a heading: a heading's #s need a space after"
            " them; write '## 小结 Summary'")
    ]  # fmt: skip
    fixed, changes = fix_note(text)
    assert fixed == note("## 小结 Summary", "", "正文 text")
    assert changes == [Fixed(5, "added a space after the #s, so GitHub shows the heading '小结 Summary'")]
    assert fix_note(fixed) == (fixed, [])


def test_a_hash_that_is_no_heading_is_left_alone() -> None:
    assert (
        messages(note("编号 #1 in the list, and C#", "", "#include <stdio.h> 在正文里 in text", "", "#论文 #视觉"))
        == []
    )
    assert messages(note("#小结")) == [
        (5, "GitHub shows '#小结' as a paragraph, not as a heading: a heading's #s need a space after them;"
            " write '# 小结'")
    ]  # fmt: skip
    assert messages(note("```", "##not-a-heading", "```")) == []


# -- (c) a space between ] and ( ---------------------------------------------------------


def test_a_space_between_bracket_and_parenthesis_is_no_link() -> None:
    text = note("- Paper: [论文 the paper] (https://arxiv.org/abs/2001.00001)")
    assert "[论文 the paper] (" in render(text)
    assert messages(text) == [
        (5, "GitHub shows '[论文 the paper] (https://arxiv.org/abs/2001.00001)' as written, not as a link: a space"
            " between ] and ( ends it; remove the space: '[论文 the paper](https://arxiv.org/abs/2001.00001)'")
    ]  # fmt: skip
    fixed, changes = fix_note(text)
    assert fixed == note("- Paper: [论文 the paper](https://arxiv.org/abs/2001.00001)")
    assert changes == [Fixed(5, "removed the space between ] and (, so GitHub makes the link '论文 the paper'")]
    assert fix_note(fixed) == (fixed, [])


def test_brackets_and_parentheses_that_are_no_link_are_left_alone() -> None:
    # A citation and a year, a checkbox, a reference link: none is a link target written apart.
    text = note("引用 [1] (2020) 年", "", "- [ ] (待办 todo)", "", "[ref] (https://example.org/r)", "", "[ref]: /x")
    assert messages(text) == []


# -- (d) bullets indented 4 spaces after a blank line ---------------------------------------


def test_bullets_indented_four_spaces_after_a_blank_line_are_code() -> None:
    text = note("## 其他 Others", "", "    - 四格 four spaces", "    - 缩进 indented")
    assert "<pre><code>- 四格 four spaces\n- 缩进 indented" in render(text)
    assert messages(text) == [
        (7, "GitHub shows lines 7-8 as a code block: indented 4 spaces or more after a blank line, not under a"
            " list item; indent it less (3 spaces under an entry's text), or fence it with ``` if it is code")
    ]  # fmt: skip
    in_an_item = "---\ntags: [a]\n---\n" + note("- 条目 item", "", "      - 六格 six spaces")  # front matter: 3 lines
    assert "<pre><code>- 六格 six spaces" in render(in_an_item)
    assert messages(in_an_item) == [
        (10, "GitHub shows line 10 as a code block: indented 4 spaces or more after a blank line, past the text"
             " of the list item above; indent it less (3 spaces under an entry's text), or fence it with ``` if it"
             " is code")
    ]  # fmt: skip
    under_an_entry = note(ENTRY, "", "    - Tips: 在条目下 under the entry")  # a list in the entry, as meant
    assert "<pre>" not in render(under_an_entry)
    assert messages(under_an_entry) == []


# -- (e) __init__ in text ------------------------------------------------------------------


def test_double_underscores_make_bold() -> None:
    text = note("- Tips: 先写 __init__ 方法, then obj.__dict__ and `__main__`")
    assert "<strong>init</strong>" in render(text) and "<strong>dict</strong>" in render(text)
    assert messages(text) == [
        (5, "GitHub shows '__init__' as a bold 'init': two underscores on each side make strong emphasis;"
            " write it in backticks, `__init__`, or as \\_\\_init\\_\\_"),
        (5, "GitHub shows '__dict__' as a bold 'dict': two underscores on each side make strong emphasis;"
            " write it in backticks, `__dict__`, or as \\_\\_dict\\_\\_"),
    ]  # fmt: skip
    fixed, changes = fix_note(text)
    assert fixed == note("- Tips: 先写 \\_\\_init\\_\\_ 方法, then obj.\\_\\_dict\\_\\_ and `__main__`")
    assert changes == [
        Fixed(5, "escaped the underscores of '__init__', so GitHub shows them"),
        Fixed(5, "escaped the underscores of '__dict__', so GitHub shows them"),
    ]
    assert fix_note(fixed) == (fixed, [])


def test_double_underscores_in_a_heading_make_bold_too() -> None:
    text = note("### 构造 __init__", "", "正文 text")
    assert "<h3>构造 <strong>init</strong></h3>" in render(text)
    assert [line for line, _message in messages(text)] == [5]
    assert fix_note(text)[0] == note("### 构造 \\_\\_init\\_\\_", "", "正文 text")


def test_underscores_github_shows_are_left_alone() -> None:
    text = note("路径 https://example.org/__init__.py and snake_case_name and __ 两个 __", "", "```", "__init__", "```")
    assert "<strong>" not in render(text)
    assert messages(text) == []


# -- (f) an HTML comment never closed -------------------------------------------------------


def test_a_comment_never_closed_under_a_closed_one_hides_the_rest() -> None:
    text = note("<!-- 已关闭 closed -->", "<!-- 草稿 draft", "", "## 小结 Summary", "", "正文 text")
    assert "<h2" not in render(text, unsafe=True).split("<!-- 草稿")[-1]
    assert messages(text) == [
        (6, "GitHub hides everything from here to the end of the note (lines 6-10) in an HTML comment that is"
            " never closed; add --> where the comment should end")
    ]  # fmt: skip


def test_a_comment_never_closed_in_an_item_or_a_div_hides_the_rest_too() -> None:
    # cmark-gfm ends the item or the <div>, but passes the comment through: a browser reads
    # the rest of the page into it.
    in_an_item = note(ENTRY, "   <!-- 草稿 draft", "", "正文 text")
    assert "<!-- 草稿 draft\n\n</li>\n</ol>\n<p>正文 text</p>" in render(in_an_item, unsafe=True)
    assert messages(in_an_item) == [
        (6, "GitHub hides everything from here to the end of the note (lines 6-8) in an HTML comment that is"
            " never closed; add --> where the comment should end")
    ]  # fmt: skip
    in_a_div = note("<div>", "<!-- 草稿 draft", "</div>", "", "正文 text")
    assert [line for line, _message in messages(in_a_div)] == [6]


def test_a_comment_never_closed_in_text_or_code_hides_nothing() -> None:
    text = note("正文 text <!-- 没有结尾 no end", "", "```", "<!-- in code", "```", "", "more 更多")
    assert messages(text) == []


# -- (g) Markdown after --> on the same line -----------------------------------------------


def test_markdown_after_a_comment_on_its_line_is_raw() -> None:
    text = note("<!-- 备注 note --> **重点 key point**", "", "正文 text")
    assert "--> **重点 key point**" in render(text, unsafe=True)
    assert messages(text) == [
        (5, "GitHub shows '**重点 key point**' as raw text in the HTML block of the comment: a line that starts an"
            " HTML comment is HTML to its end; put it on the next line")
    ]  # fmt: skip
    fixed, changes = fix_note(text)
    assert fixed == note("<!-- 备注 note -->", "**重点 key point**", "", "正文 text")
    assert changes == [Fixed(5, "moved '**重点 key point**' to a line of its own, so GitHub renders it")]
    assert fix_note(fixed) == (fixed, [])
    assert messages(note("<!-- 备注 note --> 普通文字 plain words")) == []  # shows as written
    assert messages(note("<div>", "箭头 a --> **b**", "</div>")) == [  # no comment ends there: the <div> holds it
        (6, "GitHub shows '箭头 a --> **b**' as raw text inside <div>; add a blank line after <div>")
    ]


# -- (h) a numbered item other than 1 under a paragraph ----------------------------------


def test_an_item_numbered_other_than_one_joins_the_paragraph_above() -> None:
    text = note(ENTRY, "   说明 a remark", "   2. 子项 a sub-item")
    assert "说明 a remark\n2. 子项 a sub-item</li>" in render(text)
    assert messages(text) == [
        (7, "GitHub shows '2. 子项 a sub-item' as a line of the paragraph above: only a list item numbered 1 can"
            " start right under a paragraph; add a blank line above it")
    ]  # fmt: skip
    assert fix_note(text) == (text, [])  # a tight item's text: where the blank line goes is the author's call
    loose = note(ENTRY, "", "   说明 a remark", "   3. 子项 a sub-item")
    fixed, changes = fix_note(loose)
    assert fixed == note(ENTRY, "", "   说明 a remark", "", "   3. 子项 a sub-item")
    assert changes == [Fixed(9, "added a blank line above it, so GitHub renders it as a numbered list")]
    quoted = note("> 引用 quote", "> 3. 三 three")
    assert messages(quoted) == [
        (6, "GitHub shows '3. 三 three' as a line of the paragraph above: only a list item numbered 1 can start"
            " right under a paragraph; add a blank line above it")
    ]  # fmt: skip


# -- (i) fields without bullets -------------------------------------------------------------


def test_fields_without_bullets_are_joined_into_one_line() -> None:
    text = note(ENTRY, "   Abstract: 摘要 the abstract", "   Code: [代码 code](https://github.com/a/b)")
    assert ":star:\nAbstract: 摘要 the abstract\nCode:" in render(text)
    assert messages(text) == [
        (6, "GitHub joins 'Abstract: 摘要 the abstract' to the line above, in one paragraph: a line break alone"
            " is a space; write each field as a bullet, '- Abstract: ...', or end the line above with a backslash"),
    ]  # fmt: skip
    broken = note(ENTRY + "\\", "   Abstract: 摘要\\", "   Code: 代码")  # hard line breaks: shown on lines of their own
    assert messages(broken) == []
    assert messages(note(ENTRY, "   see https://example.org/x")) == []
    # A lone `Note:` in prose goes on the sentence above; two fields one after the other do not.
    assert messages(note("一段话 some words", "Note: the sentence goes on")) == []
    assert messages(note("一段话 some words", "Paper: a", "Code: b"))[0][0] == 6


# -- (j) footnotes ---------------------------------------------------------------------------


def test_a_footnote_github_cannot_pair() -> None:
    text = note("正文 text[^1] and more[^2]", "", "[^2]: 第二 the second", "[^3]: 没人引用 nobody refers to it")
    html = render(text, footnotes=True)
    assert "more<sup" in html and "text[^1]" in html and "nobody" not in html
    assert messages(text) == [
        (5, "GitHub shows '[^1]' as written: no footnote [^1] is defined in the note; add a line '[^1]: ...'"
            " below, or remove it"),
        (8, "GitHub shows nothing of the footnote [^3]: no [^3] in the text refers to it; refer to it, or write"
            " it as text"),
    ]  # fmt: skip


def test_a_footnote_with_its_definition_is_no_trap() -> None:
    # GitHub shows it as a superscript number linking to the note's footnotes, at its end.
    text = note("正文 text[^note]", "", "[^note]: 脚注 the footnote")
    assert '<section class="footnotes"' in render(text, footnotes=True)
    assert messages(text) == []


# -- the claim about an HTML element between entries -------------------------------------


def test_a_video_between_entries_is_not_called_a_paragraph() -> None:
    text = note(
        ENTRY, "", '<video src="https://example.org/v.mp4" controls></video>', "", "2. [下一 Next](https://e.org/n)"
    )
    assert [b.tag for b in blocks(text) if b.first == 7] == ["p"]  # cmark-gfm: a paragraph holding only HTML
    assert messages(text) == []  # shown between the entries, the next list numbered 2: as meant, like a picture
    words = note(ENTRY, "", "说明 words <b>bold</b>", "", "2. [下一 Next](https://e.org/n)")
    assert messages(words) == [
        (7, "GitHub shows this paragraph outside entry 1 and starts a new numbered list after it;"
            " indent it by 3 spaces, under the entry's text")
    ]  # fmt: skip


# -- one element tracker, for the README's sections and the notes' traps --------------


def test_notes_and_readme_pair_the_same_elements() -> None:
    from dairly.markdown import split_lines, unclosed_tags

    # A <section> never closed holds the rest of the note, as a <div> does.
    text = note(ENTRY, "", "<section>", "", "正文 text")
    assert messages(text) == [
        (7, "GitHub shows everything after this <section> inside it, since it is never closed;"
            " add </section> where it should end")
    ]  # fmt: skip
    # A tag in a code span or a comment is text to both; `<div/>` opens nothing.
    written = "`<details>` 代码 code <!-- <div> --> <div/>\n<div\n  align=center>\n"
    assert [(name, line.number) for name, line in unclosed_tags(split_lines(written))] == [("div", 2)]


# -- lint --fix end to end: the edits, byte for byte ---------------------------------------


def test_lint_fix_edits_the_lines_keeping_their_endings(tmp_path, dairly) -> None:
    from tests.conftest import write

    path = "notes/202203/0307.md"
    body = [ENTRY, "", "###小结 Summary", "", "- Paper: [论文 paper] (https://arxiv.org/abs/1)", "<!-- 注 -->**重点**"]
    write(tmp_path, path, note(*body).replace("\n", "\r\n"))
    result = dairly(tmp_path, "lint", "--fix")
    assert result.err == ""
    assert result.out.splitlines() == [
        f"fixed {path}:7: added a space after the #s, so GitHub shows the heading '小结 Summary'",
        f"fixed {path}:9: removed the space between ] and (, so GitHub makes the link '论文 paper'",
        f"fixed {path}:10: moved '**重点**' to a line of its own, so GitHub renders it",
        "1 note, no problems",
    ]
    fixed = [
        ENTRY,
        "",
        "### 小结 Summary",
        "",
        "- Paper: [论文 paper](https://arxiv.org/abs/1)",
        "<!-- 注 -->",
        "**重点**",
    ]
    assert (tmp_path / path).read_bytes() == note(*fixed).replace("\n", "\r\n").encode("utf-8")
    assert dairly(tmp_path, "lint", "--fix").out.splitlines() == ["1 note, no problems"]
