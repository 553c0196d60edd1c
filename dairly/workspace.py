"""The notes repository a command works on: its folder, its settings, its README, and the
git directory (when there is one) where dairly keeps what must never be committed.

This is the one place that finds the repository; it needs no git import, so `check` can
use it on every commit. GitPython is opened from here by dairly.gitrepo when a command
commits or reads the index.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from dairly.config import Settings, load_settings
from dairly.conflicts import refuse_conflicts
from dairly.errors import GitError, InputError
from dairly.fsio import decode_utf8, refusal
from dairly.tuples import Record

if TYPE_CHECKING:
    from pathlib import Path

    from dairly.notes.scan import NoteSource


def find_git(start: str) -> tuple[str, str] | None:
    """(work tree top, git directory) of the git repository holding the folder `start`,
    found as git finds it: GIT_DIR names the git directory (the work tree is then
    GIT_WORK_TREE, or the current folder), GIT_WORK_TREE the top of the work tree;
    otherwise the nearest `.git` at or above `start`."""
    git_dir = os.environ.get("GIT_DIR")
    work_tree = os.environ.get("GIT_WORK_TREE")
    if git_dir:
        top = os.path.realpath(work_tree or os.getcwd())
        inside = start == top or start.startswith(os.path.join(top, ""))
        return (top, os.path.abspath(git_dir)) if inside else None
    found = _find_dot_git(start)
    if found is not None and work_tree:
        return os.path.realpath(work_tree), found[1]
    return found


def _find_dot_git(start: str) -> tuple[str, str] | None:
    folder = start
    while True:
        dot_git = os.path.join(folder, ".git")
        if os.path.isdir(dot_git):
            return folder, dot_git
        if os.path.isfile(dot_git):  # a linked worktree or a submodule: ".git" names the git dir
            with open(dot_git, encoding="utf-8", errors="replace") as f:
                text = f.read().strip()
            if text.startswith("gitdir:"):
                return folder, os.path.join(folder, text[len("gitdir:") :].strip())
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


class Workspace(Record):
    root: str  # the notes repository's folder, absolute
    settings: Settings
    work_tree: str | None  # the top of the git work tree holding root (root or above), if any
    git_dir: str | None  # that work tree's git directory

    @classmethod
    def open(cls, root: str | os.PathLike[str] | None = None) -> Workspace:
        """The repository at `root` (`--root`); by default the git work tree holding the
        current directory, else the current directory."""
        if root is None:
            here = os.path.realpath(os.getcwd())
            found = find_git(here)
            folder = found[0] if found else here
        else:
            folder = os.path.realpath(root)
            if not os.path.isdir(folder):
                raise InputError("is not a directory", path=os.fspath(root))
            found = find_git(folder)
        work_tree, git_dir = found if found else (None, None)
        return cls(folder, load_settings(folder), work_tree, git_dir)

    @property
    def path(self) -> Path:
        """The root as a Path, for the commands that want one (`check` never does)."""
        from pathlib import Path

        return Path(self.root)

    def file(self, relative: str) -> str:
        """The absolute path of a repository path such as notes/202203/0307.md."""
        return os.path.join(self.root, relative)

    @property
    def readme_file(self) -> str:
        return self.file(self.settings.readme)

    def read_readme(self, source: NoteSource) -> str:
        """The README's exact text (a BOM, if any, stays: every byte is kept)."""
        name = self.settings.readme
        try:
            data = source.read(name)
        except (FileNotFoundError, KeyError):
            self.refuse_uninitialised()
            raise InputError("not found (set `readme` in dairly.toml if it lives elsewhere)", path=name) from None
        except OSError as exc:
            raise refusal(exc, name) from None
        text = decode_utf8(data, name)
        refuse_conflicts(text, name, readme=True)
        return text

    def refuse_uninitialised(self) -> None:
        """Refuse a folder that is not a notes repository yet: no README, no settings and
        no notes folder (a command run in the wrong folder, or before `dairly init`)."""
        if (
            self.settings == Settings()
            and not os.path.isdir(self.file(self.settings.notes_dir))
            and not os.path.lexists(self.readme_file)
        ):
            raise InputError(
                f"not a notes repository yet (no {self.settings.readme}, no settings, no {self.settings.notes_dir}/):"
                " run `dairly init`",
                path=self.root,
            )

    def refuse_bare(self) -> None:
        """Refuse to write notes into a bare git repository (a git directory, with no work
        tree), or a folder inside one: what a command writes there would sit among git's
        own files and never be committed."""
        if self.work_tree is not None:
            return
        folder = self.root
        while True:
            if all(os.path.exists(os.path.join(folder, name)) for name in ("HEAD", "objects", "refs")):
                raise GitError(
                    f"{folder} is a bare git repository: it has no work tree to keep notes in;"
                    " clone it (`git clone` it elsewhere) and run dairly in the clone"
                )
            parent = os.path.dirname(folder)
            if parent == folder:
                return
            folder = parent

    def private_dir(self) -> str | None:
        """Where dairly keeps its own files for this repository (lock, index): inside the
        git directory, so they are never committed; None outside git."""
        return None if self.git_dir is None else os.path.join(self.git_dir, "dairly")
