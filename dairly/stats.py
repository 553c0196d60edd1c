"""Numbers about the notes: counts, streaks, gaps, items per month, and the calendar
heatmap (as terminal cells or an SVG image). Pure: text in, text out."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from dairly.records import NoteRecord

DAY = datetime.timedelta(days=1)
HEATMAP_WEEKS = 53
# GitHub's contribution greens: no note, then 1, 2, 3 and 4+ items.
SVG_COLOURS = ("#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39")


@dataclass(frozen=True)
class Run:
    length: int  # days
    start: datetime.date | None
    end: datetime.date | None

    def to_json(self) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {"length": self.length, "start": iso(self.start), "end": iso(self.end)}


@dataclass
class Stats:
    notes: int
    items: int
    first_day: datetime.date | None
    last_day: datetime.date | None
    current_streak: Run
    longest_streak: Run
    longest_gap: Run  # days without a note between two notes
    items_per_month: dict[str, int] = field(default_factory=dict)  # "YYYY-MM" -> items
    items_per_day: dict[datetime.date, int] = field(default_factory=dict)

    def to_json(self) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "notes": self.notes,
            "items": self.items,
            "first_day": iso(self.first_day),
            "last_day": iso(self.last_day),
            "current_streak": self.current_streak.to_json(),
            "longest_streak": self.longest_streak.to_json(),
            "longest_gap": self.longest_gap.to_json(),
            "items_per_month": self.items_per_month,
        }


def _runs(days: list[datetime.date]) -> list[Run]:
    runs: list[Run] = []
    for day in days:
        if runs and runs[-1].end is not None and day - runs[-1].end == DAY:
            runs[-1] = Run(runs[-1].length + 1, runs[-1].start, day)
        else:
            runs.append(Run(1, day, day))
    return runs


def compute_stats(records: list[NoteRecord], today: datetime.date) -> Stats:
    published = [r for r in records if not r.draft]
    per_day: dict[datetime.date, int] = {}
    for r in published:
        per_day[r.date] = per_day.get(r.date, 0) + len(r.items)
    days = sorted(per_day)
    none = Run(0, None, None)
    if not days:
        return Stats(0, 0, None, None, none, none, none)
    runs = _runs(days)
    longest = max(runs, key=lambda r: (r.length, r.end))  # ties: the most recent
    last = runs[-1]
    current = last if last.end is not None and today - last.end <= DAY else none
    gap = none
    for before, after in itertools.pairwise(days):
        missing = (after - before).days - 1
        if missing > gap.length:
            gap = Run(missing, before + DAY, after - DAY)
    per_month: dict[str, int] = {}
    year, month = days[0].year, days[0].month
    while (year, month) <= (days[-1].year, days[-1].month):  # every month, empty ones too
        per_month[f"{year}-{month:02d}"] = 0
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for day, count in per_day.items():
        per_month[f"{day.year}-{day.month:02d}"] += count
    return Stats(
        notes=len(published),
        items=sum(per_day.values()),
        first_day=days[0],
        last_day=days[-1],
        current_streak=current,
        longest_streak=longest,
        longest_gap=gap,
        items_per_month=per_month,
        items_per_day=per_day,
    )


def level(items: int | None) -> int:
    """0 for a day without a note, else 1-4 by the number of items."""
    if items is None:
        return 0
    return max(1, min(4, items))


def heatmap_weeks(stats: Stats, weeks: int = HEATMAP_WEEKS) -> list[list[datetime.date | None]]:
    """Columns of Monday..Sunday for the `weeks` weeks ending with the last note's week."""
    if stats.last_day is None:
        return []
    end = stats.last_day + datetime.timedelta(days=6 - stats.last_day.weekday())
    start = end - datetime.timedelta(days=7 * weeks - 1)
    columns = []
    for w in range(weeks):
        monday = start + datetime.timedelta(days=7 * w)
        columns.append([d if d <= stats.last_day else None for d in (monday + DAY * i for i in range(7))])
    return columns


def heatmap_svg(stats: Stats, weeks: int = HEATMAP_WEEKS) -> str:
    """A self-contained SVG calendar of items per day, like GitHub's contribution graph."""
    cell, gap, left, top = 11, 2, 28, 16
    columns = heatmap_weeks(stats, weeks)
    width = left + len(columns) * (cell + gap) + 2
    height = top + 7 * (cell + gap) + 18
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="9">',
        f"<title>{escape(f'{stats.notes} notes, {stats.items} items')}</title>",
    ]
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        out.append(f'<text x="0" y="{top + row * (cell + gap) + 9}" fill="#767676">{name}</text>')
    last_month = None
    for x, column in enumerate(columns):
        first = next((d for d in column if d is not None), None)
        if first is not None and first.month != last_month:
            last_month = first.month
            out.append(f'<text x="{left + x * (cell + gap)}" y="10" fill="#767676">{first.month}月</text>')
        for y, day in enumerate(column):
            if day is None:
                continue
            count = stats.items_per_day.get(day)
            label = f"{day.isoformat()}: " + ("no note" if count is None else f"{count} items")
            out.append(
                f'<rect x="{left + x * (cell + gap)}" y="{top + y * (cell + gap)}" width="{cell}" height="{cell}" '
                f'rx="2" fill="{SVG_COLOURS[level(count)]}"><title>{escape(label)}</title></rect>'
            )
    legend = f"{stats.notes} notes · {stats.items} items · longest streak {stats.longest_streak.length} days"
    out.append(f'<text x="{left}" y="{height - 4}" fill="#767676">{escape(legend)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"
