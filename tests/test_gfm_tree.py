"""gfm.blocks() and gfm.headings() read cmark-gfm's document tree; held here against what
cmark-gfm's HTML renderer writes for the same text, read with the standard library's HTML
parser: every element it writes with a source position (`data-sourcepos`) is a Block with
that tag, first line, column and nesting, in the same order; an HTML block of the document
stands where the renderer leaves its `<!-- raw HTML omitted -->`, on the lines between its
neighbours; and a leaf's inline facts are what the renderer writes inside the element
(its text, links, pictures, code, strikethrough, emphasis, raw tags)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dairly.gfm import HEADING_TAGS, LEAF_TAGS, Block, Inline, blocks, headings, render

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent

_CONTAINERS = frozenset(("ul", "ol", "li", "blockquote", "table", "thead", "tbody", "tr"))
_LEAVES = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "th", "td"))
_SPANS = {"del": "struck", "em": "emphasis", "strong": "strong"}
OMITTED = "raw HTML omitted"


class Element:
    """One element the renderer wrote with a position, and what it holds."""

    def __init__(self, tag: str, sourcepos: str | None, depth: int) -> None:
        self.tag = tag
        self.depth = depth
        m = re.fullmatch(r"(\d+):(\d+)-(\d+):(\d+)", sourcepos or "0:0-0:0")
        assert m is not None
        self.first, self.column, self.last, self.end_column = map(int, m.groups())
        self.text: list[str] = []  # the text shown, breaks as they are written ("\n")
        self.prose: list[str] = []  # outside code and pictures
        self.facts: dict[str, list[Any]] = {k: [] for k in ("links", "images", "code", "struck", "emphasis", "strong")}
        self.tags = 0
        self.spans: list[tuple[str, int, str | None]] = []  # open inline elements: (kind, where its text starts, href)
        self.has_block = False  # an item's own text ends where a block inside it starts


class Rendered(HTMLParser):
    """cmark-gfm's HTML read back: the positioned elements, the document's own raw-HTML
    markers, and each leaf's inline content."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.top: list[str] = []  # the tag of each element of the document itself, "html" for a marker
        self.stack: list[tuple[str, Element | None]] = []
        self.feed(html)
        self.close()

    def leaf(self) -> Element | None:
        """The element whose inline content is being read: a leaf, or an item before any block in it."""
        for tag, element in reversed(self.stack):
            if tag in _CONTAINERS or tag in _LEAVES or tag in ("pre", "hr"):
                if element is None or tag in ("pre", "hr") or (tag == "li" and element.has_block):
                    return None
                return element if tag in _LEAVES or tag == "li" else None
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in _CONTAINERS or tag in _LEAVES or tag in ("pre", "hr"):
            for _tag, holder in reversed(self.stack):
                if holder is not None and holder.tag == "li":
                    holder.has_block = True
                if _tag in _CONTAINERS or _tag in _LEAVES:
                    break
            depth = sum(1 for t, _e in self.stack if t in _CONTAINERS)
            element = Element(tag, values.get("data-sourcepos"), depth) if "data-sourcepos" in values else None
            if element is not None:
                self.elements.append(element)
                if depth == 0:
                    self.top.append(tag)
            if tag != "hr":
                self.stack.append((tag, element))
            return
        leaf = self.leaf()
        if leaf is None:
            return
        if tag == "img":
            alt = values.get("alt") or ""
            leaf.text.append(alt)
            leaf.facts["images"].append((values.get("src") or "", alt))
        elif tag == "br":
            pass  # its line end follows as text
        elif tag in ("a", "code", "del", "em", "strong"):
            leaf.spans.append((tag, len(leaf.text), values.get("href")))

    def handle_endtag(self, tag: str) -> None:
        if tag in _CONTAINERS or tag in _LEAVES or tag == "pre":
            while self.stack and self.stack.pop()[0] != tag:
                pass
            return
        leaf = self.leaf()
        if leaf is None or not leaf.spans or leaf.spans[-1][0] != tag:
            return
        _tag, start, href = leaf.spans.pop()
        shown = "".join(leaf.text[start:]).replace("\n", " ")
        if tag == "a":
            leaf.facts["links"].append((href or "", shown))
        elif tag == "code":
            leaf.facts["code"].append(shown)
        else:
            leaf.facts[_SPANS[tag]].append(shown)

    def handle_data(self, data: str) -> None:
        leaf = self.leaf()
        if leaf is None:
            return
        leaf.text.append(data)
        if not any(kind == "code" for kind, _start, _href in leaf.spans):
            leaf.prose.append(data)

    def handle_comment(self, data: str) -> None:
        if data.strip() != OMITTED:
            return
        leaf = self.leaf()
        if leaf is not None:
            leaf.tags += 1
        elif not self.stack:
            self.top.append("html")


def shown(element: Element) -> Inline:
    """An element's inline content as Inline, for comparing (the raw tags as a count)."""
    text = "".join(element.text).replace("\n", " ")
    prose = "".join(element.prose)
    return Inline(
        text.strip() if element.tag == "li" else text,
        prose.strip() if element.tag == "li" else prose,
        tuple((unquote(u), t) for u, t in element.facts["links"]),
        tuple((unquote(u), t) for u, t in element.facts["images"]),
        tuple(element.facts["code"]),
        tuple(element.facts["struck"]),
        tuple(element.facts["emphasis"]),
        tuple(element.facts["strong"]),
        ("",) * element.tags,
    )


def comparable(inline: Inline, tag: str) -> Inline:
    """Inline as shown() gives it: an item's text without the space or line end the
    renderer writes around it (after a task's checkbox, before a list in it)."""
    return inline._replace(
        text=inline.text.strip() if tag == "li" else inline.text,
        prose=inline.prose.strip() if tag == "li" else inline.prose,
        links=tuple((unquote(u), t) for u, t in inline.links),
        images=tuple((unquote(u), t) for u, t in inline.images),
        tags=("",) * len(inline.tags),
    )


def inside(found: list[Block], container: Block) -> list[Block]:
    """The blocks a container holds (those after it, deeper, up to the next one as deep)."""
    at = found.index(container) + 1
    held = []
    while at < len(found) and found[at].depth > container.depth:
        held.append(found[at])
        at += 1
    return held


def assert_agrees(text: str) -> None:
    found = blocks(text, inline=LEAF_TAGS)
    rendered = Rendered(render(text, sourcepos=True))
    lines = re.split(r"\r\n|\r|\n", text)
    ours = [b for b in found if b.tag != "html"]
    assert [(b.tag, b.first, b.column, b.depth) for b in ours] == [
        (e.tag, e.first, e.column, e.depth) for e in rendered.elements
    ]
    for b, e in zip(ours, rendered.elements, strict=True):
        parent = next((p for p in reversed(found[: found.index(b)]) if p.depth < b.depth and p.tag != "html"), None)
        # The renderer's end, but at a line's start (on the line before), a rule's own line,
        # a setext heading's underline, the end of the block holding it (a fence may run
        # past its item), a list's or item's last block; and never a blank line (the
        # renderer's may be one).
        assert b.first <= b.last <= max(e.last, b.first)
        assert (
            b.last == e.last
            or (e.end_column == 0 and b.last == e.last - 1)
            or (b.tag == "hr" and b.last == b.first)
            or (b.tag in HEADING_TAGS and re.fullmatch(r"[ \t>]*(=+|-+)[ \t]*", lines[b.last - 1]))
            or (parent is not None and b.last == parent.last)
            or (b.tag in ("ul", "ol", "li") and b.last == max([b.first] + [d.last for d in inside(found, b)]))
        ), (b, e.last, e.end_column)
        assert b.tag == "pre" or lines[b.last - 1].strip(), b  # a block ends on a line of its own text
        if b.tag in _LEAVES or (b.tag == "li" and b.inline is not None):
            assert b.inline is not None
            assert comparable(b.inline, b.tag) == shown(e), (b, shown(e))
        elif b.tag == "li":
            assert not "".join(e.text).strip(), b  # a loose item holds no text of its own
    top = [b for b in found if b.depth == 0]
    assert [b.tag for b in top] == rendered.top
    # An HTML block of the document alone between its neighbours holds the lines between
    # them, the blank ones around it aside (no link reference definition there).
    for i, b in enumerate(top):
        if b.tag != "html":
            continue
        above = top[i - 1].last if i > 0 else 0
        below = top[i + 1].first if i + 1 < len(top) else len(lines) + 1
        if (i > 0 and top[i - 1].tag == "html") or (i + 1 < len(top) and top[i + 1].tag == "html"):
            continue
        gap = [n for n in range(above + 1, below) if n <= len(lines) and lines[n - 1].strip()]
        if any("]:" in lines[n - 1] for n in gap):
            continue
        assert (b.first, b.last) == (gap[0], gap[-1])
    assert headings(text) == [(int(b.tag[1]), b.first, b.last) for b in found if b.tag in HEADING_TAGS and b.depth == 0]


LINES = (
    "# 标题（2022.1.1）",
    "## :paperclip:  今日要点",
    "Title",
    "=====",
    "-----",
    "---",
    "",
    "",
    "",
    "1. [文章 A](https://example.com/a)  :star:",
    "2. [B *斜* **粗** `code`](https://example.com/b?x=1&y=2)",
    "1) 没有链接 ~删~ ~~also~~",
    "   - Tips: 要点 www.example.com要点 a@b.io",
    "   - Code: [https://github.com/x/y](https://github.com/x/y)",
    "   - ![图 *alt*](https://img.example.com/a.png) &amp; &copy; &#x4e2d;",
    "    - Tips: four spaces",
    "- Tips: at column 0 <kbd>K</kbd> <Tag> <!-- c -->",
    "- [ ] task",
    "- [x] done",
    "  ```",
    "  code in an item",
    "```",
    "> quote **b**",
    "> - quoted item",
    ">",
    "| a | **b** |",
    "|---|---|",
    "| 1 | [x](y.md) |",
    "<div align=center><img src=\"https://img.example.com/a.png\" style='zoom:100%'>",
    "<div>",
    "</div>",
    "<details>",
    "<summary>更多 More</summary>",
    "</details>",
    "<!-- comment",
    "-->",
    "<!-- one -->",
    "<?php x ?>",
    "<![CDATA[",
    "]]>",
    "<pre>",
    "</pre>",
    "段落 paragraph \\*not\\* a  ",
    "line after a hard break\\",
    "    indented code 代码",
    "\t- tab",
    "[ref]: https://example.com/ref",
    "[ref] and [x][ref] and [y]( bad link )",
    "这是**“重点”**内容",
)


@settings(max_examples=250, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=30), st.sampled_from(("", "\n", "\r\n")))
def test_blocks_are_what_cmark_gfm_renders(lines: list[str], end: str) -> None:
    assert_agrees(end.join(lines) + end if end else "\n".join(lines))


@pytest.mark.parametrize("path", [*sorted(FIXTURES.glob("*.md")), ROOT / "README.md"], ids=lambda p: p.name)
def test_blocks_of_the_fixtures_and_the_readme_are_what_cmark_gfm_renders(path: Path) -> None:
    assert_agrees(path.read_text(encoding="utf-8"))


def test_bold_inside_bold_is_its_parents_text_as_cmark_gfm_writes_it():
    # The delimiters pair across the lines: `**b**` is a strong inside a strong, which
    # cmark-gfm writes without a <strong> of its own (Hypothesis found it).
    text = "这是**“重点”**内容\n| a | **b** |\n这是**“重点”**内容\n"
    [leaf] = blocks(text, inline={"p"})
    assert leaf.inline is not None and leaf.inline.strong == ("内容 | a | b | 这是",)
    assert_agrees(text)


def test_an_html_block_has_the_lines_cmark_gfm_gives_it():
    # cmark-gfm ends a block its end marker closes a line early; the lines before the
    # tree were guessed (this comment was 4-12: the heading's line too).
    text = "# t\n\nx\n<!--\n\n\n\n\n\n\n-->\n## h\n\n<div>\na\n\nb <!-- y -->\n"
    found = blocks(text)
    assert [(b.tag, b.first, b.last) for b in found if b.depth == 0] == [
        ("h1", 1, 1),
        ("p", 3, 3),
        ("html", 4, 11),
        ("h2", 12, 12),
        ("html", 14, 15),
        ("p", 17, 17),
    ]
    assert_agrees(text)


def test_inline_facts_are_read_only_for_the_tags_asked():
    text = "# A *b* `c`\n\npara [l](u)\n\n- tight ~x~\n"
    assert [b.inline for b in blocks(text)] == [None] * 4
    titled = blocks(text, inline=HEADING_TAGS)
    assert titled[0].inline is not None and titled[0].inline.text == "A b c"
    assert titled[0].inline.emphasis == ("b",) and titled[0].inline.code == ("c",)
    assert [b.inline for b in titled[1:]] == [None] * 3
    every = blocks(text, inline=LEAF_TAGS)
    assert every[1].inline is not None and every[1].inline.links == (("u", "l"),)
    assert every[3].inline is not None and every[3].inline.struck == ("x",)
