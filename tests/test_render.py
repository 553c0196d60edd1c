"""Exact rendering of the owned parts: the history tree, link rebasing, splicing."""

from __future__ import annotations

import datetime

import pytest

from dairly.config import Settings
from dairly.errors import InputError, NotesError
from dairly.links import rebase_links, rebase_target
from dairly.notes.note import Note
from dairly.readme.layout import locate
from dairly.readme.plan import plan_edits
from dairly.readme.render import note_highlights, render_history


def note(iso: str, title: str | None = None) -> Note:
    d = datetime.date.fromisoformat(iso)
    path = f"notes/{d.year}{d.month:02d}/{d.month:02d}{d.day:02d}.md"
    return Note(path, d, title or f"笔记（{d.year}.{d.month}.{d.day}）", 1)


def test_history_tree_exact_with_year_rollover_and_month_order():
    notes = [note(d) for d in ("2022-01-09", "2021-10-03", "2021-09-28", "2021-10-17", "2021-12-05")]
    assert render_history(notes, Settings()) == (
        "<pre><details><summary>2021年</summary>\n"
        "<details><summary>9月</summary>\n"
        '    1. <a href="notes/202109/0928.md" target="_blank">笔记（2021.9.28）</a>\n'
        "</details>\n"
        "<details><summary>10月</summary>\n"
        '    1. <a href="notes/202110/1003.md" target="_blank">笔记（2021.10.3）</a>\n'
        '    2. <a href="notes/202110/1017.md" target="_blank">笔记（2021.10.17）</a>\n'
        "</details>\n"
        "<details><summary>12月</summary>\n"
        '    1. <a href="notes/202112/1205.md" target="_blank">笔记（2021.12.5）</a>\n'
        "</details>\n"
        "</pre>\n"
        "<pre><details><summary>2022年</summary>\n"
        "<details><summary>1月</summary>\n"
        '    1. <a href="notes/202201/0109.md" target="_blank">笔记（2022.1.9）</a>\n'
        "</details>\n"
        "</pre>\n"
    )


def test_history_tree_escapes_titles():
    tree = render_history([note("2022-03-07", 'A <b> & "q" \\ </details>')], Settings())
    assert (
        '<a href="notes/202203/0307.md" target="_blank">A &lt;b&gt; &amp; &quot;q&quot; \\ &lt;/details&gt;</a>' in tree
    )


def test_history_tree_links_relative_to_readme_folder():
    assert 'href="../notes/202203/0307.md"' in render_history([note("2022-03-07")], Settings(readme="docs/README.md"))


def test_empty_history_is_empty():
    assert render_history([], Settings()) == ""


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("[x](./a.png)", "[x](notes/202202/a.png)"),
        ("[x](images/a.png)", "[x](notes/202202/images/a.png)"),
        ("![fig](./images/0227.png)", "![fig](notes/202202/images/0227.png)"),
        ('<img src="./images/a.png">', '<img src="notes/202202/images/a.png">'),
        ("<img src='images/a.png' style='zoom:60%'>", "<img src='notes/202202/images/a.png' style='zoom:60%'>"),
        ('<a href="../202201/0109.md">prev</a>', '<a href="notes/202201/0109.md">prev</a>'),
        ("[x](https://example.com/a.png)", "[x](https://example.com/a.png)"),
        ('<img src="https://example.com/a.png">', '<img src="https://example.com/a.png">'),
        ("[x](#anchor)", "[x](#anchor)"),
        ("[x](/root/path.png)", "[x](/root/path.png)"),
        ("[x](//cdn.example.com/a.png)", "[x](//cdn.example.com/a.png)"),
        ("[x](mailto:a@example.com)", "[x](mailto:a@example.com)"),
        ('[x](./a.png "title")', '[x](notes/202202/a.png "title")'),
        ("[x](<./a b.png>)", "[x](<notes/202202/a b.png>)"),
        ("[x](./a.md#part)", "[x](notes/202202/a.md#part)"),
        ("[ref]: ./images/a.png", "[ref]: notes/202202/images/a.png"),
        ("code `[x](./a.png)` stays", "code `[x](./a.png)` stays"),
        ("```\n[x](./a.png)\n```", "```\n[x](./a.png)\n```"),
        ("plain href='x' text", "plain href='x' text"),
    ],
)
def test_rebase_links(source: str, expected: str):
    assert rebase_links(source, "notes/202202", "") == expected


def test_rebase_target_keeps_query_and_fragment():
    assert rebase_target("./a.png?raw=1#x", "notes/202202", "") == "notes/202202/a.png?raw=1#x"
    assert rebase_target("a.png", "notes/202202", "docs") == "../notes/202202/a.png"


README = (
    "# t\n"
    "更新今日时间：2022.1.1\n"
    "\n"
    "## :paperclip:  今日要点\n"
    "\n"
    "old\n"
    "\n\n"
    "## :paperclip:  历史更新\n"
    "\n"
    "old tree\n"
    "\n"
    "## :paperclip:  Others\n"
    "- mine [x](./keep.png)\n"
)


def publish_text(text: str, notes: list[Note], highlights: str = "1. new\n") -> str:
    layout = locate(text, Settings(), "README.md")
    return plan_edits(text, layout, notes, max(notes, key=lambda n: n.date), highlights, Settings()).apply(text)


def test_publish_replaces_only_owned_parts_and_keeps_spacing():
    out = publish_text(README, [note("2022-03-07")])
    assert out == (
        "# t\n"
        "更新今日时间：2022.3.7\n"
        "\n"
        "## :paperclip:  今日要点\n"
        "\n"
        "1. new\n"
        "\n\n"
        "## :paperclip:  历史更新\n"
        "\n"
        "<pre><details><summary>2022年</summary>\n"
        "<details><summary>3月</summary>\n"
        '    1. <a href="notes/202203/0307.md" target="_blank">笔记（2022.3.7）</a>\n'
        "</details>\n"
        "</pre>\n"
        "\n"
        "## :paperclip:  Others\n"
        "- mine [x](./keep.png)\n"
    )
    assert publish_text(out, [note("2022-03-07")]) == out


def test_publish_keeps_crlf_and_bom():
    text = "\ufeff" + README.replace("\n", "\r\n")
    out = publish_text(text, [note("2022-03-07")])
    assert out.startswith("\ufeff# t\r\n更新今日时间：2022.3.7\r\n")
    assert "\n" not in out.replace("\r\n", "")
    assert out.endswith("- mine [x](./keep.png)\r\n")


def test_empty_sections_and_section_at_end_without_newline():
    text = "更新今日时间：\n## 今日要点\n## 历史更新"
    out = publish_text(text, [note("2022-03-07")])
    assert out == (
        "更新今日时间：2022.3.7\n## 今日要点\n\n1. new\n\n## 历史更新\n\n"
        "<pre><details><summary>2022年</summary>\n<details><summary>3月</summary>\n"
        '    1. <a href="notes/202203/0307.md" target="_blank">笔记（2022.3.7）</a>\n'
        "</details>\n</pre>"
    )
    assert publish_text(out, [note("2022-03-07")]) == out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (README.replace("## :paperclip:  今日要点", "5. - ## :paperclip:  今日要点"), "no '## 今日要点' heading"),
        (README + "\n## 今日要点\n", "appears 2 times (lines 4 and 16)"),
        (README.replace("## :paperclip:  历史更新", "## History"), "no '## 历史更新' heading"),
        (README.replace("更新今日时间：2022.1.1", "Updated: 2022.1.1"), "no '更新今日时间：' date line"),
        # two above the sections; one further down is the author's own (tests/test_adopt.py)
        (README.replace("更新今日时间：2022.1.1", "更新今日时间：2022.1.1\n\n更新今日时间：2"), "appears 2 times"),
    ],
)
def test_locate_errors_name_the_heading(text: str, message: str):
    with pytest.raises(InputError) as info:
        locate(text, Settings(), "README.md")
    assert message in str(info.value)
    assert str(info.value).startswith("README.md")


def test_broken_heading_hint_names_the_line():
    text = README.replace("## :paperclip:  今日要点", "5. - ## :paperclip:  今日要点")
    with pytest.raises(InputError, match=r"line 4 looks like a broken one: '5. - ## :paperclip:  今日要点'"):
        locate(text, Settings(), "README.md")


def test_heading_in_code_fence_is_not_a_heading():
    text = README + "\n```\n## 今日要点\n```\n"
    layout = locate(text, Settings(), "README.md")
    assert layout.highlights.heading.line.number == 4


def test_decorated_heading_variants_are_found():
    text = README.replace("## :paperclip:  今日要点", "##   :paperclip::paperclip:   今日要点  ")
    assert locate(text, Settings(), "README.md").highlights.heading.line.number == 4


def test_note_highlights_rebased_and_trimmed():
    text = "# T\r\n\r\n## :paperclip:  今日要点\r\n\r\n\r\n1. ![a](./images/a.png)\r\n\r\n## Others\r\n- x\r\n"
    assert note_highlights(text, note("2022-02-27"), Settings(), "") == "1. ![a](notes/202202/images/a.png)\n"


def test_note_without_highlights_section_is_an_error():
    with pytest.raises(NotesError, match=r"notes/202202/0227.md: has no '## 今日要点' section"):
        note_highlights("# T\n\nno sections\n", note("2022-02-27"), Settings(), "")
