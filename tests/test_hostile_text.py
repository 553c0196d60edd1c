"""Hostile text is linear: 100,000-character runs of every character Markdown gives a
meaning to (and of CJK text), and of openers that never close (`*a `, `<!--a`, `<a href='`,
in the README's history too), in a note's 今日要点 and in the README go through every
command that reads them without hanging. The guard is the timeout, not a measured time:
a regular expression that backtracks (a run of 4,000 backticks once took seconds, growing
with the cube of its length; `<a href='` repeated in the history, the cube too) would
take hours on these runs, so the test hangs and the timeout fails it; a slow machine
never does (speed is bench/run.py's)."""

from __future__ import annotations

import contextlib
import datetime
import re
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dairly.commands import check, export, feed, lint, publish, search, stats
from dairly.errors import DairlyError
from dairly.workspace import Workspace
from tests.conftest import README_SKELETON, note_text, write

RUN = 100_000
CHARACTERS = [*"`*_~[]()<>!#-|\\&", "中文"]
OPENERS = ["*a ", "**a ", "_a ", "~~a ", "<!--a", "<a href='", "<details><summary>"]
TODAY = datetime.date(2022, 1, 10)


def hostile_repo(root: Path, git, run: str, *, in_history: bool = False) -> Workspace:
    body = f"1. [文章 An article](https://example.com/a)  :star:\n   - Tips: {run}\n\n{run}\n<div>{run}</div>\n"
    write(root, "notes/202201/0109.md", note_text("笔记（2022.1.9）", body))
    readme = README_SKELETON.replace("- keep this line\n", f"- keep this line {run}\n\n{run}\n")
    write(root, "README.md", readme.replace("old tree\n", f"old tree {run}\n") if in_history else readme)
    git(root, "init", "-q", "-b", "main")
    return Workspace.open(root)


def every_command(ws: Workspace) -> None:
    calls = [
        lambda: check.run(ws, today=TODAY),
        lambda: publish.run(ws, today=TODAY, commit=False),
        lambda: check.run(ws, today=TODAY),
        lambda: lint.run(ws),
        lambda: stats.run(ws, today=TODAY, as_json=True),
        lambda: search.run(ws, "文章"),
        lambda: feed.run(ws, output_path=None, limit=5, base_url="https://example.com/notes/"),
        lambda: export.run(ws, as_json=True),
    ]
    for call in calls:
        with contextlib.suppress(DairlyError):  # a clear refusal is fine; only the time matters here
            call()


@pytest.mark.timeout(120)
@pytest.mark.parametrize("character", CHARACTERS + OPENERS)
def test_runs_of_a_special_character_go_through_every_command_without_hanging(
    tmp_path: Path, git, capsysbinary, character: str
) -> None:
    ws = hostile_repo(tmp_path, git, (character * RUN)[:RUN], in_history=character in OPENERS)
    every_command(ws)  # an unexpected exception fails it; a backtracking pattern hangs into the timeout
    capsysbinary.readouterr()


# What the linear scanners replace, as the regular expressions they stand for.
_OLD_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->")
_OLD_STRONG = re.compile(r"(\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1")
_OLD_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])")
_OLD_TREE_LINK = re.compile(r"""<a\s[^>]*?href\s*=\s*(["'])(.*?)\1[^>]*>(.*?)</a>""", re.IGNORECASE)
_OLD_SUMMARY = re.compile(r"(<pre>\s*)?<details>\s*<summary>(.*?)</summary>", re.IGNORECASE)
_OLD_COMMENT = re.compile(r"<!--.*?-->")

PIECES = ["*", "**", "_", "__", "~~", "~", "a", "é", "1", " ", "\n", "<!--", "-->", "-", "<b>", "</b>", "<", ">", "\t"]
TREE_PIECES = ["<a ", "<A  ", "href=", "href = ", "'", '"', "x", ">", "</a>", "<details>", "<summary>", "</summary>",
               "<pre>", " ", "t", "<", "İ"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_the_linear_inline_scanners_match_the_regular_expressions(text: str) -> None:
    from dairly import markdown
    from dairly.notes import entries

    assert entries._without_tags(text) == _OLD_TAG.sub("", text)
    strong = entries._spans(text, entries._STRONG, entries._strong_opens, entries._strong_closes)
    assert strong == _OLD_STRONG.sub(lambda m: m.group(2), text)
    emphasis = entries._spans(text, entries._EMPHASIS, entries._emphasis_opens, entries._emphasis_closes)
    assert emphasis == _OLD_EMPHASIS.sub(lambda m: m.group(1) or m.group(2), text)
    assert markdown.without_comments(text) == _OLD_COMMENT.sub("", text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TREE_PIECES), max_size=30).map("".join))
def test_the_linear_tree_scanners_match_the_regular_expressions(text: str) -> None:
    from dairly.readme.drift import summaries, tree_links

    assume(">" not in "".join(m.group(2) for m in _OLD_TREE_LINK.finditer(text)))  # dairly escapes `>` in an href
    assert tree_links(text) == [(m.group(2), m.group(3)) for m in _OLD_TREE_LINK.finditer(text)]
    assert summaries(text) == [(m.group(1) is not None, m.group(2)) for m in _OLD_SUMMARY.finditer(text)]
