"""Publish finishes or leaves every byte as it was, and check always accepts what publish
writes: one test per edge a user met (issue "All or nothing")."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import commit_all, committed_repo, make_repo, note_text, write

HEAD = "# my_notes\n\n更新今日时间：2021.9.1\n\n"
TREE_AND_OTHERS = "## :paperclip:  历史更新\n\nold tree\n\n## :paperclip:  Others\n\n- keep\n"


def test_a_section_inside_details_keeps_the_closing_tag(tmp_path: Path, dairly):
    readme = (
        HEAD
        + "<details><summary>today</summary>\n\n## :paperclip:  今日要点\n\nold highlights\n\n</details>\n\n"
        + TREE_AND_OTHERS
    )
    make_repo(tmp_path, ["2022-01-05"], readme)
    result = dairly(tmp_path, "publish", "--no-commit")
    assert result.code == 0, result
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "1. [An article](https://example.com/a)         :star:\n   - Tips: x\n\n</details>\n\n## :paperclip:" in text
    assert dairly(tmp_path, "check").code == 0


def test_a_heading_inside_an_html_comment_is_not_a_heading(tmp_path: Path, dairly):
    readme = (
        HEAD
        + "<!-- an old layout, kept for reference:\n## :paperclip:  今日要点\n-->\n\n"
        + "## :paperclip:  今日要点\n\nold highlights\n\n"
        + TREE_AND_OTHERS
    )
    make_repo(tmp_path, ["2022-01-05"], readme)
    result = dairly(tmp_path, "publish", "--no-commit")
    assert result.code == 0, result
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert text.startswith(HEAD.replace("2021.9.1", "2022.1.5") + "<!-- an old layout, kept for reference:\n")
    assert "-->\n\n## :paperclip:  今日要点\n\n1. [An article]" in text
    assert dairly(tmp_path, "check").code == 0


def test_the_only_heading_inside_a_comment_is_reported_as_missing(tmp_path: Path, dairly):
    readme = HEAD + "<!--\n## :paperclip:  今日要点\n\nold\n-->\n\n" + TREE_AND_OTHERS
    make_repo(tmp_path, ["2022-01-05"], readme)
    before = (tmp_path / "README.md").read_bytes()
    result = dairly(tmp_path, "publish", "--no-commit")
    assert result.code == 2
    assert result.err == (
        "dairly: error: README.md: no '## 今日要点' heading (the newest note's highlights) found;"
        " line 6 has one inside an HTML comment, which GitHub does not show as a heading\n"
    )
    assert (tmp_path / "README.md").read_bytes() == before


def test_with_no_published_note_the_tree_is_empty_and_the_rest_stays(tmp_path: Path, dairly):
    make_repo(tmp_path, [])
    write(tmp_path, "notes/202201/0109.md", "---\ndraft: true\n---\n" + note_text("草稿（2022.1.9）"))
    before = (tmp_path / "README.md").read_text(encoding="utf-8")
    result = dairly(tmp_path, "publish", "--no-commit")
    assert result.code == 0, result
    after = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert after == before.replace("\nold tree\n\n", "\n\n")  # date line and 今日要点 untouched
    assert dairly(tmp_path, "check").out == "README.md is in sync with 0 notes\n"


# -- git -------------------------------------------------------------------------------


def state(root: Path, git) -> tuple[bytes, str, str, str]:
    """The README's bytes, HEAD, the index and the work tree's status."""
    return (
        (root / "README.md").read_bytes(),
        git(root, "rev-parse", "HEAD"),
        git(root, "ls-files", "--stage"),
        git(root, "status", "--porcelain"),
    )


def test_a_leftover_index_lock_is_refused_before_anything_is_written(tmp_path: Path, dairly, git):
    root = committed_repo(tmp_path / "r", git)
    write(root, "notes/202201/0110.md", note_text("笔记（2022.1.10）"))
    (root / ".git/index.lock").write_bytes(b"")
    before = state(root, git)
    result = dairly(root, "publish")
    assert result.code == 3
    assert result.err == (
        f"dairly: error: {root}/.git/index.lock exists: another git command is running, or one was stopped"
        " before it finished; when no git command is running, remove the file and publish again\n"
    )
    assert state(root, git) == before


def test_a_rejecting_hook_puts_the_readme_and_the_index_back(tmp_path: Path, dairly, git):
    root = committed_repo(tmp_path / "r", git)
    write(root, "notes/202201/0110.md", note_text("笔记（2022.1.10）"))
    git(root, "add", "notes/202201/0110.md")  # the user staged the new note: it stays staged
    hook = root / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\necho 'checking spelling...'\necho 'README.md: teh is not a word' >&2\nexit 1\n")
    hook.chmod(0o755)
    before = state(root, git)
    result = dairly(root, "publish")
    assert result.code == 3
    assert result.err == (
        "dairly: error: git commit failed: \n    checking spelling...\n    README.md: teh is not a word\n"
    )
    assert state(root, git) == before
    assert " M" not in before[3] and "A  notes/202201/0110.md" in before[3]


def test_notes_behind_a_symbolic_link_are_refused_before_anything_is_written(tmp_path: Path, dairly, git):
    root = committed_repo(tmp_path / "r", git)
    elsewhere = tmp_path / "elsewhere"
    (root / "notes").rename(elsewhere)
    (root / "notes").symlink_to(elsewhere)
    write(elsewhere, "202201/0110.md", note_text("笔记（2022.1.10）"))
    before = (root / "README.md").read_bytes()
    result = dairly(root, "publish")
    assert result.code == 3
    assert "dairly: error: notes is a symbolic link, and git does not commit files beyond one" in result.err
    assert (root / "README.md").read_bytes() == before


def test_nothing_to_commit_is_success(tmp_path: Path, dairly, git):
    root = committed_repo(tmp_path / "r", git)
    assert dairly(root, "publish").code == 0
    committed = (root / "README.md").read_bytes()
    # A hand edit staged, then taken back in the work tree only: the index differs from HEAD,
    # the file does not, and `git commit README.md` would say "nothing to commit".
    (root / "README.md").write_bytes(committed.replace(b"keep this line", b"changed"))
    git(root, "add", "README.md")
    (root / "README.md").write_bytes(committed)
    result = dairly(root, "publish")
    assert (result.code, result.out, result.err) == (0, "README.md is already up to date\nnothing to commit\n", "")
    assert git(root, "status", "--porcelain") == ""


def test_output_that_cannot_show_chinese_is_escaped_and_the_publish_completes(tmp_path: Path, dairly, git):
    root = committed_repo(tmp_path / "r", git)
    write(root, "notes/202201/0110.md", note_text("笔记（2022.1.10）"))
    result = dairly(root, "publish", env_extra={"PYTHONIOENCODING": "ascii", "PYTHONUTF8": "0", "LC_ALL": "C"})
    assert result.code == 0, result.err
    assert "Traceback" not in result.err
    assert "\\u" in result.out or "\\x" in result.out or "published" in result.out
    assert git(root, "log", "-1", "--format=%s") == "20220110\n"
    assert git(root, "status", "--porcelain") == ""


def test_a_linked_readme_is_written_through_its_link(tmp_path: Path, dairly, git):
    root = tmp_path / "r"
    make_repo(root, ["2022-01-09"])
    (root / "docs").mkdir()
    (root / "README.md").rename(root / "docs/README.md")
    (root / "README.md").symlink_to("docs/README.md")
    commit_all(root, git)
    write(root, "notes/202201/0110.md", note_text("笔记（2022.1.10）"))
    result = dairly(root, "publish")
    assert result.code == 0, result.err
    assert (root / "README.md").is_symlink() and os.readlink(root / "README.md") == "docs/README.md"
    assert "更新今日时间：2022.1.10" in (root / "docs/README.md").read_text(encoding="utf-8")
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == ["docs/README.md", "notes/202201/0110.md"]
    write(root, "notes/202201/0111.md", note_text("笔记（2022.1.11）"))
    git(root, "add", "notes/202201/0111.md")
    staged = dairly(root, "check", "--staged")
    assert staged.code == 1 and "notes/202201/0111.md: is missing from the 历史更新 tree" in staged.out
    assert dairly(root, "publish", "--no-commit").code == 0
    git(root, "add", "docs/README.md")
    assert dairly(root, "check", "--staged").code == 0


# -- files and messages -------------------------------------------------------------------


def test_years_below_1000_get_four_digit_folders_that_publish_accepts(tmp_path: Path, dairly):
    make_repo(tmp_path, [])
    result = dairly(tmp_path, "new", "--date", "0999-05-05")
    assert (result.code, result.out) == (0, "notes/099905/0505.md\n")
    (tmp_path / "notes/099905/0505.md").write_text(note_text("古代笔记（999.5.5）"), encoding="utf-8")
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    assert '<a href="notes/099905/0505.md" target="_blank">古代笔记（999.5.5）</a>' in (
        tmp_path / "README.md"
    ).read_text(encoding="utf-8")
    assert dairly(tmp_path, "check").code == 0


def test_no_lock_file_is_left_anywhere_outside_git(tmp_path: Path, dairly):
    root = make_repo(tmp_path / "r", ["2022-01-09"])
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    extra = {"TMPDIR": str(tmp)}
    for args in (["publish", "--dry-run"], ["publish", "--no-commit"], ["new", "--date", "2022-01-10"], ["lint"]):
        assert dairly(root, *args, env_extra=extra).code in (0, 1), args
    assert list(tmp.iterdir()) == []
    assert sorted(p.name for p in root.iterdir()) == ["README.md", "notes"]


def test_a_dry_run_works_in_a_read_only_repository(tmp_path: Path, dairly):
    root = make_repo(tmp_path / "r", ["2022-01-09"])
    for path in [root, *root.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        result = dairly(root, "publish", "--dry-run")
    finally:
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
    assert result.code == 0, result.err
    assert "+更新今日时间：2022.1.9" in result.out


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_a_read_only_readme_is_named(tmp_path: Path, dairly):
    root = make_repo(tmp_path / "r", ["2022-01-09"])
    (root / "README.md").chmod(0o444)
    result = dairly(root, "publish", "--no-commit")
    (root / "README.md").chmod(0o644)
    assert (result.code, result.err) == (5, "dairly: error: README.md: is read-only; make it writable to publish\n")


def test_a_failed_write_names_the_users_file_not_a_temporary_one(tmp_path: Path):
    from dairly.errors import FileSystemError
    from dairly.fsio import atomic_write

    with pytest.raises(FileSystemError) as caught:
        atomic_write(tmp_path / "gone" / "README.md", "text", "README.md")
    assert str(caught.value) == "README.md: not found"
    (tmp_path / "README.md").mkdir()
    with pytest.raises(FileSystemError) as caught:
        atomic_write(tmp_path / "README.md", "text", "README.md")
    assert str(caught.value) == "README.md: is a directory, not a file"
    assert list(tmp_path.iterdir()) == [tmp_path / "README.md"]  # no temporary file left behind


def test_a_file_where_a_month_folder_should_be_is_named(tmp_path: Path, dairly):
    root = make_repo(tmp_path / "r", ["2022-01-09"])
    (root / "notes/202204").write_text("not a folder", encoding="utf-8")
    result = dairly(root, "new", "--date", "2022-04-01")
    assert (result.code, result.err) == (
        5,
        "dairly: error: notes/202204: is a file where the month's folder should be; move it away\n",
    )


def test_skeleton_notes_are_never_promoted(tmp_path: Path, dairly):
    root = make_repo(tmp_path / "r", ["2022-01-09"])
    assert dairly(root, "new", "--date", "2022-01-10").code == 0
    result = dairly(root, "publish", "--no-commit")
    assert result.code == 0, result
    assert result.err == (
        "notes/202201/0110.md: warning: is unfinished: line 9 still holds the placeholder TODO from"
        " `dairly new`; it stays out of the README until it is filled in\n"
    )
    text = (root / "README.md").read_text(encoding="utf-8")
    assert "TODO" not in text and "更新今日时间：2022.1.9" in text
    assert dairly(root, "check").code == 0
    dated = dairly(root, "publish", "--no-commit", "--date", "2022-01-10")
    assert (dated.code, dated.err.splitlines()[-1]) == (
        1,
        "dairly: error: notes/202201/0110.md: is unfinished: line 9 still holds the placeholder TODO from `dairly new`",
    )


def test_a_note_that_would_break_the_readme_is_refused(tmp_path: Path, dairly):
    body = "1. [An article](https://example.com/a)\n   - Tips: see below\n\n<!-- unfinished thought\n"
    root = make_repo(tmp_path / "r", [])
    write(root, "notes/202201/0109.md", note_text("笔记（2022.1.9）", body))
    before = (root / "README.md").read_bytes()
    result = dairly(root, "publish", "--no-commit")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "notes/202201/0109.md:12: warning: GitHub hides everything from here to the end of the note (lines 12-16)"
        " in an HTML comment that is never closed; add --> where the comment should end\n"
        "dairly: error: README.md: the 今日要点 of notes/202201/0109.md would change where the README's parts are"
        " (a date line, an unclosed HTML comment or tag, a heading); fix the note and publish again\n"
    )
    assert (root / "README.md").read_bytes() == before
