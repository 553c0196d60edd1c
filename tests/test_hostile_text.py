"""Hostile text is linear: 100,000-character runs of every character Markdown gives a
meaning to (and of CJK text) in a note's 今日要点 and in the README go through every
command that reads them without hanging. The guard is the timeout, not a measured time:
a regular expression that backtracks (a run of 4,000 backticks once took seconds, growing
with the cube of its length) would take hours on these runs, so the test hangs and the
timeout fails it; a slow machine never does (speed is bench/run.py's)."""

from __future__ import annotations

import contextlib
import datetime
from pathlib import Path

import pytest

from dairly.commands import check, export, feed, lint, publish, search, stats
from dairly.errors import DairlyError
from dairly.workspace import Workspace
from tests.conftest import README_SKELETON, note_text, write

RUN = 100_000
CHARACTERS = [*"`*_~[]()<>!#-|\\&", "中文"]
TODAY = datetime.date(2022, 1, 10)


def hostile_repo(root: Path, git, run: str) -> Workspace:
    body = f"1. [文章 An article](https://example.com/a)  :star:\n   - Tips: {run}\n\n{run}\n<div>{run}</div>\n"
    write(root, "notes/202201/0109.md", note_text("笔记（2022.1.9）", body))
    write(root, "README.md", README_SKELETON.replace("- keep this line\n", f"- keep this line {run}\n\n{run}\n"))
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
@pytest.mark.parametrize("character", CHARACTERS)
def test_runs_of_a_special_character_go_through_every_command_without_hanging(
    tmp_path: Path, git, capsysbinary, character: str
) -> None:
    ws = hostile_repo(tmp_path, git, (character * RUN)[:RUN])
    every_command(ws)  # an unexpected exception fails it; a backtracking pattern hangs into the timeout
    capsysbinary.readouterr()
