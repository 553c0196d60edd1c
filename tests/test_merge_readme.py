"""The README merge driver, `dairly merge-readme`, on real git repositories: two branches
that each add and publish a note merge without a conflict, hand edits are merged as git
merges them, conflicting hand edits are left to a person, and whatever dairly cannot
merge falls back to git's own line merge."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dairly.config import Settings
from dairly.errors import InputError
from dairly.readme.merge import PLACEHOLDER, Owned, merge_owned, neutralise, placeholders, side

from .conftest import DAIRLY, README_SKELETON, make_repo, note_text, write


def add_note(root: Path, iso: str, title: str | None = None) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    path = f"notes/{y}{m:02d}/{m:02d}{d:02d}.md"
    body = f"1. [Article {iso}](https://example.com/{iso})         :star:\n   - Tips: x\n"
    write(root, path, note_text(title or f"笔记（{y}.{m}.{d}）", body))
    return path


def expected_readme(
    newest: str, notes: list[tuple[int, str]], line2: str = "主要内容：示例", last: str = "- keep this line"
) -> str:
    """The skeleton README as publish writes it: the newest note's highlights, the tree of
    `notes` ((day, title) in January 2022) and the two hand-written lines."""
    y, m, d = (int(x) for x in newest.split("-"))
    tree = "".join(
        f'    {n}. <a href="notes/202201/01{day:02d}.md" target="_blank">{title}</a>\n'
        for n, (day, title) in enumerate(notes, start=1)
    )
    return (
        "# my_notes\n"
        f"{line2}\n"
        "\n"
        "更新开始时间：2021.9.1\n"
        "\n"
        f"更新今日时间：{y}.{m}.{d}\n"
        "\n"
        "------\n"
        "\n"
        "## :paperclip:  今日要点\n"
        "\n"
        f"1. [Article {newest}](https://example.com/{newest})         :star:\n"
        "   - Tips: x\n"
        "\n"
        "## :paperclip:  历史更新\n"
        "\n"
        "<pre><details><summary>2022年</summary>\n"
        "<details><summary>1月</summary>\n"
        f"{tree}"
        "</details>\n"
        "</pre>\n"
        "\n"
        "## :paperclip:  Others\n"
        "\n"
        f"{last}\n"
    )


def start(root: Path, git, dairly, *, register: bool = True) -> None:
    """A published repository with one note (2022-01-09) and, with `register`, the merge
    driver registered by `dairly hook install` and .gitattributes committed."""
    make_repo(root, [])
    add_note(root, "2022-01-09", "学习笔记（2022.1.9）")
    git(root, "init", "-q", "-b", "main")
    published = dairly(root, "publish")
    assert published.code == 0, published.err
    if register:
        installed = dairly(root, "hook", "install")
        assert installed.code == 0, installed.err
        git(root, "add", ".gitattributes")
        git(root, "commit", "-q", "-m", "merge driver")


def publish_on(root: Path, git, dairly, branch: str, iso: str, base: str = "main") -> None:
    """Check out `branch` (made from `base`), add the note of `iso` and publish it."""
    git(root, "checkout", "-q", "-B", branch, base)
    add_note(root, iso)
    result = dairly(root, "publish")
    assert result.code == 0, result.err


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_bytes(text.replace(old, new).encode("utf-8"))


def merge(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "merge", "--no-edit", *args], cwd=root, env=env, capture_output=True, text=True, encoding="utf-8"
    )


JAN = [(9, "学习笔记（2022.1.9）"), (10, "笔记（2022.1.10）"), (11, "笔记（2022.1.11）")]


# --- (a) two branches each publish a note ------------------------------------------------


@pytest.mark.parametrize("strategy", ["ort", "recursive"])
def test_two_published_notes_merge_without_conflict(tmp_path: Path, dairly, git, env, strategy):
    start(tmp_path, git, dairly)
    publish_on(tmp_path, git, dairly, "side", "2022-01-11")
    publish_on(tmp_path, git, dairly, "main", "2022-01-10")
    merged = merge(tmp_path, env, "-s", strategy, "side")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "CONFLICT" not in merged.stdout
    assert merged.stderr == ""
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == expected_readme("2022-01-11", JAN)
    assert git(tmp_path, "status", "--porcelain") == ""  # the merge commit holds that README
    assert git(tmp_path, "log", "-1", "--format=%P").count(" ") == 1
    checked = dairly(tmp_path, "check")
    assert (checked.code, checked.out) == (0, "README.md is in sync with 3 notes\n")


def test_without_the_driver_the_same_merge_conflicts(tmp_path: Path, dairly, git, env):
    start(tmp_path, git, dairly, register=False)
    publish_on(tmp_path, git, dairly, "side", "2022-01-11")
    publish_on(tmp_path, git, dairly, "main", "2022-01-10")
    merged = merge(tmp_path, env, "side")
    assert merged.returncode == 1
    assert "CONFLICT (content): Merge conflict in README.md" in merged.stdout


def test_git_calls_the_driver_before_it_writes_their_notes(tmp_path: Path, dairly, git, env):
    """Why the driver merges the notes from the commits (dairly.mergedriver.merged_notes)
    instead of reading them from the work tree or the index: when git runs the driver,
    neither holds their note yet, and MERGE_HEAD does not exist."""
    start(tmp_path, git, dairly, register=False)
    write(tmp_path, ".gitattributes", "/README.md merge=probe\n")
    git(tmp_path, "add", ".gitattributes")
    git(tmp_path, "commit", "-q", "-m", "probe")
    probe = (
        "{ ls notes/202201; git ls-files notes; test -e .git/MERGE_HEAD && echo MERGE_HEAD; } > .git/seen;"
        " git merge-file %A %O %B"
    )
    git(tmp_path, "config", "merge.probe.driver", probe)
    publish_on(tmp_path, git, dairly, "side", "2022-01-11")
    publish_on(tmp_path, git, dairly, "main", "2022-01-10")
    merge(tmp_path, env, "side")
    assert (tmp_path / ".git/seen").read_text() == ("0109.md\n0110.md\nnotes/202201/0109.md\nnotes/202201/0110.md\n")


def test_two_machines_pull_with_merge_and_with_rebase(tmp_path: Path, dairly, git, env):
    remote = tmp_path / "remote.git"
    first = tmp_path / "first"
    start(first, git, dairly)
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(first, "remote", "add", "origin", str(remote))
    git(first, "push", "-q", "-u", "origin", "main")
    for name in ("merging", "rebasing"):
        git(tmp_path, "clone", "-q", str(remote), name)
        assert dairly(tmp_path / name, "hook", "install").code == 0  # git config is not cloned
    publish_on(first, git, dairly, "main", "2022-01-11", base="HEAD")
    git(first, "push", "-q")
    for name, how in (("merging", "--no-rebase"), ("rebasing", "--rebase")):
        clone = tmp_path / name
        publish_on(clone, git, dairly, "main", "2022-01-10", base="HEAD")
        pulled = subprocess.run(
            ["git", "pull", "-q", how], cwd=clone, env=env, capture_output=True, text=True, encoding="utf-8"
        )
        assert pulled.returncode == 0, pulled.stdout + pulled.stderr
        assert (clone / "README.md").read_text(encoding="utf-8") == expected_readme("2022-01-11", JAN), name
        assert git(clone, "status", "--porcelain") == ""
        assert dairly(clone, "check").code == 0


def test_a_rebase_replays_publish_commits(tmp_path: Path, dairly, git):
    start(tmp_path, git, dairly)
    publish_on(tmp_path, git, dairly, "side", "2022-01-11")
    publish_on(tmp_path, git, dairly, "main", "2022-01-10")
    add_note(tmp_path, "2022-01-12")
    assert dairly(tmp_path, "publish").code == 0
    git(tmp_path, "rebase", "-q", "side")  # two picks, each merged by the driver
    titles = [*JAN, (12, "笔记（2022.1.12）")]
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == expected_readme("2022-01-12", titles)
    assert git(tmp_path, "log", "--format=%s", "-3").split() == ["20220112", "20220110", "20220111"]
    # the first pick, too, was regenerated from the notes it had: 0109, 0110 and 0111
    assert git(tmp_path, "show", "HEAD~1:README.md") == expected_readme("2022-01-11", JAN)
    assert dairly(tmp_path, "check").code == 0


def test_a_note_both_sides_changed_is_merged_line_by_line(tmp_path: Path, dairly, git, env):
    start(tmp_path, git, dairly)
    publish_on(tmp_path, git, dairly, "side", "2022-01-11")
    edit(tmp_path / "notes/202201/0109.md", "   - Tips: x\n", "   - Tips: x, side\n")  # a line below the title
    git(tmp_path, "commit", "-q", "-am", "side tips")
    publish_on(tmp_path, git, dairly, "main", "2022-01-10")
    edit(tmp_path / "notes/202201/0109.md", "# 学习笔记（2022.1.9）", "# 学习笔记（2022.1.9 renamed）")
    assert dairly(tmp_path, "publish").code == 0
    merged = merge(tmp_path, env, "side")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    titles = [(9, "学习笔记（2022.1.9 renamed）"), *JAN[1:]]  # the title git's merge of the note gives
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == expected_readme("2022-01-11", titles)
    assert "x, side" in (tmp_path / "notes/202201/0109.md").read_text(encoding="utf-8")
    assert dairly(tmp_path, "check").code == 0


def test_blank_owned_sections_in_the_base_merge_too(tmp_path: Path, dairly, git, env):
    """The first publish on two machines, from a README whose owned sections are empty."""
    blank = README_SKELETON.replace("old highlights\n\n", "").replace("old tree\n\n", "")
    make_repo(tmp_path, [], readme=blank)
    add_note(tmp_path, "2022-01-09", "学习笔记（2022.1.9）")
    git(tmp_path, "init", "-q", "-b", "main")
    assert dairly(tmp_path, "hook", "install").code == 0
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "--no-verify", "-m", "unpublished")
    publish_on(tmp_path, git, dairly, "side", "2022-01-11")
    publish_on(tmp_path, git, dairly, "main", "2022-01-10")
    merged = merge(tmp_path, env, "side")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == expected_readme("2022-01-11", JAN)
    assert dairly(tmp_path, "check").code == 0


# --- (b) and (c) hand edits ----------------------------------------------------------------


def test_hand_edits_on_different_lines_are_both_kept(tmp_path: Path, dairly, git, env):
    start(tmp_path, git, dairly)
    git(tmp_path, "checkout", "-q", "-b", "side")
    edit(tmp_path / "README.md", "- keep this line\n", "- keep this line, edited on side\n")
    git(tmp_path, "commit", "-q", "-am", "side: hand edit")
    publish_on(tmp_path, git, dairly, "side", "2022-01-11", base="side")
    git(tmp_path, "checkout", "-q", "main")
    edit(tmp_path / "README.md", "主要内容：示例\n", "主要内容：示例（main 改）\n")
    git(tmp_path, "commit", "-q", "-am", "main: hand edit")
    publish_on(tmp_path, git, dairly, "main", "2022-01-10", base="main")
    merged = merge(tmp_path, env, "side")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    want = expected_readme(
        "2022-01-11", JAN, line2="主要内容：示例（main 改）", last="- keep this line, edited on side"
    )
    assert (tmp_path / "README.md").read_bytes() == want.encode("utf-8")
    assert dairly(tmp_path, "check").code == 0


def test_conflicting_hand_edits_are_left_to_a_person(tmp_path: Path, dairly, git, env):
    start(tmp_path, git, dairly)
    for branch, words in (("side", "- side's line"), ("main", "- main's line")):
        git(tmp_path, "checkout", "-q", "-B", branch, "main")
        edit(tmp_path / "README.md", "- keep this line\n", words + "\n")
        git(tmp_path, "commit", "-q", "-am", f"{branch}: hand edit")
        publish_on(tmp_path, git, dairly, branch, "2022-01-11" if branch == "side" else "2022-01-10", base=branch)
    merged = merge(tmp_path, env, "side")
    assert merged.returncode == 1
    assert "CONFLICT (content): Merge conflict in README.md" in merged.stdout
    assert merged.stderr == "dairly: README.md: hand edits conflict; the parts dairly owns are merged already\n"
    conflict = "<<<<<<< HEAD\n- main's line\n=======\n- side's line\n>>>>>>> side\n"
    readme = tmp_path / "README.md"
    assert readme.read_text(encoding="utf-8") == expected_readme("2022-01-11", JAN, last=conflict[:-1])
    assert (tmp_path / "notes/202201/0111.md").exists()  # the rest of the merge went on
    # Resolving the hand edit is all that is left: the generated parts are merged already.
    edit(readme, conflict, "- main's line\n- side's line\n")
    assert dairly(tmp_path, "check").code == 0
    git(tmp_path, "commit", "-q", "-am", "merged")  # through the pre-commit hook
    assert git(tmp_path, "status", "--porcelain") == ""


# --- fallbacks -------------------------------------------------------------------------------


def test_an_unparsable_readme_falls_back_to_gits_plain_merge(tmp_path: Path, dairly, git, env):
    start(tmp_path, git, dairly)
    git(tmp_path, "checkout", "-q", "-b", "side")
    edit(tmp_path / "README.md", "## :paperclip:  历史更新\n", "## History\n")  # the owned heading is gone
    git(tmp_path, "commit", "-q", "--no-verify", "-am", "side: rename the heading")
    publish_on(tmp_path, git, dairly, "main", "2022-01-10")
    ours = (tmp_path / "README.md").read_text(encoding="utf-8")
    merged = merge(tmp_path, env, "side")
    assert merged.returncode == 0, merged.stdout + merged.stderr  # git's line merge is clean here
    assert merged.stderr == (
        "dairly: README.md: no '## 历史更新' heading (the history tree) found; merged it as plain text, as git does\n"
    )
    # git's line merge of the three: our publish (the owned parts) and their heading
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == ours.replace(
        "## :paperclip:  历史更新\n", "## History\n"
    )


def test_an_unknown_merge_keeps_our_generated_parts_and_says_so(tmp_path: Path, dairly, git, env):
    """A cherry-pick does not tell the driver which commit it picks: the hand edits are
    still merged, and the owned parts, which both sides changed, are a conflict to resolve
    with `dairly publish`, never a silently stale README."""
    start(tmp_path, git, dairly)
    git(tmp_path, "checkout", "-q", "-b", "side")
    edit(tmp_path / "README.md", "- keep this line\n", "- keep this line, edited on side\n")
    add_note(tmp_path, "2022-01-11")
    assert dairly(tmp_path, "publish", "--force").code == 0
    publish_on(tmp_path, git, dairly, "main", "2022-01-10")
    ours = (tmp_path / "README.md").read_text(encoding="utf-8")
    picked = subprocess.run(
        ["git", "cherry-pick", "side"], cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8"
    )
    assert picked.returncode == 1
    assert (
        "dairly: README.md: cannot regenerate the parts dairly owns here (not a `git merge` or `git rebase` pick);"
        " took them from the side that changed them (ours if both did): after the merge, `dairly check` tells"
        " what to publish"
    ) in picked.stderr.splitlines()
    readme = tmp_path / "README.md"
    assert readme.read_text(encoding="utf-8") == ours.replace(
        "- keep this line\n", "- keep this line, edited on side\n"
    )
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    want = expected_readme("2022-01-11", JAN, last="- keep this line, edited on side")
    assert readme.read_text(encoding="utf-8") == want


def test_conflicting_notes_leave_the_readme_to_publish(tmp_path: Path, dairly, git, env):
    """Both sides retitled the same note: git stops on it, and the README's owned parts,
    which depend on how the person resolves it, are ours until they publish."""
    start(tmp_path, git, dairly)
    for branch, iso in (("side", "2022-01-11"), ("main", "2022-01-10")):
        git(tmp_path, "checkout", "-q", "-B", branch, "main")
        edit(tmp_path / "notes/202201/0109.md", "# 学习笔记（2022.1.9）", f"# 学习笔记（2022.1.9 {branch}）")
        add_note(tmp_path, iso)
        assert dairly(tmp_path, "publish").code == 0
    ours = (tmp_path / "README.md").read_text(encoding="utf-8")
    merged = merge(tmp_path, env, "side")
    assert merged.returncode == 1
    assert "CONFLICT (content): Merge conflict in notes/202201/0109.md" in merged.stdout
    assert "CONFLICT (content): Merge conflict in README.md" in merged.stdout
    assert merged.stderr == (
        "dairly: README.md: cannot regenerate the parts dairly owns here (the notes conflict); took them from the"
        " side that changed them (ours if both did): after the merge, `dairly check` tells what to publish\n"
    )
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == ours
    write(tmp_path, "notes/202201/0109.md", note_text("学习笔记（2022.1.9 both）"))
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    titles = [(9, "学习笔记（2022.1.9 both）"), *JAN[1:]]
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == expected_readme("2022-01-11", titles)


def test_another_file_given_the_driver_is_merged_as_plain_text(tmp_path: Path, dairly, git, env):
    start(tmp_path, git, dairly)
    write(tmp_path, ".gitattributes", "/README.md merge=dairly-readme\n/other.md merge=dairly-readme\n")
    write(tmp_path, "other.md", "one\ntwo\nthree\nfour\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "other")
    for branch, old, new in (("side", "one", "ONE"), ("main", "four", "FOUR")):
        git(tmp_path, "checkout", "-q", "-B", branch, "main")
        edit(tmp_path / "other.md", old, new)
        git(tmp_path, "commit", "-q", "-am", branch)
    merged = merge(tmp_path, env, "side")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert merged.stderr == (
        "dairly: other.md: is not the README of the notes repository at . (README.md);"
        " merged it as plain text, as git does\n"
    )
    assert (tmp_path / "other.md").read_text() == "ONE\ntwo\nthree\nFOUR\n"


# --- (d) registration ------------------------------------------------------------------------


def test_registration_is_idempotent_and_keeps_gitattributes_lines(tmp_path: Path, dairly, git):
    start(tmp_path, git, dairly, register=False)
    old = b"*.png binary\r\n# keep me  \n*.md text"  # no newline at the end
    (tmp_path / ".gitattributes").write_bytes(old)
    first = dairly(tmp_path, "hook", "install")
    assert first.code == 0, first.err
    assert first.out.splitlines()[1:] == [
        "registered the README merge driver: merge.dairly-readme.name in the local git config",
        "registered the README merge driver: merge.dairly-readme.driver in the local git config",
        "registered the README merge driver: `/README.md merge=dairly-readme` in .gitattributes",
        "registered the README merge driver: `/history/*.md merge=dairly-readme` in .gitattributes",
        "commit .gitattributes, so merges on every clone use the driver",
    ]
    lines = b"\n/README.md merge=dairly-readme\n/history/*.md merge=dairly-readme\n"
    assert (tmp_path / ".gitattributes").read_bytes() == old + lines
    config = (tmp_path / ".git/config").read_bytes()
    assert git(tmp_path, "config", "--get-all", "merge.dairly-readme.driver").count("\n") == 1
    second = dairly(tmp_path, "hook", "install")
    assert second.code == 0, second.err
    assert second.out.splitlines()[1:] == ["the README merge driver is registered already"]
    assert (tmp_path / ".gitattributes").read_bytes() == old + lines
    assert (tmp_path / ".git/config").read_bytes() == config


def test_an_equivalent_attribute_line_is_not_added_twice(tmp_path: Path, dairly, git):
    start(tmp_path, git, dairly, register=False)
    (tmp_path / ".gitattributes").write_bytes(b"README.md merge=dairly-readme\nhistory/*.md merge=dairly-readme\n")
    result = dairly(tmp_path, "hook", "install")
    assert result.code == 0, result.err
    assert (tmp_path / ".gitattributes").read_bytes() == (
        b"README.md merge=dairly-readme\nhistory/*.md merge=dairly-readme\n"
    )


@pytest.mark.parametrize("case", ["on PATH", "nowhere", "failing"])
def test_the_driver_falls_back_to_dairly_on_path_then_to_git(tmp_path: Path, dairly, git, env, case):
    """When the interpreter dairly was registered with is gone, the driver is the `dairly`
    on PATH; when there is none, or dairly fails, `git merge-file`: a conflict with both
    sides marked, never a file holding only our side."""
    start(tmp_path, git, dairly)
    command = git(tmp_path, "config", "merge.dairly-readme.driver").strip()
    interpreter = command.split()[3]  # if [ -x PYTHON ] ...
    assert os.path.isfile(interpreter) and command.count(interpreter) == 3
    if case == "failing":
        command = command.replace("--root .", "--root gone")  # dairly exits 2: not a directory
    else:
        command = command.replace(interpreter, "/nonexistent/python")
    git(tmp_path, "config", "merge.dairly-readme.driver", command)
    publish_on(tmp_path, git, dairly, "side", "2022-01-11")
    publish_on(tmp_path, git, dairly, "main", "2022-01-10")
    tools = [shutil.which("git"), shutil.which("sh")] + ([DAIRLY] if case == "on PATH" else [])
    merged = subprocess.run(
        ["git", "merge", "--no-edit", "side"],
        cwd=tmp_path,
        env={**env, "PATH": os.pathsep.join(os.path.dirname(t or "") for t in tools)},
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    if case == "on PATH":
        assert merged.returncode == 0, merged.stdout + merged.stderr
        assert readme == expected_readme("2022-01-11", JAN)
        return
    assert merged.returncode == 1
    assert "CONFLICT (content): Merge conflict in README.md" in merged.stdout
    assert "<<<<<<< ours\n更新今日时间：2022.1.10\n=======\n更新今日时间：2022.1.11\n>>>>>>> theirs\n" in readme
    if case == "failing":
        assert merged.stderr.startswith("dairly: error: gone: is not a directory\n")


# --- (e) a notes repository in a folder of a larger work tree --------------------------------


def test_the_driver_works_for_a_notes_repository_in_a_subfolder(tmp_path: Path, dairly, git, env):
    write(tmp_path, "code/app.py", "print('hi')\n")
    journal = tmp_path / "journal"
    make_repo(journal, [])
    add_note(journal, "2022-01-09", "学习笔记（2022.1.9）")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "code")
    git(tmp_path, "commit", "-q", "-m", "code")
    assert dairly(tmp_path, "--root", "journal", "publish").code == 0
    installed = dairly(tmp_path, "--root", "journal", "hook", "install")
    assert installed.code == 0, installed.err
    assert (tmp_path / ".gitattributes").read_text() == (
        "/journal/README.md merge=dairly-readme\n/journal/history/*.md merge=dairly-readme\n"
    )
    assert "--root journal merge-readme" in git(tmp_path, "config", "merge.dairly-readme.driver")
    git(tmp_path, "add", ".gitattributes")
    git(tmp_path, "commit", "-q", "-m", "merge driver")
    for branch, iso in (("side", "2022-01-11"), ("main", "2022-01-10")):
        git(tmp_path, "checkout", "-q", "-B", branch, "main")
        add_note(journal, iso)
        assert dairly(tmp_path, "--root", "journal", "publish").code == 0
    merged = merge(tmp_path, env, "side")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert (journal / "README.md").read_text(encoding="utf-8") == expected_readme("2022-01-11", JAN)
    assert dairly(tmp_path, "--root", "journal", "check").code == 0


def test_the_pre_commit_hook_judges_a_notes_repository_in_a_subfolder(tmp_path: Path, dairly, git, env):
    """Git runs hooks at the top of the work tree: the hook names the folder with --root."""
    write(tmp_path, "code/app.py", "print('hi')\n")
    journal = tmp_path / "journal"
    make_repo(journal, ["2022-01-09"])
    git(tmp_path, "init", "-q", "-b", "main")
    assert dairly(tmp_path, "--root", "journal", "publish").code == 0
    assert dairly(tmp_path, "--root", "journal", "hook", "install").code == 0
    git(tmp_path, "add", "code")
    git(tmp_path, "commit", "-q", "-m", "code")  # the notes are in sync: the hook passes
    add_note(journal, "2022-01-10")
    git(tmp_path, "add", "journal")
    blocked = subprocess.run(
        ["git", "commit", "-m", "a note"], cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8"
    )
    assert blocked.returncode == 1
    assert "notes/202201/0110.md: is missing from the 历史更新 tree in README.md\n" in blocked.stderr


# --- the pure part ---------------------------------------------------------------------------


def test_neutralise_replaces_exactly_the_owned_parts():
    text, owned = neutralise(README_SKELETON, Settings(), "README.md")
    assert owned == Owned("2021.9.1", "old highlights\n", "old tree\n")
    assert text == (
        README_SKELETON.replace("更新今日时间：2021.9.1", f"更新今日时间：{PLACEHOLDER}")
        .replace("old highlights\n", PLACEHOLDER + "\n")
        .replace("old tree\n", PLACEHOLDER + "\n")
    )


def test_neutralise_keeps_crlf_line_endings():
    crlf = README_SKELETON.replace("\n", "\r\n")
    text, owned = neutralise(crlf, Settings(), "README.md")
    assert owned == Owned("2021.9.1", "old highlights\r\n", "old tree\r\n")
    assert text.count(PLACEHOLDER + "\r\n") == 3 and "\n" not in text.replace("\r\n", "")


def test_a_conflict_reaching_into_an_owned_part_is_refused():
    text, _owned = neutralise(README_SKELETON, Settings(), "README.md")
    owned = f"今日要点\n\n{PLACEHOLDER}\n"
    mixed = text.replace(owned, f"今日要点\n\n<<<<<<< HEAD\n{PLACEHOLDER}\n=======\n>>>>>>> side\n")
    assert mixed != text
    with pytest.raises(InputError, match="the merge mixed other text into the '## 今日要点' section"):
        placeholders(mixed, Settings(), "README.md")
    assert placeholders(text, Settings(), "README.md").date_span[1] > 0


@pytest.mark.parametrize(
    ("base", "ours", "theirs", "taken"),
    [
        ("a", "a", "a", "ours"),
        ("a", "b", "a", "ours"),
        ("a", "a", "b", "theirs"),
        ("a", "b", "b", "ours"),
        ("a", "b", "c", None),
    ],
)
def test_side_is_gits_whole_file_rule(base, ours, theirs, taken):
    assert side(base, ours, theirs) == taken


def test_merge_owned_takes_ours_where_both_changed_a_part():
    base, ours, theirs = Owned("1", "h", "t"), Owned("2", "h", "t2"), Owned("3", "h2", "t")
    assert merge_owned(base, ours, theirs) == (Owned("2", "h2", "t2"), False)
    assert merge_owned(base, base, theirs) == (theirs, True)
