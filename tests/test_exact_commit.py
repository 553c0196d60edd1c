"""publish commits exactly what it decided: the README bytes it wrote and the note bytes
it read, whatever git commands, editors or a stash do to the work tree while it runs.

Each race runs a command just before a chosen git call, through a `git` first on PATH.
The commit publish reports must be HEAD, and HEAD must pass `dairly check`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from .conftest import add_note, committed_repo, note_text

NOTE = "notes/202201/0110.md"
SAVE_NOTE = f"printf '# 改过的标题\\n\\n## :paperclip:  今日要点\\n\\n1. 新的\\n' > n.tmp && mv n.tmp {NOTE}"


def racing(tmp_path: Path, root: Path, when: str, before: str, after: str = "") -> dict[str, str]:
    """A `git` first on PATH that runs `before` in `root` just before each `git WHEN`, and
    `after` just after it (its exit status kept)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    wrapper = bin_dir / "git"
    real = shutil.which("git")
    plain = f"unset GIT_INDEX_FILE; PATH={os.environ['PATH']}"  # another process, with git's own index
    wrapper.write_text(
        "#!/bin/sh\n"
        f'if [ "$1" != {when} ]; then exec {real} "$@"; fi\n'
        f"({plain}; cd {root} && {before})\n"
        f'{real} "$@"; rc=$?\n'
        f"({plain}; cd {root} && {after or ':'})\n"
        "exit $rc\n"
    )
    wrapper.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def head_passes_check(tmp_path: Path, root: Path, git, dairly) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(root), str(clone))
    result = dairly(clone, "check")
    assert result.code == 0, result


MOVED = "changed on disk while publish ran; the commit holds the version publish"
RACES = {  # the race, and what publish says and git status shows after it, when it runs before `git commit`
    "a note saved by rename": (
        SAVE_NOTE,
        "",
        f"{NOTE}: {MOVED} read, and the file is left as it is now\n",
        f" M {NOTE}\n",
    ),
    "README.md briefly absent": ("mv README.md README.away", "mv README.away README.md", "", ""),
    "git stash -u": (
        "git stash -q -u",
        "",
        f"README.md: {MOVED} wrote, and the file is left as it is now\n"
        f"{NOTE}: {MOVED} read, and the file is left as it is now\n",
        f" M README.md\n D {NOTE}\n",
    ),
    "git reset --hard": (
        "git reset -q --hard",
        "",
        f"README.md: {MOVED} wrote, and the file is left as it is now\n",
        " M README.md\n",
    ),
}


@pytest.mark.parametrize("when", ["add", "commit"])
@pytest.mark.parametrize("race", list(RACES))
def test_a_race_at_a_git_call_never_commits_what_publish_did_not_decide(tmp_path: Path, git, dairly, race, when):
    root = committed_repo(tmp_path / "r", git)
    add_note(root, "2022-01-10")
    before, after, said, status = RACES[race]
    result = dairly(root, "publish", env_extra=racing(tmp_path, root, when, before, after))
    head = git(root, "rev-parse", "--short=7", "HEAD").strip()
    assert result.code == 0, result
    assert f"committed {head} '20220110': README.md, {NOTE}\n" in result.out
    assert git(root, "show", "--name-status", "--format=", "HEAD") == f"M\tREADME.md\nA\t{NOTE}\n"
    assert git(root, "show", f"HEAD:{NOTE}") == note_text("笔记（2022.1.10）")
    assert (result.err, git(root, "status", "--porcelain")) == ((said, status) if when == "commit" else ("", ""))
    head_passes_check(tmp_path, root, git, dairly)


def test_a_commit_made_on_a_head_another_command_moved_is_taken_back(tmp_path: Path, git, dairly):
    root = committed_repo(tmp_path / "r", git)
    add_note(root, "2022-01-10")
    readme = (root / "README.md").read_bytes()
    other = "printf x > other.txt && git add other.txt && git commit -q -m other"
    result = dairly(root, "publish", env_extra=racing(tmp_path, root, "commit", other))
    theirs = git(root, "rev-parse", "HEAD").strip()
    assert result.code == 3, result
    assert result.err.startswith(
        f"dairly: error: HEAD moved while the commit was made (another git command committed {theirs[:7]});"
        " the commit made on it ("
    )
    assert result.err.endswith(") would undo that, so it was taken back; publish again\n")
    assert git(root, "log", "--format=%s") == "other\nstart\n"
    assert (root / "README.md").read_bytes() == readme
    assert git(root, "status", "--porcelain", "--untracked-files=all") == f"?? {NOTE}\n"


def test_a_readme_saved_while_publish_runs_is_kept_and_nothing_is_committed(tmp_path: Path, git, dairly):
    root = committed_repo(tmp_path / "r", git)
    add_note(root, "2022-01-10")
    save = "printf '%s\\n' 'typed by hand' >> README.md"
    result = dairly(root, "publish", env_extra=racing(tmp_path, root, "update-index", save))
    assert (result.code, result.out) == (4, "")
    assert result.err == ("dairly: error: README.md: changed on disk while dairly worked on it; left as it is now\n")
    assert (root / "README.md").read_text().endswith("- keep this line\ntyped by hand\n")
    assert git(root, "log", "--format=%s") == "start\n"
    assert git(root, "status", "--porcelain", "--untracked-files=all") == f" M README.md\n?? {NOTE}\n"
    assert list(root.glob(".dairly-*")) == [] and list((root / ".git").glob("dairly-*")) == []


def test_a_stash_between_the_scan_and_git_status_still_commits_the_note_the_readme_shows(tmp_path: Path, git, dairly):
    root = committed_repo(tmp_path / "r", git)
    add_note(root, "2022-01-10")
    result = dairly(root, "publish", env_extra=racing(tmp_path, root, "status", "git stash -q -u"))
    assert result.code == 0, result
    assert git(root, "show", "--name-status", "--format=", "HEAD") == f"M\tREADME.md\nA\t{NOTE}\n"
    assert result.err == f"{NOTE}: {MOVED} read, and the file is left as it is now\n"
    head_passes_check(tmp_path, root, git, dairly)


def test_a_file_read_twice_while_publish_decides_is_the_same_version_both_times(tmp_path: Path):
    from dairly.notes.scan import WorkTree

    note = tmp_path / "notes/202201/0110.md"
    note.parent.mkdir(parents=True)
    note.write_text("# first\n")
    source = WorkTree(str(tmp_path), keep=True)
    assert source.read("notes/202201/0110.md") == b"# first\n"
    note.write_text("# saved meanwhile\n")  # the header read one, the highlights read the other
    assert source.read("notes/202201/0110.md") == b"# first\n"
    assert WorkTree(str(tmp_path)).read("notes/202201/0110.md") == b"# saved meanwhile\n"
