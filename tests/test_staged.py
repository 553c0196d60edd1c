"""`check --staged` reads what the commit will contain: each case compared with git's own
answer (`git show :path`), in a constant number of git processes and without GitPython."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from dairly.config import Settings
from dairly.gitrepo import open_repo
from dairly.notes.scan import Listed
from dairly.notes.stored import BlobNotes, GitIndex
from dairly.workspace import Workspace

from .conftest import add_note, committed_repo, note_text, write
from .test_hook_fast_path import imported_modules


def staged(root: Path) -> GitIndex:
    return GitIndex(open_repo(Workspace.open(root)))


def truth(git, root: Path, path: str) -> bytes:
    """What the commit will hold at `path`: `git show :path`, as bytes."""
    import subprocess

    return subprocess.run(["git", "show", f":{path}"], cwd=root, capture_output=True, check=True).stdout


def published_repo(tmp_path: Path, git, dairly) -> Path:
    root = committed_repo(tmp_path / "r", git, "2022-01-09", "2022-01-10")
    assert dairly(root, "publish").code == 0
    return root


NOTE = "notes/202201/0110.md"
OLDER = "notes/202201/0109.md"


def test_a_partially_staged_note_is_read_as_staged(tmp_path: Path, git, dairly, hermetic):
    root = published_repo(tmp_path, git, dairly)
    write(root, NOTE, note_text("学习笔记（2022.1.10）", "1. staged text\n"))
    git(root, "add", NOTE)
    write(root, NOTE, note_text("学习笔记（2022.1.10）", "1. unstaged text\n"))
    index = staged(root)
    assert index.read(NOTE) == truth(git, root, NOTE)
    assert b"staged text" in index.read(NOTE) and b"unstaged" not in index.read(NOTE)
    assert index.read(OLDER) == (root / OLDER).read_bytes() == truth(git, root, OLDER)
    result = dairly(root, "check", "--staged")
    assert result.code == 1 and "README.md:10: 今日要点 does not match notes/202201/0110.md" in result.out


def test_an_intent_to_add_note_is_empty_in_the_index(tmp_path: Path, git, dairly, hermetic):
    root = published_repo(tmp_path, git, dairly)
    add_note(root, "2022-01-11")
    path = "notes/202201/0111.md"
    git(root, "add", "-N", path)
    assert staged(root).read(path) == truth(git, root, path) == b""
    result = dairly(root, "check", "--staged")
    assert result.code == 1
    assert "notes/202201/0111.md: has no '## 今日要点' section to promote" in result.out


def test_a_note_deleted_in_the_work_tree_is_read_from_the_index(tmp_path: Path, git, dairly, hermetic):
    root = published_repo(tmp_path, git, dairly)
    expected = truth(git, root, NOTE)
    (root / NOTE).unlink()
    assert staged(root).read(NOTE) == expected
    assert dairly(root, "check", "--staged").code == 0


def test_a_note_renamed_in_the_work_tree_is_read_under_its_staged_name(tmp_path: Path, git, dairly, hermetic):
    root = published_repo(tmp_path, git, dairly)
    expected = truth(git, root, NOTE)
    (root / NOTE).rename(root / "notes/202201/0112.md")
    index = staged(root)
    assert index.read(NOTE) == expected
    assert "notes/202201/0112.md" not in index.listing(Settings().pattern)[0]
    result = dairly(root, "check", "--staged")
    assert (result.code, result.out) == (0, "README.md is in sync with 2 notes\n")


def test_a_staged_symbolic_link_is_reported_never_read(tmp_path: Path, git, dairly, hermetic):
    root = published_repo(tmp_path, git, dairly)
    (root / "notes/202201/0111.md").symlink_to("0110.md")
    git(root, "add", "notes/202201/0111.md")
    files, others = staged(root).listing(Settings().pattern)
    assert files == [OLDER, NOTE]
    assert [(o.path, o.kind) for o in others] == [("notes/202201/0111.md", "symlink")]
    result = dairly(root, "check", "--staged")
    assert result.code == 1
    assert "notes/202201/0111.md: is a symbolic link; dairly does not follow links under notes/" in result.out


def test_skip_worktree_and_a_sparse_checkout_are_read_from_the_index(tmp_path: Path, git, dairly, hermetic):
    root = published_repo(tmp_path, git, dairly)
    expected = truth(git, root, NOTE)
    git(root, "update-index", "--skip-worktree", NOTE)
    write(root, NOTE, "# not what is staged\n")  # git does not look at it any more
    assert staged(root).read(NOTE) == expected
    git(root, "update-index", "--no-skip-worktree", NOTE)
    git(root, "checkout", "--", NOTE)

    git(root, "sparse-checkout", "set", "--no-cone", "/README.md")
    assert not (root / NOTE).exists() and not (root / OLDER).exists()
    index = staged(root)
    assert (index.read(NOTE), index.read(OLDER)) == (expected, truth(git, root, OLDER))
    result = dairly(root, "check", "--staged")
    assert (result.code, result.out) == (0, "README.md is in sync with 2 notes\n")


def test_submodules_under_notes_are_never_read(tmp_path: Path, git, dairly, hermetic):
    root = published_repo(tmp_path, git, dairly)
    head = git(root, "rev-parse", "HEAD").strip()
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{head},notes/assets")
    assert dairly(root, "check", "--staged").code == 0
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{head},notes/202201/0111.md")
    files, others = staged(root).listing(Settings().pattern)
    assert files == [OLDER, NOTE] and [(o.path, o.kind) for o in others] == [("notes/202201/0111.md", "dir")]
    result = dairly(root, "check", "--staged")
    assert result.code == 1 and "notes/202201/0111.md: is a directory named like a note" in result.out


def test_a_line_ending_filter_gives_the_staged_bytes_not_the_files(tmp_path: Path, git, dairly, hermetic):
    root = published_repo(tmp_path, git, dairly)
    write(root, ".gitattributes", "*.md text eol=crlf\n")
    git(root, "add", ".gitattributes")
    (root / NOTE).unlink()
    git(root, "checkout", "--", NOTE)  # written with CRLF; the index holds LF
    assert b"\r\n" in (root / NOTE).read_bytes()
    assert staged(root).read(NOTE) == truth(git, root, NOTE) == (root / NOTE).read_bytes().replace(b"\r\n", b"\n")


def counting_git(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A `git` first on PATH that logs each call, then runs the real one."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "git-calls"
    real = shutil.which("git")
    script = bin_dir / "git"
    script.write_text(f'#!/bin/sh\necho "$1" >> {log}\nexec {real} "$@"\n')
    script.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}, log


def test_check_staged_starts_two_git_processes_whatever_the_number_of_notes(tmp_path: Path, git, dairly):
    root = committed_repo(tmp_path / "r", git, *(f"2022-01-{d:02d}" for d in range(1, 29)))
    assert dairly(root, "publish").code == 0
    path_env, log = counting_git(tmp_path)
    assert dairly(root, "check", "--staged", env_extra=path_env).code == 0
    assert log.read_text().split() == ["ls-files"]  # every staged note is the file on disk
    log.unlink()
    for day in (3, 9, 27):  # three notes staged, then changed again on disk
        write(root, f"notes/202201/01{day:02d}.md", note_text(f"学习笔记（2022.1.{day}）", "1. staged\n"))
        git(root, "add", "notes")
        write(root, f"notes/202201/01{day:02d}.md", note_text(f"学习笔记（2022.1.{day}）", "1. not staged\n"))
    result = dairly(root, "check", "--staged", env_extra=path_env)
    assert (result.code, result.out) == (0, "README.md is in sync with 28 notes\n")
    assert log.read_text().split() == ["ls-files", "cat-file"]


def test_check_staged_does_not_import_gitpython(tmp_path: Path, git, dairly, dairly_process):
    # The hook's process itself is under test: what it imports.
    root = published_repo(tmp_path, git, dairly)
    write(root, NOTE, note_text("学习笔记（2022.1.10）", "1. changed\n"))
    git(root, "add", NOTE)
    result = dairly_process(root, "check", "--staged", env_extra={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.code == 1
    modules = imported_modules(result.err)
    assert "dairly.gitrepo" in modules  # the report was read
    assert not {m for m in modules if m == "git" or m.startswith("git.")}


def test_the_index_listing_follows_the_one_rule_for_notes():
    sha = "0" * 40
    blobs = {
        "README.md": ("100644", sha),  # outside notes/
        "notes/202201/0101.md": ("100644", sha),
        "notes/202201/0102.MD": ("100644", sha),  # a case variant: reported
        "notes/202201/.0103.md.swp": ("100644", sha),  # editor files: ignored
        "notes/202201/0104.md~": ("100644", sha),
        "notes/202201/.#0109.md": ("120000", sha),  # Emacs's lock link: ignored
        "notes/.hidden/0105.md": ("100644", sha),  # inside a hidden folder: ignored
        "notes/202201/0106.md/inner.md": ("100644", sha),  # a folder named like a note
        "notes/202201/0106.md/other.md": ("100644", sha),
        "notes/200002": ("120000", sha),  # a link at a month folder's place
        "notes/202201/0107.md": ("120000", sha),  # a link named like a note
        "notes/202201/picture.png": ("100644", sha),  # not a note: not listed
        "notes/202201/0108.md": ("160000", sha),  # a submodule named like a note
        "notes/202201/vendor": ("160000", sha),  # any other submodule: not listed
    }
    files, others = BlobNotes(None, blobs).listing(Settings().pattern)  # type: ignore[arg-type]
    assert files == ["notes/202201/0101.md", "notes/202201/0106.md/inner.md", "notes/202201/0106.md/other.md"]
    assert sorted(others) == [
        Listed("notes/200002", "symlink"),
        Listed("notes/202201/0102.MD", "case"),
        Listed("notes/202201/0106.md", "dir"),
        Listed("notes/202201/0107.md", "symlink"),
        Listed("notes/202201/0108.md", "dir"),
    ]
