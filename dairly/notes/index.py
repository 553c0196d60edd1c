"""The notes index: every note parsed once into a SQLite database, kept current by path,
size and modification time, and read by lint, search, stats, feed and export.

It lives in the git directory (`.git/dairly/index.sqlite3`, never committed) or, outside
git, in the user's cache folder; DAIRLY_CACHE_DIR overrides both. A note whose size or
modification time changed is read again and compared by its git blob id (the id `git
hash-object` gives it, the same as its staged blob's when it is staged): only a note whose
content changed is parsed again, on every core when there are many. The schema is
documented in the README; a new dairly or different settings rebuild it.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from dairly import __version__
from dairly.errors import DairlyError, InputError, Problem
from dairly.fsio import refusal
from dairly.links import Link, link_target
from dairly.notes.changes import Changes, find_changes, index_path, known_stamps, take_ahead
from dairly.notes.entries import Entry, Field
from dairly.notes.note import NoteRecord, decode_note, parse_note
from dairly.notes.paths import dates_from_paths
from dairly.notes.scan import Stamp, WorkTree
from dairly.tuples import Record
from dairly.workspace import Workspace

SCHEMA_VERSION = 6  # raised whenever what a note's rows hold changes (findings too): old indexes are rebuilt
PARALLEL_MIN = 400  # fewer notes are parsed before worker processes would have started
RACY_NS = 2 * 10**9  # a note changed this recently may change again within its stamp's clock tick
PROGRESS_MIN = 200  # a parse of fewer notes is over before a progress bar would be seen

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
        without the bookkeeping."""
        if os.path.exists(target):
            os.remove(target)
        copy = sqlite3.connect(target)
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


# -- keeping it current ------------------------------------------------------------------


def open_index(ws: Workspace, *, progress: bool = True) -> NotesIndex:
    """The index of the workspace's notes, brought up to date."""
    path = index_path(ws)
    stamp = _stamp(ws)
    ahead = take_ahead(ws)
    try:
        conn, fts, kept = _open(path, stamp)
    except sqlite3.OperationalError:  # locked for too long, read-only, nowhere to keep it
        conn, fts, kept = _open(":memory:", stamp)  # an index for this run only: nothing kept
    except sqlite3.DatabaseError:  # a damaged file: start again
        _remove(path)
        conn, fts, kept = _open(path, stamp)
    index = NotesIndex(conn, fts)
    changes: Changes | None = None
    if ahead is not None and kept:
        # Found from this very file as it was a moment ago; another process that refreshed
        # it since did what this one would, so at worst a note is read again.
        found = ahead.result()
        if found is not None and found[0] == stamp:
            changes = found[1]
    elif ahead is not None:
        ahead.cancel()  # the rows it compared with are gone
    if changes is None:
        changes = find_changes(known_stamps(conn), ws.root, ws.settings.notes_dir.strip("/"))
    _refresh(index, ws, changes, progress)
    return index


def _stamp(ws: Workspace) -> str:
    """What the index's rows depend on besides the notes: another value means a rebuild."""
    return f"{SCHEMA_VERSION}:{__version__}:{ws.settings.highlights_heading}:{ws.settings.notes_dir}"


def _open(path: str, stamp: str) -> tuple[sqlite3.Connection, bool, bool]:
    """(the connection, whether the full-text table exists, whether the rows were kept)."""
    if path != ":memory:":
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
        except OSError as exc:
            raise sqlite3.OperationalError(str(exc)) from None
    conn = sqlite3.connect(path, timeout=30)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")  # an index can always be rebuilt from the notes
        return conn, *_prepare(conn, stamp)
    except BaseException:
        conn.close()
        raise


def _remove(path: str) -> None:
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(OSError):
            os.remove(path + suffix)


def _prepare(conn: sqlite3.Connection, stamp: str) -> tuple[bool, bool]:
    """Create the tables, or drop a stale schema and create them again; returns whether
    the full-text table exists and whether the rows were kept."""
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "dairly" in tables:
        row = conn.execute("SELECT value FROM dairly WHERE key = 'stamp'").fetchone()
        if row is not None and row[0] == stamp:
            return "entries_fts" in tables, True
    with conn:
        for name in (*TABLES, *(t for t in tables if t not in TABLES and not t.startswith("sqlite_"))):
            conn.execute(f'DROP TABLE IF EXISTS "{name}"')
        conn.executescript(SCHEMA + BOOKKEEPING)
        fts = has_trigram()
        if fts:
            conn.execute(FTS.format(detail=", detail='none'"))
        conn.execute("INSERT INTO dairly VALUES ('stamp', ?)", (stamp,))
    return fts, False


def _refresh(index: NotesIndex, ws: Workspace, changes: Changes, progress: bool) -> None:
    """Bring the rows up to date with the changes: of the notes whose stamp changed, only
    the ones whose content changed (by blob id) are parsed again."""
    conn = index.conn
    source = WorkTree(ws.root)
    notes_dir = ws.settings.notes_dir.strip("/")
    different, gone = changes
    changed: list[tuple[str, str, bytes, str, Stamp]] = []  # (path, iso date, data, blob, stamp)
    touched: list[tuple[int, int, int, str]] = []
    paths = [path for path, _stamp, _known in different]
    recent = time.time_ns() - RACY_NS
    for (path, stamp, was_known), date in zip(different, dates_from_paths(paths, notes_dir), strict=True):
        if isinstance(date, str):
            continue  # not a note path: `check` reports it
        try:
            data = source.read(path)
        except OSError as exc:
            raise refusal(exc, path) from None
        blob = git_blob_id(data)
        if max(stamp[1], stamp[2]) >= recent:
            # Written just now: a second write within the same clock tick would keep this
            # stamp, so it is not trusted, and the note is read again next time (git's
            # "racily clean" entries).
            stamp = (stamp[0], -1, -1)
        if was_known and _blob(conn, path) == blob:
            touched.append((*stamp, path))
        else:
            changed.append((path, date.isoformat(), data, blob, stamp))
    if not (changed or touched or gone):
        return
    heading = ws.settings.highlights_heading
    parsed = _parse_all([(path, iso, data, heading) for path, iso, data, *_ in changed], progress)
    with conn:
        for path in gone + [c[0] for c in changed]:
            _delete(index, path)
        _write(index, parsed)
        files_rows = [(path, *stamp, blob) for path, _iso, _data, blob, stamp in changed]
        conn.executemany("INSERT INTO files VALUES (?, ?, ?, ?, ?)", files_rows)
        conn.executemany("UPDATE files SET size = ?, mtime_ns = ?, ctime_ns = ? WHERE path = ?", touched)


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
    tags = dumps(record.tags)
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
                dumps(entry.images),
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


Failed = tuple[str, str, int | None]  # an InputError's message, path and line


def _parse_one(job: tuple[str, str, bytes, str]) -> Rows | Failed:
    """A note's rows, or why it cannot be read (as plain values: our errors do not survive
    the trip back from a worker process)."""
    from dairly.notes.rules import note_problems  # only when a note changed: reading the index needs none of it

    path, iso, data, heading = job
    try:
        text = decode_note(data, path)
        record = parse_note(path, datetime.date.fromisoformat(iso), text, heading)
    except DairlyError as exc:
        return exc.message, exc.path or path, exc.line
    return note_rows(record, note_problems(record, heading, text))


def _parse_all(jobs: list[tuple[str, str, bytes, str]], progress: bool) -> list[Rows]:
    results: list[Rows | Failed]
    if len(jobs) >= PARALLEL_MIN and (os.cpu_count() or 1) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor() as pool:
            results = list(_with_progress(pool.map(_parse_one, jobs, chunksize=64), len(jobs), progress))
    else:
        results = list(_with_progress(map(_parse_one, jobs), len(jobs), progress))
    parsed: list[Rows] = []
    for result in results:
        if not isinstance(result, Rows):
            message, path, line = result
            raise InputError(message, path=path, line=line)
        parsed.append(result)
    return parsed


T = TypeVar("T")


def _with_progress(results: Iterator[T], total: int, progress: bool) -> Iterator[T]:
    if not progress or total < PROGRESS_MIN or not sys.stderr.isatty():
        yield from results
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(f"indexing {total} notes", total=total)
        for result in results:
            yield result
            bar.advance(task)
