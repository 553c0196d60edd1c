"""The notes index's tables, and one note's rows in them.

The index is a cache for the data commands' queries: it keeps what selects and counts
(dates, titles, links, stars, counts, findings, relative links) once, and nothing the notes
already hold that no query selects on: an entry's Markdown, fields and pictures, a note's
front matter and link list are read from the note files, for just the notes a command
shows (NotesIndex.records). The export's tables (SCHEMA, documented in docs/data.md) keep
those too, made from every note parsed. The full-text table keeps no text of its own
(`content=''`) and no positions (`detail='none'`): it only narrows the candidates, and
search confirms each.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from typing import TYPE_CHECKING, Any

from dairly.links import link_target
from dairly.notes.entries import Field
from dairly.tuples import Record

if TYPE_CHECKING:
    from dairly.errors import Problem
    from dairly.notes.note import NoteRecord

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
    fields TEXT NOT NULL,       -- the fields, JSON [[name, value, [link, ...], line], ...]
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
# The index's own tables: the export's, less the columns read from the notes themselves.
# An entry's id is never given again (AUTOINCREMENT): the full-text rows of a changed
# note's old entries stay behind under ids no entry has (see delete_rows).
INDEX_SCHEMA = """
CREATE TABLE notes (
    path TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    title TEXT,
    draft INTEGER NOT NULL,
    unfinished INTEGER,
    tags TEXT NOT NULL,
    entries INTEGER NOT NULL
);
CREATE INDEX notes_date ON notes(date);
CREATE INDEX notes_published ON notes(draft, unfinished, date, entries);
CREATE TABLE entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    note TEXT NOT NULL REFERENCES notes(path),
    date TEXT NOT NULL,
    position INTEGER NOT NULL,
    number INTEGER NOT NULL,
    title TEXT NOT NULL,
    url TEXT,
    stars INTEGER NOT NULL,
    line INTEGER NOT NULL,
    url_key TEXT
);
CREATE INDEX entries_note ON entries(note);
CREATE INDEX entries_url_key ON entries(url_key, date);
""" + SCHEMA[SCHEMA.index("CREATE TABLE local_links") :]
# Full-text search over each entry's title, link and field values (where search looks), by
# trigrams so that Chinese substrings are found. In the index it keeps neither the text
# (contentless) nor positions (search confirms each candidate). An export keeps positions,
# for the phrase queries of Datasette and sqlite-utils, which find the table by
# content="entries": there it covers the entries table's title, url and markdown.
INDEX_FTS = (
    "CREATE VIRTUAL TABLE entries_fts USING fts5(title, url, fields, content='', tokenize='trigram', detail='none')"
)
EXPORT_FTS = (
    "CREATE VIRTUAL TABLE entries_fts USING fts5(title, url, markdown,"
    ' content="entries", content_rowid="id", tokenize=\'trigram\')'
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


class Rows(Record):
    """One note's rows as the tables take them (the index's, or with `whole` the
    export's); its entries get their ids when written."""

    note: tuple[Any, ...]
    entries: list[tuple[Any, ...]]  # without the id
    local_links: list[tuple[Any, ...]]
    findings: list[tuple[Any, ...]]
    searched: list[tuple[str, str | None, str]]  # each entry's (title, url, field values) for the full-text table


_to_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # one encoder for a note's many values


def searched_text(fields: list[Field]) -> str:
    """An entry's fields as the full-text table takes them, one `Name: value` a line."""
    return "\n".join(f"{f.name}: {f.value}" if f.name else f.value for f in fields)


def note_rows(record: NoteRecord, problems: list[Problem], *, whole: bool = False) -> Rows:
    """A note's rows in the index's tables, or with `whole` in the export's (SCHEMA)."""
    from dairly.notes.rules import normal_url

    date = record.date.isoformat()
    folder = record.path.rpartition("/")[0]
    dumps = _to_json
    tags = dumps(record.tags) if record.tags else "[]"
    draft = int(record.draft)
    if whole:
        meta = dumps(record.meta) if record.meta else "{}"
        links = dumps([[lk.line, lk.kind, lk.url] for lk in record.links])
        note: tuple[Any, ...] = (
            *(record.path, date, record.title, record.title_line, draft, record.unfinished, tags, meta),
            *(record.highlights_line, len(record.entries), links),
        )
    else:
        note = (record.path, date, record.title, draft, record.unfinished, tags, len(record.entries))
    entries: list[tuple[Any, ...]] = []
    for position, entry in enumerate(record.entries, 1):
        web = entry.url is not None and link_target(folder, entry.url) is None
        url_key = normal_url(entry.url) if web and entry.url else None
        row = (record.path, date, position, entry.number, entry.title, entry.url, entry.stars, entry.line)
        if whole:
            fields = dumps([[f.name, f.value, f.links, f.line] for f in entry.fields])
            images = dumps(entry.images) if entry.images else "[]"
            entries.append((*row, fields, images, entry.text, url_key))
        else:
            entries.append((*row, url_key))
    local = []
    for lk in record.links:
        target = link_target(folder, lk.url)
        if target is not None:
            local.append((record.path, lk.line, lk.kind, lk.url, target))
    findings = [(record.path, p.line, p.message) for p in problems]
    searched = [(entry.title, entry.url, searched_text(entry.fields)) for entry in record.entries]
    return Rows(note, entries, local, findings, searched)


def write_rows(conn: sqlite3.Connection, fts: bool, parsed: list[Rows]) -> None:
    """Insert the rows of freshly parsed notes, giving their entries ids never given before."""
    last: int = conn.execute("SELECT COALESCE(MAX(id), 0) FROM entries").fetchone()[0]
    with contextlib.suppress(sqlite3.OperationalError):  # the export's tables have no sequence: they are written once
        row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'entries'").fetchone()
        last = max(last, row[0] if row else 0)
    first_id = last + 1
    entries = [(i, *row) for i, row in enumerate((row for rows in parsed for row in rows.entries), first_id)]
    if entries:
        columns = ", ".join("?" * len(entries[0]))
        conn.executemany(f"INSERT INTO entries VALUES ({columns})", entries)
    notes = [rows.note for rows in parsed]
    if notes:
        conn.executemany(f"INSERT INTO notes VALUES ({', '.join('?' * len(notes[0]))})", notes)
    conn.executemany("INSERT INTO local_links VALUES (?, ?, ?, ?, ?)", [r for rows in parsed for r in rows.local_links])
    conn.executemany("INSERT INTO findings VALUES (?, ?, ?)", [r for rows in parsed for r in rows.findings])
    if fts:
        searched = (text for rows in parsed for text in rows.searched)
        texts = [(row[0], *text) for row, text in zip(entries, searched, strict=True)]
        conn.executemany("INSERT INTO entries_fts(rowid, title, url, fields) VALUES (?, ?, ?, ?)", texts)


def delete_rows(conn: sqlite3.Connection, path: str) -> None:
    """Remove a note's rows, and its bookkeeping. The full-text rows of its entries stay,
    under ids no entry has any more, so search never sees them: a contentless table takes a
    row out only given the text it indexed, which the notes no longer hold (the index keeps
    none). They are counted, and refresh makes the index again once they outnumber the
    entries."""
    gone: int = conn.execute("SELECT COUNT(*) FROM entries WHERE note = ?", (path,)).fetchone()[0]
    if gone:
        conn.execute(
            "INSERT INTO dairly VALUES ('dead', ?) ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
            (gone,),
        )
    for table, column in (("entries", "note"), ("local_links", "note"), ("findings", "note"), ("notes", "path")):
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (path,))
    conn.execute("DELETE FROM files WHERE path = ?", (path,))
