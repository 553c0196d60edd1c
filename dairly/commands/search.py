"""`dairly search`: the entries matching a query, as lines, a table or JSON.

An entry matches when the query appears, whatever its case (casefold, for Chinese and
English alike), in its title, its link or one of its field values, as they are written
in the note, narrowed by field, dates and tags. One rule, two ways to the candidates:

- with the notes index (once lint, stats, feed or export has built it), its full-text
  search narrows them, and the notes of the candidates are read and parsed to confirm each;
- without one (a fresh clone), search reads the notes directly, parses only the notes
  whose text holds the query, and builds no index: answering costs a read of the notes.

The results are the same either way, and whatever the output.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
from typing import TYPE_CHECKING

from dairly import output
from dairly.errors import OK, PROBLEMS, InputError
from dairly.notes.entries import Field
from dairly.notes.index import NotesIndex, index_path, open_index
from dairly.tuples import Record
from dairly.workspace import Workspace

if TYPE_CHECKING:
    from dairly.notes.note import NoteRecord


class Match(Record):
    date: datetime.date
    note: str
    number: int
    title: str
    url: str | None
    stars: int
    line: int
    fields: list[Field]
    matched: tuple[str, ...]  # where: "title", "url" or field names as written

    def to_json(self) -> dict[str, object]:
        return {
            "date": self.date.isoformat(),
            "note": self.note,
            "number": self.number,
            "title": self.title,
            "url": self.url,
            "stars": self.stars,
            "line": self.line,
            "matched": list(self.matched),
            "fields": {f.name or "text": f.value for f in self.fields},
        }


class Query(Record):
    text: str  # casefolded
    field: str | None = None  # casefolded: title, url or a field's name
    since: datetime.date | None = None
    until: datetime.date | None = None
    tag: str | None = None  # casefolded

    def matched(self, markdown: str, title: str, url: str | None, fields: list[Field]) -> tuple[str, ...]:
        """Where the query is in this entry: "title", "url", field names; () for nowhere."""
        if self.text not in markdown.casefold():  # as written: the rule both ways share
            return ()
        haystacks = [("title", title), ("url", url or ""), *((f.name or "text", f.value) for f in fields)]
        return tuple(
            name
            for name, value in haystacks
            if (self.field is None or name.casefold() == self.field) and self.text in value.casefold()
        )

    def wants_note(self, date: datetime.date, tags: list[str] | None) -> bool:
        """Whether a note of this day (and these tags; None: not known yet) can match."""
        return (
            (self.since is None or date >= self.since)
            and (self.until is None or date <= self.until)
            and (self.tag is None or tags is None or self.tag in (t.casefold() for t in tags))
        )


def record_matches(query: Query, record: NoteRecord, positions: set[int] | None = None) -> list[Match]:
    """The matches among a parsed note's entries (or those at `positions`, 1, 2, ...): the
    one test both ways to the candidates share."""
    matches = []
    for position, entry in enumerate(record.entries, 1):
        if positions is not None and position not in positions:
            continue
        where = query.matched(entry.text, entry.title, entry.url, entry.fields)
        if where:
            found = (entry.number, entry.title, entry.url, entry.stars, entry.line, entry.fields, where)
            matches.append(Match(record.date, record.path, *found))
    return matches


def find_in_index(index: NotesIndex, query: Query) -> list[Match]:
    """The index narrows the candidates; each candidate's note is read and parsed (the index
    keeps no entry's text) and its entries confirmed as without an index."""
    wanted: dict[str, set[int]] = {}
    for date, note, tags, position in index.candidate_entries(query.text, query.since, query.until):
        if query.wants_note(datetime.date.fromisoformat(date), [str(t) for t in json.loads(tags)]):
            wanted.setdefault(note, set()).add(position)
    if not wanted:
        return []
    return [match for record in index.records(wanted) for match in record_matches(query, record, wanted[record.path])]


def find_in_notes(ws: Workspace, query: Query) -> list[Match]:
    """The same matches, read from the notes themselves."""
    from dairly.notes.note import decode_note, parse_note
    from dairly.notes.scan import WorkTree, sort_paths

    source = WorkTree(ws.root)
    dated, _problems, _paths = sort_paths(source, ws.settings)
    matches = []
    for path, date in dated:
        if not query.wants_note(date, None):
            continue
        text = decode_note(source.read(path), path)
        if query.text not in text.casefold():
            continue
        record = parse_note(path, date, text, ws.settings)
        if record.draft or not query.wants_note(date, record.tags) or record.unfinished is not None:
            continue
        matches.extend(record_matches(query, record))
    return matches


def find(
    ws: Workspace,
    text: str,
    *,
    field: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    tag: str | None = None,
) -> list[Match]:
    query = Query(text.casefold(), field.casefold() if field else None, since, until, tag.casefold() if tag else None)
    if os.path.exists(index_path(ws)):
        with open_index(ws) as index:
            return find_in_index(index, query)
    return find_in_notes(ws, query)


def run(
    ws: Workspace,
    query: str,
    *,
    field: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    tag: str | None = None,
    as_json: bool = False,
) -> int:
    if not query.strip():
        raise InputError(f"invalid QUERY {query!r}: give the text to find (every entry would match an empty one)")
    matches = find(ws, query, field=field, since=since, until=until, tag=tag)
    if as_json:
        output.print_json([m.to_json() for m in matches])
    elif not matches:
        output.say(f"no entries match {query!r}")
    elif sys.stdout.isatty():
        _table(matches, query)
    else:
        for m in matches:
            output.say(f"{m.note}:{m.line}: {m.title} ({', '.join(m.matched)}) {m.url or ''}".rstrip())
    return OK if matches else PROBLEMS


def _table(matches: list[Match], query: str) -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{output.plural(len(matches), 'entry', 'entries')} matching {query!r}")
    table.add_column("date", no_wrap=True)
    table.add_column("entry")
    table.add_column("matched in")
    # A link is not wrapped: the titles wrap first, and only a link too wide for what is
    # left of the terminal is folded.
    table.add_column("link", no_wrap=True, overflow="fold")
    for m in matches:
        title = Text(m.title)
        title.highlight_words([query], "bold reverse", case_sensitive=False)
        link = Text(m.url or "")
        link.highlight_words([query], "bold reverse", case_sensitive=False)
        table.add_row(m.date.isoformat(), title, ", ".join(m.matched), link)
    output.table_console().print(table)
