"""`dairly stats`: counts, streaks, gaps, entries per month, the notes written on this day
in earlier years, and a calendar heatmap (in the terminal, or as an SVG image the README
can embed). The numbers come from the index; computing and drawing them below is pure."""

from __future__ import annotations

import bisect
import datetime
import itertools
import statistics
import sys

from dairly import output
from dairly.errors import OK, PROBLEMS, Problem
from dairly.fsio import write_output
from dairly.notes.index import open_index
from dairly.notes.lookback import month_days
from dairly.notes.scan import path_problems
from dairly.tuples import Record
from dairly.workspace import Workspace

DAY = datetime.timedelta(days=1)
HEATMAP_WEEKS = 53
BAR_WIDTH = 40  # the widest month's bar, in cells
# GitHub's contribution greens: no note, then the four levels of busier days.
SVG_COLOURS = ("#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39")


class Run(Record):
    """A stretch of days: a streak of notes, or a gap between them."""

    length: int  # days
    start: datetime.date | None
    end: datetime.date | None

    def to_json(self) -> dict[str, object]:
        return {
            "length": self.length,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


NO_RUN = Run(0, None, None)


class Note(Record):
    """What stats needs of a published note."""

    path: str
    date: datetime.date
    title: str | None
    entries: int


class Stats(Record):
    notes: int
    entries: int
    first_day: datetime.date | None
    last_day: datetime.date | None
    current_streak: Run  # up to today or yesterday: today is not over yet
    longest_streak: Run
    longest_gap: Run  # days without a note between two notes
    entries_per_month: dict[str, int]  # "YYYY-MM" -> entries, every month from the first to the last
    entries_per_day: dict[datetime.date, int]
    on_this_day: list[Note]  # notes of today's month and day in earlier years, newest first
    thresholds: list[float]  # the heatmap's level boundaries: quartiles of the busy days' entries

    def to_json(self) -> dict[str, object]:
        return {
            "notes": self.notes,
            "entries": self.entries,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "current_streak": self.current_streak.to_json(),
            "longest_streak": self.longest_streak.to_json(),
            "longest_gap": self.longest_gap.to_json(),
            "entries_per_month": self.entries_per_month,
            "on_this_day": [
                {"date": n.date.isoformat(), "note": n.path, "title": n.title, "entries": n.entries}
                for n in self.on_this_day
            ],
        }

    def level(self, day: datetime.date) -> int:
        """0 for a day without a note, else 1-4: which quarter of the busy days it is in."""
        count = self.entries_per_day.get(day)
        if count is None:
            return 0
        return 1 + min(3, bisect.bisect_left(self.thresholds, count))


def _runs(days: list[datetime.date]) -> list[Run]:
    """The streaks of consecutive days, in order."""
    runs: list[Run] = []
    start = days[0]
    for before, day in itertools.pairwise(days):
        if day - before != DAY:
            runs.append(Run((before - start).days + 1, start, before))
            start = day
    runs.append(Run((days[-1] - start).days + 1, start, days[-1]))
    return runs


def quartiles(counts: list[int]) -> list[float]:
    """The three cut points of sorted counts, the inclusive quartiles; statistics.quantiles
    needs two counts, and one count is all three."""
    if len(counts) == 1:
        return [float(counts[0])] * 3
    return statistics.quantiles(counts, n=4, method="inclusive")


def compute_stats(notes: list[tuple[datetime.date, int]], today: datetime.date, same_day: list[Note]) -> Stats:
    """The numbers for the published notes, given as (date, entries), as of `today`;
    `same_day` are the published notes of today's month and day, in any year."""
    per_day: dict[datetime.date, int] = {}
    for date, count in notes:
        per_day[date] = per_day.get(date, 0) + count
    days = sorted(per_day)
    if not days:
        return Stats(0, 0, None, None, NO_RUN, NO_RUN, NO_RUN, {}, {}, [], [])
    runs = _runs(days)
    longest = max(runs, key=lambda r: (r.length, r.end))  # ties: the most recent
    last = runs[-1]
    current = last if last.end is not None and today - last.end <= DAY else NO_RUN
    gap = NO_RUN
    for before, after in itertools.pairwise(days):
        missing = (after - before).days - 1
        if missing > gap.length:
            gap = Run(missing, before + DAY, after - DAY)
    by_month: dict[tuple[int, int], int] = {}
    for day, count in per_day.items():
        by_month[day.year, day.month] = by_month.get((day.year, day.month), 0) + count
    per_month: dict[str, int] = {}
    year, month = days[0].year, days[0].month
    while (year, month) <= (days[-1].year, days[-1].month):
        per_month[f"{year}-{month:02d}"] = by_month.get((year, month), 0)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    same_day = [n for n in same_day if n.date < today]
    counts = sorted(per_day.values())
    thresholds = quartiles(counts)
    return Stats(
        notes=len(notes),
        entries=sum(counts),
        first_day=days[0],
        last_day=days[-1],
        current_streak=current,
        longest_streak=longest,
        longest_gap=gap,
        entries_per_month=per_month,
        entries_per_day=per_day,
        on_this_day=sorted(same_day, key=lambda n: n.date, reverse=True),
        thresholds=thresholds,
    )


def bar(count: int, widest: int) -> str:
    """A month's bar, scaled so the widest month fills BAR_WIDTH cells; any entry shows."""
    if count <= 0 or widest <= 0:
        return ""
    return "■" * max(1, round(BAR_WIDTH * count / widest))


def heatmap_weeks(stats: Stats, weeks: int = HEATMAP_WEEKS) -> list[list[datetime.date | None]]:
    """Columns of Monday..Sunday for the `weeks` weeks ending with the last note's week."""
    if stats.last_day is None:
        return []
    # Counted in day numbers: the weeks around year 1's first day or year 9999's last hold
    # days the calendar has not, shown empty.
    last = stats.last_day.toordinal()
    start = last + 6 - stats.last_day.weekday() - (7 * weeks - 1)
    days = [datetime.date.fromordinal(n) if 1 <= n <= last else None for n in range(start, start + 7 * weeks)]
    return [days[w * 7 : w * 7 + 7] for w in range(weeks)]


def heatmap_svg(stats: Stats, weeks: int = HEATMAP_WEEKS) -> str:
    """A self-contained SVG calendar of entries per day, like GitHub's contribution graph."""
    from html import escape  # only here: `dairly stats` without --svg does not need it

    cell, gap, left, top = 11, 2, 28, 16
    columns = heatmap_weeks(stats, weeks)
    width = left + len(columns) * (cell + gap) + 2
    height = top + 7 * (cell + gap) + 18
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="9">',
        f"<title>{escape(f'{stats.notes} notes, {stats.entries} entries', quote=False)}</title>",
    ]
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        out.append(f'<text x="0" y="{top + row * (cell + gap) + 9}" fill="#767676">{name}</text>')
    last_month = None
    for x, column in enumerate(columns):
        first = next((d for d in column if d is not None), None)
        if first is not None and first.month != last_month:
            last_month = first.month
            out.append(f'<text x="{left + x * (cell + gap)}" y="10" fill="#767676">{first:%b}</text>')
        for y, day in enumerate(column):
            if day is None:
                continue
            count = stats.entries_per_day.get(day)
            label = f"{day.isoformat()}: " + ("no note" if count is None else output.plural(count, "entry", "entries"))
            out.append(
                f'<rect x="{left + x * (cell + gap)}" y="{top + y * (cell + gap)}" width="{cell}" height="{cell}" '
                f'rx="2" fill="{SVG_COLOURS[stats.level(day)]}"><title>{escape(label, quote=False)}</title></rect>'
            )
    legend = f"{stats.notes} notes · {stats.entries} entries · longest streak {stats.longest_streak.length} days"
    out.append(f'<text x="{left}" y="{height - 4}" fill="#767676">{escape(legend, quote=False)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# Terminal cells by level: readable without colour, greener with it.
_CELLS = ("·", "░", "▒", "▓", "█")
_STYLES = ("grey50", "green3", "green4", "dark_green", "bold dark_green")


def _run_text(run: Run) -> str:
    if not run.length or run.start is None or run.end is None:
        return "0 days"
    return f"{output.plural(run.length, 'day')} ({run.start.isoformat()} to {run.end.isoformat()})"


def heatmap_lines(stats: Stats) -> list[list[tuple[str, str]]]:
    """The calendar as lines of (text, style) pieces: month numbers over the weeks, then a
    row a weekday, then the legend."""
    columns = heatmap_weeks(stats)
    labels = [" "] * (len(columns) + 2)
    for x, column in enumerate(columns):  # a month's number above the week holding its 1st
        first = column[0]
        mark = str(first.month) if first is not None and first.day <= 7 else ""
        if mark and labels[x : x + len(mark) + 1] == [" "] * (len(mark) + 1):
            labels[x : x + len(mark)] = list(mark)
    lines = [[("    " + "".join(labels[: len(columns)]).rstrip(), "grey50")]]
    for row, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        line = [(f"{name:<4}", "grey50")]
        for column in columns:
            day = column[row]
            level = 0 if day is None else stats.level(day)
            line.append((" " if day is None else _CELLS[level], _STYLES[level]))
        lines.append(line)
    lines.append([("    less " + "".join(_CELLS) + " more", "grey50")])
    return lines


def _print_heatmap(stats: Stats) -> None:
    lines = heatmap_lines(stats)
    if not sys.stdout.isatty():  # plain cells, without rich: a pipe shows no colour
        for line in lines:
            output.say("".join(text for text, _style in line))
        return
    from rich.text import Text

    text = Text()
    for line in lines:
        for piece, style in line:
            text.append(piece, style=style)
        text.append("\n")
    output.table_console().print(text, end="")


def run(ws: Workspace, *, today: datetime.date, as_json: bool = False, svg: str | None = None) -> int:
    with open_index(ws) as index:
        same_day = [Note(*row) for month, day in month_days(today) for row in index.published_on(month, day)]
        stats = compute_stats(index.published_days(), today, same_day)
    # One rule for what is a note: what check reports as no note is said here too (on
    # stderr, after the numbers), and the exit status says the numbers leave it out.
    not_notes = path_problems(ws.root, ws.settings)
    if svg is not None:
        write_output(svg, heatmap_svg(stats))
    if as_json:
        output.print_json(stats.to_json())
        return _not_counted(not_notes)
    say = output.say
    first = stats.first_day.isoformat() if stats.first_day else "-"
    last = stats.last_day.isoformat() if stats.last_day else "-"
    say(f"notes           {stats.notes}")
    say(f"entries         {stats.entries}")
    say(f"first day       {first}")
    say(f"last day        {last}")
    say(f"current streak  {_run_text(stats.current_streak)}")
    say(f"longest streak  {_run_text(stats.longest_streak)}")
    say(f"longest gap     {_run_text(stats.longest_gap)}")
    if stats.on_this_day:
        say("on this day")
        for note in stats.on_this_day:
            say(f"  {note.date.isoformat()}  {note.title}  ({output.plural(note.entries, 'entry', 'entries')})")
    if stats.entries_per_month:
        say("entries per month")
        widest = max(stats.entries_per_month.values())
        for month, count in stats.entries_per_month.items():
            say(f"  {month}  {count:>4}  {bar(count, widest)}")
    if stats.last_day is not None:
        say()
        _print_heatmap(stats)
    if svg is not None:
        say(f"wrote {svg}")
    return _not_counted(not_notes)


def _not_counted(problems: list[Problem]) -> int:
    """Warn of the files in the notes' area that are no notes; PROBLEMS when there are."""
    for problem in problems:
        output.warn(str(problem), None)
    if not problems:
        return OK
    output.warn(f"{output.plural(len(problems), 'problem')} with the notes' paths: these files are not counted")
    return PROBLEMS
