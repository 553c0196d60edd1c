"""The mistune-based note parser: exact records for the usual note and for odd ones."""

from __future__ import annotations

import datetime

from dairly.records import Field, Item, Link, NoteRecord, parse_note

DAY = datetime.date(2022, 3, 7)
PATH = "notes/202203/0307.md"


def parse(text: str) -> NoteRecord:
    return parse_note(PATH, DAY, text.encode("utf-8"), "今日要点")


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


def test_usual_note_becomes_exact_record() -> None:
    record = parse(USUAL)
    assert record == NoteRecord(
        path=PATH,
        date=DAY,
        title="公众号内容拓展学习笔记（2022.3.7）",
        title_line=1,
        meta={},
        highlights_line=7,
        items=[
            Item(
                number=1,
                title="Depth from one image",
                url="https://mp.weixin.qq.com/s/abc",
                stars=2,
                line=9,
                fields=[
                    Field("Abstract", "monocular depth, explained"),
                    Field("Paper", "Depth Anything", ("https://arxiv.org/abs/2401.10891",)),
                    Field(
                        "Code",
                        "https://github.com/LiheYoung/Depth-Anything",
                        ("https://github.com/LiheYoung/Depth-Anything",),
                    ),
                    Field("Tips", "relative depth first, metric later"),
                ],
                images=["./images/0307.png"],
            ),
            Item(
                number=2,
                title="A second article",
                url="https://example.com/two",
                stars=1,
                line=18,
                fields=[Field("Demo", "try it", ("https://example.com/demo",)), Field("Tips", "short")],
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
    assert record.title_line == 7 and record.items[0].line == 15  # lines count the front matter


def test_missing_fields_items_without_links_and_nested_lists() -> None:
    text = (
        "# t\n\n## 今日要点\n\n"
        "1. A talk I watched, no link :star:\n"
        "   - Tips: the main idea\n"
        "     - sub point one\n"
        "     - sub point two\n"
        "   - a remark without a name\n"
        "2. [Only a link](https://example.com/x)\n"
        "   - Code：[full-width colon](https://github.com/a/b)\n"
    )
    record = parse(text)
    assert record.items == [
        Item(
            1,
            "A talk I watched, no link",
            None,
            1,
            5,
            [Field("Tips", "the main idea\nsub point one\nsub point two"), Field("", "a remark without a name")],
        ),
        Item(
            2,
            "Only a link",
            "https://example.com/x",
            0,
            10,
            [Field("Code", "full-width colon", ("https://github.com/a/b",))],
        ),
    ]


def test_html_blocks_images_and_crlf() -> None:
    text = (
        "# t\r\n\r\n## :paperclip:  今日要点\r\n\r\n"
        "1. [a](https://e.com/a)\r\n   - Tips: ![inline](images/x.png)\r\n\r\n"
        '<p><img src="./images/y.png"><a href="../202202/0227.md">prev</a></p>\r\n'
    )
    record = parse(text)
    assert record.items[0].images == ["images/x.png", "./images/y.png"]
    assert [(lk.url, lk.line, lk.kind) for lk in record.links] == [
        ("https://e.com/a", 5, "link"),
        ("images/x.png", 6, "image"),
        ("./images/y.png", 8, "src"),
        ("../202202/0227.md", 8, "href"),
    ]


def test_no_highlights_section_and_empty_section() -> None:
    assert parse("# t\n\n## Others\n\n- x\n").highlights_line is None
    empty = parse("# t\n\n## :paperclip:  今日要点\n\n## :paperclip:  Others\n")
    assert (empty.highlights_line, empty.items) == (3, [])


def test_heading_in_a_code_fence_is_not_a_section() -> None:
    record = parse("# t\n\n```\n## 今日要点\n1. [x](https://e.com)\n```\n")
    assert record.highlights_line is None and record.items == []


def test_record_survives_the_json_round_trip() -> None:
    record = parse("---\ntags: [a]\n---\n" + USUAL)
    assert NoteRecord.from_json(record.to_json()) == record
