"""The notes index: every note parsed once into a SQLite database, kept current by path,
size and modification time, and read by lint, search, stats, review, feed and export.

It lives in the git directory (`.git/dairly/index.sqlite3`, never committed) or, outside
git, in the user's cache folder; DAIRLY_CACHE_DIR overrides both. This module opens it and
answers the data commands' queries; the pieces behind it, one concern each:

- dairly.notes.index_rows: the tables, and one note's rows in them;
- dairly.notes.index_stamp: when the index is stale as a whole (new settings, another dairly);
- dairly.notes.index_refresh: which notes changed since, read and parsed again, their rows replaced.

The schema is documented in docs/data.md.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import os
import sqlite3
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from dairly.errors import InputError, Problem
from dairly.fsio import refusal
from dairly.links import Link
from dairly.notes.index_rows import BOOKKEEPING, EXPORT_FTS, INDEX_FTS, INDEX_SCHEMA, SCHEMA, TABLES, has_trigram
from dairly.notes.index_stamp import index_stamp
from dairly.notes.note import NoteRecord

if TYPE_CHECKING:
    from dairly.workspace import Workspace


class NotesIndex:
    """An open, current index."""

    def __init__(self, conn: sqlite3.Connection, fts: bool, ws: Workspace) -> None:
        self.conn = conn
        self.fts = fts  # whether entries_fts exists
        self.ws = ws  # whose notes the records are read from

    # Used as `with open_index(ws) as index:`. Closing the last connection to a WAL
    # database folds the -wal file back in and removes it and the -shm file; a process
    # that ends without closing (dairly exits without the interpreter's teardown) would
    # leave both beside the index.
    def __enter__(self) -> NotesIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.conn.close()

    def note_count(self) -> int:
        count: int = self.conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
        return count

    def published_days(self) -> list[tuple[datetime.date, int]]:
        """(date, entry count) of every published note (not a draft, not unfinished)."""
        rows = self.conn.execute("SELECT date, entries FROM notes WHERE draft = 0 AND unfinished IS NULL")
        return [(datetime.date.fromisoformat(day), count) for day, count in rows]

    def published_on(self, month: int, day: int) -> list[tuple[str, datetime.date, str | None, int]]:
        """(path, date, title, entry count) of the published notes of this month and day."""
        rows = self.conn.execute(
            "SELECT path, date, title, entries FROM notes"
            " WHERE draft = 0 AND unfinished IS NULL AND substr(date, 6) = ? ORDER BY date",
            (f"{month:02d}-{day:02d}",),
        )
        return [(path, datetime.date.fromisoformat(d), title, n) for path, d, title, n in rows]

    def published_before(self, day: datetime.date) -> list[tuple[str, datetime.date, int]]:
        """(path, date, entry count) of the published notes (not drafts, not unfinished, as
        search counts them) dated before `day`, oldest first."""
        rows = self.conn.execute(
            "SELECT path, date, entries FROM notes WHERE draft = 0 AND unfinished IS NULL AND date < ?"
            " ORDER BY date, path",
            (day.isoformat(),),
        )
        return [(path, datetime.date.fromisoformat(d), n) for path, d, n in rows]

    def notes(self) -> list[tuple[str, datetime.date, str | None, bool, int]]:
        """(path, date, title, published, entry count) of every note, oldest first; a note
        is published unless it is a draft or unfinished."""
        rows = self.conn.execute(
            "SELECT path, date, title, draft = 0 AND unfinished IS NULL, entries FROM notes ORDER BY date, path"
        )
        return [(path, datetime.date.fromisoformat(d), title, bool(ok), n) for path, d, title, ok, n in rows]

    def records(self, paths: Iterable[str] | None = None) -> Iterator[NoteRecord]:
        """Whole records, oldest first: every note, or those at `paths`. The index keeps
        no entry's text: each note is read and parsed again, as the index was made from it
        when it was opened (open_index brings it up to date)."""
        rows = self.conn.execute("SELECT path, date FROM notes ORDER BY date, path").fetchall()
        if paths is not None:
            wanted = set(paths)
            rows = [(path, date) for path, date in rows if path in wanted]
        return self._parsed(rows)

    def _parsed(self, rows: Iterable[tuple[str, str]]) -> Iterator[NoteRecord]:
        """The records of these (path, date) notes, read from the work tree."""
        from dairly.notes.index_refresh import read_note
        from dairly.notes.note import decode_note, parse_note
        from dairly.notes.scan import WorkTree

        source = WorkTree(self.ws.root)
        for path, date in rows:
            text = decode_note(read_note(source, path), path)
            yield parse_note(path, datetime.date.fromisoformat(date), text, self.ws.settings)

    def candidate_entries(
        self, query: str, since: datetime.date | None, until: datetime.date | None
    ) -> list[tuple[str, str, str, int]]:
        """(date, note, tags, position) of the entries of published notes in the date range
        that may contain `query`, whatever its case: the full-text index narrows them when
        the query is long enough."""
        sql = (
            "SELECT e.date, e.note, n.tags, e.position"
            # Entries first, which the full-text match narrows, then each one's note by its key:
            # CROSS JOIN keeps SQLite to that order (by the notes_published index it would
            # visit every note and its entries).
            " FROM entries e CROSS JOIN notes n ON n.path = e.note WHERE n.draft = 0 AND n.unfinished IS NULL"
        )
        params: list[object] = []
        if since is not None:
            sql += " AND e.date >= ?"
            params.append(since.isoformat())
        if until is not None:
            sql += " AND e.date <= ?"
            params.append(until.isoformat())
        if self.fts and len(query) >= 3:  # a trigram needs three characters
            # Every trigram of the query must be there (the index keeps no positions, so the
            # phrase itself is confirmed by the caller).
            trigrams = {query[i : i + 3] for i in range(len(query) - 2)}
            sql += " AND e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)"
            params.append(" AND ".join('"' + t.replace('"', '""') + '"' for t in sorted(trigrams)))
        return self.conn.execute(sql + " ORDER BY e.date, e.note, e.position", params).fetchall()

    def findings(self) -> list[Problem]:
        return [Problem(note, message, line) for note, line, message in self.conn.execute("SELECT * FROM findings")]

    def local_links(self) -> list[tuple[str, Link, str]]:
        """(note, link, target) of every relative link, in order."""
        rows = self.conn.execute("SELECT note, line, kind, url, target FROM local_links ORDER BY note, rowid")
        return [(note, Link(url, line, kind), target) for note, line, kind, url, target in rows]

    def repeated_entries(self) -> list[tuple[str, datetime.date, int, int, str]]:
        """(path, date, number, line, url) of the entries whose web link appears on more than
        one day, oldest first."""
        rows = self.conn.execute(
            "SELECT note, date, number, line, url FROM entries WHERE url_key IN ("
            " SELECT url_key FROM entries WHERE url_key IS NOT NULL GROUP BY url_key HAVING COUNT(DISTINCT date) > 1)"
            " ORDER BY date, note, position"
        )
        return [(note, datetime.date.fromisoformat(date), n, line, url) for note, date, n, line, url in rows]

    def export(self, target: str) -> None:
        """The notes as a standalone database at `target`: the data tables (SCHEMA) and
        full-text search, without the bookkeeping. Written beside it under another name, then renamed over
        it, so a previous export stays whole until the new one is complete; a FIFO or a
        device is written into, once the copy is whole, never replaced."""
        import tempfile

        from dairly.errors import FileSystemError
        from dairly.fsio import special_target, write_into

        folder = os.path.dirname(os.path.abspath(target))
        special = special_target(target, target)  # a FIFO or a device: the database is written into it
        if special:
            folder = tempfile.gettempdir()
        elif os.path.isdir(target):
            raise InputError(f"invalid --sqlite {target!r}: it is a folder; name the database file to write")
        if not special and not os.path.isdir(folder):
            raise InputError(f"invalid --sqlite {target!r}: there is no folder {os.path.dirname(target) or folder!r}")
        try:
            fd, temporary = tempfile.mkstemp(prefix=".dairly-tmp-", suffix=".sqlite3", dir=folder)
        except OSError as exc:
            raise refusal(exc, target) from None
        os.close(fd)
        try:
            copy = sqlite3.connect(temporary)
            try:
                self._write_export(copy)
            finally:
                copy.close()
            if special:
                with open(temporary, "rb") as f:
                    write_into(target, iter(lambda: f.read(1 << 16), b""), target)
            else:
                os.replace(temporary, target)
        except OSError as exc:
            raise refusal(exc, target) from None
        except sqlite3.Error as exc:  # the disk filled up, most likely
            raise FileSystemError(f"cannot be written: {exc}", path=target) from None
        finally:
            with contextlib.suppress(OSError):
                os.remove(temporary)

    def _write_export(self, copy: sqlite3.Connection) -> None:
        """The export's tables, from every note parsed again (the index keeps no entry's
        text) and the index's findings, in the order a first build writes them."""
        from dairly.notes.index_rows import Rows, note_rows, write_rows

        problems: dict[str, list[Problem]] = {}
        for problem in self.findings():
            problems.setdefault(problem.path, []).append(problem)
        copy.execute("PRAGMA journal_mode=DELETE")
        copy.executescript(SCHEMA)
        with copy:
            batch: list[Rows] = []
            notes = self.conn.execute("SELECT path, date FROM notes ORDER BY path").fetchall()
            for record in self._parsed(notes):
                batch.append(note_rows(record, problems.get(record.path, []), whole=True))
                if len(batch) == 128:
                    write_rows(copy, False, batch)
                    batch = []
            write_rows(copy, False, batch)
            if has_trigram():
                copy.execute(EXPORT_FTS)
                copy.execute("INSERT INTO entries_fts(entries_fts) VALUES ('rebuild')")
        copy.execute("VACUUM")


def index_path(ws: Workspace) -> str:
    """The index file: in the git directory, else the user's cache folder."""
    override = os.environ.get("DAIRLY_CACHE_DIR")
    private = ws.private_dir()
    if not override and private is not None:
        return os.path.join(private, "index.sqlite3")
    import hashlib

    folder = override or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "dairly"
    )
    digest = hashlib.sha1(ws.root.encode("utf-8")).hexdigest()[:16]
    return os.path.join(folder, f"index-{digest}.sqlite3")


def open_index(ws: Workspace, *, progress: bool = True) -> NotesIndex:
    """The index of the workspace's notes, brought up to date. An index that cannot be read
    as expected (damaged, or tables other than its stamp promises) is rebuilt, once."""
    from dairly.notes.index_refresh import refresh

    path = index_path(ws)
    stamp = index_stamp(ws.settings)
    try:
        conn, fts = _open(path, stamp)
    except sqlite3.OperationalError:  # locked for too long, read-only, nowhere to keep it
        conn, fts = _open(":memory:", stamp)  # an index for this run only: nothing kept
    except sqlite3.DatabaseError:  # a damaged file: start again
        _remove(path)
        conn, fts = _open(path, stamp)
    try:
        refresh(conn, fts, ws, progress)
    except sqlite3.DatabaseError:
        # Readable, but not as this dairly wrote it (a table changed by hand, a damaged
        # page): rebuilt from the notes, which hold everything it keeps.
        conn.close()
        if path == ":memory:":
            raise
        _remove(path)
        conn, fts = _open(path, stamp)
        refresh(conn, fts, ws, progress)
    return NotesIndex(conn, fts, ws)


def _open(path: str, stamp: str) -> tuple[sqlite3.Connection, bool]:
    """(the connection, whether the full-text table exists)."""
    if path != ":memory:":
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        except OSError as exc:
            raise sqlite3.OperationalError(str(exc)) from None
    conn = sqlite3.connect(path, timeout=30)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # an index can always be rebuilt from the notes
        return conn, _prepare(conn, stamp)
    except BaseException:
        conn.close()
        raise


def _remove(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.remove(path + suffix)


def _prepare(conn: sqlite3.Connection, stamp: str) -> bool:
    """Create the tables, or drop a stale schema and create them again; returns whether
    the full-text table exists."""
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "dairly" in tables:
        row = conn.execute("SELECT value FROM dairly WHERE key = 'stamp'").fetchone()
        fts = "entries_fts" in tables
        if row is not None and row[0] == stamp and _schema(conn) == _made_schema(fts):
            return fts
    with conn:
        for name in (*TABLES, *(t for t in tables if t not in TABLES and not t.startswith("sqlite_"))):
            conn.execute(f'DROP TABLE IF EXISTS "{name}"')
        conn.executescript(INDEX_SCHEMA + BOOKKEEPING)
        fts = has_trigram()
        if fts:
            conn.execute(INDEX_FTS)
        conn.execute("INSERT INTO dairly VALUES ('stamp', ?)", (stamp,))
    return fts


def _schema(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """The tables and indexes as SQLite holds them."""
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name")
    return [(kind, name, sql or "") for kind, name, sql in rows]


@functools.cache
def _made_schema(fts: bool) -> list[tuple[str, str, str]]:
    """The tables and indexes _prepare makes: an index with others (a table changed by
    hand, by another program) is rebuilt, although its stamp is current."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.executescript(INDEX_SCHEMA + BOOKKEEPING)
        if fts:
            conn.execute(INDEX_FTS)
        return _schema(conn)
    finally:
        conn.close()
