"""`dairly export`: every note and entry, for people's own scripts and for Datasette."""

from __future__ import annotations

import json
import sys

from dairly import output
from dairly.errors import OK
from dairly.notes.index import NotesIndex, open_index
from dairly.workspace import Workspace


def run(ws: Workspace, *, as_json: bool = False, sqlite: str | None = None) -> int:
    with open_index(ws) as index:
        return _run(index, as_json=as_json, sqlite=sqlite)


def _run(index: NotesIndex, *, as_json: bool, sqlite: str | None) -> int:
    if sqlite is not None:
        index.export(sqlite)
        output.warn(f"wrote {sqlite}", style="green")
        return OK
    if as_json:  # one document: a list of notes with their entries nested
        output.print_json([record.to_json() for record in index.records()])
        return OK
    # JSON lines: a "note" line, then one "entry" line per entry, in date order.
    write = sys.stdout.write
    for record in index.records():
        data = record.to_json()
        entries = data.pop("entries")
        data.pop("links")
        assert isinstance(entries, list)
        write(json.dumps({"type": "note", **data, "entries": len(entries)}, ensure_ascii=False) + "\n")
        for entry in entries:
            write(
                json.dumps({"type": "entry", "date": data["date"], "note": record.path, **entry}, ensure_ascii=False)
                + "\n"
            )
    return OK
