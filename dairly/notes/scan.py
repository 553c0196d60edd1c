"""The scan of notes/ that `check` and `publish` run: every note's date (from its path)
and header (from its text), and every file that is not a valid note, as a problem; and
the notes' stamps (WorkTree.note_stamps), by which the notes index sees what changed.

Reading goes through a NoteSource, so the same scan judges the working tree or, for
`check --staged`, the git index (dairly.notes.stored.GitIndex).

One rule for what is under notes/ (the notes' area: note_path's folder, or, for notes kept
beside the README, the names at the top that start as a dated one does), which every
command follows through this module (`sort_paths`: check, publish, lint, stats, search):
- a Markdown file there is a note only if its path follows note_path; any other is
  reported with why (dairly.notes.paths), and when none follows it, one line says so;
- hidden and editor files (`.name`, `name~`, `name.swp`: .DS_Store, .env, vim's swap files,
  Emacs's `.#name` lock links) and hidden folders are ignored: never read, never reported,
  never committed;
- a note is a regular file named `*.md`; a name ending in `.MD` or another case variant is
  reported ("not a note path"), never silently skipped;
- symbolic links are never followed: a link named like a note, or a link to a folder, is
  reported; any other link is ignored like any other file that is not a note.
"""

from __future__ import annotations

import datetime
import os
import stat
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import TYPE_CHECKING

from dairly.config import Settings
from dairly.errors import Problem
from dairly.fsio import refusal
from dairly.notes.note import Header, Note, decode_note, note_title, read_header
from dairly.tuples import Record

MARKDOWN_DEPTH = 4  # dated notes are looked for this many folders down (notes/2024/03/05.md)
_FIRST_READ = 1 << 16  # most notes are a few KB: one read() gets them whole

Stamp = tuple[int, int, int]  # a file's (size, mtime_ns, ctime_ns): a write changes one of them


_NOT_A_FILE = {
    "symlink": "is a symbolic link; dairly does not follow links under notes/",
    "dir": "is a directory named like a note",
    "other": "is not a regular file",
    "case": "is not a note path: rename it to end in .md (lower case)",
}


def is_hidden(name: str) -> bool:
    """A hidden or editor file or folder (`.DS_Store`, `.env`, `.0106.md.swp`, Emacs's
    `.#0106.md` lock, `0106.md~`): ignored by every command, so it never blocks one."""
    return name.startswith(".") or name.endswith(("~", ".swp"))


def is_note_name(name: str) -> bool | None:
    """True for `*.md`, None for a case variant (`.MD`, `.Md`: reported), False otherwise."""
    if name.endswith(".md"):
        return True
    return None if name[-3:].lower() == ".md" else False


class Listed(Record):
    """A path under notes/ that is not a regular file: never read, always reported."""

    path: str  # POSIX, relative to the repository root
    kind: str  # "symlink", "dir", "case" (`.MD`) or "other" (a FIFO, a socket, a device)


if TYPE_CHECKING:
    from typing import Protocol

    from dairly.notes.paths import NotePattern

    class NoteSource(Protocol):
        def listing(self, pattern: NotePattern) -> tuple[list[str], list[Listed]]:
            """Every `*.md` name in the notes' area (below the pattern's folder; at the top
            of the repository, the names that start as a dated one does): the paths of the
            regular files (the notes, valid or not), and the other ones (symbolic links,
            never followed, and folders)."""

        def read(self, path: str) -> bytes:
            """The bytes of a repository path (FileNotFoundError when there is none)."""

        def markdown(self) -> list[str]:
            """Every `*.md` file of the repository a few folders down (MARKDOWN_DEPTH),
            hidden ones left out: where notes that follow another layout are looked for."""


class WorkTree:
    """Notes as they are on disk."""

    def __init__(self, root: str, *, keep: bool = False) -> None:
        self.prefix = os.path.join(root, "")
        # `keep`: every file's bytes as read, by path (publish commits these, never what
        # the file holds by the time git runs), and its stamp then (a file whose stamp
        # differs later changed after the scan read it).
        self.kept: dict[str, bytes] | None = {} if keep else None
        self.stamps: dict[str, Stamp] = {}
        # The regular files under notes/ that are not notes (pictures and the like), as
        # the last listing saw them: publish commits these and no file created after it.
        self.attachments: list[str] = []

    def listing(self, pattern: NotePattern) -> tuple[list[str], list[Listed]]:
        files: list[str] = []
        others: list[Listed] = []
        attachments: list[str] = []
        stack = [pattern.folder]
        while stack:
            folder = stack.pop()
            try:
                it = os.scandir(self.prefix + folder)
            except FileNotFoundError:
                continue
            except OSError as exc:
                raise refusal(exc, folder or ".") from None
            head = folder + "/" if folder else ""
            with it:
                for item in it:  # the types come from the directory listing: no stat per file
                    name = item.name
                    if is_hidden(name) or not (folder or pattern.in_area(name)):
                        continue
                    note = is_note_name(name)
                    if item.is_file(follow_symlinks=False):
                        if note:
                            files.append(head + name)
                        elif note is None:
                            others.append(Listed(head + name, "case"))
                        else:
                            attachments.append(head + name)
                    elif item.is_dir(follow_symlinks=False):
                        if note is not False:
                            others.append(Listed(head + name, "dir"))
                        stack.append(head + name)
                    elif item.is_symlink():
                        if note is not False or item.is_dir():  # a link to a folder hides notes
                            others.append(Listed(head + name, "symlink"))
                    elif note is not False:
                        others.append(Listed(head + name, "other"))
        self.attachments = attachments
        return files, others

    def note_stamps(self, pattern: NotePattern) -> list[tuple[str, Stamp]]:
        """(path, stamp) of every regular `*.md` file at a note's depth (notes/*/*.md by
        default): what the notes index keeps current. One lstat a file gives its type and
        its stamp; folders are walked without following links."""
        found: list[tuple[str, Stamp]] = []
        level = [pattern.folder]
        for depth in range(pattern.depth):
            last = depth == pattern.depth - 1
            below = []
            for folder in level:
                head = folder + "/" if folder else ""
                try:
                    names = os.listdir(self.prefix + folder)
                except (NotADirectoryError, FileNotFoundError):
                    continue
                except OSError as exc:
                    raise refusal(exc, folder or ".") from None
                for name in names:
                    if is_hidden(name) or not (folder or pattern.in_area(name)) or (last and not name.endswith(".md")):
                        continue
                    path = head + name
                    try:
                        st = os.lstat(self.prefix + path)
                    except FileNotFoundError:
                        continue  # removed while we looked
                    except OSError as exc:
                        raise refusal(exc, path) from None
                    if last and stat.S_ISREG(st.st_mode):
                        found.append((path, (st.st_size, st.st_mtime_ns, st.st_ctime_ns)))
                    elif not last and stat.S_ISDIR(st.st_mode):  # a link to a folder is never followed
                        below.append(path)
            level = below
        return found

    def markdown(self) -> list[str]:
        found = []
        stack = [""]
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(self.prefix + folder) as it:
                    items = list(it)
            except OSError as exc:
                raise refusal(exc, folder or ".") from None
            for item in items:
                if is_hidden(item.name):
                    continue
                path = f"{folder}/{item.name}" if folder else item.name
                if item.is_dir(follow_symlinks=False):
                    if path.count("/") < MARKDOWN_DEPTH - 1:
                        stack.append(path)
                elif item.name.endswith(".md") and item.is_file(follow_symlinks=False):
                    found.append(path)
        return sorted(found)

    def read(self, path: str) -> bytes:
        if self.kept is not None and path in self.kept:  # one version of a file for the whole decision
            return self.kept[path]
        fd = os.open(self.prefix + path, os.O_RDONLY)
        try:
            chunks = [os.read(fd, _FIRST_READ)]
            while len(chunks[-1]) == _FIRST_READ:  # a file over 64 KB: read the rest
                chunks.append(os.read(fd, _FIRST_READ))
            if self.kept is not None:
                st = os.fstat(fd)
                self.stamps[path] = (st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        finally:
            os.close(fd)
        data = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        if self.kept is not None:
            self.kept[path] = data
        return data


def stamp_now(path: str) -> Stamp | None:
    """A file's stamp now (None when it is gone), its link's own if it is one."""
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class Scan:
    """What scan_notes found."""

    __slots__ = ("_files", "_indexed", "notes", "paths", "problems")

    def __init__(self) -> None:
        self.notes: list[Note] = []  # valid paths, drafts and untitled included, oldest first
        self.problems: list[Problem] = []
        self.paths: list[str] = []  # every *.md path seen, valid or not
        self._files: set[str] | None = None
        self._indexed: list[Note] | None = None

    @property
    def files(self) -> set[str]:
        """The paths as a set: made only when a README link must be looked up."""
        if self._files is None:
            self._files = set(self.paths)
        return self._files

    @property
    def indexed(self) -> list[Note]:
        """The notes that belong in the history tree: titled, not drafts, not unfinished."""
        if self._indexed is None:
            self._indexed = [n for n in self.notes if n.title is not None and not n.draft and n.unfinished is None]
        return self._indexed

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]


def scan_notes(source: NoteSource, settings: Settings, today: datetime.date) -> Scan:
    """Read every note's header and collect every problem with the notes folder."""
    scan = Scan()
    dated, scan.problems, scan.paths = sort_paths(source, settings)
    paths = [path for path, _date in dated]
    headers = _headers(source.read, settings, paths)
    for (path, date), (title, title_line, draft, unfinished) in zip(dated, headers, strict=True):
        note = Note(path, date, note_title(title, settings, date), title_line, draft, unfinished)
        scan.notes.append(note)
        if note.unfinished is not None and not note.draft:
            scan.problems.append(
                Problem(
                    path,
                    f"is unfinished: line {note.unfinished} still holds the placeholder TODO from `dairly new`;"
                    " it stays out of the README until it is filled in",
                    warning=True,
                )
            )
        if date > today:
            scan.problems.append(Problem(path, f"is dated in the future ({date.isoformat()})", warning=True))
    scan.problems.sort(key=attrgetter("path"))  # in path order, as a reader scans them
    return scan


def sort_paths(
    source: NoteSource, settings: Settings
) -> tuple[list[tuple[str, datetime.date]], list[Problem], list[str]]:
    """The one rule for what is a note, which check, publish, lint, stats and search all
    apply: (the notes' paths with their dates, in path order; a problem for every other
    path in the notes' area; every path listed). When none of the Markdown files there
    follows note_path, one problem says so, naming a few, rather than a line for each."""
    pattern = settings.pattern
    files, others = source.listing(pattern)
    files.sort()
    problems = [Problem(path, _NOT_A_FILE[kind]) for path, kind in others]
    dated: list[tuple[str, datetime.date]] = []
    unmatched: list[str] = []
    for path in files:
        date = pattern.date(path)
        if isinstance(date, str):
            problems.append(Problem(path, date))
            if date.startswith("is not a note path"):
                unmatched.append(path)
        else:
            dated.append((path, date))
    if not dated and len(unmatched) > 3:
        listed = set(unmatched)
        problems = [p for p in problems if p.path not in listed]
        problems.append(Problem(pattern.folder or ".", none_follow(pattern, unmatched)))
    if not files and not others:
        problems += _elsewhere(source, settings)
    return dated, problems, files + [entry.path for entry in others]


def _elsewhere(source: NoteSource, settings: Settings) -> list[Problem]:
    """With nothing in the notes' area, the dated Markdown files that follow another
    layout, as one problem: never "in sync with 0 notes" while they go unlisted."""
    from dairly.notes.detect import detect

    found = detect([path for path in source.markdown() if path != settings.readme])
    if found is None or not found.notes:
        return []
    few = ", ".join(found.notes[:3]) + (", …" if len(found.notes) > 3 else "")
    return [
        Problem(
            settings.pattern.folder or ".",
            f"holds no note, but {len(found.notes)} Markdown files follow {found.pattern.shown} ({few}),"
            f" not note_path {settings.pattern.shown}; set note_path = {found.pattern.text!r} in dairly.toml"
            " (`dairly init` does it)",
        )
    ]


def path_problems(root: str, settings: Settings) -> list[Problem]:
    """The problems `check` reports with the paths in the notes' area (what is no note,
    and why), for the commands that read the notes through the index (lint, stats)."""
    return sort_paths(WorkTree(root), settings)[1]


def none_follow(pattern: NotePattern, paths: list[str]) -> str:
    """Why Markdown files in the notes' area are no notes: none follows note_path."""
    few = ", ".join(paths[:3]) + (", …" if len(paths) > 3 else "")
    return (
        f"none of its {len(paths)} Markdown files follows note_path {pattern.shown} ({few});"
        " set note_path in dairly.toml to the way they are named (`dairly init` finds it)"
    )


def _headers(read: Callable[[str], bytes], settings: Settings, paths: list[str]) -> list[Header]:
    """The header of the note at each path."""
    headers = []
    for path in paths:
        try:
            data = read(path)
        except OSError as exc:
            raise refusal(exc, path) from None
        headers.append(read_header(path, decode_note(data, path), settings))
    return headers


def newest(notes: Iterable[Note]) -> Note | None:
    """The newest note; of several on its day (note_path's {tail}), the last by name."""
    return max(notes, key=attrgetter("date", "path"), default=None)
