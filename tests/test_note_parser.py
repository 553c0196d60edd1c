"""The note parser: exact records for the usual note, for the shapes hand-written notes
take (fields at column 0, entries glued to `</div>`, ...), and for odd ones."""

from __future__ import annotations

import datetime

import pytest

from dairly.config import Settings
from dairly.links import Link
from dairly.notes.entries import Entry, Field
from dairly.notes.note import NoteRecord, find_title, parse_note, read_header, split_front_matter

DAY = datetime.date(2022, 3, 7)
PATH = "notes/202203/0307.md"


def parse(text: str) -> NoteRecord:
    return parse_note(PATH, DAY, text, Settings())


USUAL = """# 公众号内容拓展学习笔记（2022.3.7）

------



## :paperclip:  今日要点

1. [Depth from one image](https://mp.weixin.qq.com/s/abc)         :star::star:
   - Abstract: monocular depth, explained
   - Paper: [Depth Anything](https://arxiv.org/abs/2401.10891)
   - Code: [https://github.com/LiheYoung/Depth-Anything](https://github.com/LiheYoung/Depth-Anything)
   - Tips: relative depth first, metric later

<div align=center><img src="./images/0307.png" style='zoom:100%'>
</div>

2. [A second article](https://example.com/two)  :star:
   - Demo: [try it](https://example.com/demo)
   - Tips: short

## :paperclip:  Others

- [a footer link](../../README.md)
"""

FIRST_TEXT = """1. [Depth from one image](https://mp.weixin.qq.com/s/abc)         :star::star:
   - Abstract: monocular depth, explained
   - Paper: [Depth Anything](https://arxiv.org/abs/2401.10891)
   - Code: [https://github.com/LiheYoung/Depth-Anything](https://github.com/LiheYoung/Depth-Anything)
   - Tips: relative depth first, metric later

<div align=center><img src="./images/0307.png" style='zoom:100%'>
</div>
"""


def test_usual_note_becomes_exact_record() -> None:
    assert parse(USUAL) == NoteRecord(
        path=PATH,
        date=DAY,
        title="公众号内容拓展学习笔记（2022.3.7）",
        title_line=1,
        meta={},
        highlights_line=7,
        entries=[
            Entry(
                number=1,
                title="Depth from one image",
                url="https://mp.weixin.qq.com/s/abc",
                stars=2,
                line=9,
                fields=[
                    Field("Abstract", "monocular depth, explained", (), 10),
                    Field("Paper", "Depth Anything", ("https://arxiv.org/abs/2401.10891",), 11),
                    Field(
                        "Code",
                        "https://github.com/LiheYoung/Depth-Anything",
                        ("https://github.com/LiheYoung/Depth-Anything",),
                        12,
                    ),
                    Field("Tips", "relative depth first, metric later", (), 13),
                ],
                images=["./images/0307.png"],
                text=FIRST_TEXT,
            ),
            Entry(
                number=2,
                title="A second article",
                url="https://example.com/two",
                stars=1,
                line=18,
                fields=[Field("Demo", "try it", ("https://example.com/demo",), 19), Field("Tips", "short", (), 20)],
                images=[],
                text="2. [A second article](https://example.com/two)  :star:\n"
                "   - Demo: [try it](https://example.com/demo)\n   - Tips: short\n",
            ),
        ],
        links=[
            Link("https://mp.weixin.qq.com/s/abc", 9, "link"),
            Link("https://arxiv.org/abs/2401.10891", 11, "link"),
            Link("https://github.com/LiheYoung/Depth-Anything", 12, "link"),
            Link("./images/0307.png", 15, "src"),
            Link("https://example.com/two", 18, "link"),
            Link("https://example.com/demo", 19, "link"),
            Link("../../README.md", 24, "link"),
        ],
    )


def test_front_matter_is_kept_as_json_safe_metadata() -> None:
    text = "---\ntags: [cv, 检测]\ndraft: true\nreviewed: 2022-03-08\nscore: 3\n---\n" + USUAL
    record = parse(text)
    assert record.meta == {"tags": ["cv", "检测"], "draft": True, "reviewed": "2022-03-08", "score": 3}
    assert record.draft and record.tags == ["cv", "检测"]
    assert record.title_line == 7 and record.entries[0].line == 15  # lines count the front matter


# Front matter as GitHub reads it (a table above the note), where python-frontmatter's own
# rules differ: its parse() strips the text first, so a `---` below a blank line opens front
# matter; its YAML fences are three dashes or more; it reads `+++` (TOML) too. GitHub shows
# each of those as Markdown, and the note's title is the heading GitHub shows.
@pytest.mark.parametrize(
    ("text", "front", "title", "draft"),
    [
        ("---\ndraft: true\n---\n# T\n", ("\ndraft: true\n", "# T\n"), ("T", 4), True),
        ("---  \ndraft: true\n---\n# T\n", ("\ndraft: true\n", "# T\n"), ("T", 4), True),  # spaces after a fence
        ("---\ndraft: true\n--- \t\n# T\n", ("\ndraft: true\n", "# T\n"), ("T", 4), True),
        ("---\ndraft: true\n...\n# T\n", ("\ndraft: true\n", "# T\n"), ("T", 4), True),  # YAML's document end
        ("---\r\ndraft: true\r\n---\r\n# T\r\n", ("\ndraft: true\r\n", "# T\r\n"), ("T", 4), True),
        ("---\n---\n\n# T\n", ("\n", "\n# T\n"), ("T", 4), False),  # empty
        ("---\n- a\n---\n# T\n", ("\n- a\n", "# T\n"), ("T", 4), False),  # YAML, but not a mapping
        ("\n---\ndraft: true\n---\n# T\n", (None, None), ("draft: true", 3), False),  # not on line 1
        ("----\ndraft: true\n----\n# T\n", (None, None), ("draft: true", 2), False),  # a rule, then a heading
        ("+++\ndraft = true\n+++\n# T\n", (None, None), ("T", 4), False),  # TOML: a paragraph
        ("---\ndraft: true\n# T\n", (None, None), ("T", 3), False),  # never closed: a rule
        ("...\ndraft: true\n...\n# T\n", (None, None), ("T", 4), False),
        ("---", (None, None), (None, None), False),
    ],
)
def test_front_matter_is_what_github_shows_as_a_table(
    text: str, front: tuple[str | None, str | None], title: tuple[str | None, int | None], draft: bool
) -> None:
    yaml_text, start = split_front_matter(text)
    assert (yaml_text, text[start:] if yaml_text is not None else None) == front
    assert start == 0 or yaml_text is not None
    assert read_header(PATH, text, Settings())[:3] == (*title, draft)
    record = parse(text)
    assert (record.title_line, record.draft) == (title[1], draft)


def test_front_matter_that_is_not_a_mapping_is_no_metadata() -> None:
    assert parse("---\n- a\n---\n# T\n").meta == {}
    assert parse("---\njust words\n---\n# T\n").meta == {}


def entries(body: str) -> list[tuple[int, str, str | None, int, int, list[tuple[str, str]]]]:
    """(number, title, url, stars, line, [(field name, value)]) of each entry of a note
    whose 今日要点 body is `body` (the section starts on line 3; the body on line 4)."""
    record = parse("# t\n\n## 今日要点\n" + body)
    return [(e.number, e.title, e.url, e.stars, e.line, [(f.name, f.value) for f in e.fields]) for e in record.entries]


def test_fields_written_at_column_0_belong_to_their_entry() -> None:
    body = (
        "\n1. [Flat fields](https://example.com/flat)  :star::star::star:\n"
        "- Abstract: written without indentation\n"
        "- Code: [repo](https://github.com/a/b)\n"
        "2. [Next](https://example.com/next)\n"
        "- Tips: also flat\n"
    )
    assert entries(body) == [
        (
            1,
            "Flat fields",
            "https://example.com/flat",
            3,
            5,
            [("Abstract", "written without indentation"), ("Code", "repo")],
        ),
        (2, "Next", "https://example.com/next", 0, 8, [("Tips", "also flat")]),
    ]


def test_an_entry_glued_to_a_closing_div_is_still_an_entry() -> None:
    body = (
        "\n1. [Before the picture](https://example.com/1)  :star:\n"
        "   - Tips: one\n\n"
        '<div align=center><img src="https://img.example.com/1.png">\n'
        "</div>\n"
        "2. [Glued to the div](https://example.com/2)  :star::star:\n"
        "   - Tips: two\n"
    )
    record = parse("# t\n\n## 今日要点\n" + body)
    assert [(e.number, e.title, e.line, e.images) for e in record.entries] == [
        (1, "Before the picture", 5, ["https://img.example.com/1.png"]),
        (2, "Glued to the div", 10, []),
    ]


def test_a_heading_glued_to_a_closing_div_ends_the_section() -> None:
    text = (
        "# t\n\n## 今日要点\n\n"
        "1. [Only entry](https://example.com/1)\n"
        '<div align=center><img src="https://img.example.com/1.png">\n'
        "</div>\n"
        "## :paperclip:  Others\n"
        "- [footer](https://example.com/f)\n"
        "- another footer line\n"
    )
    record = parse(text)
    assert [(e.title, [f.value for f in e.fields]) for e in record.entries] == [("Only entry", [])]
    assert record.entries[0].images == ["https://img.example.com/1.png"]


def test_nested_bullets_under_tips_fold_into_the_field() -> None:
    body = (
        "\n1. A talk I watched, no link :star:\n"
        "   - Tips: the main idea\n"
        "     - sub point one\n"
        "     - sub point two\n"
        "       continued\n"
        "   - a remark without a name\n"
        "2. [Only a link](https://example.com/x)\n"
        "   - Code：[full-width colon](https://github.com/a/b)\n"
    )
    assert entries(body) == [
        (
            1,
            "A talk I watched, no link",
            None,
            1,
            5,
            [("Tips", "the main idea\nsub point one\nsub point two\ncontinued"), ("", "a remark without a name")],
        ),
        (2, "Only a link", "https://example.com/x", 0, 11, [("Code", "full-width colon")]),
    ]


def test_entries_numbered_out_of_order_keep_their_numbers() -> None:
    body = "\n3. [Third first](https://e.com/3)\n1. [Then one](https://e.com/1)\n1. [One again](https://e.com/1b)\n"
    assert [(n, t) for n, t, *_ in entries(body)] == [(3, "Third first"), (1, "Then one"), (1, "One again")]


def test_lines_before_the_first_entry_and_indented_numbers_are_not_entries() -> None:
    body = "\nSome intro text.\n  2. indented, so a detail\n```\n4. inside code\n```\n5. [Real](https://e.com/5)\n"
    assert [(n, t) for n, t, *_ in entries(body)] == [(5, "Real")]


def test_inline_markup_is_reduced_to_what_a_reader_sees() -> None:
    body = (
        "\n1. **Bold** `code` [*Linked* title](https://e.com/a)\n"
        "   - Abstract: a <b>tag</b>, an \\*escape\\* and ![pic](p.png)\n"
    )
    record = parse("# t\n\n## 今日要点\n" + body)
    (entry,) = record.entries
    assert (entry.title, entry.url) == ("Linked title", "https://e.com/a")
    assert entry.fields == [Field("Abstract", "a tag, an *escape* and pic", ("p.png",), 6)]
    assert entry.images == ["p.png"]


def test_html_blocks_images_and_crlf() -> None:
    text = (
        "# t\r\n\r\n## :paperclip:  今日要点\r\n\r\n"
        "1. [a](https://e.com/a)\r\n   - Tips: ![inline](images/x.png)\r\n\r\n"
        '<p><img src="./images/y.png"><a href="../202202/0227.md">prev</a></p>\r\n'
    )
    record = parse(text)
    assert record.entries[0].images == ["images/x.png", "./images/y.png"]
    assert [(lk.url, lk.line, lk.kind) for lk in record.links] == [
        ("https://e.com/a", 5, "link"),
        ("images/x.png", 6, "image"),
        ("./images/y.png", 8, "src"),
        ("../202202/0227.md", 8, "href"),
    ]


def test_no_highlights_section_and_empty_section() -> None:
    assert parse("# t\n\n## Others\n\n- x\n").highlights_line is None
    empty = parse("# t\n\n## :paperclip:  今日要点\n\n## :paperclip:  Others\n")
    assert (empty.highlights_line, empty.entries) == (3, [])


def test_heading_in_a_code_fence_is_not_a_section() -> None:
    record = parse("# t\n\n```\n## 今日要点\n1. [x](https://e.com)\n```\n")
    assert record.highlights_line is None and record.entries == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# 标题（2022.3.7）\n\nbody", ("标题（2022.3.7）", 1)),
        ("\n\n#   spaced title  ##\n", ("spaced title", 3)),
        ("# closed #\n", ("closed", 1)),
        ("```\n# not a title\n```\n# real\n", ("real", 4)),
        ("Setext title\n============\n\nbody\n", ("Setext title", 1)),
        ("intro line\nand more\n===\n", ("intro line and more", 1)),
        ("- a list item\n===\n", None),
        ("Second level\n---\n# then the first\n", ("Second level", 1)),
        ("<!--\n# commented out\n-->\n# kept\n", ("kept", 4)),
        ("    # indented code\n", None),
        ("## only h2\n", ("only h2", 1)),
        ("#hashtag\n", None),
        ("", None),
        ("#\n", ("", 1)),
        ("# T\r\nbody\r\n", ("T", 1)),
    ],
)
def test_find_title(text: str, expected: tuple[str, int] | None) -> None:
    assert find_title(text) == expected


def test_title_after_front_matter() -> None:
    record = parse("---\ntags: [a]\n---\nSetext after front matter\n===\n")
    assert (record.title, record.title_line) == ("Setext after front matter", 4)
