"""Notes stored in git, read as a scan reads the work tree (dairly.notes.scan.NoteSource):
`BlobNotes`, a set of paths mapped to git objects (a commit's notes, or the notes a merge
produces: dairly.mergedriver), and `GitIndex`, the notes as git's index stages them (what
`check --staged`, the commit hook, judges). git itself is asked through dairly.gitrepo.
"""

from __future__ import annotations

import os
import posixpath
from typing import TYPE_CHECKING

from dairly.fsio import read_unfollowed
from dairly.gitrepo import NotesRepo, blob_id, cat_blobs, index_blobs
from dairly.notes.scan import MARKDOWN_DEPTH, Listed, is_hidden, is_note_name

if TYPE_CHECKING:
    from dairly.notes.paths import NotePattern


class BlobNotes:
    """Notes stored in git: notes-repo paths mapped to (mode, object id), read from the
    object database; `contents` holds the bytes of the ones that are in no object (the
    notes a merge of the notes merged line by line)."""

    def __init__(
        self, notes_repo: NotesRepo, blobs: dict[str, tuple[str, str]], contents: dict[str, bytes] | None = None
    ) -> None:
        self.notes_repo = notes_repo
        self._blobs = blobs
        self._contents = dict(contents or {})
        self._fetched = False

    def listing(self, pattern: NotePattern) -> tuple[list[str], list[Listed]]:
        """The same rule as the work tree's (dairly.notes.scan): hidden and editor files
        ignored, case variants and links named like notes (or at a month folder's place)
        reported, never followed."""
        files: list[str] = []
        others: dict[str, Listed] = {}
        head = pattern.folder + "/" if pattern.folder else ""
        hidden_folders: dict[str, bool] = {}  # each folder judged once, not once per file in it
        for path, (mode, _sha) in self._blobs.items():
            if not path.startswith(head):
                continue
            folder, _, name = path[len(head) :].rpartition("/")
            if is_hidden(name) or not (head or pattern.in_area(path.partition("/")[0])):
                continue
            hidden = hidden_folders.get(folder)
            if hidden is None:
                hidden = hidden_folders[folder] = self._judge_folder(head, folder, others)
            if hidden:
                continue
            note = is_note_name(name)
            if mode == "120000":
                if note is not False or not folder:
                    others[path] = Listed(path, "symlink")
            elif mode == "160000":
                if note is not False:
                    others[path] = Listed(path, "dir")
            elif note:
                files.append(path)
            elif note is None:
                others[path] = Listed(path, "case")
        return files, list(others.values())

    def markdown(self) -> list[str]:
        return sorted(
            path
            for path, (mode, _sha) in self._blobs.items()
            if path.endswith(".md")
            and mode[:3] == "100"
            and path.count("/") < MARKDOWN_DEPTH
            and not any(is_hidden(part) for part in path.split("/"))
        )

    @staticmethod
    def _judge_folder(head: str, folder: str, others: dict[str, Listed]) -> bool:
        """Whether a folder under notes/ is hidden (or inside a hidden one); a visible one
        named like a note (and each such folder above it) goes into `others`."""
        parts = folder.split("/") if folder else []
        if any(is_hidden(part) for part in parts):
            return True
        for depth, part in enumerate(parts):
            if is_note_name(part) is not False:  # a folder named like a note
                named = head + "/".join(parts[: depth + 1])
                others.setdefault(named, Listed(named, "dir"))
        return False

    def read(self, path: str) -> bytes:
        if not self._fetched:
            self._fetched = True
            self._contents = {**self._fetch(), **self._contents}
        data = self._contents.get(path)
        if data is not None:
            return data
        for _ in range(8):  # a stored symbolic link is read through, as on disk
            blob = self._blobs.get(path)
            if blob is None or blob[0] != "120000":
                break
            target = cat_blobs(self.notes_repo, [blob[1]])[blob[1]].decode("utf-8")
            path = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if blob is None:
            raise FileNotFoundError(path)
        data = self._contents.get(path)
        return data if data is not None else cat_blobs(self.notes_repo, [blob[1]])[blob[1]]

    def _fetch(self) -> dict[str, bytes]:
        """Every regular `*.md` file's bytes, in one git process: what a scan reads."""
        wanted = {p: sha for p, (mode, sha) in self._blobs.items() if mode[:3] == "100" and p.endswith(".md")}
        blobs = cat_blobs(self.notes_repo, [sha for p, sha in wanted.items() if p not in self._contents])
        return {p: blobs[sha] for p, sha in wanted.items() if sha in blobs}


class GitIndex(BlobNotes):
    """Notes and README as staged in the git index, for `check --staged`.

    pre-commit stashes unstaged edits but leaves untracked files in place, so only the
    index tells what the commit will contain; untracked notes do not exist here. A file
    whose bytes on disk hash to its staged object id is read from disk; the rest
    (partially staged, intent-to-add, deleted or renamed in the work tree, outside a
    sparse checkout, filtered by git attributes) come from one `git cat-file --batch`.
    """

    def __init__(self, notes_repo: NotesRepo) -> None:
        super().__init__(notes_repo, index_blobs(notes_repo))

    def _fetch(self) -> dict[str, bytes]:
        top = os.path.join(self.notes_repo.top, self.notes_repo.prefix, "")
        found: dict[str, bytes] = {}
        rest: dict[str, str] = {}
        for path, (mode, sha) in self._blobs.items():
            if mode[:3] != "100" or not path.endswith(".md"):
                continue
            try:
                data = read_unfollowed(top + path)
            except OSError:
                rest[path] = sha
                continue
            if blob_id(data, sha) == sha:
                found[path] = data
            else:
                rest[path] = sha
        blobs = cat_blobs(self.notes_repo, list(rest.values()))
        found.update((path, blobs[sha]) for path, sha in rest.items())
        return found
