"""The only importer of GitPython: open the repository the workspace found, judge its
state, read its index, and make the one scoped commit `publish` asks for. Everything else
in dairly works without git.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import git

from dairly.errors import GitError
from dairly.notes.scan import Listed
from dairly.workspace import Workspace


@dataclass
class NotesRepo:
    """A notes repository inside a git work tree (possibly a subfolder of it)."""

    repo: git.Repo
    prefix: str  # the notes repository's folder relative to the work tree, "" at the top

    def top_path(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def relative(self, top_path: str) -> str | None:
        """A work-tree path relative to the notes repository, None when outside it."""
        if not self.prefix:
            return top_path
        head = self.prefix + "/"
        return top_path[len(head) :] if top_path.startswith(head) else None


def open_repo(ws: Workspace, purpose: str = "use --no-commit to only write the README") -> NotesRepo:
    """The git repository holding the workspace (found by Workspace.open)."""
    if ws.work_tree is None:
        raise GitError(f"{ws.root} is not in a git repository; {purpose}")
    try:
        repo = git.Repo(ws.work_tree)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise GitError(f"{ws.root} is not in a usable git repository; {purpose}") from None
    if repo.bare or repo.working_tree_dir is None:
        raise GitError(f"{ws.root} is in a bare git repository; {purpose}")
    prefix = Path(os.path.relpath(ws.root, os.path.realpath(repo.working_tree_dir))).as_posix()
    return NotesRepo(repo, "" if prefix == "." else prefix)


def _in_progress(repo: git.Repo) -> str | None:
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


def _run(repo: git.Repo, *args: str) -> str:
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


def preflight(notes_repo: NotesRepo, *, push: bool = False) -> None:
    """Refuse, before anything is written, the states we will not commit in."""
    repo = notes_repo.repo
    doing = _in_progress(repo)
    if doing:
        raise GitError(f"{doing} is in progress; finish or abort it, or use --no-commit")
    if repo.head.is_detached:
        raise GitError("HEAD is detached; check out a branch first, or use --no-commit")
    if push and upstream(notes_repo) is None:
        branch = repo.active_branch.name
        raise GitError(f"branch {branch} has no upstream to push to; set one with `git push -u REMOTE {branch}`")
    try:
        repo.git.var("GIT_AUTHOR_IDENT")
        repo.git.var("GIT_COMMITTER_IDENT")
    except Exception:
        raise GitError(
            "git has no user identity; set it with `git config user.name` and `git config user.email`"
        ) from None


def head_text(notes_repo: NotesRepo, path: str) -> str | None:
    """The committed text of a notes-repo path, None on an unborn branch or a new file."""
    repo = notes_repo.repo
    if not repo.head.is_valid():
        return None
    try:
        blob = repo.head.commit.tree / notes_repo.top_path(path)
    except KeyError:
        return None
    data: bytes = blob.data_stream.read()
    return data.decode("utf-8", errors="surrogateescape")


def upstream(notes_repo: NotesRepo) -> tuple[str, str] | None:
    """(remote, branch) the current branch tracks, or None."""
    repo = notes_repo.repo
    if repo.head.is_detached:
        return None
    tracking = repo.active_branch.tracking_branch()
    if tracking is None:
        return None
    return tracking.remote_name, tracking.remote_head


def push(notes_repo: NotesRepo) -> str:
    """Push the current branch to its upstream; returns 'remote/branch'."""
    target = upstream(notes_repo)
    if target is None:
        raise GitError("the current branch has no upstream to push to")
    remote, branch = target
    _run(notes_repo.repo, "push", "--quiet", remote, f"HEAD:refs/heads/{branch}")
    return f"{remote}/{branch}"


def hooks_dir(notes_repo: NotesRepo) -> Path:
    """Where git looks for hooks, honouring core.hooksPath."""
    repo = notes_repo.repo
    path = Path(_run(repo, "rev-parse", "--git-path", "hooks").strip())
    return path if path.is_absolute() else Path(repo.working_tree_dir or ".") / path


def commit(notes_repo: NotesRepo, paths: list[str], message: str) -> str:
    """Stage exactly `paths` (work-tree relative) and commit only them; returns the new sha."""
    repo = notes_repo.repo
    _run(repo, "add", "--all", "--", *paths)
    _run(repo, "commit", "--quiet", "-m", message, "--", *paths)
    return repo.head.commit.hexsha


class GitIndex:
    """Notes and README as staged in the git index, for `check --staged`.

    pre-commit stashes unstaged edits but leaves untracked files in place, so only the
    index tells what the commit will contain; untracked notes do not exist here.
    """

    def __init__(self, notes_repo: NotesRepo) -> None:
        self.notes_repo = notes_repo
        out = _run(notes_repo.repo, "ls-files", "--stage", "-z", "--", notes_repo.top_path("."))
        self._blobs: dict[str, tuple[str, str]] = {}  # notes-repo path -> (mode, sha)
        for record in out.split("\0"):
            if not record:
                continue
            meta, _, top_path = record.partition("\t")
            mode, sha, _stage = meta.split()
            rel = notes_repo.relative(top_path)
            if rel is not None:
                self._blobs[rel] = (mode, sha)

    def listing(self, notes_dir: str) -> tuple[list[str], list[Listed]]:
        found: dict[str, Listed] = {}
        head = notes_dir + "/"
        for path, (mode, _sha) in self._blobs.items():
            if not path.startswith(head):
                continue
            parts = path.split("/")
            for depth, part in enumerate(parts[:-1]):
                if depth > 0 and part.endswith(".md"):  # a folder named like a note
                    folder = "/".join(parts[: depth + 1])
                    found.setdefault(folder, Listed(folder, "dir"))
            if path.endswith(".md"):
                kind = "symlink" if mode == "120000" else "dir" if mode == "160000" else "file"
                found[path] = Listed(path, kind)
        files = [entry.path for entry in found.values() if entry.kind == "file"]
        return files, [entry for entry in found.values() if entry.kind != "file"]

    def read(self, path: str) -> bytes:
        blob = self._blobs.get(path)
        if blob is None:
            raise FileNotFoundError(path)
        data: bytes = self.notes_repo.repo.odb.stream(bytes.fromhex(blob[1])).read()
        return data
