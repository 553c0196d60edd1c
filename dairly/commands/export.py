"""`dairly export`: every note and item, for people's own scripts."""

from __future__ import annotations

import json
import sys

from dairly.commands.common import Workspace
from dairly.commands.data import print_json, records
from dairly.errors import OK


def run(ws: Workspace, *, as_json: bool = False) -> int:
    notes = records(ws, links=True)  # scripts get everything, the note-wide links too
    if as_json:  # one document: a list of notes with their items nested
        print_json([n.to_json() for n in notes])
        return OK
    # JSON lines: a "note" line, then one "item" line per item, in date order.
    write = sys.stdout.write
    for note in notes:
        data = note.to_json()
        items = data.pop("items")
        data.pop("links")
        write(json.dumps({"type": "note", **data, "items": len(items)}, ensure_ascii=False) + "\n")
        for item in items:
            write(
                json.dumps({"type": "item", "date": data["date"], "note": note.path, **item}, ensure_ascii=False) + "\n"
            )
    return OK
