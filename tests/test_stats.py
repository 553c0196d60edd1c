"""stats' numbers against a reference computation: streaks, gaps and months by walking the
days, and the heatmap's thresholds as statistics.quantiles gives them."""

from __future__ import annotations

import datetime
import statistics

from hypothesis import given
from hypothesis import strategies as st

from dairly.commands.stats import DAY, NO_RUN, Run, compute_stats


def plain_runs_and_gap(days: list[datetime.date]) -> tuple[list[Run], Run]:
    """The streaks and the longest gap, walking the calendar one day at a time (not the
    pairs of noted days that stats itself compares)."""
    present = set(days)
    runs: list[Run] = []
    gap = NO_RUN
    day = days[0]
    while day <= days[-1]:
        start = day
        if day in present:
            while day + DAY in present:
                day += DAY
            runs.append(Run((day - start).days + 1, start, day))
        else:
            while day + DAY not in present:
                day += DAY
            if (day - start).days + 1 > gap.length:
                gap = Run((day - start).days + 1, start, day)
        day += DAY
    return runs, gap


def plain_months(per_day: dict[datetime.date, int]) -> dict[str, int]:
    days = sorted(per_day)
    months: dict[str, int] = {}
    year, month = days[0].year, days[0].month
    while (year, month) <= (days[-1].year, days[-1].month):
        months[f"{year}-{month:02d}"] = 0
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    for day, count in per_day.items():
        months[f"{day.year}-{day.month:02d}"] += count
    return months


days_and_counts = st.lists(
    st.tuples(st.dates(datetime.date(1999, 11, 1), datetime.date(2001, 3, 1)), st.integers(0, 9)),
    min_size=1,
    max_size=80,
)


@given(days_and_counts, st.dates(datetime.date(1999, 11, 1), datetime.date(2001, 4, 1)))
def test_streaks_gaps_and_months_are_those_of_date_arithmetic(
    notes: list[tuple[datetime.date, int]], today: datetime.date
) -> None:
    stats = compute_stats(notes, today, [])
    per_day: dict[datetime.date, int] = {}
    for day, count in notes:
        per_day[day] = per_day.get(day, 0) + count
    runs, gap = plain_runs_and_gap(sorted(per_day))
    assert stats.longest_streak == max(runs, key=lambda r: (r.length, r.end))
    last = runs[-1]
    assert stats.current_streak == (last if last.end is not None and today - last.end <= DAY else NO_RUN)
    assert stats.longest_gap == gap
    assert stats.entries_per_month == plain_months(per_day)
    assert stats.thresholds == (
        statistics.quantiles(sorted(per_day.values()), n=4, method="inclusive")
        if len(per_day) > 1
        else [float(next(iter(per_day.values())))] * 3
    )


def test_the_calendar_edges_are_clean_errors_or_answers(tmp_path, dairly) -> None:
    """DAIRLY_NOW whose day in its zone is before year 1 or after 9999 is an input error
    in every command; notes on the calendar's first and last days are counted and drawn."""
    from .conftest import make_repo, note_text, write

    root = make_repo(tmp_path / "r", ["2022-01-09"])
    for now in ("9999-12-31T23:59-12:00", "0001-01-01T00:00+14:00"):
        for command in (["check"], ["stats"], ["new"], ["publish"]):
            result = dairly(root, *command, env_extra={"DAIRLY_NOW": now, "TZ": "UTC"})
            assert (result.code, result.err) == (
                2,
                f"dairly: error: DAIRLY_NOW={now!r} is outside the calendar in your timezone (years 1 to 9999);"
                " use a time within it\n",
            ), command
    write(root, "notes/999912/1231.md", note_text("最后一天"))
    write(root, "notes/000101/0101.md", note_text("第一天"))
    svg = tmp_path / "heatmap.svg"
    result = dairly(root, "stats", "--json", "--svg", str(svg), env_extra={"DAIRLY_NOW": "2022-01-10T12:00+00:00"})
    assert result.code == 0, result
    assert '"first_day": "0001-01-01"' in result.out and '"last_day": "9999-12-31"' in result.out
    assert "<title>9999-12-31: 1 entry</title>" in svg.read_text()
