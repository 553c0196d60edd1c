"""The README merge driver, `dairly merge-readme`, on real git repositories, and what it
needs of a notes repository in a folder of a larger work tree."""

from __future__ import annotations

import subprocess
from pathlib import Path

from .conftest import make_repo, note_text, write


def add_note(root: Path, iso: str, title: str | None = None) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    path = f"notes/{y}{m:02d}/{m:02d}{d:02d}.md"
    body = f"1. [Article {iso}](https://example.com/{iso})         :star:\n   - Tips: x\n"
    write(root, path, note_text(title or f"笔记（{y}.{m}.{d}）", body))
    return path


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
