"""The notes index: every note parsed once into a SQLite database, kept current by path,
size and modification time, and read by lint, search, stats, feed and export.

It lives in the git directory (`.git/dairly/index.sqlite3`, never committed) or, outside
git, in the user's cache folder; DAIRLY_CACHE_DIR overrides both. A note whose size or
modification time changed is read again and compared by its git blob id (the id `git
hash-object` gives it, the same as its staged blob's when it is staged): only a note whose
content changed is parsed again. Notes are parsed and written in batches, so neither every
note's bytes nor every note's rows are held at once; a first build of many notes shares the
parsing among worker processes (`_Workers`, the only pool in dairly). The schema is
documented in the README; a new dairly, a change to the code whose output the rows keep, or
different settings rebuild it.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import json
import marshal
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from dairly import __version__
from dairly.config import Settings
from dairly.errors import FILESYSTEM, DairlyError, FileSystemError, InputError, Problem
from dairly.fsio import refusal
from dairly.links import Link, link_target
from dairly.notes.entries import Entry, Field
from dairly.notes.note import NoteRecord, decode_note, parse_note
from dairly.notes.scan import Stamp, WorkTree
from dairly.tuples import Record

if TYPE_CHECKING:
    from dairly.notes.paths import NotePattern
    from dairly.workspace import Workspace

# The modules whose output the rows keep: the parser and everything it imports, lint's
# findings, the rows themselves. The index's stamp holds a hash of their source, so a
# change to any of them rebuilds every index (tests/test_data_commands.py holds the list
# complete).
CACHED_SOURCES = (
    "config.py",
    "errors.py",
    "tuples.py",
    "markdown.py",
    "gfm.py",
    "conflicts.py",
    "links.py",
    "notes/note.py",
    "notes/entries.py",
    "notes/skeleton.py",
    "notes/paths.py",
    "notes/traps.py",
    "notes/rules.py",
    "notes/index.py",
)
PARALLEL_MIN = 400  # fewer notes are parsed before worker processes would have started
BATCH = 128  # notes parsed, then written, at a time: what is held in memory at once
MAX_WORKERS = 8
RACY_NS = 2 * 10**9  # a note changed this recently may change again within its stamp's clock tick
PROGRESS_MIN = 200  # a parse of fewer notes is over before a progress bar would be seen

Changes = tuple[list[tuple[str, Stamp, bool]], list[str]]  # ([(path, stamp, indexed before)], gone paths)

# The tables an export keeps; `files` and `dairly` are the index's own bookkeeping.
SCHEMA = """
CREATE TABLE notes (
    path TEXT PRIMARY KEY,      -- notes/202203/0307.md
    date TEXT NOT NULL,         -- 2022-03-07: the path's date
    title TEXT,                 -- the title; NULL when the note has none
    title_line INTEGER,
    draft INTEGER NOT NULL,     -- 1 for `draft: true` in the front matter
    unfinished INTEGER,         -- the first line still holding a TODO from `dairly new`; NULL when filled in
    tags TEXT NOT NULL,         -- the front matter's tags, a JSON list
    meta TEXT NOT NULL,         -- the whole front matter, JSON
    highlights_line INTEGER,    -- the 今日要点 heading's line; NULL when there is none
    entries INTEGER NOT NULL,   -- how many entries the author numbered
    links TEXT NOT NULL         -- every link target in the note: JSON [[line, kind, url], ...]
);
CREATE INDEX notes_date ON notes(date);
CREATE INDEX notes_published ON notes(draft, unfinished, date, entries);  -- stats reads only this
CREATE TABLE entries (
    id INTEGER PRIMARY KEY,
    note TEXT NOT NULL REFERENCES notes(path),
    date TEXT NOT NULL,
    position INTEGER NOT NULL,  -- 1, 2, ... in the note
    number INTEGER NOT NULL,    -- as the author numbered it
    title TEXT NOT NULL,
    url TEXT,                   -- the entry's own link; NULL when it has none
    stars INTEGER NOT NULL,
    line INTEGER NOT NULL,
    fields TEXT NOT NULL,       -- the fields as text, one `Name: value` a line
    field_list TEXT NOT NULL,   -- the fields, JSON [{"name", "value", "links", "line"}, ...]
    images TEXT NOT NULL,       -- picture targets, a JSON list
    markdown TEXT NOT NULL,     -- the entry as written
    url_key TEXT                -- its web link without #fragment or trailing slash
);
CREATE INDEX entries_note ON entries(note);
CREATE INDEX entries_url_key ON entries(url_key, date);  -- also answers which links repeat on other days
CREATE TABLE local_links (
    note TEXT NOT NULL REFERENCES notes(path),
    line INTEGER NOT NULL,
    kind TEXT NOT NULL,         -- link, image, src or href
    url TEXT NOT NULL,          -- as written
    target TEXT NOT NULL        -- the repository path it points at
);
CREATE INDEX local_links_note ON local_links(note);
CREATE TABLE findings (
    note TEXT NOT NULL REFERENCES notes(path),
    line INTEGER,
    message TEXT NOT NULL       -- what `dairly lint` reports about the note on its own
);
CREATE INDEX findings_note ON findings(note);
"""
# Full-text search over entries, by trigrams so that Chinese substrings are found. In the
# index, matches only narrow the candidates (search confirms each), so positions need not
# be kept; an export keeps them, for the phrase queries of Datasette and sqlite-utils.
# content="entries" is how those tools find the table.
FTS = (
    'CREATE VIRTUAL TABLE entries_fts USING fts5(title, url, fields, content="entries", content_rowid="id",'
    " tokenize='trigram'{detail})"
)
BOOKKEEPING = """
CREATE TABLE files (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,      -- the file's stamp when it was read: a write changes one of the three
    mtime_ns INTEGER NOT NULL,  -- -1 when it was written too recently to trust the stamp
    ctime_ns INTEGER NOT NULL,
    blob TEXT NOT NULL          -- its git blob id
);
CREATE TABLE dairly (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
TABLES = ("entries_fts", "notes", "entries", "local_links", "findings", "files", "dairly")


def has_trigram() -> bool:
    """Whether this SQLite has FTS5 with the trigram tokenizer (3.34 and newer)."""
    try:
        sqlite3.connect(":memory:").execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    except sqlite3.Error:
        return False
    return True


def git_blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob (`git hash-object`)."""
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def fields_from_json(text: str) -> list[Field]:
    return [Field(f["name"], f["value"], tuple(f["links"]), f["line"]) for f in json.loads(text)]


class NotesIndex:
    """An open, current index."""

    def __init__(self, conn: sqlite3.Connection, fts: bool) -> None:
        self.conn = conn
        self.fts = fts  # whether entries_fts exists

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
        """Whole records, oldest first: every note, or those at `paths`."""
        where, params = "", []
        if paths is not None:
            params = list(paths)
            where = f" WHERE path IN ({','.join('?' * len(params))})"
        notes = self.conn.execute(
            "SELECT path, date, title, title_line, meta, highlights_line, links, unfinished FROM notes"
            + where
            + " ORDER BY date, path",
            params,
        ).fetchall()
        entries: dict[str, list[Entry]] = {}
        for note, number, title, url, stars, line, field_list, images, markdown in self.conn.execute(
            "SELECT note, number, title, url, stars, line, field_list, images, markdown FROM entries"
            + where.replace("path", "note")
            + " ORDER BY note, position",
            params,
        ):
            entry = Entry(number, title, url, stars, line, fields_from_json(field_list), json.loads(images), markdown)
            entries.setdefault(note, []).append(entry)
        for path, date, title, title_line, meta, highlights_line, links, unfinished in notes:
            yield NoteRecord(
                path,
                datetime.date.fromisoformat(date),
                title,
                title_line,
                json.loads(meta),
                highlights_line,
                entries.get(path, []),
                [Link(url, line, kind) for line, kind, url in json.loads(links)],
                unfinished,
            )

    def candidate_entries(
        self, query: str, since: datetime.date | None, until: datetime.date | None
    ) -> list[tuple[Any, ...]]:
        """(date, note, tags, number, title, url, stars, line, markdown, field_list) of the
        entries of published notes in the date range that may contain `query`, whatever
        its case: the full-text index narrows them when the query is long enough."""
        sql = (
            "SELECT e.date, e.note, n.tags, e.number, e.title, e.url, e.stars, e.line, e.markdown, e.field_list"
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
        """A standalone copy of the index at `target`: the data tables and full-text search,
        without the bookkeeping. Written beside it under another name, then renamed over
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
                self.conn.backup(copy)
                copy.execute("PRAGMA journal_mode=DELETE")
                copy.execute("DROP TABLE files")
                copy.execute("DROP TABLE dairly")
                copy.execute("DROP TABLE IF EXISTS entries_fts")
                if has_trigram():
                    copy.execute(FTS.format(detail=""))
                    copy.execute("INSERT INTO entries_fts(entries_fts) VALUES ('rebuild')")
                copy.commit()
                copy.execute("VACUUM")
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


# -- keeping it current ------------------------------------------------------------------


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
    path = index_path(ws)
    stamp = _stamp(ws)
    try:
        conn, fts = _open(path, stamp)
    except sqlite3.OperationalError:  # locked for too long, read-only, nowhere to keep it
        conn, fts = _open(":memory:", stamp)  # an index for this run only: nothing kept
    except sqlite3.DatabaseError:  # a damaged file: start again
        _remove(path)
        conn, fts = _open(path, stamp)
    try:
        index = NotesIndex(conn, fts)
        _refresh(index, ws, progress)
    except sqlite3.DatabaseError:
        # Readable, but not as this dairly wrote it (a table changed by hand, a damaged
        # page): rebuilt from the notes, which hold everything it keeps.
        conn.close()
        if path == ":memory:":
            raise
        _remove(path)
        conn, fts = _open(path, stamp)
        index = NotesIndex(conn, fts)
        _refresh(index, ws, progress)
    return index


def _stamp(ws: Workspace) -> str:
    """What the index's rows depend on besides the notes: another value means a rebuild."""
    import hashlib

    settings = hashlib.sha1(repr(tuple(ws.settings)).encode("utf-8")).hexdigest()[:16]
    return f"{source_hash()}:{__version__}:{settings}"


def source_hash() -> str:
    """A hash of the source of CACHED_SOURCES: what the rows hold changes only with them."""
    import hashlib

    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    digest = hashlib.sha1()
    for name in CACHED_SOURCES:
        try:
            with open(os.path.join(package, name), "rb") as f:
                digest.update(f.read())
        except OSError:  # no source shipped (a frozen build): the version alone decides
            digest.update(b"?")
    return digest.hexdigest()[:16]


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
        conn.executescript(SCHEMA + BOOKKEEPING)
        fts = has_trigram()
        if fts:
            conn.execute(FTS.format(detail=", detail='none'"))
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
        conn.executescript(SCHEMA + BOOKKEEPING)
        if fts:
            conn.execute(FTS.format(detail=", detail='none'"))
        return _schema(conn)
    finally:
        conn.close()


def find_changes(known: dict[str, Stamp], root: str, pattern: NotePattern) -> Changes:
    """The notes whose stamp is not the one indexed, and the indexed paths that are gone.
    Every note is looked at: an edit in place changes no folder."""
    different: list[tuple[str, Stamp, bool]] = []
    for path, stamp in WorkTree(root).note_stamps(pattern):
        old = known.pop(path, None)
        if old != stamp:
            different.append((path, stamp, old is not None))
    return different, list(known)


def _refresh(index: NotesIndex, ws: Workspace, progress: bool) -> None:
    """Bring the rows up to date with the notes: of the notes whose stamp changed, only
    the ones whose content changed (by blob id) are parsed again, in batches, each written
    as it comes; all in one transaction, so a note that cannot be read changes nothing."""
    conn = index.conn
    pattern = ws.settings.pattern
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
    jobs: list[Job] = []  # (path, iso date, stamp) of the notes to parse
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
        if was_known and _blob(conn, path) == git_blob_id(_read(source, path)):
            touched.append((*stamp, path))
        else:
            jobs.append((path, date.isoformat(), stamp))
            if was_known:
                replaced.add(path)
    jobs.sort()  # in path order: the first note that cannot be read is the one named
    settings = ws.settings
    with conn:
        for path in gone:
            _delete(index, path)
        conn.executemany("UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ? WHERE path = ?", touched)
        # Into empty tables, rows go faster without their indexes, made once at the end.
        # The full-text index takes each batch's entries as they are written: while the
        # workers parse, not after them.
        indexes = _drop_indexes(conn) if first else []
        # The workers are forked before the progress bar starts its thread.
        with (
            _Workers(ws.root, jobs, settings, worker_count(len(jobs))) as workers,
            _progress_bar(len(jobs), progress) as advance,
        ):
            for batch in _parse_batches(workers):
                for path, _blob_id, _stamp, _rows in batch:
                    if path in replaced:
                        _delete(index, path)
                _write(index, [rows for *_, rows in batch])
                conn.executemany(
                    "INSERT INTO files VALUES (?, ?, ?, ?, ?)",
                    [(path, *stamp, blob) for path, blob, stamp, _rows in batch],
                )
                advance(len(batch))
        for sql in indexes:
            conn.execute(sql)


def _drop_indexes(conn: sqlite3.Connection) -> list[str]:
    """Drop the tables' indexes; returns the statements that make them again."""
    made = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").fetchall()
    for name, _sql in made:
        conn.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in made]


def _read(source: WorkTree, path: str) -> bytes:
    try:
        return source.read(path)
    except OSError as exc:
        raise refusal(exc, path) from None


def _blob(conn: sqlite3.Connection, path: str) -> str | None:
    row = conn.execute("SELECT blob FROM files WHERE path = ?", (path,)).fetchone()
    return None if row is None else str(row[0])


def _delete(index: NotesIndex, path: str) -> None:
    conn = index.conn
    if index.fts:
        conn.execute(
            "INSERT INTO entries_fts(entries_fts, rowid, title, url, fields)"
            " SELECT 'delete', id, title, url, fields FROM entries WHERE note = ?",
            (path,),
        )
    for table, column in (("entries", "note"), ("local_links", "note"), ("findings", "note"), ("notes", "path")):
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (path,))
    conn.execute("DELETE FROM files WHERE path = ?", (path,))


def fields_text(entry: Entry) -> str:
    """An entry's fields as searchable text, one `Name: value` a line."""
    return "\n".join(f"{f.name}: {f.value}" if f.name else f.value for f in entry.fields)


class Rows(Record):
    """One note's rows as the tables take them; its entries get their ids when written."""

    note: tuple[Any, ...]
    entries: list[tuple[Any, ...]]  # without the id
    local_links: list[tuple[Any, ...]]
    findings: list[tuple[Any, ...]]


_to_json = json.JSONEncoder(ensure_ascii=False).encode  # one encoder for the many values of a note


def note_rows(record: NoteRecord, problems: list[Problem]) -> Rows:
    from dairly.notes.rules import normal_url

    date = record.date.isoformat()
    folder = record.path.rpartition("/")[0]
    dumps = _to_json
    links = dumps([[lk.line, lk.kind, lk.url] for lk in record.links])
    meta = dumps(record.meta) if record.meta else "{}"
    tags = dumps(record.tags) if record.tags else "[]"
    header = (record.path, date, record.title, record.title_line, int(record.draft), record.unfinished, tags, meta)
    note = (*header, record.highlights_line, len(record.entries), links)
    entries = []
    for position, entry in enumerate(record.entries, 1):
        web = entry.url is not None and link_target(folder, entry.url) is None
        field_list = [{"name": f.name, "value": f.value, "links": list(f.links), "line": f.line} for f in entry.fields]
        entries.append(
            (
                record.path,
                date,
                position,
                entry.number,
                entry.title,
                entry.url,
                entry.stars,
                entry.line,
                fields_text(entry),
                dumps(field_list),
                dumps(entry.images) if entry.images else "[]",
                entry.text,
                normal_url(entry.url) if web and entry.url else None,
            )
        )
    local = []
    for lk in record.links:
        target = link_target(folder, lk.url)
        if target is not None:
            local.append((record.path, lk.line, lk.kind, lk.url, target))
    findings = [(record.path, p.line, p.message) for p in problems]
    return Rows(note, entries, local, findings)


def _write(index: NotesIndex, parsed: list[Rows]) -> None:
    """Insert the rows of freshly parsed notes, giving their entries the next free ids."""
    conn = index.conn
    first_id: int = conn.execute("SELECT COALESCE(MAX(id), 0) FROM entries").fetchone()[0] + 1
    entries = [(i, *row) for i, row in enumerate((row for rows in parsed for row in rows.entries), first_id)]
    conn.executemany("INSERT INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [rows.note for rows in parsed])
    conn.executemany("INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", entries)
    conn.executemany("INSERT INTO local_links VALUES (?, ?, ?, ?, ?)", [r for rows in parsed for r in rows.local_links])
    conn.executemany("INSERT INTO findings VALUES (?, ?, ?)", [r for rows in parsed for r in rows.findings])
    if index.fts:
        conn.executemany(
            "INSERT INTO entries_fts(rowid, title, url, fields) VALUES (?, ?, ?, ?)",
            [(row[0], row[5], row[6], row[9]) for row in entries],
        )


# -- parsing, in batches, here or in worker processes ---------------------------------------

Job = tuple[str, str, "Stamp"]  # a note to parse: (path, iso date, stamp)
Parsed = tuple[str, str, "Stamp", Rows]  # (path, blob id, stamp, rows)
# What parsing one note gives, as plain values that marshal carries back from a worker:
# (True, blob id, the rows as a tuple) or (False, an error's message, path, line, exit code).
Outcome = tuple[Any, ...]


def _parse_one(root: str, job: Job, settings: Settings) -> Outcome:
    """A note read and parsed into its rows, or why it cannot be."""
    from dairly.notes.rules import note_problems  # only when a note changed: reading the index needs none of it

    path, iso, _stamp = job
    try:
        data = _read(WorkTree(root), path)
        text = decode_note(data, path)
        record = parse_note(path, datetime.date.fromisoformat(iso), text, settings)
    except DairlyError as exc:
        return False, exc.message, exc.path or path, exc.line, exc.exit_code
    return True, git_blob_id(data), tuple(note_rows(record, note_problems(record, settings, text)))


def _parse_range(root: str, jobs: list[Job], settings: Settings, first: int, end: int) -> Iterator[list[Outcome]]:
    for start in range(first, end, BATCH):
        yield [_parse_one(root, job, settings) for job in jobs[start : min(start + BATCH, end)]]


def _parse_batches(workers: _Workers) -> Iterator[list[Parsed]]:
    """The parsed notes, a batch at a time, in no particular order; the first note (in the
    jobs' order) that cannot be parsed is raised at the end, as the error it met (a file
    the system would not read is a FileSystemError, anything else an InputError), as one
    process parsing them in order would."""
    failed: tuple[int, Outcome] | None = None
    for first, outcomes in workers.batches():
        batch: list[Parsed] = []
        for i, outcome in enumerate(outcomes, first):
            if outcome[0]:
                path, _iso, stamp = workers.jobs[i]
                batch.append((path, outcome[1], stamp, Rows(*outcome[2])))
            elif failed is None or i < failed[0]:
                failed = (i, outcome)
        yield batch
    if failed is not None:
        _ok, message, path, line, code = failed[1]
        raise (FileSystemError if code == FILESYSTEM else InputError)(message, path=path, line=line)


def worker_count(jobs: int) -> int:
    """How many worker processes should parse `jobs` notes: DAIRLY_WORKERS if set (1: none),
    else one a core (up to MAX_WORKERS) from PARALLEL_MIN notes on, on Linux only (on
    macOS a forked child may not use system libraries that started threads; Windows has
    no fork)."""
    chosen = os.environ.get("DAIRLY_WORKERS", "")
    if chosen.strip():  # set to nothing (`DAIRLY_WORKERS=`) is unset
        if not chosen.strip().isdigit() or int(chosen) < 1:
            raise InputError(f"invalid DAIRLY_WORKERS {chosen!r}: use a whole number of processes, 1 or more")
        count = min(int(chosen), MAX_WORKERS, jobs)
    elif jobs < PARALLEL_MIN:
        return 1
    else:
        try:
            count = min(len(os.sched_getaffinity(0)), MAX_WORKERS)  # the cores this process may run on
        except (AttributeError, OSError):
            count = min(os.cpu_count() or 1, MAX_WORKERS)
    return count if count > 1 and sys.platform.startswith("linux") else 1


class _Workers:
    """The one worker pool: `count` forked processes, each parsing a consecutive range of the
    jobs and sending its outcomes back through a pipe, marshalled, a batch at a time. The
    parent only writes rows. Whatever a worker did not deliver (it could not be started:
    EAGAIN under a process limit; it died) is parsed here, so the outcome is that of one
    process. A worker holds none of the user's streams open and ends with its parent
    (PR_SET_PDEATHSIG, and a write to a pipe nobody reads), so a killed command leaves no
    process behind and `$(dairly stats)` ends."""

    def __init__(self, root: str, jobs: list[Job], settings: Settings, count: int) -> None:
        self.root, self.jobs, self.settings = root, jobs, settings
        size = -(-len(jobs) // max(count, 1))  # ceiling division: at most `count` ranges
        self.ranges = [(first, min(first + size, len(jobs))) for first in range(0, len(jobs), size or 1)]
        self.children: dict[int, tuple[int, int]] = {}  # read end -> (pid, range number)
        self.next = [first for first, _end in self.ranges]  # the first job each range has not delivered
        if count > 1:
            import importlib

            importlib.import_module("dairly.notes.rules")  # imported once, here, not in every worker
            for number in range(len(self.ranges)):
                if not self._fork(number):
                    break

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _fork(self, number: int) -> bool:
        try:
            read_end, write_end = os.pipe()
        except OSError:
            return False
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:  # no process to spare: this one does the work
            os.close(read_end)
            os.close(write_end)
            return False
        if pid == 0:  # the worker: never returns into the caller's code
            status = 1
            try:
                os.close(read_end)
                for other in self.children:
                    os.close(other)
                _leave_with(parent)
                first, end = self.ranges[number]
                with open(write_end, "wb") as pipe:
                    for outcomes in _parse_range(self.root, self.jobs, self.settings, first, end):
                        data = marshal.dumps(outcomes)
                        pipe.write(len(data).to_bytes(8, "little") + data)
                        pipe.flush()
                status = 0
            finally:
                os._exit(status)  # no teardown: nothing of the parent's (buffers, the database) is run twice
        os.close(write_end)
        self.children[read_end] = (pid, number)
        return True

    def batches(self) -> Iterator[tuple[int, list[Outcome]]]:
        """(index of the first job, outcomes) as they come, until every job has one."""
        import select

        poll = select.poll()  # not select.select: a descriptor may be numbered above 1023
        buffers = {fd: bytearray() for fd in self.children}
        for fd in self.children:
            poll.register(fd, select.POLLIN)
        while self.children:
            for fd, _event in poll.poll():
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    poll.unregister(fd)
                    self._reap(fd)
                    continue
                buffer = buffers[fd]
                buffer += chunk
                while len(buffer) >= 8:
                    size = int.from_bytes(buffer[:8], "little")
                    if len(buffer) < 8 + size:
                        break
                    outcomes = marshal.loads(buffer[8 : 8 + size])
                    del buffer[: 8 + size]
                    number = self.children[fd][1]
                    first = self.next[number]
                    self.next[number] += len(outcomes)
                    yield first, outcomes
        for number, (_first, end) in enumerate(self.ranges):  # what no worker delivered
            for outcomes in _parse_range(self.root, self.jobs, self.settings, self.next[number], end):
                first = self.next[number]
                self.next[number] += len(outcomes)
                yield first, outcomes

    def _reap(self, fd: int) -> None:
        os.close(fd)
        pid, _number = self.children.pop(fd)
        os.waitpid(pid, 0)  # a worker that failed left its range short: it is finished here

    def stop(self) -> None:
        """End every worker still running (the command failed or was interrupted)."""
        import signal

        for fd, (pid, _number) in list(self.children.items()):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            self._reap(fd)


def _leave_with(parent: int) -> None:
    """In a worker: be killed when the parent ends, and let go of the user's streams."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before the line above took effect
        os._exit(1)
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)


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
