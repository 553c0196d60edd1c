"""The only reader of notes/: find the note files, take each one's date from its path
and its title from its H1, and report every file that is not a valid note.

Reading goes through a `NoteSource`, so the same scan judges the working tree or, for
`check --staged`, the git index (see repo.py).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable, Iterator
from operator import attrgetter

from dairly.config import Settings
from dairly.errors import InputError
from dairly.markdown import BOM
from dairly.model import Note, Problem
from dairly.tuples import record

_H1 = re.compile(r" {0,3}#(?:[ \t]+(.*?))??(?:[ \t]+#+)?[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_FIRST_READ = 1 << 16
_NEXT_READ = 1 << 20
# "0307.md" -> (3, 7) for every month 01-12 and day 01-31: one dict lookup per note parses
# (and half validates) its file name; whether the day exists in that month is date()'s to say.
_NOTE_NAMES = {f"{m:02d}{d:02d}.md": (m, d) for m in range(1, 13) for d in range(1, 32)}
_new = tuple.__new__  # _new(Note, (path, ...)) is Note(path, ...) without a Python frame


@record
class Entry:  # a tuple: 10,000 of these are made on every `check`
    path: str  # POSIX, relative to the repository root
    kind: str  # "file", "symlink" or "dir"


TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2.5 ms of `check`)
if TYPE_CHECKING:  # the interface, for type checkers
    from typing import Protocol

    class NoteSource(Protocol):
        def listing(self, notes_dir: str) -> tuple[list[str], list[Entry]]:
            """Every `*.md` name below notes_dir: the paths of the regular files (the notes,
            valid or not), and the other ones (symbolic links, never followed, and folders)."""

        def read(self, path: str) -> bytes: ...

        def read_many(self, paths: list[str]) -> Iterable[bytes]:
            """read() of each path, in order: a source may batch the reads."""


class WorkTree:
    """Notes as they are on disk."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = root
        self.prefix = os.fspath(root) + os.sep  # plain string joins: pathlib costs ~5 µs a note

    def listing(self, notes_dir: str) -> tuple[list[str], list[Entry]]:
        files: list[str] = []  # 10,000 paths for 10,000 notes: plain strings, no tuple each
        others: list[Entry] = []
        add = files.append
        stack = [notes_dir]
        while stack:
            folder = stack.pop()
            try:
                it = os.scandir(self.prefix + folder)
            except FileNotFoundError:
                continue
            head = folder + "/"
            with it:
                for item in it:  # the types come from the directory listing: no stat per file
                    name = item.name
                    if item.is_dir(follow_symlinks=False):
                        if name.endswith(".md"):
                            others.append(Entry(head + name, "dir"))
                        stack.append(head + name)
                    elif name.endswith(".md"):
                        if item.is_symlink():
                            others.append(Entry(head + name, "symlink"))
                        else:
                            add(head + name)
        return files, others

    def read(self, path: str) -> bytes:
        # One file (the README, the promoted note): the file object sizes its buffer from
        # fstat, so a megabyte README is read into one buffer, not chunks joined by a copy.
        with open(self.prefix + path, "rb") as f:
            return f.read()

    def read_many(self, paths: list[str]) -> Iterator[bytes]:
        if not _OPEN_IN_FOLDER:
            yield from map(self.read, paths)
            return
        # Each note opened by name inside its already open folder: the kernel resolves one
        # path component instead of the whole path, ~0.6 µs of the ~3.7 µs a note costs.
        folder, folder_fd = None, -1
        open_, read, close, rdonly = os.open, os.read, os.close, os.O_RDONLY  # 10,000 calls each
        try:
            for path in paths:
                cut = path.rfind("/") + 1
                if path[:cut] != folder:
                    if folder_fd >= 0:
                        close(folder_fd)
                        folder_fd = -1
                    folder_fd = open_(self.prefix + path[:cut], _FOLDER_FLAGS)
                    folder = path[:cut]
                fd = open_(path[cut:], rdonly, dir_fd=folder_fd)
                try:
                    data = read(fd, _FIRST_READ)
                    if len(data) == _FIRST_READ:  # a note over 64 KB: rare
                        data += _read_all(fd)
                finally:
                    close(fd)
                yield data
        finally:
            if folder_fd >= 0:
                os.close(folder_fd)


_OPEN_IN_FOLDER = os.open in os.supports_dir_fd  # not on Windows
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)


def _read_all(fd: int) -> bytes:
    """The rest of a file, from where fd is: a short read of a regular file is its end."""
    chunks = [os.read(fd, _NEXT_READ)]
    while len(chunks[-1]) == _NEXT_READ:
        chunks.append(os.read(fd, _NEXT_READ))
    return b"".join(chunks)


class Scan:
    """What scan_notes found (a plain class: see model.py on avoiding dataclasses)."""

    __slots__ = ("_files", "_indexed", "notes", "paths", "problems")

    def __init__(self) -> None:
        self.notes: list[Note] = []  # valid paths, drafts and untitled included
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
        """The notes that belong in the history tree: titled and not drafts (worked out once,
        when the scan is complete: `check` asks three times)."""
        if self._indexed is None:
            self._indexed = [n for n in self.notes if n.title is not None and not n.draft]
        return self._indexed

    @property
    def blocking(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]


def date_from_path(path: str, notes_dir: str) -> datetime.date | str:
    """The note's date, or why the path is not a valid note path."""
    rel = path[len(notes_dir) + 1 :]
    # Slicing, not a regex: this runs once per note on every `check`.
    digits = rel[0:6] + rel[7:11]
    if len(rel) != 14 or rel[6] != "/" or not rel.endswith(".md") or not (digits.isascii() and digits.isdigit()):
        return f"is not a note path: notes are named {notes_dir}/YYYYMM/MMDD.md"
    year, folder_month, month, day = int(rel[0:4]), int(rel[4:6]), int(rel[7:9]), int(rel[9:11])
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        return f"is not a valid date ({year}-{month:02d}-{day:02d})"
    if folder_month != month:
        return f"is filed in the wrong month folder; move it to {notes_dir}/{year}{month:02d}/{month:02d}{day:02d}.md"
    return date


def decode(data: bytes, path: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", path=path) from None
    return text[1:] if text.startswith(BOM) else text


def split_front_matter(text: str) -> tuple[str | None, int]:
    """(front matter block or None, offset where the Markdown starts)."""
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return None, 0
    m = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M).search(text, 4)
    if m is None:
        return None, 0
    end = text.find("\n", m.end())
    end = len(text) if end < 0 else end + 1
    return text[:end], end


def parse_metadata(block: str, path: str) -> dict:
    import frontmatter  # only notes with front matter pay for YAML

    try:
        meta = frontmatter.loads(block).metadata
    except Exception as exc:  # YAML errors come in many types; all mean the same to a user
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"invalid front matter: {first}", path=path) from None
    return dict(meta)


def find_h1(text: str, start: int = 0) -> tuple[str, int] | None:
    """The first ATX H1 outside code fences from `start`: (title, 1-based line)."""
    if text.startswith("# ", start):  # the usual note: the title is the first line
        end = text.find("\n", start)
        first = text[start : len(text) if end < 0 else end]
        line_no = text.count("\n", 0, start) + 1 if start else 1
        if "#" not in first[2:]:  # no closing #s to strip: the regex would return the same
            return first[2:].strip(), line_no
        m = _H1.fullmatch(first.rstrip("\r"))
        if m:
            return (m.group(1) or "").strip(), line_no
    fence = None
    pos = start
    size = len(text)
    while pos < size:
        end = text.find("\n", pos)
        end = size if end < 0 else end
        line = text[pos:end].rstrip("\r")
        f = _FENCE.match(line)
        if fence is not None:
            if f and f.group(1)[0] == fence[0] and len(f.group(1)) >= len(fence) and not line[f.end() :].strip():
                fence = None
        elif f:
            fence = f.group(1)
        elif line.lstrip(" ").startswith("#"):
            m = _H1.fullmatch(line)
            if m:
                return (m.group(1) or "").strip(), text.count("\n", 0, pos) + 1
        pos = end + 1
    return None


def read_note(path: str, date: datetime.date, text: str) -> Note:
    block, body_start = split_front_matter(text)
    draft = False
    if block is not None:
        draft = parse_metadata(block, path).get("draft") is True
    h1 = find_h1(text, body_start)
    if h1 is None or not h1[0]:
        return Note(path, date, None, None, draft)
    return Note(path, date, h1[0], h1[1], draft)


def _folder_date(folder: str) -> tuple[int, int] | None:
    """(year, month) of a YYYYMM folder name, or None."""
    if len(folder) == 6 and folder.isascii() and folder.isdigit():
        return int(folder[:4]), int(folder[4:])
    return None


def scan_notes(source: NoteSource, settings: Settings, today: datetime.date) -> Scan:
    """Read every note's header and collect every problem with the notes folder."""
    scan = Scan()
    notes_dir = settings.notes_dir.strip("/")
    # This loop runs once per note on every `check` (10,000 times for 10,000 notes), so the
    # usual note takes a fast path, inlined: its date from the folder (parsed once per folder)
    # and its file name (one dict lookup); its title from a first line `# title`. Anything
    # else takes date_from_path / read_note, which give the same answers and the messages.
    add_note, add_problem = scan.notes.append, scan.problems.append
    make_date, note_name, new = datetime.date, _NOTE_NAMES.get, _new
    cut = len(notes_dir) + 1 + 7  # notes/YYYYMM/
    full = cut + 7  # notes/YYYYMM/MMDD.md
    folder_prefix, folder = "\0", None  # the folder of the previous note: no path starts with NUL
    files, others = source.listing(notes_dir)
    files.sort()
    scan.paths = files + [entry.path for entry in others]
    for path, kind in others:
        what = "is a symbolic link; dairly does not follow links under notes/" if kind == "symlink" else None
        add_problem(Problem(path, what or "is a directory named like a note"))
    # The valid note paths and their dates (two lists: 10,000 pairs of tuples cost memory, and
    # on a machine with slow page faults memory is time), read in one batch below.
    valid_paths: list[str] = []
    valid_dates: list[datetime.date] = []
    for path in files:
        date = None
        month_day = note_name(path[cut:])
        if month_day is not None and len(path) == full and path[cut - 1] == "/":
            if not path.startswith(folder_prefix):
                folder_prefix = path[:cut]
                folder = _folder_date(path[cut - 7 : cut - 1])
            if folder is not None and month_day[0] == folder[1]:
                try:
                    date = make_date(folder[0], *month_day)
                except ValueError:  # 0230: date_from_path names it
                    date = None
        if date is None:
            date = date_from_path(path, notes_dir)
            if isinstance(date, str):
                add_problem(Problem(path, date))
                continue
        valid_paths.append(path)
        valid_dates.append(date)
    for path, date, data in zip(valid_paths, valid_dates, source.read_many(valid_paths), strict=True):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = decode(data, path)  # raises the error that names the byte
        if text.startswith(BOM):
            text = text[1:]
        if text.startswith("# "):  # no front matter, title on the first line: find_h1's fast path
            end = text.find("\n")
            title = text[2:end] if end >= 0 else text[2:]
            if "#" not in title:
                title = title.strip()
                note = new(Note, (path, date, title, 1, False) if title else (path, date, None, None, False))
            else:
                note = read_note(path, date, text)
        else:
            note = read_note(path, date, text)
        add_note(note)
        if note.title is None:
            add_problem(Problem(path, "has no '# title' line (H1); the history tree needs one"))
        if date > today:
            add_problem(Problem(path, f"is dated in the future ({date.isoformat()})", warning=True))
    # Problems in path order, as a reader scans them: the loop above found them in two passes.
    scan.problems.sort(key=attrgetter("path"))
    return scan


def newest(notes: Iterable[Note]) -> Note | None:
    return max(notes, key=attrgetter("date"), default=None)
