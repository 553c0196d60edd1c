"""`dairly review`: the entries of the notes some days before a day (1, 7, 30 and 365 by
default, the `review_days` setting), of the same day in earlier years
(`--on-this-day`), or a random pick that holds all day (`--random N`); as lines, a table
or JSON. Which notes is decided by dairly.notes.lookback; this module reads them from the
notes index, the one search uses (built or brought up to date here as stats does, in the
git directory), and writes nothing in the repository: no state to commit or merge.

Published notes only, as search counts them: drafts and unfinished notes are left out.
"""

from __future__ import annotations

import datetime
import sys

from dairly import output
from dairly.config import Settings, day_counts
from dairly.errors import OK, InputError
from dairly.notes.entries import Entry
from dairly.notes.index import NotesIndex, open_index
from dairly.notes.lookback import by_interval, on_this_day, random_entries
from dairly.tuples import Record
from dairly.workspace import Workspace


class Shown(Record):
    """A note a look back shows, with the entries it shows of it."""

    path: str
    date: datetime.date
    title: str | None
    entries: list[Entry]

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "date": self.date.isoformat(),
            "title": self.title,
            "entries": [
                {
                    "number": e.number,
                    "title": e.title,
                    "url": e.url,
                    "stars": e.stars,
                    "line": e.line,
                    "fields": {f.name or "text": f.value for f in e.fields},
                }
                for e in self.entries
            ],
        }


class Group(Record):
    """One heading of a look back: an interval, a year, or the random pick."""

    label: str  # "7 days ago", "2 years ago", "3 entries at random"
    days: int | None  # how many days before the day; None for the random pick
    wanted: datetime.date | None  # the day looked for; None for the random pick
    notes: list[Shown]
    stand_in: bool = False  # the note is the nearest to `wanted`, which has none

    def to_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "days": self.days,
            "wanted": None if self.wanted is None else self.wanted.isoformat(),
            "stand_in": self.stand_in,
            "notes": [note.to_json() for note in self.notes],
        }


def _ago(count: int, unit: str) -> str:
    return f"{output.plural(count, unit)} ago"


def look_back(
    index: NotesIndex, settings: Settings, day: datetime.date, *, this_day: bool = False, pick: int | None = None
) -> list[Group]:
    """The groups a review of `day` shows (see dairly.notes.lookback for the rules)."""
    published = index.published_before(day)
    by_date = {date: path for path, date, _count in published}
    positions: dict[str, set[int]] | None = None  # the random pick's entries, by note
    planned: list[tuple[Group, list[str]]]  # each group, and the paths of the notes it shows
    if pick is not None:
        positions = {}
        chosen = random_entries(published, day, pick)
        for path, position in chosen:
            positions.setdefault(path, set()).add(position)
        label = f"{output.plural(len(chosen), 'entry', 'entries')} at random"
        planned = [(Group(label, None, None, []), list(positions))]
    elif this_day:
        years = on_this_day(by_date, day)
        planned = [(Group(_ago(day.year - d.year, "year"), (day - d).days, d, []), [by_date[d]]) for d in years]
    else:
        intervals = day_counts(settings.review_days)
        picks = by_interval(by_date, day, intervals, int(settings.review_window))
        planned = [
            (Group(_ago(p.days, "day"), p.days, p.wanted, [], p.stand_in), [] if p.date is None else [by_date[p.date]])
            for p in picks
        ]
    paths = sorted({path for _group, shown in planned for path in shown})
    records = {r.path: r for r in index.records(paths)}  # only these notes are read and parsed
    for group, shown in planned:
        for path in shown:
            r = records[path]
            entries = (
                r.entries if positions is None else [e for n, e in enumerate(r.entries, 1) if n in positions[path]]
            )
            group.notes.append(Shown(r.path, r.date, r.title, entries))
    return [group for group, _paths in planned]


def run(
    ws: Workspace, *, day: datetime.date, this_day: bool = False, pick: int | None = None, as_json: bool = False
) -> int:
    if this_day and pick is not None:
        raise InputError("--on-this-day and --random choose different notes; give one of them")
    if pick is not None and pick < 1:
        raise InputError(f"invalid --random {pick}: pick 1 entry or more")
    with open_index(ws) as index:  # closed, so no write-ahead log is left beside it
        groups = look_back(index, ws.settings, day, this_day=this_day, pick=pick)
    if as_json:
        output.print_json({"date": day.isoformat(), "groups": [g.to_json() for g in groups]})
    elif not any(g.notes for g in groups) and (this_day or pick is not None):
        what = f"on {day:%m-%d} in earlier years" if this_day else "to pick from"
        output.say(f"no published notes before {day.isoformat()} {what}")
    elif sys.stdout.isatty():
        _table(groups, day, int(ws.settings.review_window))
    else:
        for line in plain_lines(groups, int(ws.settings.review_window)):
            output.say(line)
    return OK


def _nothing(window: int) -> str:
    return f"no note within {output.plural(window, 'day')}" if window else "no note that day"


def _when(group: Group) -> str:
    return group.label if group.wanted is None else f"{group.label} ({group.wanted.isoformat()})"


def _instead(group: Group, note: Shown) -> str:
    """How a stand-in says so: 'none that day; 2 days later'."""
    assert group.wanted is not None
    apart = (note.date - group.wanted).days
    return f"none that day; {output.plural(abs(apart), 'day')} {'later' if apart > 0 else 'earlier'}"


def plain_lines(groups: list[Group], window: int) -> list[str]:
    """The review as plain lines: each group, its notes and their entries with their fields."""
    lines = []
    for group in groups:
        if not group.notes:
            lines.append(f"{_when(group)}: {_nothing(window)}")
        for note in group.notes:
            title = f"  {note.title}" if note.title else ""
            instead = f" [{_instead(group, note)}: {note.date.isoformat()}]" if group.stand_in else ""
            lines.append(f"{_when(group)}{instead}: {note.path}{title}")
            for entry in note.entries:
                lines.append(f"  {entry.number}. {entry.title}" + (f"  {entry.url}" if entry.url else ""))
                for field in entry.fields:
                    name = f"{field.name}: " if field.name else ""
                    lines.append(f"     {name}{field.value}".replace("\n", "\n       "))
    return lines


def _table(groups: list[Group], day: datetime.date, window: int) -> None:
    from rich.table import Table
    from rich.text import Text

    def add(*cells: str) -> None:
        table.add_row(*map(Text, cells))  # Text: a note's "[x]" is text, never rich markup

    table = Table(title=f"looking back from {day.isoformat()}")
    table.add_column("when", no_wrap=True)
    table.add_column("note")
    table.add_column("entry")
    table.add_column("fields")
    table.add_column("link", no_wrap=True, overflow="fold")  # as search: titles wrap first
    for group in groups:
        if not group.notes:
            add(_when(group), _nothing(window), "", "", "")
        for note in group.notes:
            where = note.path + (f"\n{note.title}" if note.title else "")
            if group.stand_in:
                where += f"\n({_instead(group, note)}: {note.date.isoformat()})"
            when = _when(group)
            if not note.entries:
                add(when, where, "(no entries)", "", "")
            for entry in note.entries:
                fields = "\n".join(f"{f.name}: {f.value}" if f.name else f.value for f in entry.fields)
                add(when, where, f"{entry.number}. {entry.title}", fields, entry.url or "")
                when = where = ""
        table.add_section()
    output.table_console().print(table)
