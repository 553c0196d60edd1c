"""Every git state `publish` can meet, each on a real temporary repository: handled
correctly, or refused with one clear line and nothing changed."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .conftest import add_note, commit_all, committed_repo, make_repo, write


def snapshot(root: Path, git) -> tuple[bytes, str, str]:
    return (root / "README.md").read_bytes(), git(root, "rev-parse", "HEAD"), git(root, "status", "--porcelain")


def test_unborn_branch_gets_the_first_commit(tmp_path: Path, dairly, git):
    make_repo(tmp_path, ["2022-01-09"])
    git(tmp_path, "init", "-q", "-b", "main")
    result = dairly(tmp_path, "publish")
    assert result.code == 0, result.err
    assert git(tmp_path, "log", "--format=%s") == "20220109\n"
    assert git(tmp_path, "show", "--name-only", "--format=", "HEAD").split() == ["README.md", "notes/202201/0109.md"]


def test_detached_head_is_refused(tmp_path: Path, dairly, git):
    committed_repo(tmp_path, git)
    git(tmp_path, "checkout", "-q", "--detach")
    add_note(tmp_path, "2022-01-10")
    before = snapshot(tmp_path, git)
    result = dairly(tmp_path, "publish")
    assert (result.code, result.err) == (
        3,
        "dairly: error: HEAD is detached; check out a branch first, or use --no-commit\n",
    )
    assert snapshot(tmp_path, git) == before


@pytest.mark.parametrize(("marker", "what"), [("MERGE_HEAD", "a merge"), ("rebase-merge", "a rebase")])
def test_merge_or_rebase_in_progress_is_refused(tmp_path: Path, dairly, git, marker, what):
    committed_repo(tmp_path, git)
    git_dir = tmp_path / ".git"
    if marker == "MERGE_HEAD":
        # A real conflicting merge (in a file of the person's: a note left with conflict
        # markers is refused before git's state is looked at, see test_first_hour.py).
        write(tmp_path, "todo.txt", "base\n")
        git(tmp_path, "add", "todo.txt")
        git(tmp_path, "commit", "-q", "-m", "todo")
        git(tmp_path, "checkout", "-q", "-b", "side")
        write(tmp_path, "todo.txt", "side\n")
        git(tmp_path, "commit", "-q", "-am", "side")
        git(tmp_path, "checkout", "-q", "main")
        write(tmp_path, "todo.txt", "main\n")
        git(tmp_path, "commit", "-q", "-am", "main")
        git(tmp_path, "merge", "side", check=False)
        assert (git_dir / "MERGE_HEAD").exists()
    else:
        # A real interactive rebase stopped at an `edit` step.
        add_note(tmp_path, "2022-01-10")
        git(tmp_path, "add", "-A")
        git(tmp_path, "commit", "-q", "-m", "second")
        env_seq = "sed -i 's/^pick/edit/'"
        subprocess.run(
            ["git", "rebase", "-i", "HEAD~1"],
            cwd=tmp_path,
            env={**os.environ, "GIT_SEQUENCE_EDITOR": env_seq, **_identity()},
            capture_output=True,
            check=True,
        )
        assert (git_dir / "rebase-merge").exists()
    before = (tmp_path / "README.md").read_bytes()
    result = dairly(tmp_path, "publish")
    assert result.code == 3
    assert result.err == f"dairly: error: {what} is in progress; finish or abort it, or use --no-commit\n"
    assert (tmp_path / "README.md").read_bytes() == before


def _identity() -> dict[str, str]:
    from .conftest import GIT_IDENTITY

    return GIT_IDENTITY


def test_missing_identity_is_refused(tmp_path: Path, dairly, git):
    committed_repo(tmp_path, git)
    git(tmp_path, "config", "user.useConfigOnly", "true")
    add_note(tmp_path, "2022-01-10")
    before = snapshot(tmp_path, git)
    no_identity = {k: "" for k in _identity()}
    result = dairly(tmp_path, "publish", env_extra=no_identity)
    assert result.code == 3
    assert result.err == (
        "dairly: error: git has no user identity; set it with `git config user.name` and `git config user.email`\n"
    )
    assert snapshot(tmp_path, git) == before


def test_readme_hand_edits_are_refused_unless_forced(tmp_path: Path, dairly, git):
    committed_repo(tmp_path, git)
    add_note(tmp_path, "2022-01-10")
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "- a hand-written line\n", encoding="utf-8")
    before = snapshot(tmp_path, git)
    result = dairly(tmp_path, "publish")
    assert result.code == 3
    assert result.err == (
        "dairly: error: README.md: has uncommitted edits outside the parts dairly writes; commit them first,"
        " or use --force to include them in the publish commit\n"
    )
    assert snapshot(tmp_path, git) == before
    forced = dairly(tmp_path, "publish", "--force")
    assert forced.code == 0, forced.err
    assert "- a hand-written line" in git(tmp_path, "show", "HEAD:README.md")


def test_owned_part_changes_from_an_earlier_no_commit_run_are_not_hand_edits(tmp_path: Path, dairly, git):
    committed_repo(tmp_path, git)
    add_note(tmp_path, "2022-01-10")
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    add_note(tmp_path, "2022-01-11")
    result = dairly(tmp_path, "publish")
    assert result.code == 0, result.err
    assert git(tmp_path, "log", "-1", "--format=%s") == "20220111\n"
    assert git(tmp_path, "status", "--porcelain") == ""


def test_notes_repo_in_a_subdirectory_of_a_larger_repo(tmp_path: Path, dairly, git):
    write(tmp_path, "code/app.py", "print('hi')\n")
    make_repo(tmp_path / "journal", ["2022-01-09"])
    commit_all(tmp_path, git)
    add_note(tmp_path / "journal", "2022-01-10")
    write(tmp_path, "code/app.py", "print('changed')\n")
    result = dairly(tmp_path, "--root", "journal", "publish")
    assert result.code == 0, result.err
    assert git(tmp_path, "show", "--name-only", "--format=%s", "HEAD").split() == [
        "20220110",
        "journal/README.md",
        "journal/notes/202201/0110.md",
    ]
    assert git(tmp_path, "status", "--porcelain") == " M code/app.py\n"
    staged_check = dairly(tmp_path, "--root", "journal", "check", "--staged")
    assert staged_check.code == 0, staged_check.out + staged_check.err


def test_push_to_the_upstream(tmp_path: Path, dairly, git):
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    work = tmp_path / "work"
    committed_repo(work, git)
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "-q", "-u", "origin", "main")
    add_note(work, "2022-01-10")
    result = dairly(work, "publish", "--push")
    assert result.code == 0, result.err
    assert result.out.endswith("pushed to origin/main\n")
    assert git(remote, "log", "-1", "--format=%s", "main") == "20220110\n"


def test_push_without_upstream_is_refused_before_writing(tmp_path: Path, dairly, git):
    committed_repo(tmp_path, git)
    add_note(tmp_path, "2022-01-10")
    before = snapshot(tmp_path, git)
    result = dairly(tmp_path, "publish", "--push")
    assert result.code == 3
    assert "branch main has no upstream to push to" in result.err
    assert snapshot(tmp_path, git) == before


def test_check_staged_judges_the_index(tmp_path: Path, dairly, git):
    committed_repo(tmp_path, git)
    assert dairly(tmp_path, "publish").code == 0
    add_note(tmp_path, "2022-01-10")  # untracked: invisible to --staged
    assert dairly(tmp_path, "check", "--staged").code == 0
    git(tmp_path, "add", "notes")
    blocked = dairly(tmp_path, "check", "--staged")
    assert blocked.code == 1
    assert "notes/202201/0110.md: is missing from the 历史更新 tree in README.md" in blocked.out
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    assert dairly(tmp_path, "check", "--staged").code == 1  # the fixed README is not staged yet
    git(tmp_path, "add", "README.md")
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + "unstaged\n", encoding="utf-8")
    assert dairly(tmp_path, "check", "--staged").code == 0  # unstaged edits do not count


def test_hook_install_and_uninstall(tmp_path: Path, dairly, git):
    committed_repo(tmp_path, git)
    assert dairly(tmp_path, "publish").code == 0
    installed = dairly(tmp_path, "hook", "install")
    assert installed.code == 0, installed.err
    hook = tmp_path / ".git/hooks/pre-commit"
    assert os.access(hook, os.X_OK)
    add_note(tmp_path, "2022-01-10")
    git(tmp_path, "add", "notes")
    blocked = subprocess.run(
        ["git", "commit", "-m", "sneak a note in"], cwd=tmp_path, capture_output=True, text=True, env=_git_env(tmp_path)
    )
    assert blocked.returncode != 0
    assert "notes/202201/0110.md: is missing from the 历史更新 tree" in blocked.stdout + blocked.stderr
    # publish commits through the hook, which now passes.
    assert dairly(tmp_path, "publish").code == 0
    assert git(tmp_path, "log", "-1", "--format=%s") == "20220110\n"
    assert dairly(tmp_path, "hook", "uninstall").code == 0
    assert not hook.exists()


def _git_env(root: Path) -> dict[str, str]:
    from .conftest import hermetic_env

    return hermetic_env(root / ".home", **_identity())


def test_hook_respects_core_hooks_path_and_foreign_hooks(tmp_path: Path, dairly, git):
    committed_repo(tmp_path, git)
    git(tmp_path, "config", "core.hooksPath", "my-hooks")
    write(tmp_path, "my-hooks/pre-commit", "#!/bin/sh\necho mine\n")
    refused = dairly(tmp_path, "hook", "install")
    assert refused.code == 3
    assert "my-hooks/pre-commit exists and was not written by dairly; use --force to replace it" in refused.err
    assert (tmp_path / "my-hooks/pre-commit").read_text() == "#!/bin/sh\necho mine\n"
    not_ours = dairly(tmp_path, "hook", "uninstall")
    assert not_ours.code == 1 and "was not written by dairly; left alone" in not_ours.err
    assert dairly(tmp_path, "hook", "install", "--force").code == 0
    assert "dairly-hook" in (tmp_path / "my-hooks/pre-commit").read_text()


def test_init_and_new_in_a_bare_repository_write_nothing(tmp_path, git, dairly):
    bare = tmp_path / "notes.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    before = sorted(p.name for p in bare.iterdir())
    for command in (["init", "--no-hook"], ["new"]):
        result = dairly(bare, *command)
        assert (result.code, result.out) == (3, ""), command
        assert result.err == (
            f"dairly: error: {bare} is a bare git repository: it has no work tree to keep notes in;"
            " clone it (`git clone` it elsewhere) and run dairly in the clone\n"
        )
    assert sorted(p.name for p in bare.iterdir()) == before
