"""`dairly publish` committing in real temporary git repositories."""

from __future__ import annotations

from pathlib import Path

from .conftest import commit_all, make_repo, note_text, write


def test_publish_commits_readme_and_new_notes_with_the_date(tmp_path: Path, dairly, git):
    make_repo(tmp_path, ["2022-01-09"])
    write(tmp_path, "unrelated.txt", "left alone\n")
    commit_all(tmp_path, git)
    write(tmp_path, "notes/202201/0123.md", note_text("笔记（2022.1.23）", "1. ![x](./images/a.png)\n"))
    write(tmp_path, "notes/202201/images/a.png", "png")
    write(tmp_path, "unrelated.txt", "changed, not ours\n")
    result = dairly(tmp_path, "publish")
    assert result.code == 0, result.err
    assert git(tmp_path, "log", "-1", "--format=%s|%an|%ce") == "20220123|Test Author|committer@example.com\n"
    assert git(tmp_path, "show", "--name-only", "--format=", "HEAD").split() == [
        "README.md",
        "notes/202201/0123.md",
        "notes/202201/images/a.png",
    ]
    assert "1. ![x](notes/202201/images/a.png)" in git(tmp_path, "show", "HEAD:README.md")
    assert git(tmp_path, "status", "--porcelain") == " M unrelated.txt\n"

    head = git(tmp_path, "rev-parse", "HEAD")
    again = dairly(tmp_path, "publish")
    assert (again.code, again.out) == (0, "README.md is already up to date\nnothing to commit\n")
    assert git(tmp_path, "rev-parse", "HEAD") == head


def test_publish_message_option(tmp_path: Path, dairly, git):
    make_repo(tmp_path, ["2022-01-09"])
    commit_all(tmp_path, git)
    assert dairly(tmp_path, "publish", "--message", "daily notes").code == 0
    assert git(tmp_path, "log", "-1", "--format=%s") == "daily notes\n"


def test_publish_does_not_commit_drafts(tmp_path: Path, dairly, git):
    make_repo(tmp_path, ["2022-01-09"])
    commit_all(tmp_path, git)
    write(tmp_path, "notes/202201/0110.md", "---\ndraft: true\n---\n" + note_text("草稿"))
    write(tmp_path, "notes/202201/0111.md", note_text("笔记（2022.1.11）"))
    assert dairly(tmp_path, "publish").code == 0
    assert git(tmp_path, "show", "--name-only", "--format=", "HEAD").split() == ["README.md", "notes/202201/0111.md"]
    assert "0110.md" not in (tmp_path / "README.md").read_text(encoding="utf-8")
    assert git(tmp_path, "status", "--porcelain") == "?? notes/202201/0110.md\n"


def test_publish_refuses_other_staged_paths(tmp_path: Path, dairly, git):
    make_repo(tmp_path, ["2022-01-09"])
    write(tmp_path, "other.txt", "x\n")
    commit_all(tmp_path, git)
    write(tmp_path, "other.txt", "staged change\n")
    git(tmp_path, "add", "other.txt")
    before = (tmp_path / "README.md").read_bytes()
    result = dairly(tmp_path, "publish")
    assert result.code == 3
    assert result.err == (
        "dairly: error: other paths are staged (other.txt); commit or unstage them first, or use --no-commit\n"
    )
    assert (tmp_path / "README.md").read_bytes() == before
    assert git(tmp_path, "log", "--format=%s") == "start\n"


def test_publish_outside_git_suggests_no_commit(tmp_path: Path, dairly):
    make_repo(tmp_path, ["2022-01-09"])
    before = (tmp_path / "README.md").read_bytes()
    result = dairly(tmp_path, "publish")
    assert result.code == 3
    assert "is not in a git repository; run `git init` first, or use --no-commit" in result.err
    assert (tmp_path / "README.md").read_bytes() == before


def test_publish_looks_at_git_once_and_commits_once(tmp_path: Path, dairly, git):
    import os
    import shutil

    commit_all(make_repo(tmp_path / "r", ["2022-01-09"]), git)
    write(tmp_path / "r", "notes/202201/0110.md", note_text("笔记（2022.1.10）"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "git-calls"
    (bin_dir / "git").write_text(f'#!/bin/sh\necho "$1" >> {log}\nexec {shutil.which("git")} "$@"\n')
    (bin_dir / "git").chmod(0o755)
    result = dairly(tmp_path / "r", "publish", env_extra={"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"})
    assert result.code == 0, result.err
    # GitPython, which makes the commit, asks `git version` on its own; git itself may
    # start `git maintenance` after the commit (not through PATH). After the one look:
    # the README's and the note's blobs, the index they are staged in, the commit from
    # it, a look at what it was made on, and git's own index given the committed files.
    assert [call for call in log.read_text().split() if call != "version"] == [
        "status",
        *["hash-object", "hash-object", "read-tree", "update-index"],
        *["commit", "rev-list", "update-index"],
    ]
