"""The only importer of GitPython: find the repository, judge its state, and make the
one scoped commit `publish` asks for. Everything else in dairly works without git.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from dairly.errors import GitError


def find_root(start: Path) -> Path:
    """The git work tree holding `start`, else `start` itself (no git import needed)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


@dataclass
class NotesRepo:
    """A notes repository inside a git work tree (possibly a subfolder of it)."""

    repo: object  # git.Repo; typed loosely so importing this module stays cheap
    prefix: str  # the notes repository's folder relative to the work tree, "" at the top

    def top_path(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def relative(self, top_path: str) -> str | None:
        """A work-tree path relative to the notes repository, None when outside it."""
        if not self.prefix:
            return top_path
        head = self.prefix + "/"
        return top_path[len(head) :] if top_path.startswith(head) else None


def open_repo(root: Path) -> NotesRepo:
    import git

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(f"{root} is not in a git repository; use --no-commit to only write the README") from None
    if repo.bare or repo.working_tree_dir is None:
        raise GitError(f"{root} is in a bare git repository; use --no-commit")
    top = Path(repo.working_tree_dir).resolve()
    prefix = Path(os.path.relpath(root.resolve(), top)).as_posix()
    return NotesRepo(repo, "" if prefix == "." else prefix)


def _in_progress(repo) -> str | None:
    git_dir = Path(repo.git_dir)
    for marker, what in (
        ("MERGE_HEAD", "a merge"),
        ("rebase-merge", "a rebase"),
        ("rebase-apply", "a rebase or am"),
        ("CHERRY_PICK_HEAD", "a cherry-pick"),
        ("REVERT_HEAD", "a revert"),
        ("BISECT_LOG", "a bisect"),
    ):
        if (git_dir / marker).exists():
            return what
    return None


def _run(repo, *args: str) -> str:
    import git

    try:
        return repo.git.execute(["git", *args])
    except git.GitCommandError as exc:
        detail = (exc.stderr or exc.stdout or "").strip().splitlines()
        reason = next((ln.strip().removeprefix("stderr: ").strip("' ") for ln in detail if ln.strip()), str(exc.status))
        raise GitError(f"git {args[0]} failed: {reason}") from None


def staged_paths(notes_repo: NotesRepo) -> list[str]:
    """Paths (relative to the work tree top) whose staged content differs from HEAD."""
    repo = notes_repo.repo
    if repo.head.is_valid():
        out = _run(repo, "diff", "--cached", "--name-only", "-z", "--no-renames")
    else:  # unborn branch: everything in the index is staged
        out = _run(repo, "ls-files", "--cached", "-z")
    return [p for p in out.split("\0") if p]


def changed_paths(notes_repo: NotesRepo, pathspecs: list[str]) -> list[str]:
    """Work-tree paths under `pathspecs` that differ from HEAD: modified, new or deleted."""
    out = _run(
        notes_repo.repo, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", *pathspecs
    )
    return sorted({entry[3:] for entry in out.split("\0") if len(entry) > 3})


def preflight(notes_repo: NotesRepo) -> None:
    """Refuse, before anything is written, the states we will not commit in."""
    repo = notes_repo.repo
    doing = _in_progress(repo)
    if doing:
        raise GitError(f"{doing} is in progress; finish or abort it, or use --no-commit")
    if repo.head.is_detached:
        raise GitError("HEAD is detached; check out a branch first, or use --no-commit")
    try:
        repo.git.var("GIT_AUTHOR_IDENT")
        repo.git.var("GIT_COMMITTER_IDENT")
    except Exception:
        raise GitError(
            "git has no user identity; set it with `git config user.name` and `git config user.email`"
        ) from None


def commit(notes_repo: NotesRepo, paths: list[str], message: str) -> str:
    """Stage exactly `paths` (work-tree relative) and commit only them; returns the new sha."""
    repo = notes_repo.repo
    _run(repo, "add", "--all", "--", *paths)
    _run(repo, "commit", "--quiet", "-m", message, "--", *paths)
    return repo.head.commit.hexsha
