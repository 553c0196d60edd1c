"""`dairly search`: the entries matching a query, as lines, a table or JSON.

Case-insensitive substring search (casefold, for Chinese and English alike) in each
entry's title, link and field values, narrowed by field, dates and tags. The full-text
index only narrows the candidates; every match is confirmed here, so the results are the
same whatever the output.
"""

from __future__ import annotations

import datetime
import json
import sys

from dairly import output
from dairly.errors import OK, PROBLEMS
from dairly.notes.entries import Field
from dairly.notes.index import NotesIndex, fields_from_json, open_index
from dairly.tuples import Record
from dairly.workspace import Workspace


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


def find(
    index: NotesIndex,
    query: str,
    *,
    field: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    tag: str | None = None,
) -> list[Match]:
    needle = query.casefold()
    want_field = field.casefold() if field else None
    want_tag = tag.casefold() if tag else None
    matches = []
    for date, note, tags, number, title, url, stars, line, text, field_list in index.candidate_entries(
        query, since, until
    ):
        if needle not in f"{title}\0{url or ''}\0{text}".casefold():
            continue  # the cheap test first: most candidates of a short query fail it
        if want_tag is not None and want_tag not in (str(t).casefold() for t in json.loads(tags)):
            continue
        fields = fields_from_json(field_list)
        haystacks = [("title", title), ("url", url or ""), *((f.name or "text", f.value) for f in fields)]
        where = tuple(
            name
            for name, value in haystacks
            if (want_field is None or name.casefold() == want_field) and needle in value.casefold()
        )
        if where:
            matches.append(
                Match(datetime.date.fromisoformat(date), note, number, title, url, stars, line, fields, where)
            )
    return matches


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
    matches = find(open_index(ws), query, field=field, since=since, until=until, tag=tag)
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
    table.add_column("link", overflow="fold")
    for m in matches:
        title = Text(m.title)
        title.highlight_words([query], "bold reverse", case_sensitive=False)
        link = Text(m.url or "")
        link.highlight_words([query], "bold reverse", case_sensitive=False)
        table.add_row(m.date.isoformat(), title, ", ".join(m.matched), link)
    output.table_console().print(table)
