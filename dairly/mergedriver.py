"""The README's git merge driver, its git side: which commits a merge is between, the notes
the merge produces, git's line merge, and the driver's registration (git config and
.gitattributes). `dairly merge-readme` (dairly.commands.merge_readme) runs it; git is
called through dairly.gitrepo.
"""

from __future__ import annotations

import os
import re
import shlex
from typing import TYPE_CHECKING

from dairly.errors import GitError
from dairly.fsio import atomic_write, refusal
from dairly.gitrepo import NotesRepo, cat_blobs, dairly_command, open_repo, run_git, tree_blobs
from dairly.notes.stored import BlobNotes
from dairly.readme.render import history_page_path
from dairly.tuples import Record
from dairly.workspace import Workspace

if TYPE_CHECKING:
    from dairly.notes.paths import NotePattern

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
        # The exit status is the number of conflicts (at most 127), or negative on an error.
        status, out = run_git(
            ["merge-file", "-p", "-L", labels[0], "-L", labels[1], "-L", labels[2], *files],
            notes_repo.top,
            ok=tuple(range(128)),
        )
    return out, status == 0


def _git(notes_repo: NotesRepo, *args: str) -> tuple[int, str]:
    """(exit status, output) of a git command whose failure is an answer, not an error."""
    status, out = run_git(list(args), notes_repo.top, ok=tuple(range(256)))
    return status, out.decode("utf-8", "surrogateescape")


def _blob(notes_repo: NotesRepo, commit: str | None, path: str) -> bytes:
    """A file's bytes at a commit; empty when it has none (as git gives a driver)."""
    if commit is None:
        return b""
    status, out = run_git(["cat-file", "blob", f"{commit}:{path}"], notes_repo.top, ok=(0, 128))
    return out if status == 0 else b""


def _merging() -> tuple[str, str] | None:
    """The commit `git merge` (or `git pull`) is merging into HEAD, and its name.

    git merge exports GITHEAD_<sha>=<name> for each commit it merges, for the merge
    strategies to name them in conflict markers; one of them is a two-way merge."""
    heads = [(key[len("GITHEAD_") :], name) for key, name in os.environ.items() if key.startswith("GITHEAD_")]
    if len(heads) != 1:
        return None
    sha, name = heads[0]
    return (sha, name) if all(c in "0123456789abcdef" for c in sha) and len(sha) in (40, 64) else None


def _merge_head(notes_repo: NotesRepo) -> tuple[str, str] | None:
    """The commit a stopped `git merge` is merging (MERGE_HEAD), and its short name: git
    writes it once the merge stops on a conflict, so the driver run again by hand (`git
    checkout -m README.md`) finds it where git's own run found GITHEAD_*."""
    try:
        with open(os.path.join(notes_repo.git_dir, "MERGE_HEAD"), encoding="ascii", errors="replace") as f:
            heads = f.read().split()
    except OSError:
        return None
    return (heads[0], heads[0][:7]) if len(heads) == 1 else None


def _picked(notes_repo: NotesRepo) -> str | None:
    """The commit a stopped `git cherry-pick` is picking (CHERRY_PICK_HEAD, written once it
    stops on a conflict), as for `_merge_head`. A revert is not one: it merges the other
    way round."""
    try:
        with open(os.path.join(notes_repo.git_dir, "CHERRY_PICK_HEAD"), encoding="ascii", errors="replace") as f:
            sha = f.read().strip()
    except OSError:
        return None
    return sha or None


def _rebasing(notes_repo: NotesRepo) -> str | None:
    """The commit a `git rebase` (the merge backend, the default) is picking onto HEAD:
    the last command in rebase-merge/done, written before the pick starts."""
    try:
        with open(os.path.join(notes_repo.git_dir, "rebase-merge", "done"), encoding="utf-8", errors="replace") as f:
            done = f.read()
    except OSError:
        return None
    commands = [ln.split() for ln in done.splitlines() if ln.strip() and not ln.startswith("#")]
    if not commands or commands[-1][0] not in _PICKS:
        return None
    names = [word for word in commands[-1][1:] if not word.startswith("-")]  # fixup -C <commit>
    if not names:
        return None
    status, sha = _git(notes_repo, "rev-parse", "--verify", "--quiet", names[0] + "^{commit}")
    return sha.strip() if status == 0 else None


def merge_sides(notes_repo: NotesRepo, readme: str, base: bytes, ours: bytes, theirs: bytes) -> MergeSides | None:
    """The (base, ours, theirs) commits of the merge git is running the driver for, when
    it is a `git merge`/`git pull` or a `git rebase` pick, or a stopped merge or cherry-pick
    whose README is merged again (`git checkout -m`); None when they cannot be told (a
    cherry-pick's own run, stash, octopus and criss-cross merges, ...).

    `readme` is the README's work-tree path and base, ours and theirs the driver's three
    files: they must be that README at the three commits, or the commits are not the ones
    git is merging (say, an inner merge of two merge bases) and None is returned."""
    status, out = _git(notes_repo, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    if status != 0:
        return None
    head = out.strip()
    merging = _merging() or _merge_head(notes_repo)
    if merging is not None:
        theirs_sha, name = merging
        status, out = _git(notes_repo, "merge-base", "--all", head, theirs_sha)
        if status not in (0, 1):
            return None
        bases = out.split()
        if len(bases) > 1:  # git merges the merge bases first; their README is none of the commits'
            return None
        sides = MergeSides(bases[0] if bases else None, head, theirs_sha, name)
    else:
        picked = _rebasing(notes_repo) or _picked(notes_repo)
        if picked is None:
            return None
        status, out = _git(notes_repo, "rev-list", "--parents", "-n", "1", picked)
        parents = out.split()[1:]
        if status != 0 or len(parents) > 1:
            return None
        sides = MergeSides(parents[0] if parents else None, head, picked, picked[:7])
    for commit, text in ((sides.base, base), (sides.ours, ours), (sides.theirs, theirs)):
        if _blob(notes_repo, commit, readme) != text:
            return None
    return sides


def merged_notes(notes_repo: NotesRepo, pattern: NotePattern, sides: MergeSides) -> BlobNotes | None:
    """The notes' area as the merge leaves it: merged path by path like git (the side
    that changed a path wins; a note both sides changed is merged line by line). None when
    git would stop on a conflict there, since the notes a person will choose are unknown.
    Notes kept beside the README are taken from the top of the tree, and only they: the
    README and the other files there are not the notes'."""
    from dairly.readme.merge import side

    folder = pattern.folder or "."
    base = {} if sides.base is None else tree_blobs(notes_repo, sides.base, folder)
    ours, theirs = (tree_blobs(notes_repo, commit, folder) for commit in (sides.ours, sides.theirs))
    blobs: dict[str, tuple[str, str]] = {}
    contents: dict[str, bytes] = {}
    for path in sorted(base.keys() | ours.keys() | theirs.keys()):
        if not pattern.holds(path):
            continue
        b, o, t = base.get(path), ours.get(path), theirs.get(path)
        taken = side(b, o, t)
        entry = t if taken == "theirs" else o
        if taken is None and not path.endswith(".md"):
            entry = o or t  # an image or the like: never read, only its place matters
        elif taken is None:
            if o is None or t is None or o[0] != t[0] or o[0] not in ("100644", "100755"):
                return None  # deleted on one side and changed on the other, or a type change
            blobs_read = cat_blobs(notes_repo, [o[1], t[1]] + ([] if b is None else [b[1]]))
            data, clean = merge_file(
                notes_repo,
                blobs_read[o[1]],
                b"" if b is None else blobs_read[b[1]],
                blobs_read[t[1]],
                ("ours", "base", "theirs"),
            )
            if not clean:
                return None
            contents[path] = data
        if entry is not None:
            blobs[path] = entry
    return BlobNotes(notes_repo, blobs, contents)


def merge_driver_command(root_from_top: str) -> str:
    """The merge driver's command line (built as the pre-commit hook's is, by
    dairly.gitrepo.dairly_command); the notes repository may be a folder below the top
    (`--root`). When dairly is missing, or fails (exit 2 or more: it then leaves %A
    alone), the merge is git's own line merge, never a conflict whose file holds only our
    side."""
    args = f"--root {shlex.quote(root_from_top)} merge-readme %O %A %B %P"
    return (
        dairly_command(args, missing="(exit 2)") + "; status=$?; if [ $status -le 1 ]; then exit $status; fi;"
        " exec git merge-file -L ours -L base -L theirs %A %O %B"
    )


_GLOB = re.compile(r"([*?\[\\])")


def _merge_attribute(notes_repo: NotesRepo, path: str) -> str:
    """The merge attribute git gives a work-tree path ("unspecified" when none)."""
    out = notes_repo.git("check-attr", "-z", "merge", "--", path).decode("utf-8", "surrogateescape")
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
    notes_repo = open_repo(ws, purpose="the README merge driver is git's: run `git init` first")
    changes = []
    wanted = {
        f"merge.{MERGE_DRIVER}.name": MERGE_DRIVER_NAME,
        f"merge.{MERGE_DRIVER}.driver": merge_driver_command(notes_repo.prefix or "."),
    }
    for key, value in wanted.items():
        status, current = _git(notes_repo, "config", "--local", "--get-all", key)
        if status != 0 or current.splitlines() != [value]:
            notes_repo.git("config", "--local", "--replace-all", key, value)
            changes.append(f"{key} in the local git config")
    readme = notes_repo.top_path(ws.settings.readme)
    # The past years' pages (history/YYYY.md beside the README) are kept like the README:
    # regenerated from the merged notes. A year stands for them all in the check.
    page = notes_repo.top_path(history_page_path(ws.settings, 2000))
    for path, glob in ((readme, ""), (page, "*.md")):
        if _merge_attribute(notes_repo, path) == MERGE_DRIVER:
            continue
        if any(c.isspace() for c in path):
            raise GitError(f"cannot name {path} in .gitattributes (it holds a space); add it there by hand")
        # The leading slash anchors the pattern to the top: a bare README.md would match
        # the README of every folder.
        literal = path if not glob else path.rpartition("/")[0] + "/"
        pattern = _GLOB.sub(r"\\\1", literal) + glob  # a literal path, not a glob (but the pages' *.md)
        line = f"/{pattern} merge={MERGE_DRIVER}"
        attributes = os.path.join(notes_repo.top, ".gitattributes")
        try:
            with open(attributes, "rb") as f:
                old = f.read()
        except FileNotFoundError:
            old = b""
        except OSError as exc:
            raise refusal(exc, ".gitattributes") from None
        nl = b"\r\n" if old.count(b"\r\n") * 2 > old.count(b"\n") else b"\n"
        separator = nl if old and not old.endswith(b"\n") else b""
        atomic_write(attributes, old + separator + line.encode("utf-8") + nl, ".gitattributes")
        changes.append(f"`{line}` in .gitattributes")
        if _merge_attribute(notes_repo, path) != MERGE_DRIVER:
            raise GitError(
                f"added `{line}` to .gitattributes, but another attributes file (a folder's .gitattributes"
                f" or .git/info/attributes) gives {path} a different merge attribute; remove it there"
            )
    return changes


# --- after a conflict: `dairly resolve` ----------------------------------------------------


def conflict_stages(notes_repo: NotesRepo, top_path: str) -> dict[int, bytes]:
    """The versions of a conflicted path git keeps in the index: stage 1 (the base), 2
    (ours) and 3 (theirs), those that exist; empty when the path is not conflicted."""
    out = notes_repo.git("ls-files", "-u", "-z", "--", top_path)
    shas: dict[int, str] = {}
    for record in out.decode("utf-8", "surrogateescape").split("\0"):
        meta, _, path = record.partition("\t")
        if path == top_path:  # mode sha stage\tpath
            _mode, sha, stage = meta.split()
            shas[int(stage)] = sha
    blobs = cat_blobs(notes_repo, list(shas.values()))
    return {stage: blobs[sha] for stage, sha in shas.items()}


def unmerged_paths(notes_repo: NotesRepo) -> list[str]:
    """Every work-tree path git still holds as conflicted."""
    out = notes_repo.git("diff", "--name-only", "-z", "--diff-filter=U").decode("utf-8", "surrogateescape")
    return sorted({path for path in out.split("\0") if path})


# What finishes each operation git stops on a conflict in, by the file it leaves in .git.
_FINISH = (
    ("rebase-merge", "git rebase --continue"),
    ("rebase-apply/applying", "git am --continue"),
    ("rebase-apply", "git rebase --continue"),
    ("CHERRY_PICK_HEAD", "git cherry-pick --continue"),
    ("REVERT_HEAD", "git revert --continue"),
    ("MERGE_HEAD", "git commit"),
)


def finish_command(notes_repo: NotesRepo) -> str | None:
    """The git command that finishes what git stopped in (None: nothing is in progress,
    as after a conflicted `git stash pop`)."""
    for marker, command in _FINISH:
        if os.path.exists(os.path.join(notes_repo.git_dir, marker)):
            return command
    return None


def driver_registered(ws: Workspace) -> bool:
    """Whether git merges the workspace's README with the driver: the local config names
    it and the README has its merge attribute."""
    notes_repo = open_repo(ws)
    status, current = _git(notes_repo, "config", "--get", f"merge.{MERGE_DRIVER}.driver")
    return (
        status == 0
        and bool(current.strip())
        and (_merge_attribute(notes_repo, notes_repo.top_path(ws.settings.readme)) == MERGE_DRIVER)
    )
