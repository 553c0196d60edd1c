"""The only reader of notes/: find the note files, take each one's date from its path
and its title from its H1, and report every file that is not a valid note.

Reading goes through a `NoteSource`, so the same scan judges the working tree or, for
`check --staged`, the git index (see repo.py).
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple, Protocol

from dairly.config import Settings
from dairly.errors import InputError
from dairly.markdown import BOM
from dairly.model import Note, Problem

_H1 = re.compile(r" {0,3}#(?:[ \t]+(.*?))??(?:[ \t]+#+)?[ \t]*")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
_FIRST_READ = 1 << 16
_NEXT_READ = 1 << 20


class Entry(NamedTuple):  # a tuple: 10,000 of these are made on every `check`
    path: str  # POSIX, relative to the repository root
    kind: str  # "file", "symlink" or "dir"


class NoteSource(Protocol):
    def entries(self, notes_dir: str) -> list[Entry]:
        """Every `*.md` name below notes_dir, symlinks reported, never followed."""

    def read(self, path: str) -> bytes: ...


class WorkTree:
    """Notes as they are on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.prefix = str(root) + os.sep  # plain string joins: pathlib costs ~5 µs a note

    def entries(self, notes_dir: str) -> list[Entry]:
        found: list[Entry] = []
        stack = [notes_dir]
        while stack:
            folder = stack.pop()
            try:
                it = os.scandir(self.root / folder)
            except FileNotFoundError:
                continue
            with it:
                for item in it:
                    rel = f"{folder}/{item.name}"
                    if item.is_symlink():
                        if item.name.endswith(".md"):
                            found.append(Entry(rel, "symlink"))
                    elif item.is_dir():
                        if item.name.endswith(".md"):
                            found.append(Entry(rel, "dir"))
                        stack.append(rel)
                    elif item.name.endswith(".md"):
                        found.append(Entry(rel, "file"))
        return found

    def read(self, path: str) -> bytes:
        # os.open/os.read skip the buffered-file layer; most notes fit one read.
        fd = os.open(self.prefix + path, os.O_RDONLY)
        try:
            chunks = [os.read(fd, _FIRST_READ)]
            # A short read of a regular file is its end: most notes take one system call.
            while len(chunks[-1]) == (_FIRST_READ if len(chunks) == 1 else _NEXT_READ):
                chunks.append(os.read(fd, _NEXT_READ))
        finally:
            os.close(fd)
        return b"".join(chunks)


class Scan:
    """What scan_notes found (a plain class: see model.py on avoiding dataclasses)."""

    __slots__ = ("files", "notes", "problems")

    def __init__(self) -> None:
        self.notes: list[Note] = []  # valid paths, drafts and untitled included
        self.problems: list[Problem] = []
        self.files: set[str] = set()  # every *.md path seen, valid or not

    @property
    def indexed(self) -> list[Note]:
        """The notes that belong in the history tree: titled and not drafts."""
        return [n for n in self.notes if n.title is not None and not n.draft]

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


def scan_notes(source: NoteSource, settings: Settings, today: datetime.date) -> Scan:
    """Read every note's header and collect every problem with the notes folder."""
    scan = Scan()
    notes_dir = settings.notes_dir.strip("/")
    # Runs once per note on every `check`: methods bound to locals, tuples unpacked.
    add_file, add_note, add_problem, read = scan.files.add, scan.notes.append, scan.problems.append, source.read
    for path, kind in sorted(source.entries(notes_dir)):  # tuples: by path first
        add_file(path)
        if kind != "file":
            what = "is a symbolic link; dairly does not follow links under notes/" if kind == "symlink" else None
            add_problem(Problem(path, what or "is a directory named like a note"))
            continue
        date = date_from_path(path, notes_dir)
        if isinstance(date, str):
            add_problem(Problem(path, date))
            continue
        note = read_note(path, date, decode(read(path), path))
        add_note(note)
        if note.title is None:
            add_problem(Problem(path, "has no '# title' line (H1); the history tree needs one"))
        if date > today:
            add_problem(Problem(path, f"is dated in the future ({date.isoformat()})", warning=True))
    return scan


def newest(notes: Iterable[Note]) -> Note | None:
    return max(notes, key=lambda n: n.date, default=None)
