"""`lint --fix` never makes a note worse, with cmark-gfm (GitHub's engine) as the oracle:
after the fixes no letter a reader saw is gone, the blocks above the first fix render as
before, and no finding appears that was not there (but on lines GitHub showed as raw HTML
before: still raw further down the block, or a list of its own now)."""

from __future__ import annotations

import difflib
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from dairly.gfm import blocks
from dairly.notes.fixes import fix_note, visible_letters
from dairly.notes.traps import find_traps

# Lines a bilingual daily note is made of, traps included, glued in any order.
PARTS = [
    "",
    "1. [稀疏窗口 Sparse windows](https://example.org/sparse)  :star:",
    "2. [合并 Merging](https://example.org/merge)",
    "   - Tips: 窗口要小 keep it small",
    "- Code: 代码 [repo](https://github.com/a/b)",
    "    - Paper: 四格缩进 indented",
    "## :paperclip:  Others",
    '<div align=center><img src="https://img.example.org/1.png">',
    "</div>",
    "<img src=pic.png width=300>",
    "<details>",
    "<summary>更多 More</summary>",
    "</details>",
    "<!-- 草稿 draft",
    "-->",
    "```",
    "正文 plain words",
    "---",
    "<p>**原样 raw**</p>",
    "训练1~3天 days",
    "这是**“重点”**内容",
    "##小结 Summary",
    "- Paper: [论文 paper] (https://arxiv.org/abs/1)",
    "先写 __init__ 方法",
    "<!-- 注 note --> **重点**",
    "   3. 子项 sub-item",
    "3. [跳过 Skipped](https://example.org/c)",
    "   Abstract: 摘要",
]
LIST_ENDED = ("GitHub shows the bullets from here", "GitHub shows this paragraph outside")
RAW = " as raw text inside "


def unnumbered(shown: str) -> str:
    """A finding without the line numbers it quotes, which the blank lines above move."""
    return re.sub(r"\blines? \d+(?:-\d+)?", "lines", shown)


def line_map(text: str, fixed: str) -> dict[int, int | None]:
    """Each line of `fixed` and the line of `text` it was (an edited line is the line it
    was; one the fixes added, a blank line or a line split off, is None)."""
    old, new = text.splitlines(), fixed.splitlines()
    was: dict[int, int | None] = {}
    for _op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        for k in range(j2 - j1):
            was[j1 + k + 1] = i1 + k + 1 if k < i2 - i1 else None
    return was


def worse(text: str, fixed: str) -> list[str]:
    """What cmark-gfm says the fixes made worse."""
    problems = []
    if visible_letters(text) - visible_letters(fixed):
        problems.append(f"letters lost: {visible_letters(text) - visible_letters(fixed)}")
    was_line = line_map(text, fixed)
    changed = [
        n for n, line in was_line.items() if line is None or text.splitlines()[line - 1] != fixed.splitlines()[n - 1]
    ]
    if changed:
        first = changed[0]  # the text above the first fix is the same in both
        raw = [b for b in blocks(text) if b.tag in ("html", "p") and b.last >= first]  # what a fix splits
        top = min([b.first for b in raw if b.first <= first] + [first])
        if [b for b in blocks(text) if b.last < top] != [b for b in blocks(fixed) if b.last < top]:
            problems.append("a block above the first fix changed")
    was = {(trap.line, unnumbered(trap.shown)) for trap in find_traps(text)}
    raw = {n for b in blocks(text) if b.tag in ("html", "p") for n in range(b.first, b.last + 1)}
    unlisted = {n for b in blocks(text) if b.depth == 0 and b.tag != "ol" for n in range(b.first, b.last + 1)}
    for trap in find_traps(fixed):
        line = was_line.get(trap.line)  # its number before the fixes
        if (line, unnumbered(trap.shown)) in was or (
            line in raw and (trap.shown.startswith(LIST_ENDED) or RAW in trap.shown)
        ):
            continue  # GitHub showed that line as raw HTML or paragraph text: still so, or a list of its own now
        if line in unlisted and trap.shown.startswith(LIST_ENDED):
            continue  # bullets that were outside every entry before too
        problems.append(f"new finding: {trap.message}")
    return problems


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PARTS), max_size=25))
def test_fix_never_makes_a_note_worse(parts: list[str]) -> None:
    text = "\n".join(["# 学习笔记（2022.3.7）", "", *parts]) + "\n"
    fixed, _changes = fix_note(text)
    assert worse(text, fixed) == []


def test_a_blank_line_is_not_put_where_it_would_make_code():
    # The indented field under </div> is raw text; a blank line above it would make it a
    # code block: the finding stays, the note is left as it is.
    text = "# 标题\n\n段落 para\n\n<div align=center><img src=a.png>\n</div>\n    - Tips: 窗口 window\n"
    assert [trap.line for trap in find_traps(text)] == [7]
    assert fix_note(text) == (text, [])


def test_nothing_is_put_inside_a_comment():
    text = "# 标题\n\n<!-- 草稿\n<div>\n</div>\n2. [x](https://e.org)\n-->\n\n正文 text\n"
    assert find_traps(text) == []
    assert fix_note(text) == (text, [])
