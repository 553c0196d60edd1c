"""The first hour of a new user, trap by trap (issue 19): from `dairly init` in an empty
folder or on a README of one's own, through the first days of `new` and `publish`, to a
clone that passes `dairly check` in CI. Real temp folders and real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from dairly.config import Settings
from dairly.readme.starter import add_missing_parts

from .conftest import write

EN_README = "# notes\n\nLast updated: \n\n## Today\n\n## History\n\n## Others\n"


def _fresh(tmp_path: Path, git) -> Path:
    root = tmp_path / "notes-repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


# -- 1. clones pass `check` --------------------------------------------------------------


def test_init_commits_what_it_wrote_so_a_clone_passes_check(tmp_path: Path, dairly, git):
    root = _fresh(tmp_path, git)
    result = dairly(root, "init", "--preset", "en", "--no-hook")
    assert result.code == 0, result.err
    sha = git(root, "rev-parse", "--short", "HEAD").strip()
    assert f"committed {sha} 'dairly init': dairly.toml, README.md, .gitattributes\n" in result.out
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "log", "--format=%s") == "dairly init\n"
    git(tmp_path, "clone", "-q", str(root), "clone")
    check = dairly(tmp_path / "clone", "check")
    assert (check.code, check.out, check.err) == (0, "README.md is in sync with 0 notes\n", "")


def test_init_commits_only_its_own_files(tmp_path: Path, dairly, git):
    root = _fresh(tmp_path, git)
    write(root, "todo.txt", "mine\n")
    git(root, "add", "todo.txt")
    write(root, "scratch.txt", "also mine\n")
    assert dairly(root, "init", "--no-hook").code == 0
    assert git(root, "show", "--name-only", "--format=", "HEAD") == ".gitattributes\nREADME.md\n"
    assert git(root, "status", "--porcelain") == "A  todo.txt\n?? scratch.txt\n"


def test_init_leaves_a_readme_with_uncommitted_edits_and_says_what_to_commit(tmp_path: Path, dairly, git):
    root = _fresh(tmp_path, git)
    write(root, "README.md", "# mine\n")
    git(root, "add", "README.md")
    git(root, "commit", "-q", "-m", "mine")
    write(root, "README.md", "# mine\n\nan edit not committed yet\n")
    result = dairly(root, "init", "--no-hook")
    assert result.code == 0, result.err
    assert "committed" in result.out and "'dairly init': .gitattributes\n" in result.out
    assert result.out.endswith(
        "commit what init wrote, so that clones and CI read it too: git add README.md && git commit -m 'dairly init'\n"
    )
    assert git(root, "status", "--porcelain") == " M README.md\n"


def test_init_that_cannot_commit_says_what_to_commit(tmp_path: Path, dairly, git, env):
    root = _fresh(tmp_path, git)
    no_identity = {k: "" for k in env if k.startswith("GIT_AUTHOR") or k.startswith("GIT_COMMITTER")}
    result = dairly(root, "init", "--preset", "en", "--no-hook", env_extra={**no_identity, "EMAIL": ""})
    assert result.code == 0, result.err
    assert "not committed: git commit failed" in result.out
    assert result.out.endswith(
        "commit what init wrote, so that clones and CI read it too:"
        " git add dairly.toml README.md .gitattributes && git commit -m 'dairly init'\n"
    )


def test_check_names_the_missing_settings_file(tmp_path: Path, dairly):
    write(tmp_path, "README.md", EN_README)
    result = dairly(tmp_path, "check")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "dairly: error: README.md: no '## 今日要点' heading (the newest note's highlights) found;"
        " the README's headings match the en preset: is dairly.toml missing or not committed?\n"
    )


# -- 2. adopting a README of one's own ---------------------------------------------------

MINE = (
    "# reading log\n"
    "[![ci](https://example.com/badge.svg)](https://example.com/ci)\n"
    "\n"
    "What I read, by day.\n"
    "\n"
    "## Links\n"
    "\n"
    "- [my site](https://example.com)\n"
)


def test_publish_right_after_adopting_needs_no_force(tmp_path: Path, dairly, git):
    root = _fresh(tmp_path, git)
    write(root, "README.md", MINE)
    write(root, "notes/202403/0305.md", "# Day one\n\n## 今日要点\n\n1. [Read](https://example.com/r)\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "mine")
    assert dairly(root, "init", "--no-hook").code == 0
    publish = dairly(root, "publish")
    assert publish.code == 0, publish.err
    assert git(root, "status", "--porcelain") == ""
    assert dairly(root, "check").code == 0
    text = (root / "README.md").read_text(encoding="utf-8")
    assert text.startswith(MINE[: MINE.index("## Links")] + "更新今日时间：2024.3.5\n\n## Links\n")


@pytest.mark.parametrize(
    ("readme", "expected"),
    [
        (MINE, MINE.replace("## Links", "更新今日时间：\n\n## Links")),
        ("# T\n\nOne.\n\nTwo.\n\n- a list\n", "# T\n\nOne.\n\nTwo.\n\n更新今日时间：\n\n- a list\n"),
        ("# T\nA setext\n---\n", "# T\n\n更新今日时间：\n\nA setext\n---\n"),  # never under the title's line
        ("# T\n\n```\n## code\n```\n", "# T\n\n更新今日时间：\n\n```\n## code\n```\n"),
        ("# T", "# T\n\n更新今日时间：\n"),
        ("no title\n", "更新今日时间：\n\nno title\n"),
    ],
)
def test_the_date_line_goes_after_the_opening_block(readme: str, expected: str):
    sections = "\n## :paperclip:  今日要点\n\n## :paperclip:  历史更新\n"
    assert add_missing_parts(readme, Settings()) == expected + sections


# -- Issue 20, 13: init in a folder of a larger repository -----------------------------------


def test_init_in_a_subfolder_writes_nothing_and_says_why(tmp_path: Path, dairly, git):
    root = _fresh(tmp_path, git)
    write(root, "README.md", "# a project of its own\n")
    (root / "journal").mkdir()
    result = dairly(root / "journal", "init", "--no-hook")
    assert result.code == 2
    assert result.err == (
        f"dairly: error: this folder is inside the git repository at {root}, and dairly commands run anywhere"
        " in it work on its top level; to make the top level a notes repository, run `dairly init` there;"
        " to keep the notes in this folder, run `dairly --root . init` here and give every dairly command"
        " `--root journal` from the top\n"
    )
    assert sorted(p.name for p in root.iterdir()) == [".git", "README.md", "journal"]
    assert list((root / "journal").iterdir()) == []
    here = dairly(root / "journal", "--root", ".", "init", "--no-hook")
    assert here.code == 0, here.err
    assert sorted(p.name for p in (root / "journal").iterdir()) == ["README.md", "notes"]
    assert git(root, "show", "--name-only", "--format=", "HEAD") == ".gitattributes\njournal/README.md\n"
