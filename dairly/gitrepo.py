"""The only importer of GitPython: open the repository the workspace found, judge its
state, read its index, make the one scoped commit `publish` asks for, and serve the
README merge driver (which commits a merge is between, the notes it produces, git's line
merge, the driver's registration). Everything else in dairly works without git.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import git

from dairly.errors import GitError
from dairly.fsio import atomic_write, refusal
from dairly.notes.scan import Listed
from dairly.tuples import Record
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


class BlobNotes:
    """Notes stored in git: notes-repo paths mapped to (mode, object id), read from the
    object database; `contents` holds the bytes of the ones that are in no object (the
    notes a merge of the notes merged line by line)."""

    def __init__(
        self, notes_repo: NotesRepo, blobs: dict[str, tuple[str, str]], contents: dict[str, bytes] | None = None
    ) -> None:
        self.notes_repo = notes_repo
        self._blobs = blobs
        self._contents = contents or {}

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
        data = self._contents.get(path)
        if data is not None:
            return data
        for _ in range(8):  # a stored symbolic link is read through, as on disk
            blob = self._blobs.get(path)
            if blob is None or blob[0] != "120000":
                break
            target = _object(self.notes_repo, blob[1]).decode("utf-8")
            path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if blob is None:
            raise FileNotFoundError(path)
        return _object(self.notes_repo, blob[1])


def _object(notes_repo: NotesRepo, sha: str) -> bytes:
    data: bytes = notes_repo.repo.odb.stream(bytes.fromhex(sha)).read()
    return data


class GitIndex(BlobNotes):
    """Notes and README as staged in the git index, for `check --staged`.

    pre-commit stashes unstaged edits but leaves untracked files in place, so only the
    index tells what the commit will contain; untracked notes do not exist here.
    """

    def __init__(self, notes_repo: NotesRepo) -> None:
        out = _run(notes_repo.repo, "ls-files", "--stage", "-z", "--", notes_repo.top_path("."))
        super().__init__(notes_repo, _listed_blobs(notes_repo, out, sha_field=1))  # mode sha stage\tpath


# --- the README merge driver -------------------------------------------------------------
# Git asks a merge driver to merge one file and tells it only three temporary files (%O,
# %A, %B) and the path (%P). Regenerating the README needs the notes the merge produces,
# and git does not have them anywhere yet when it calls the driver: merge-ort merges every
# path in memory and updates the work tree and the index only at the end, and the older
# merge-recursive writes paths as it goes, in an order that is not ours to rely on. (At
# that point the work tree and the index still hold our side's notes, and MERGE_HEAD
# does not exist yet; tests/test_merge_readme.py shows both.) So the notes are merged
# here, from the commits themselves, path by path as git does (merge_sides, merged_notes).

MERGE_DRIVER = "dairly-readme"  # merge.<name>.* in the git config, merge=<name> in .gitattributes
MERGE_DRIVER_NAME = "dairly: merge the README, regenerating the parts dairly owns from the merged notes"
_PICKS = {"pick", "p", "reword", "r", "edit", "e", "squash", "s", "fixup", "f"}


class MergeSides(Record):
    """The commits whose README versions git asked the driver to merge."""

    base: str | None  # None: an empty base (unrelated histories, or the pick of a root commit)
    ours: str
    theirs: str
    theirs_name: str  # how git names theirs in conflict markers


def merge_file(
    notes_repo: NotesRepo, ours: bytes, base: bytes, theirs: bytes, labels: tuple[str, str, str]
) -> tuple[bytes, bool]:
    """`git merge-file -p`: git's own line merge of three versions of a file, with the
    repository's conflict style; (the result, whether it has no conflict)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="dairly-merge-") as folder:
        files = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            files.append(os.path.join(folder, name))
            with open(files[-1], "wb") as f:
                f.write(data)
        status, out, err = notes_repo.repo.git.execute(
            ["git", "merge-file", "-p", "-L", labels[0], "-L", labels[1], "-L", labels[2], *files],
            with_extended_output=True,
            with_exceptions=False,
            stdout_as_string=False,
            strip_newline_in_stdout=False,
        )
    # The exit status is the number of conflicts (at most 127), or negative on an error.
    if not 0 <= status <= 127:
        reason = err.decode("utf-8", "replace") if isinstance(err, bytes) else str(err)
        raise GitError(f"git merge-file failed: {reason.strip() or status}")
    assert isinstance(out, bytes)
    return out, status == 0


def _git(repo: git.Repo, *args: str) -> tuple[int, str]:
    """(exit status, output) of a git command whose failure is an answer, not an error."""
    status, out, _err = repo.git.execute(["git", *args], with_extended_output=True, with_exceptions=False)
    return status, str(out)


def _blob(repo: git.Repo, commit: str | None, path: str) -> bytes:
    """A file's bytes at a commit; empty when it has none (as git gives a driver)."""
    if commit is None:
        return b""
    try:
        blob = repo.commit(commit).tree / path
    except KeyError:
        return b""
    data: bytes = blob.data_stream.read()
    return data


def _merging() -> tuple[str, str] | None:
    """The commit `git merge` (or `git pull`) is merging into HEAD, and its name.

    git merge exports GITHEAD_<sha>=<name> for each commit it merges, for the merge
    strategies to name them in conflict markers; one of them is a two-way merge."""
    heads = [(key[len("GITHEAD_") :], name) for key, name in os.environ.items() if key.startswith("GITHEAD_")]
    if len(heads) != 1:
        return None
    sha, name = heads[0]
    return (sha, name) if all(c in "0123456789abcdef" for c in sha) and len(sha) in (40, 64) else None


def _rebasing(repo: git.Repo) -> str | None:
    """The commit a `git rebase` (the merge backend, the default) is picking onto HEAD:
    the last command in rebase-merge/done, written before the pick starts."""
    try:
        done = (Path(repo.git_dir) / "rebase-merge" / "done").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    commands = [ln.split() for ln in done.splitlines() if ln.strip() and not ln.startswith("#")]
    if not commands or commands[-1][0] not in _PICKS:
        return None
    names = [word for word in commands[-1][1:] if not word.startswith("-")]  # fixup -C <commit>
    if not names:
        return None
    status, sha = _git(repo, "rev-parse", "--verify", "--quiet", names[0] + "^{commit}")
    return sha.strip() if status == 0 else None


def merge_sides(notes_repo: NotesRepo, readme: str, base: bytes, ours: bytes, theirs: bytes) -> MergeSides | None:
    """The (base, ours, theirs) commits of the merge git is running the driver for, when
    it is a `git merge`/`git pull` or a `git rebase` pick; None when they cannot be told
    (cherry-pick, stash, octopus and criss-cross merges, ...).

    `readme` is the README's work-tree path and base, ours and theirs the driver's three
    files: they must be that README at the three commits, or the commits are not the ones
    git is merging (say, an inner merge of two merge bases) and None is returned."""
    repo = notes_repo.repo
    if not repo.head.is_valid():
        return None
    head = repo.head.commit.hexsha
    merging = _merging()
    if merging is not None:
        theirs_sha, name = merging
        status, out = _git(repo, "merge-base", "--all", head, theirs_sha)
        if status not in (0, 1):
            return None
        bases = out.split()
        if len(bases) > 1:  # git merges the merge bases first; their README is none of the commits'
            return None
        sides = MergeSides(bases[0] if bases else None, head, theirs_sha, name)
    else:
        picked = _rebasing(repo)
        if picked is None:
            return None
        parents = repo.commit(picked).parents
        if len(parents) > 1:
            return None
        sides = MergeSides(parents[0].hexsha if parents else None, head, picked, picked[:7])
    for commit, text in ((sides.base, base), (sides.ours, ours), (sides.theirs, theirs)):
        if _blob(repo, commit, readme) != text:
            return None
    return sides


def _tree_blobs(notes_repo: NotesRepo, commit: str | None, folder: str) -> dict[str, tuple[str, str]]:
    """Every file under a notes-repo folder at a commit: notes-repo path -> (mode, sha)."""
    if commit is None:
        return {}
    out = _run(notes_repo.repo, "ls-tree", "-r", "-z", "--full-tree", commit, "--", notes_repo.top_path(folder))
    return _listed_blobs(notes_repo, out, sha_field=2)  # mode type sha\tpath


def _listed_blobs(notes_repo: NotesRepo, out: str, sha_field: int) -> dict[str, tuple[str, str]]:
    """notes-repo path -> (mode, sha) from `git ls-files --stage -z` or `git ls-tree -z`
    output, whose records are "fields\tpath" with the sha at `sha_field`."""
    blobs: dict[str, tuple[str, str]] = {}
    for record in out.split("\0"):
        if not record:
            continue
        meta, _, top_path = record.partition("\t")
        fields = meta.split()
        rel = notes_repo.relative(top_path)
        if rel is not None:
            blobs[rel] = (fields[0], fields[sha_field])
    return blobs


def merged_notes(notes_repo: NotesRepo, notes_dir: str, sides: MergeSides) -> BlobNotes | None:
    """The notes folder as the merge leaves it: merged path by path like git (the side
    that changed a path wins; a note both sides changed is merged line by line). None when
    git would stop on a conflict there, since the notes a person will choose are unknown."""
    from dairly.readme.merge import side

    folder = notes_dir.strip("/")
    base, ours, theirs = (_tree_blobs(notes_repo, c, folder) for c in (sides.base, sides.ours, sides.theirs))
    blobs: dict[str, tuple[str, str]] = {}
    contents: dict[str, bytes] = {}
    for path in sorted(base.keys() | ours.keys() | theirs.keys()):
        b, o, t = base.get(path), ours.get(path), theirs.get(path)
        taken = side(b, o, t)
        entry = t if taken == "theirs" else o
        if taken is None and not path.endswith(".md"):
            entry = o or t  # an image or the like: never read, only its place matters
        elif taken is None:
            if o is None or t is None or o[0] != t[0] or o[0] not in ("100644", "100755"):
                return None  # deleted on one side and changed on the other, or a type change
            data, clean = merge_file(
                notes_repo,
                _object(notes_repo, o[1]),
                b"" if b is None else _object(notes_repo, b[1]),
                _object(notes_repo, t[1]),
                ("ours", "base", "theirs"),
            )
            if not clean:
                return None
            contents[path] = data
        if entry is not None:
            blobs[path] = entry
    return BlobNotes(notes_repo, blobs, contents)


def merge_driver_command(root_from_top: str) -> str:
    """The merge driver's command line. Git runs it with sh from the top of the work tree;
    the notes repository may be a folder below it (`--root`). As the pre-commit hook does
    (commands/hook.py), it prefers the interpreter dairly runs with, since a virtualenv is
    often not on PATH when git runs, then `dairly` on PATH. When neither is there, or
    dairly fails (exit 2 or more: it then leaves %A alone), the merge is git's own line
    merge, never a conflict whose file holds only our side."""
    python = shlex.quote(sys.executable)
    args = f"--root {shlex.quote(root_from_top)} merge-readme %O %A %B %P"
    return (
        f"if [ -x {python} ] && {python} -c 'import dairly' 2>/dev/null; then {python} -m dairly {args};"
        f" elif command -v dairly >/dev/null 2>&1; then dairly {args}; else (exit 2); fi;"
        " status=$?; if [ $status -le 1 ]; then exit $status; fi;"
        " exec git merge-file -L ours -L base -L theirs %A %O %B"
    )


_GLOB = re.compile(r"([*?\[\\])")


def _merge_attribute(repo: git.Repo, path: str) -> str:
    """The merge attribute git gives a work-tree path ("unspecified" when none)."""
    out = _run(repo, "check-attr", "-z", "merge", "--", path)
    fields = out.split("\0")
    return fields[2] if len(fields) > 2 else "unspecified"


def register_merge_driver(ws: Workspace) -> list[str]:
    """Make git merge the workspace's README with `dairly merge-readme`: the driver in the
    repository's local git config (merge.dairly-readme.name and .driver), and the README
    (its `readme` setting, from the top of the work tree) given merge=dairly-readme in the
    .gitattributes at the top of the work tree.

    Idempotent: only what is missing or different is written, existing .gitattributes
    lines are kept byte for byte and the file is replaced atomically. Returns what it
    changed, one line each; nothing when all was in place."""
    notes_repo = open_repo(ws, purpose="the README merge driver needs a git repository")
    repo = notes_repo.repo
    changes = []
    wanted = {
        f"merge.{MERGE_DRIVER}.name": MERGE_DRIVER_NAME,
        f"merge.{MERGE_DRIVER}.driver": merge_driver_command(notes_repo.prefix or "."),
    }
    for key, value in wanted.items():
        status, current = _git(repo, "config", "--local", "--get-all", key)
        if status != 0 or current.splitlines() != [value]:
            _run(repo, "config", "--local", "--replace-all", key, value)
            changes.append(f"{key} in the local git config")
    readme = notes_repo.top_path(ws.settings.readme)
    if _merge_attribute(repo, readme) != MERGE_DRIVER:
        if any(c.isspace() for c in readme):
            raise GitError(f"cannot name {readme} in .gitattributes (it holds a space); add it there by hand")
        # The leading slash anchors the pattern to the top: a bare README.md would match
        # the README of every folder.
        pattern = _GLOB.sub(r"\\\1", readme)  # a literal path, not a glob
        line = f"/{pattern} merge={MERGE_DRIVER}"
        attributes = Path(repo.working_tree_dir or ws.root) / ".gitattributes"
        try:
            old = attributes.read_bytes()
        except FileNotFoundError:
            old = b""
        except OSError as exc:
            raise refusal(exc, ".gitattributes") from None
        nl = b"\r\n" if old.count(b"\r\n") * 2 > old.count(b"\n") else b"\n"
        separator = nl if old and not old.endswith(b"\n") else b""
        atomic_write(attributes, old + separator + line.encode("utf-8") + nl, ".gitattributes")
        changes.append(f"`{line}` in .gitattributes")
        if _merge_attribute(repo, readme) != MERGE_DRIVER:
            raise GitError(
                f"added `{line}` to .gitattributes, but another attributes file (a folder's .gitattributes"
                f" or .git/info/attributes) gives {readme} a different merge attribute; remove it there"
            )
    return changes
