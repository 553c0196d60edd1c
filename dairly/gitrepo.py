"""git plumbing: the one way dairly calls git (run_git, a git process with the arguments
given), and what the commands ask of git through it: the repository's state in one
`git status`, the index's and a commit's files as object ids and their bytes (the notes
read from them are dairly.notes.stored's), committed text, the scoped commit, the index
snapshot publish puts back, the push, the remote.

The commit is made through GitPython, the library dairly commits with; it is imported
there only, so `check --staged` (the commit hook) never loads it. The README merge driver
lives in dairly.mergedriver.
"""

from __future__ import annotations

import contextlib
import os
import posixpath
import re
import shlex
import subprocess
import sys
from typing import TYPE_CHECKING

from dairly.errors import GitError
from dairly.fsio import read_unfollowed
from dairly.workspace import Workspace

if TYPE_CHECKING:
    import git


def run_git(
    args: list[str],
    cwd: str,
    *,
    stdin: bytes | None = None,
    ok: tuple[int, ...] = (0,),
    whole: bool = False,
    env: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    """(exit status, stdout) of `git ARGS` run in `cwd`, with `env` added to the
    environment. An exit status outside `ok` is a GitError with git's first line of
    output, or all of it (`whole`: a hook's reason is rarely on its first line)."""
    try:
        proc = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            check=False,
            env={**os.environ, **env} if env else None,
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}") from None
    if proc.returncode not in ok:
        raise GitError(f"git {args[0]} failed: {_reason(proc.stdout, proc.stderr, proc.returncode, whole)}")
    return proc.returncode, proc.stdout


def _reason(out: bytes | str | None, err: bytes | str | None, status: int, whole: bool) -> str:
    text = "\n".join(x.decode("utf-8", "replace") if isinstance(x, bytes) else x or "" for x in (out, err))
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return f"exit status {status}"
    if whole and len(lines) > 1:
        return "\n" + "\n".join("    " + ln for ln in lines)
    return lines[0].strip()


class NotesRepo:
    """A notes repository inside a git work tree (possibly a subfolder of it)."""

    __slots__ = ("git_dir", "prefix", "top")

    def __init__(self, top: str, git_dir: str, prefix: str) -> None:
        self.top = top  # the work tree's top folder
        self.git_dir = git_dir
        self.prefix = prefix  # the notes repository's folder relative to the top, "" at the top

    def git(
        self,
        *args: str,
        stdin: bytes | None = None,
        ok: tuple[int, ...] = (0,),
        whole: bool = False,
        env: dict[str, str] | None = None,
    ) -> bytes:
        return run_git(list(args), self.top, stdin=stdin, ok=ok, whole=whole, env=env)[1]

    def top_path(self, path: str) -> str:
        return f"{self.prefix}/{path}" if self.prefix else path

    def relative(self, top_path: str) -> str | None:
        """A work-tree path relative to the notes repository, None when outside it."""
        if not self.prefix:
            return top_path
        head = self.prefix + "/"
        return top_path[len(head) :] if top_path.startswith(head) else None


def open_repo(
    ws: Workspace, purpose: str = "run `git init` first, or use --no-commit to only write the README"
) -> NotesRepo:
    """The git repository holding the workspace (found by Workspace.open, as git finds it)."""
    if ws.work_tree is None or ws.git_dir is None:
        raise GitError(f"{ws.root} is not in a git repository; {purpose}")
    if not os.path.isdir(ws.git_dir):
        raise GitError(f"{ws.root} is not in a usable git repository ({ws.git_dir} is missing); {purpose}")
    top = os.path.realpath(ws.work_tree)
    prefix = os.path.relpath(ws.root, top).replace(os.sep, "/")
    return NotesRepo(top, ws.git_dir, "" if prefix == "." else prefix)


# --- the repository's state --------------------------------------------------------------


class Status:
    """One `git status` of the whole work tree: HEAD, the branch and its upstream, and
    every path that differs, staged or not, untracked or ignored."""

    def __init__(self, out: bytes) -> None:
        self.head: str | None = None  # HEAD's commit; None on an unborn branch
        self.branch: str | None = None  # None when HEAD is detached
        self.upstream: str | None = None  # "remote/branch"
        self.staged: list[str] = []  # work-tree paths whose index entry differs from HEAD
        self.changed: set[str] = set()  # ... that differ from HEAD anywhere, or are untracked
        self.ignored: list[str] = []  # untracked ignored paths (folders end in "/")
        self.untracked: set[str] = set()  # untracked paths, not ignored
        self.modes: dict[str, str] = {}  # tracked paths' modes, as HEAD (else the index) has them
        for record in out.decode("utf-8", "surrogateescape").split("\0"):
            kind, _, rest = record.partition(" ")
            if kind == "#":
                key, _, value = rest.partition(" ")
                if key == "branch.oid" and value != "(initial)":
                    self.head = value
                elif key == "branch.head" and value != "(detached)":
                    self.branch = value
                elif key == "branch.upstream":
                    self.upstream = value
            elif kind in ("1", "u"):  # "1 XY sub mH mI mW hH hI path", "u XY sub m1 m2 m3 mW h1 h2 h3 path"
                fields = rest.split(" ", 7 if kind == "1" else 9)
                path = fields[-1]
                if kind == "1":
                    self.modes[path] = fields[2] if fields[2] != "000000" else fields[3]
                if fields[0][0] != "." or kind == "u":
                    self.staged.append(path)
                self.changed.add(path)
            elif kind == "?":
                self.changed.add(rest)
                self.untracked.add(rest)
            elif kind == "!":
                self.ignored.append(rest)

    def is_ignored(self, path: str) -> bool:
        return any(path == p or (p.endswith("/") and path.startswith(p)) for p in self.ignored)


def status(notes_repo: NotesRepo) -> Status:
    """The state publish decides from, in one git process. Untracked files are listed one
    by one, ignored ones as git matches them (an ignored folder, not its files)."""
    return Status(
        notes_repo.git(
            "status",
            "--porcelain=v2",
            "-z",
            "--branch",
            "--untracked-files=all",
            "--ignored=matching",
            "--no-renames",
            "--ignore-submodules=dirty",
        )
    )


def _in_progress(git_dir: str) -> str | None:
    for marker, what in (
        ("MERGE_HEAD", "a merge"),
        ("rebase-merge", "a rebase"),
        ("rebase-apply", "a rebase or am"),
        ("CHERRY_PICK_HEAD", "a cherry-pick"),
        ("REVERT_HEAD", "a revert"),
        ("BISECT_LOG", "a bisect"),
    ):
        if os.path.exists(os.path.join(git_dir, marker)):
            return what
    return None


def preflight(notes_repo: NotesRepo, state: Status, paths: list[str], *, push: bool = False) -> None:
    """Refuse, before anything is written, the states we will not commit in; `paths` are
    the work-tree paths the commit will stage. Reads files only: no git process."""
    lock = os.path.join(notes_repo.git_dir, "index.lock")
    if os.path.exists(lock):
        raise GitError(
            f"{lock} exists: another git command is running, or one was stopped before it finished;"
            " when no git command is running, remove the file and publish again"
        )
    for path in paths:
        parts = path.split("/")
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if os.path.islink(os.path.join(notes_repo.top, folder)):
                raise GitError(f"{folder} is a symbolic link, and git does not commit files beyond one ({path})")
    doing = _in_progress(notes_repo.git_dir)
    if doing:
        raise GitError(f"{doing} is in progress; finish or abort it, or use --no-commit")
    if state.branch is None:
        raise GitError("HEAD is detached; check out a branch first, or use --no-commit")
    if push and state.upstream is None:
        raise GitError(
            f"branch {state.branch} has no upstream to push to; set one with `git push -u REMOTE {state.branch}`"
        )


def head(notes_repo: NotesRepo) -> str | None:
    """HEAD's commit, None on an unborn branch."""
    out = notes_repo.git("rev-parse", "--quiet", "--verify", "HEAD^{commit}", ok=(0, 1))
    return out.decode("ascii").strip() or None


def head_text(notes_repo: NotesRepo, path: str) -> str | None:
    """The committed text of a notes-repo path (through a committed symbolic link), None on
    an unborn branch or for a new file."""
    top_path = notes_repo.top_path(path)
    for _ in range(8):  # links to links, but never round in circles
        out = notes_repo.git("ls-tree", "-z", "HEAD", "--", top_path, ok=(0, 128))
        meta, _, found = out.decode("utf-8", "surrogateescape").partition("\t")
        if not meta or found.rstrip("\0") != top_path:
            return None
        mode, _type, sha = meta.split()
        data = cat_blobs(notes_repo, [sha])[sha]
        if mode != "120000":
            return data.decode("utf-8", errors="surrogateescape")
        top_path = posixpath.normpath(posixpath.join(posixpath.dirname(top_path), data.decode("utf-8")))
    return None


def hooks_dir(notes_repo: NotesRepo) -> str:
    """Where git looks for hooks, honouring core.hooksPath."""
    path = notes_repo.git("rev-parse", "--git-path", "hooks").decode("utf-8", "surrogateescape").strip()
    return os.path.join(notes_repo.top, path)  # an absolute path stays as it is


def origin_url(notes_repo: NotesRepo) -> tuple[str, str]:
    """(the `origin` remote's URL, the current branch), each "" when there is none."""
    out = notes_repo.git("config", "--get", "remote.origin.url", ok=(0, 1)).decode("utf-8", "replace").strip()
    branch = notes_repo.git("symbolic-ref", "--quiet", "--short", "HEAD", ok=(0, 1, 128)).decode("utf-8", "replace")
    return out, branch.strip()


def dairly_command(args: str, *, missing: str) -> str:
    """The shell line git runs dairly with, from a hook or as the merge driver: the
    interpreter dairly runs with now (a virtualenv is often not on PATH when git runs),
    then `dairly` on PATH, else `missing`. Git runs both from the top of the work tree."""
    python = shlex.quote(sys.executable)
    return (
        f"if [ -x {python} ] && {python} -c 'import dairly' 2>/dev/null; then {python} -m dairly {args};"
        f" elif command -v dairly >/dev/null 2>&1; then dairly {args}; else {missing}; fi"
    )


# --- reading blobs -----------------------------------------------------------------------


def cat_blobs(notes_repo: NotesRepo, shas: list[str]) -> dict[str, bytes]:
    """The contents of these objects, through one `git cat-file --batch`."""
    found: dict[str, bytes] = {}
    if not shas:
        return found
    wanted = list(dict.fromkeys(shas))
    out = notes_repo.git("cat-file", "--batch", stdin="".join(f"{sha}\n" for sha in wanted).encode("ascii"))
    at = 0
    for sha in wanted:  # "<sha> <type> <size>\n<content>\n", or "<sha> missing\n"
        end = out.index(b"\n", at)
        header = out[at:end].split()
        if len(header) != 3:
            raise GitError(f"git cat-file: object {sha} is missing from the repository")
        size = int(header[2])
        found[sha] = out[end + 1 : end + 1 + size]
        at = end + 1 + size + 1
    return found


def index_blobs(notes_repo: NotesRepo) -> dict[str, tuple[str, str]]:
    """Every file of the notes repository as git's index stages it: notes-repo path ->
    (mode, object id), from one `git ls-files --stage`."""
    out = notes_repo.git("ls-files", "--stage", "-z", "--", notes_repo.top_path("."))
    return _listed_blobs(notes_repo, out, sha_field=1)  # mode sha stage\tpath


def tree_blobs(notes_repo: NotesRepo, commit: str, folder: str) -> dict[str, tuple[str, str]]:
    """Every file under a notes-repo folder at a commit: notes-repo path -> (mode, object
    id), from one `git ls-tree -r`."""
    out = notes_repo.git("ls-tree", "-r", "-z", "--full-tree", commit, "--", notes_repo.top_path(folder))
    return _listed_blobs(notes_repo, out, sha_field=2)  # mode type sha\tpath


def blob_id(data: bytes, like: str) -> str:
    """The object id git gives a blob of these bytes, in the hash of the id `like` (SHA-1
    or SHA-256, by its length): whether a file's bytes are what git stores, without git."""
    import hashlib

    digest = (hashlib.sha1 if len(like) == 40 else hashlib.sha256)(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def _listed_blobs(notes_repo: NotesRepo, out: bytes, sha_field: int) -> dict[str, tuple[str, str]]:
    """notes-repo path -> (mode, sha) from `git ls-files --stage -z` or `git ls-tree -z`
    output, whose records are "fields\tpath" with the sha at `sha_field`."""
    blobs: dict[str, tuple[str, str]] = {}
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        if not record:
            continue
        meta, _, top_path = record.partition("\t")
        fields = meta.split()
        rel = notes_repo.relative(top_path)
        if rel is not None:
            blobs[rel] = (fields[0], fields[sha_field])
    return blobs


# --- the commit --------------------------------------------------------------------------


class Staged:
    """What a commit will hold, staged by content in an index file of dairly's own (git's
    index is never touched before the commit): the base commit's tree, with each path's
    blob as written from the bytes given, and the removed paths gone. A git command, an
    editor or a stash changing the work tree or git's index meanwhile changes nothing
    in it. `sha` is the commit made from it, once HEAD is that commit."""

    def __init__(self, notes_repo: NotesRepo, base: str | None, entries: list[tuple[str, str, str]]) -> None:
        self.notes_repo = notes_repo
        self.base = base  # the commit the index starts from, which must still be HEAD
        self.entries = entries  # (mode, object id, work-tree path); mode "0" removes the path
        self.index = os.path.join(os.path.abspath(notes_repo.git_dir), "dairly-commit.index")
        self.env = {"GIT_INDEX_FILE": self.index}
        self.sha: str | None = None

    def git(self, *args: str, stdin: bytes | None = None, ok: tuple[int, ...] = (0,)) -> bytes:
        """git run on this index."""
        return self.notes_repo.git(*args, stdin=stdin, ok=ok, env=self.env)

    def discard(self) -> str | None:
        """Remove the index file; the file left behind (named for the user) if it cannot be."""
        for path in (self.index, self.index + ".lock"):
            try:
                os.unlink(path)
            except FileNotFoundError:
                continue
            except OSError:
                return self.index
        return None


def stage(
    notes_repo: NotesRepo,
    base: str | None,
    contents: dict[str, bytes],
    removed: list[str],
    modes: dict[str, str],
) -> Staged:
    """Stage `contents` (work-tree path -> bytes) and the removal of `removed` on top of the
    commit `base` (None on an unborn branch), in an index of dairly's own. Each content
    is written as the blob `git add` makes of it at its path (its clean filter and line
    ending rules applied: `hash-object --path`, one git process a content); a path keeps
    the mode `modes` gives (git's), a new one is a plain file."""
    entries = []
    for path, data in contents.items():
        sha = notes_repo.git("hash-object", "-w", "--stdin", f"--path={path}", stdin=data).decode("ascii").strip()
        entries.append((modes.get(path, "100644"), sha, path))
    zeros = "0" * (len(base) if base else 40)  # an object id of the repository's hash's length
    entries += [("0", zeros, path) for path in removed]
    staged = Staged(notes_repo, base, entries)
    staged.discard()  # one a killed run left
    try:
        if base is not None:
            # git's own index (when there is one) first, for its files' stat data: the
            # commit then hashes again only the files that changed; the tree is base's.
            import shutil

            try:
                shutil.copyfile(os.path.join(notes_repo.git_dir, "index"), staged.index)
            except OSError:
                staged.discard()
            staged.git("read-tree", "--reset", base)  # --reset: whatever the index staged, base's tree
        records = "".join(f"{mode} {sha}\t{path}\0" for mode, sha, path in entries)
        staged.git("update-index", "-z", "--index-info", stdin=records.encode("utf-8", "surrogateescape"))
    except BaseException:
        staged.discard()
        raise
    return staged


def stage_files(notes_repo: NotesRepo, state: Status, paths: list[str]) -> Staged:
    """The files at these work-tree paths as they are now (a symbolic link as a link, a
    missing file removed), staged on the HEAD `state` saw: what init commits."""
    contents: dict[str, bytes] = {}
    modes = dict(state.modes)
    removed = []
    for path in paths:
        full = os.path.join(notes_repo.top, path)
        try:
            if os.path.islink(full):
                contents[path], modes[path] = os.fsencode(os.readlink(full)), "120000"
            else:
                contents[path] = read_unfollowed(full)
        except FileNotFoundError:
            removed.append(path)
        except OSError as exc:
            raise GitError(f"cannot read {path}: {exc.strerror or exc}") from None
    return stage(notes_repo, state.head, contents, removed, modes)


def commit(notes_repo: NotesRepo, staged: Staged, message: str) -> str | None:
    """Commit what `staged` holds, with `git commit` run on its index (hooks see that index),
    and put those entries into git's index too; returns the new sha, or None when HEAD
    already holds exactly that.

    The commit must be made on `staged.base`: made on a HEAD another git command moved
    meanwhile it would undo that command's work, so it is taken back (a GitError). An
    interrupt (Ctrl-C, SIGTERM) while git runs stops git and waits for it to end before
    it is raised, with `staged.sha` set when the commit was made."""
    import git  # GitPython: the library dairly commits with, loaded on this path only

    # The git directory dairly found, as git finds it: GIT_DIR's when it is set (GitPython
    # points git at the repository it opened, so opening the work tree's .git there would
    # commit into another repository than the one staged in), else the work tree's .git.
    here = os.path.join(notes_repo.top, ".git")
    repo = git.Repo(notes_repo.git_dir if os.environ.get("GIT_DIR") or not os.path.exists(here) else notes_repo.top)
    try:
        return _commit(repo, staged, message)
    finally:
        staged.discard()


def _commit(repo: git.Repo, staged: Staged, message: str) -> str | None:
    notes_repo = staged.notes_repo
    try:
        _finish(repo, ["commit", "--quiet", "-m", message], whole=True, env=staged.env)
    except KeyboardInterrupt:
        staged.sha = _made(staged)
        if staged.sha is not None:
            _update_index(staged)
        raise
    except GitError as exc:
        if "Please tell me who you are" in exc.message or "empty ident" in exc.message:
            raise GitError(
                "git has no user identity; set it with `git config user.name` and `git config user.email`"
            ) from None
        if staged.base is not None and head(notes_repo) == staged.base and _in_base(staged):
            _update_index(staged)
            return None  # HEAD holds it already
        raise
    sha, *parents = notes_repo.git("rev-list", "--parents", "-n", "1", "HEAD").decode("ascii").split()
    if parents != ([staged.base] if staged.base else []):
        _take_back(notes_repo, sha, parents)
    staged.sha = sha
    _update_index(staged)
    return sha


def _update_index(staged: Staged) -> None:
    """Put the staged entries into git's own index, as `git commit PATHS` leaves it."""
    records = "".join(f"{mode} {sha}\t{path}\0" for mode, sha, path in staged.entries)
    try:
        staged.notes_repo.git("update-index", "-z", "--index-info", stdin=records.encode("utf-8", "surrogateescape"))
    except GitError as exc:
        shown = " ".join(shlex.quote(path) for _mode, _sha, path in staged.entries)
        done = f"committed {staged.sha[:7]}" if staged.sha else "nothing to commit"
        raise GitError(
            f"{done}, but git's index could not be updated ({exc.message}): it may show the committed files as"
            f" staged to be undone; run `git reset --quiet -- {shown}`"
        ) from None


def _in_base(staged: Staged) -> bool:
    """Whether the base commit holds every staged entry already (and none removed)."""
    paths = [path for _mode, _sha, path in staged.entries]
    out = staged.notes_repo.git("ls-tree", "-z", staged.base or "HEAD", "--", *paths)
    found = {}
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = record.partition("\t")
        if meta:
            mode, _type, sha = meta.split()
            found[path] = (mode, sha)
    return all(found.get(path) == ((mode, sha) if mode != "0" else None) for mode, sha, path in staged.entries)


def _made(staged: Staged) -> str | None:
    """HEAD, when it is the commit made from `staged` (on its base, with its tree)."""
    try:
        out = staged.notes_repo.git("rev-list", "--parents", "-n", "1", "HEAD", ok=(0, 128)).decode("ascii").split()
        if not out or out[1:] != ([staged.base] if staged.base else []):
            return None
        tree = staged.git("write-tree").strip()
        committed = staged.notes_repo.git("rev-parse", "HEAD^{tree}").strip()
    except GitError:
        return None
    return out[0] if tree == committed else None


def _take_back(notes_repo: NotesRepo, sha: str, parents: list[str]) -> None:
    """Put HEAD back on the commit another git command made, off the one made on it."""
    where = parents[0] if parents else None
    try:
        if where is None:
            notes_repo.git("update-ref", "-d", "HEAD", sha)
        else:
            notes_repo.git("update-ref", "-m", "dairly: take back a commit made on a moved HEAD", "HEAD", where, sha)
    except GitError as exc:
        raise GitError(
            f"HEAD moved while the commit was made, and the commit made on it ({sha[:7]}) could not be"
            f" taken back ({exc.message}); it undoes what that commit did: run `git reset --soft HEAD~` and"
            " publish again"
        ) from None
    raise GitError(
        f"HEAD moved while the commit was made (another git command committed {where[:7] if where else 'nothing'});"
        f" the commit made on it ({sha[:7]}) would undo that, so it was taken back; publish again"
    )


def _finish(repo: git.Repo, args: list[str], whole: bool = False, env: dict[str, str] | None = None) -> None:
    """Run git through GitPython and wait for it to end. An interrupt stops git (with the
    same signal, which a terminal's Ctrl-C sent it already) and waits for it, then is raised."""
    handle = repo.git.execute(["git", *args], as_process=True, env=env)  # kept: dropping it kills git
    proc = handle.proc
    assert proc is not None  # as_process: the running git
    try:
        out, err = proc.communicate()
    except KeyboardInterrupt as exc:
        import signal

        with contextlib.suppress(OSError):
            proc.send_signal(getattr(exc, "signum", signal.SIGINT))
        while True:  # for git itself, not the output a hook it started may hold open
            try:
                proc.wait()
                break
            except KeyboardInterrupt:
                continue
        raise
    if proc.returncode:
        raise GitError(f"git {args[0]} failed: {_reason(out, err, proc.returncode, whole)}")


def push(notes_repo: NotesRepo, state: Status) -> str:
    """Push the current branch to its upstream; returns 'remote/branch'."""
    branch = state.branch or ""
    out = notes_repo.git("config", "--get-regexp", rf"^branch\.{re.escape(branch)}\.(remote|merge)$", ok=(0, 1))
    config = dict(line.split(" ", 1) for line in out.decode("utf-8", "replace").splitlines() if " " in line)
    remote = config.get(f"branch.{branch}.remote", "")
    merge = config.get(f"branch.{branch}.merge", "")
    if not remote or not merge:
        raise GitError("the current branch has no upstream to push to")
    target = merge.removeprefix("refs/heads/")
    try:
        notes_repo.git("push", "--quiet", remote, f"HEAD:refs/heads/{target}")
    except GitError as exc:
        raise GitError(f"{exc.message}; push it with `git push {remote} HEAD:{target}`") from None
    return f"{remote}/{target}"
