"""`dairly search`: items matching a query, as a table or JSON."""

from __future__ import annotations

import datetime

from dairly import output
from dairly.commands.common import Workspace
from dairly.commands.data import console, print_json, records
from dairly.errors import OK, PROBLEMS
from dairly.search import search


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
    matches = search(records(ws), query, field=field, since=since, until=until, tag=tag)
    if as_json:
        print_json([m.to_json() for m in matches])
        return OK if matches else PROBLEMS
    if not matches:
        output.say(f"no items match {query!r}")
        return PROBLEMS
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{len(matches)} item{'s' if len(matches) != 1 else ''} matching {query!r}")
    table.add_column("date", no_wrap=True)
    table.add_column("item")
    table.add_column("matched in")
    table.add_column("link", overflow="fold")
    for m in matches:
        title = Text(m.item.title)
        title.highlight_words([query], "bold reverse", case_sensitive=False)
        link = Text(m.item.url or "")
        link.highlight_words([query], "bold reverse", case_sensitive=False)
        table.add_row(m.record.date.isoformat(), title, ", ".join(m.where), link)
    console().print(table)
    return OK
