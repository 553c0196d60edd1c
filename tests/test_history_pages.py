"""The README fits what GitHub shows: past its budget (readme_budget) the history tree's
oldest years move to pages of their own, history/YYYY.md beside the README, written and
committed by publish, checked by check and the hook, kept by the merge driver; check warns
past the budget and fails past the 512,000 bytes GitHub shows."""

from __future__ import annotations

import datetime
import html
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import README_SKELETON, commit_all, make_repo, note_text, write

TREE_LINK = re.compile(r'<a href="([^"]+)"')


def small_repo(tmp_path: Path, git, dairly, budget: int) -> Path:
    """Five notes in three years, published whole, then given a budget."""
    root = make_repo(tmp_path / "repo", ["2019-03-01", "2019-04-02", "2020-05-03", "2021-06-04", "2021-06-05"])
    commit_all(root, git)
    assert dairly(root, "publish").code == 0
    write(root, "dairly.toml", f"readme_budget = {budget}\n")
    git(root, "add", "dairly.toml")
    git(root, "commit", "-q", "-m", "budget")
    return root


FOLDED_TREE = (
    "## :paperclip:  历史更新\n\n"
    '<pre><a href="history/2019.md">2019年</a>\n'
    "</pre>\n"
    "<pre><details><summary>2020年</summary>\n"
    "<details><summary>5月</summary>\n"
    '    1. <a href="notes/202005/0503.md" target="_blank">学习笔记（2020.5.3）</a>\n'
    "</details>\n"
    "</pre>\n"
    "<pre><details><summary>2021年</summary>\n"
    "<details><summary>6月</summary>\n"
    '    1. <a href="notes/202106/0604.md" target="_blank">学习笔记（2021.6.4）</a>\n'
    '    2. <a href="notes/202106/0605.md" target="_blank">学习笔记（2021.6.5）</a>\n'
    "</details>\n"
    "</pre>\n\n"
)
PAGE_2019 = (
    "<!-- Written by `dairly publish` from the notes: edit the notes, not this page. -->\n"
    "# 2019年\n\n"
    "[README.md](../README.md)\n\n"
    "<pre><details open><summary>2019年</summary>\n"
    "<details open><summary>3月</summary>\n"
    '    1. <a href="../notes/201903/0301.md" target="_blank">学习笔记（2019.3.1）</a>\n'
    "</details>\n"
    "<details open><summary>4月</summary>\n"
    '    1. <a href="../notes/201904/0402.md" target="_blank">学习笔记（2019.4.2）</a>\n'
    "</details>\n"
    "</pre>\n"
)


def test_past_years_move_to_pages_when_the_tree_passes_the_budget(tmp_path, git, dairly):
    root = small_repo(tmp_path, git, dairly, 900)
    before = dairly(root, "check")
    assert (before.code, before.out) == (
        1,
        "history/2019.md: is missing: the 历史更新 tree moves 2019 here to keep README.md within readme_budget\n"
        "README.md:15: the 历史更新 tree would take the README past its budget of 900 bytes (readme_budget):"
        " 1 past year moves to pages of their own\n"
        "2 problems; run `dairly publish` to fix the README\n",
    )
    published = dairly(root, "publish")
    assert published.code == 0, published.err
    commit = published.out.splitlines()[-1]
    assert published.out.splitlines()[:-1] == [
        "README.md: published notes/202106/0605.md",
        "  updated: README.md:15: the 历史更新 tree would take the README past its budget of 900 bytes"
        " (readme_budget): 1 past year moves to pages of their own",
        "  wrote history/2019.md",
    ]
    assert commit.endswith(" '20210605': README.md, history/2019.md")
    assert "history/2019.md" in git(root, "show", "--name-only", "--format=", "HEAD").split()
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert FOLDED_TREE in readme and len(readme.encode("utf-8")) <= 900
    assert (root / "history/2019.md").read_text(encoding="utf-8") == PAGE_2019
    assert dairly(root, "check").out == "README.md is in sync with 5 notes\n"
    assert dairly(root, "check", "--staged").code == 0
    # A page edited by hand is drift publish puts back; a file dairly did not write there stops it.
    write(root, "history/2019.md", PAGE_2019.replace("3月", "三月"))
    result = dairly(root, "check")
    assert (result.code, result.out.splitlines()[0]) == (
        1,
        "history/2019.md: differs from what `dairly publish` writes",
    )
    write(root, "history/2019.md", "# my own history\n")
    result = dairly(root, "publish", "--no-commit")
    assert result.code == 1
    assert result.out.splitlines()[0] == (
        "history/2019.md: is not a page dairly wrote, but a past year of the history tree goes there; move it"
    )
    assert (root / "history/2019.md").read_text(encoding="utf-8") == "# my own history\n"


def test_below_the_budget_nothing_changes(tmp_path, git, dairly):
    whole = small_repo(tmp_path, git, dairly, 1019)  # the README's size: not past the budget
    readme = (whole / "README.md").read_bytes()
    assert len(readme) == 1019 and b"<pre><details><summary>2019\xe5\xb9\xb4</summary>\n" in readme
    assert dairly(whole, "check").out == "README.md is in sync with 5 notes\n"
    assert dairly(whole, "publish").code == 0
    assert (whole / "README.md").read_bytes() == readme and not (whole / "history").exists()


def test_check_warns_past_the_budget_and_fails_past_what_github_shows(tmp_path, git, dairly):
    root = small_repo(tmp_path, git, dairly, 300)
    assert dairly(root, "publish").code == 0
    result = dairly(root, "check")
    size = len((root / "README.md").read_bytes())
    assert result.code == 0
    assert result.err == (
        f"README.md: warning: is {size:,} bytes, past its budget of 300 bytes (readme_budget);"
        " the history tree keeps only the newest year already; move hand-written text out of the README\n"
    )
    readme = (root / "README.md").read_text(encoding="utf-8")
    write(root, "README.md", readme.replace("- keep this line\n", "- keep this line\n" + "长" * 171_000 + "\n"))
    result = dairly(root, "check")
    size = len((root / "README.md").read_bytes())
    assert (result.code, result.out.splitlines()[0]) == (
        1,
        f"README.md: is {size:,} bytes: GitHub shows only the first 512,000; the history tree keeps only the"
        " newest year already; move hand-written text out of the README",
    )
    write(root, "dairly.toml", "readme_budget = 600000\n")
    result = dairly(root, "check")
    assert result.out.splitlines()[0].endswith(
        "; lower readme_budget (now 600,000) so publish moves past years to pages of their own"
    )
    write(root, "dairly.toml", "readme_budget = 'big'\n")
    result = dairly(root, "check")
    assert (result.code, result.err) == (
        2,
        "dairly: error: dairly.toml: setting 'readme_budget' must be a number of bytes such as 400000\n",
    )


# --- 10,000 notes --------------------------------------------------------------------------


def _days(count: int) -> list[datetime.date]:
    """`count` days from 1990-01-01 on, leaving out the 15th and 16th (room for notes written later)."""
    found, day = [], datetime.date(1990, 1, 1)
    while len(found) < count:
        if day.day not in (15, 16):
            found.append(day)
        day += datetime.timedelta(days=1)
    return found


def _reachable(root: Path) -> set[str]:
    """Every note linked from the README, directly or through a past year's page."""
    found = set()
    readme = (root / "README.md").read_text(encoding="utf-8")
    for href in TREE_LINK.findall(readme):
        href = html.unescape(href)
        if href.startswith("history/"):
            page = (root / href).read_text(encoding="utf-8")
            found |= {str(Path("history", h)).replace("history/../", "") for h in TREE_LINK.findall(page)}
            found -= {"README.md"}
        elif href.startswith("notes/"):
            found.add(href)
    return found


def _add(root: Path, day: datetime.date) -> str:
    path = f"notes/{day.year}{day.month:02d}/{day.month:02d}{day.day:02d}.md"
    write(root, path, note_text(f"笔记（{day.year}.{day.month}.{day.day}）"))
    return path


@pytest.fixture
def memory_tmp(tmp_path: Path) -> Iterator[Path]:
    """A temporary folder in memory where the system has one (/dev/shm): ten thousand
    files are written and committed there in a fraction of the time a disk takes."""
    if not os.access("/dev/shm", os.W_OK):
        yield tmp_path
        return
    folder = Path(tempfile.mkdtemp(prefix="dairly-test-", dir="/dev/shm"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_ten_thousand_notes_publish_check_hook_and_merge(memory_tmp, git, dairly, env):
    root = memory_tmp / "repo"
    write(root, "README.md", README_SKELETON)
    days = _days(10_000)
    paths = {_add(root, day) for day in days}
    commit_all(root, git)
    published = dairly(root, "publish")
    assert published.code == 0, published.out + published.err
    assert len((root / "README.md").read_bytes()) <= 400_000
    pages = sorted(p.name for p in (root / "history").iterdir())
    assert pages == [f"{year}.md" for year in range(1990, 1990 + len(pages))] and len(pages) >= 10
    assert _reachable(root) == paths
    assert dairly(root, "check").out == "README.md is in sync with 10000 notes\n"
    # The hook: the commit of the merge driver's attributes passes `check --staged`.
    assert dairly(root, "hook", "install").code == 0
    assert (
        root / ".gitattributes"
    ).read_text() == "/README.md merge=dairly-readme\n/history/*.md merge=dairly-readme\n"
    git(root, "add", ".gitattributes")
    git(root, "commit", "-q", "-m", "attributes")
    assert dairly(root, "check", "--staged").code == 0

    # Two branches each write a note in the same month of a past year (so git's line merge
    # of its page conflicts: the numbers after it change on both sides) and a new newest
    # note, and publish.
    newest = days[-1]
    for branch, past, new in (
        ("side", datetime.date(1993, 3, 15), newest + datetime.timedelta(days=1)),
        ("main", datetime.date(1993, 3, 16), newest + datetime.timedelta(days=2)),
    ):
        git(root, "checkout", "-q", "-B", branch, "main")
        paths |= {_add(root, past), _add(root, new)}
        result = dairly(root, "publish", "--date", new.isoformat())
        assert result.code == 0, result.out + result.err
    merged = subprocess.run(
        ["git", "merge", "--no-edit", "side"], cwd=root, env=env, capture_output=True, text=True, encoding="utf-8"
    )
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "Auto-merging history/1993.md" in merged.stdout and "CONFLICT" not in merged.stdout
    assert "dairly:" not in merged.stderr  # the driver regenerated both, never fell back to a line merge
    assert dairly(root, "check").out == "README.md is in sync with 10004 notes\n"
    page = (root / "history/1993.md").read_text(encoding="utf-8")
    assert "../notes/199303/0315.md" in page and "../notes/199303/0316.md" in page
    assert _reachable(root) == paths
    assert len((root / "README.md").read_bytes()) <= 400_000
