"""`dairly stats`: counts, streaks, gaps, items per month and a calendar heatmap."""

from __future__ import annotations

import datetime
from pathlib import Path

from dairly.commands.common import Workspace
from dairly.commands.data import console, print_json, records
from dairly.errors import OK
from dairly.fsio import atomic_write
from dairly.stats import Run, Stats, compute_stats, heatmap_svg, heatmap_weeks, level

# Terminal cells by level: readable without colour, greener with it.
_CELLS = ("·", "░", "▒", "▓", "█")
_STYLES = ("grey50", "green3", "green4", "dark_green", "bold dark_green")


def _run_text(run: Run) -> str:
    if not run.length or run.start is None or run.end is None:
        return "0 days"
    return f"{run.length} day{'s' if run.length != 1 else ''} ({run.start.isoformat()} to {run.end.isoformat()})"


def _heatmap(stats: Stats):
    from rich.text import Text

    columns = heatmap_weeks(stats)
    text = Text()
    labels = [" "] * (len(columns) + 2)
    for x, column in enumerate(columns):  # a month's number above the week holding its 1st
        first = column[0]
        mark = str(first.month) if first is not None and first.day <= 7 else ""
        if mark and labels[x : x + len(mark) + 1] == [" "] * (len(mark) + 1):
            labels[x : x + len(mark)] = list(mark)
    text.append("    " + "".join(labels[: len(columns)]).rstrip() + "\n", style="grey50")
    for row, name in enumerate(("Mon", "", "Wed", "", "Fri", "", "Sun")):
        text.append(f"{name:<4}", style="grey50")
        for column in columns:
            day = column[row]
            if day is None:
                text.append(" ")
                continue
            lv = level(stats.items_per_day.get(day))
            text.append(_CELLS[lv], style=_STYLES[lv])
        text.append("\n")
    text.append("    less " + "".join(_CELLS) + " more", style="grey50")
    return text


def run(ws: Workspace, today: datetime.date, *, as_json: bool = False, svg: Path | None = None) -> int:
    stats = compute_stats(records(ws), today)
    if svg is not None:
        atomic_write(svg, heatmap_svg(stats))
    if as_json:
        print_json(stats.to_json())
        return OK
    out = console()
    first = stats.first_day.isoformat() if stats.first_day else "-"
    last = stats.last_day.isoformat() if stats.last_day else "-"
    out.print(f"notes           {stats.notes}")
    out.print(f"items           {stats.items}")
    out.print(f"first day       {first}")
    out.print(f"last day        {last}")
    out.print(f"current streak  {_run_text(stats.current_streak)}")
    out.print(f"longest streak  {_run_text(stats.longest_streak)}")
    out.print(f"longest gap     {_run_text(stats.longest_gap)}")
    if stats.items_per_month:
        out.print("items per month")
        for month, count in stats.items_per_month.items():
            out.print(f"  {month}  {count:>4}  {'■' * min(count, 60)}")
    if stats.last_day is not None:
        out.print()
        out.print(_heatmap(stats))
    if svg is not None:
        out.print(f"wrote {svg}")
    return OK
