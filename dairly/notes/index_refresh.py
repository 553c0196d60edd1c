"""Keeping the notes index current with the notes, note by note.

Each note's stamp (size, modification and change time) is compared with the one its rows
were read at (the `files` table); a note whose stamp changed is read again and compared by
its git blob id (the id `git hash-object` gives it, the same as its staged blob's when it
is staged): only a note whose content changed is parsed again, in path order, a batch at
a time (so neither every note's text nor every note's rows are held at once), its rows
written as each batch comes, all in one transaction, so a note that cannot be read changes
nothing and the first one in path order is the one named. One process parses: a pool of
workers saved nothing measurable on two shared cores (bench/README.md). A first build
ends by merging the write-ahead log into the index.
"""

from __future__ import annotations

import contextlib
import datetime
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from dairly.fsio import refusal
from dairly.notes.index_rows import Rows, delete_rows, note_rows, write_rows
from dairly.notes.scan import Stamp, WorkTree

if TYPE_CHECKING:
    from dairly.config import Settings
    from dairly.notes.paths import NotePattern
    from dairly.workspace import Workspace

RACY_NS = 2 * 10**9  # a note changed this recently may change again within its stamp's clock tick
PROGRESS_MIN = 200  # a parse of fewer notes is over before a progress bar would be seen
BATCH = 128  # notes parsed, then written, at a time: what is held in memory at once

Changes = tuple[list[tuple[str, Stamp, bool]], list[str]]  # ([(path, stamp, indexed before)], gone paths)


def find_changes(known: dict[str, Stamp], root: str, pattern: NotePattern) -> Changes:
    """The notes whose stamp is not the one indexed, and the indexed paths that are gone.
    Every note is looked at: an edit in place changes no folder."""
    different: list[tuple[str, Stamp, bool]] = []
    for path, stamp in WorkTree(root).note_stamps(pattern):
        old = known.pop(path, None)
        if old != stamp:
            different.append((path, stamp, old is not None))
    return different, list(known)


def refresh(conn: sqlite3.Connection, fts: bool, ws: Workspace, progress: bool) -> None:
    """Bring the rows up to date with the notes."""
    pattern = ws.settings.pattern
    _clear_if_mostly_dead(conn, fts)
    first = conn.execute("SELECT 1 FROM files LIMIT 1").fetchone() is None
    known = {
        path: (size, mtime, ctime)
        for path, size, mtime, ctime in conn.execute("SELECT path, size, mtime_ns, ctime_ns FROM files")
    }
    different, gone = find_changes(known, ws.root, pattern)
    if not (different or gone):
        return
    source = WorkTree(ws.root)
    recent = time.time_ns() - RACY_NS
    jobs: list[tuple[str, datetime.date, Stamp]] = []  # the notes to parse
    replaced: set[str] = set()  # those of them the index holds rows of
    touched: list[tuple[int, int, int, str]] = []
    for path, stamp, was_known in different:
        date = pattern.date(path)
        if isinstance(date, str):
            continue  # not a note path: `check` reports it, and lint and stats
        if max(stamp[1], stamp[2]) >= recent:
            # Written just now: a second write within the same clock tick would keep this
            # stamp, so it is not trusted, and the note is read again next time (git's
            # "racily clean" entries).
            stamp = (stamp[0], -1, -1)
        if was_known and _blob(conn, path) == git_blob_id(read_note(source, path)):
            touched.append((*stamp, path))
        else:
            jobs.append((path, date, stamp))
            if was_known:
                replaced.add(path)
    jobs.sort()  # in path order: the first note that cannot be read is the one named
    with conn:
        for path in gone:
            delete_rows(conn, path)
        conn.executemany("UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ? WHERE path = ?", touched)
        # Into empty tables, rows go faster without their indexes, made once at the end.
        # The full-text index takes each batch's entries as they are written.
        indexes = _drop_indexes(conn) if first else []
        with _progress_bar(len(jobs), progress) as advance:
            for start in range(0, len(jobs), BATCH):
                batch = [
                    (path, stamp, *parse_rows(source, path, date, ws.settings))
                    for path, date, stamp in jobs[start : start + BATCH]
                ]
                for path, *_rest in batch:
                    if path in replaced:
                        delete_rows(conn, path)
                write_rows(conn, fts, [rows for *_, rows in batch])
                conn.executemany(
                    "INSERT INTO files VALUES (?, ?, ?, ?, ?)",
                    [(path, *stamp, blob) for path, stamp, blob, _rows in batch],
                )
                advance(len(batch))
        for sql in indexes:
            conn.execute(sql)
    if first:
        # The whole index went through the write-ahead log: merged now, and the log emptied,
        # so neither the next command nor the disk carries it.
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _clear_if_mostly_dead(conn: sqlite3.Connection, fts: bool) -> None:
    """Empty the tables once the full-text rows of entries no longer there (delete_rows)
    outnumber the entries: every note is then read again, as in a first build, and the
    full-text table holds only what search can find."""
    row = conn.execute("SELECT value FROM dairly WHERE key = 'dead'").fetchone()
    if row is None or int(row[0]) <= conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]:
        return
    with conn:
        for table in ("notes", "entries", "local_links", "findings", "files"):
            conn.execute(f"DELETE FROM {table}")
        if fts:
            conn.execute("INSERT INTO entries_fts(entries_fts) VALUES ('delete-all')")
        conn.execute("DELETE FROM dairly WHERE key = 'dead'")


def parse_rows(source: WorkTree, path: str, date: datetime.date, settings: Settings) -> tuple[str, Rows]:
    """A note read, parsed and linted: (its git blob id, its rows)."""
    from dairly.notes.note import decode_note, parse_note
    from dairly.notes.rules import note_problems  # only when a note changed: reading the index needs none of it

    data = read_note(source, path)
    text = decode_note(data, path)
    record = parse_note(path, date, text, settings)
    return git_blob_id(data), note_rows(record, note_problems(record, settings, text))


def git_blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob (`git hash-object`)."""
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_note(source: WorkTree, path: str) -> bytes:
    try:
        return source.read(path)
    except OSError as exc:
        raise refusal(exc, path) from None


def _drop_indexes(conn: sqlite3.Connection) -> list[str]:
    """Drop the tables' indexes; returns the statements that make them again."""
    made = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall()
    for name, _sql in made:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in made]


def _blob(conn: sqlite3.Connection, path: str) -> str | None:
    row = conn.execute("SELECT blob FROM files WHERE path = ?", (path,)).fetchone()
    return None if row is None else str(row[0])


@contextlib.contextmanager
def _progress_bar(total: int, progress: bool) -> Iterator[Callable[[int], None]]:
    """A progress bar on a terminal's stderr while `total` notes are parsed; the callable
    advances it."""
    if not progress or total < PROGRESS_MIN or not sys.stderr.isatty():
        yield lambda _done: None
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(f"indexing {total} notes", total=total)
        yield lambda done: bar.advance(task, done)
