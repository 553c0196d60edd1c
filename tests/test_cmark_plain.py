"""find_traps() answers a note laid out as `dairly new` lays one out without asking
cmark-gfm (notes.plain.plain_note); its answer is always rendered_traps()'s, which asks
cmark-gfm of every note: on that layout with every kind of text in its places, on notes
made of that layout's lines and of lines a trap needs, in any order, and on the fixtures."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dairly.config import Settings
from dairly.errors import Problem
from dairly.notes import plain, traps
from dairly.notes.index import open_index
from dairly.notes.note import Note, split_front_matter
from dairly.notes.plain import plain_note
from dairly.notes.traps import find_traps, rendered_traps
from dairly.readme.render import promoted_findings
from dairly.workspace import Workspace
from tests.conftest import README_SKELETON, write

T = TypeVar("T")
FIXTURES = Path(__file__).parent / "fixtures"
BENCH_SHAPED = (
    "# 公众号内容拓展学习笔记（2022.3.7）\n\n------\n\n\n\n## :paperclip:  今日要点\n\n"
    "1. [Article 1-1: attention 注意力](https://mp.weixin.qq.com/s/1x1)         :star::star:\n"
    "   - Abstract: a short abstract 摘要\n"
    "   - Paper: [Paper 1.1](https://arxiv.org/abs/2001.00001)\n"
    "   - Code: [https://github.com/example/r1](https://github.com/example/r1)\n"
    "   - Tips: what to remember 要点\n"
    "     - the budget decides the context length\n"
    "     - 先看消融实验\n\n"
    "<div align=center><img src=\"https://img.example.com/1/1.png\" style='zoom:100%'>\n</div>\n\n"
    "2. [Article 1-2](https://mp.weixin.qq.com/s/1x2)  :star:\n   - Tips: 要点\n\n"
    "\n## :paperclip:  Others\n\n- [公众号](https://mp.weixin.qq.com/)\n"
)


def same_answer(text: str) -> bool:
    """Whether find_traps() says what cmark-gfm says; returns whether the shortcut answered."""
    start = split_front_matter(text)[1]
    numbers = {n: n for n in range(1, text.count("\n") + 2)}
    assert find_traps(text) == rendered_traps(text, start)
    assert find_traps(text, numbers) == rendered_traps(text, start, numbers)
    return plain_note(text, start)


def test_the_usual_note_is_answered_without_cmark_gfm() -> None:
    assert same_answer(BENCH_SHAPED)
    assert same_answer("---\ntags: [a]\n---\n" + BENCH_SHAPED)
    assert find_traps(BENCH_SHAPED) == []


def test_the_fixtures_get_the_same_answer() -> None:
    for path in sorted(FIXTURES.glob("*.md")):
        same_answer(path.read_text(encoding="utf-8").lstrip("\ufeff"))


def rarely(usual: st.SearchStrategy[T], other: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    """`usual`, and one time in twenty `other`: most notes drawn keep the layout, and the
    others leave it in one place or two."""
    return st.integers(0, 19).flatmap(lambda n: other if n == 0 else usual)


# Text of the characters a layout line holds, or of every character a trap needs and the
# ones a block starts with; link targets likewise.
TEXT = rarely(
    st.text(alphabet="ab 要点:：.-()!#/1", min_size=1, max_size=12),
    st.text(alphabet="ab 要点:：.-()!#@/1w*_~<>&`[]|\\=+\t", min_size=1, max_size=12),
)
URL = rarely(
    st.sampled_from(("https://example.com/a", "https://github.com/x/y", "http://a.io/b?c=1#d")),
    st.sampled_from(("https://x.io/a b", "www.a.com", "a.md", "https://x.io/a_(b)", "https://x.io/要点")),
)


@st.composite
def laid_out_notes(draw: st.DrawFn) -> str:
    """A note in the layout plain_note() reads, with any text, link or URL in its places."""
    link = st.builds(lambda t, u: f"[{t}]({u})", TEXT, URL) | URL.map(lambda u: f"[{u}]({u})")
    inline = st.lists(TEXT | link, min_size=1, max_size=3).map("".join)
    lines = [
        f"# {draw(inline)}",
        "",
        draw(rarely(st.just("------"), st.sampled_from(("---", "===", "- - -")))),
        "",
        "",
        f"## {draw(inline)}",
        "",
    ]
    for number in range(1, draw(st.integers(1, 3)) + 1):
        stars = draw(st.sampled_from(("", "  :star:", "         :star::star:", " ⭐")))
        numbered = draw(rarely(st.just(f"{number}."), st.sampled_from(("10.", f"{number})"))))
        lines.append(f"{numbered} [{draw(TEXT)}]({draw(URL)}){stars}")
        for _ in range(draw(st.integers(0, 4))):  # fields, some with bullets under them
            lines.append(f"   - {draw(inline)}")
            lines += [f"     - {draw(inline)}" for _ in range(draw(st.integers(0, 2)))]
        lines.append("")
        if draw(st.booleans()):
            img = draw(
                st.sampled_from(("<img src=\"https://i.example.com/a.png\" style='zoom:100%'>", "", "<img src=a.png>"))
            )
            lines += [
                f"<div align=center>{img}",
                draw(rarely(st.just("</div>"), st.sampled_from(("</div> x", "", "</DIV>")))),
            ]
            lines += draw(rarely(st.just([""]), st.sampled_from(([], ["<img src=b.png>", "</div>", ""]))))
    lines += ["", f"## {draw(inline)}", ""]
    lines += [f"- {draw(inline)}" for _ in range(draw(st.integers(0, 3)))]
    return "\n".join(lines) + draw(st.sampled_from(("\n", "", "\n\n")))


@settings(max_examples=300, deadline=None)
@given(laid_out_notes())
def test_laid_out_notes_get_the_same_answer(text: str) -> None:
    same_answer(text)


LINES = (
    "# 标题（2022.1.1）",
    "## :paperclip:  今日要点",
    "## Others",
    "------",
    "---",
    "===",
    "",
    "",
    "",
    "1. [文章 A](https://example.com/a)  :star:",
    "2. [B](https://example.com/b)",
    "10. [C](https://example.com/c)",
    "1. 没有链接",
    "   - Tips: 要点",
    "   - Code: [https://github.com/x/y](https://github.com/x/y)",
    "   - Paper: [论文](https://arxiv.org/abs/1)",
    "    - Tips: four spaces",
    "     - a point under a field",
    "     - # heading",
    "      - six spaces",
    "     1. numbered",
    "- Tips: at column 0",
    "   - Note: www.example.com要点",
    "   - 1. nested",
    "   - # heading",
    "   -",
    "   - a ---",
    "<div align=center><img src=\"https://img.example.com/a.png\" style='zoom:100%'>",
    "<div align=center>",
    "</div>",
    '<img src="a.png">',
    "<details>",
    "<!-- comment",
    "- [公众号](https://mp.weixin.qq.com/)",
    "- 文字 bullet",
    "段落 paragraph",
    "    indented code 代码",
    "- ~a~ **b** <Tag>",
    "##小结 Summary",
    "3. [跳过 C](https://example.com/c)",
    "   Abstract: 摘要",
    "- [论文] (https://example.com/p)",
    "- 先写 __init__",
    "<!-- 注 --> **重点**",
    "- 脚注 text[^1]",
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=30), st.sampled_from(("", "\n")), st.booleans())
def test_any_lines_get_the_same_answer(lines: list[str], end: str, front_matter: bool) -> None:
    same_answer(("---\ntitle: x\n---\n" if front_matter else "") + "\n".join(lines) + end)


def test_notes_without_a_mark_of_html_or_emphasis_can_hold_traps() -> None:
    # A shortcut that looked only for such marks answered these with nothing.
    for text in (
        "段落\n2. 条目\n",
        "1. 没有链接\n   -",
        "x\n ---\n",
        "1. a\n\n2. b\n\ntext\n\n3. c\n",
        "    - Tips: 代码",
    ):
        assert same_answer(text) is False
        assert find_traps(text) != []


def index_rows(root: Path) -> list[object]:
    """The rows of a first build of the notes index, in an order of their own."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{root}/.git/dairly/index.sqlite3{suffix}").unlink(missing_ok=True)
    index = open_index(Workspace.open(str(root)), progress=False)
    try:
        if index.fts:  # written a batch at a time, it indexes the entries table exactly
            index.conn.execute("INSERT INTO entries_fts(entries_fts) VALUES ('integrity-check')")
        return [
            index.conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            for table, order in (("notes", "path"), ("entries", "note, position"), ("findings", "note, line, message"))
        ]
    finally:
        index.conn.close()


def test_the_index_holds_the_same_rows_with_and_without_the_shortcut(
    tmp_path: Path, git, monkeypatch: pytest.MonkeyPatch
) -> None:
    git(tmp_path, "init", "-q")
    write(tmp_path, "README.md", README_SKELETON)
    for day in range(1, 8):
        write(tmp_path, f"notes/202203/03{day:02d}.md", BENCH_SHAPED.replace("2022.3.7", f"2022.3.{day}"))
    for day, trap in enumerate(("段落\n2. 条目\n", "1. 没有链接\n   -\n", "</div>\n## 今日要点\n"), 8):
        write(tmp_path, f"notes/202203/03{day:02d}.md", BENCH_SHAPED + trap)
    write(tmp_path, "notes/202203/0311.md", (FIXTURES / "note_2022_03_07.md").read_text(encoding="utf-8"))
    shortcut = index_rows(tmp_path)
    monkeypatch.setattr(traps, "plain_note", lambda text, start: False)
    assert index_rows(tmp_path) == shortcut
    assert shortcut[2]  # findings to compare


def test_check_finds_the_promoted_sections_traps_as_lint_does(monkeypatch: pytest.MonkeyPatch) -> None:
    """check's look at the promoted section answers a plain note without lint's traps
    (render.promoted_findings asks notes.plain first): the same problems as without it."""
    note = Note("notes/202203/0307.md", datetime.date(2022, 3, 7), "t")
    texts = [BENCH_SHAPED, BENCH_SHAPED.replace("   - Tips: 要点\n", "   - Tips: 要点 ~x~\n")]
    shortcut = [promoted_findings(text, note, Settings()) for text in texts]
    monkeypatch.setattr(plain, "plain_note", lambda text, start: False)
    assert [promoted_findings(text, note, Settings()) for text in texts] == shortcut
    assert shortcut == [[], [Problem(note.path, WARNING, 21, warning=True)]]


WARNING = "GitHub strikes through 'x': two single ~ make a strikethrough; write \\~ (or ～) where you meant a tilde"
