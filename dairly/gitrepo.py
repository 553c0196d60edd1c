"""The only importer of GitPython: open the repository the workspace found, judge its
state, read its index, and make the one scoped commit `publish` asks for. Everything else
in dairly works without git.
"""

from __future__ import annotations

import os
import posixpath
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


def _run(repo: git.Repo, *args: str, whole: bool = False) -> str:
    """git's output; a failure is a GitError with git's first line of output, or with all
    of it (`whole`), since a hook's reason is rarely on its first line."""
    try:
        out: str = repo.git.execute(["git", *args])
        return out
    except git.GitCommandError as exc:
        lines = [ln.rstrip() for ln in f"{_unwrapped(exc.stdout)}\n{_unwrapped(exc.stderr)}".splitlines()]
        lines = [ln for ln in lines if ln.strip()]
        if not lines:
            reason = f"exit status {exc.status}"
        elif whole and len(lines) > 1:
            reason = "\n" + "\n".join("    " + ln for ln in lines)
        else:
            reason = lines[0].strip()
        raise GitError(f"git {args[0]} failed: {reason}") from None


def _unwrapped(text: object) -> str:
    """git's own output, without the `  stderr: '...'` GitPython wraps it in."""
    text = str(text or "").strip()
    for label in ("stderr: '", "stdout: '"):
        if text.startswith(label) and text.endswith("'"):
            return text[len(label) : -1]
    return text


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


def preflight(notes_repo: NotesRepo, paths: list[str], *, push: bool = False) -> None:
    """Refuse, before anything is written, the states we will not commit in; `paths` are
    the work-tree paths the commit will stage."""
    repo = notes_repo.repo
    lock = Path(repo.git_dir) / "index.lock"
    if lock.exists():
        raise GitError(
            f"{lock} exists: another git command is running, or one was stopped before it finished;"
            " when no git command is running, remove the file and publish again"
        )
    top = Path(repo.working_tree_dir or ".")
    for path in paths:
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if (top / folder).is_symlink():
                raise GitError(f"{folder} is a symbolic link, and git does not commit files beyond one ({path})")
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


_SYMLINK_MODE = 0o120000


def head_text(notes_repo: NotesRepo, path: str) -> str | None:
    """The committed text of a notes-repo path (through a committed symbolic link), None on
    an unborn branch or for a new file."""
    repo = notes_repo.repo
    if not repo.head.is_valid():
        return None
    top_path = notes_repo.top_path(path)
    for _ in range(8):  # links to links, but never round in circles
        try:
            blob = repo.head.commit.tree / top_path
        except KeyError:
            return None
        data: bytes = blob.data_stream.read()
        if blob.mode != _SYMLINK_MODE:
            return data.decode("utf-8", errors="surrogateescape")
        top_path = posixpath.normpath(posixpath.join(posixpath.dirname(top_path), data.decode("utf-8")))
    return None


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


def commit(notes_repo: NotesRepo, paths: list[str], message: str) -> str | None:
    """Stage exactly `paths` (work-tree relative) and commit only them; returns the new sha,
    or None when the commit would change nothing (the index already held them, or another
    `git commit` took them first)."""
    repo = notes_repo.repo
    _run(repo, "add", "--all", "--", *paths)
    if not _differs_from_head(repo, paths):
        return None
    try:
        _run(repo, "commit", "--quiet", "-m", message, "--", *paths, whole=True)
    except GitError:
        if not _differs_from_head(repo, paths):  # a concurrent commit took them: they are in
            return None
        raise
    return repo.head.commit.hexsha


def _differs_from_head(repo: git.Repo, paths: list[str]) -> bool:
    if not repo.head.is_valid():
        return True
    try:
        repo.git.execute(["git", "diff", "--quiet", "HEAD", "--", *paths])
    except git.GitCommandError:
        return True
    return False


class IndexSnapshot:
    """The git index's bytes before publish stages anything, to put back if the commit
    fails: the paths the user had staged stay staged, exactly as they were."""

    def __init__(self, notes_repo: NotesRepo) -> None:
        self.path = Path(notes_repo.repo.git_dir) / "index"
        try:
            self.data: bytes | None = self.path.read_bytes()
        except FileNotFoundError:
            self.data = None

    def restore(self) -> None:
        """Write the saved index back the way git writes it: through index.lock."""
        lock = self.path.with_name("index.lock")
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(self.data or b"")
                f.flush()
                os.fsync(f.fileno())
        except BaseException:
            lock.unlink(missing_ok=True)
            raise
        if self.data is None:
            lock.unlink()
            self.path.unlink(missing_ok=True)
        else:
            os.replace(lock, self.path)


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
        for _ in range(8):  # a staged symbolic link is read through, as on disk
            blob = self._blobs.get(path)
            if blob is None or blob[0] != "120000":
                break
            target = self.notes_repo.repo.odb.stream(bytes.fromhex(blob[1])).read().decode("utf-8")
            path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if blob is None:
            raise FileNotFoundError(path)
        data: bytes = self.notes_repo.repo.odb.stream(bytes.fromhex(blob[1])).read()
        return data
