"""Which past notes a look back shows: `dairly review`, its feed entry and the README's
look-back section all choose with these functions. Pure: dates in, dates out; no state is
kept anywhere, so the same notes and the same day always give the same answer.

The rules, as docs/data.md documents them:
- only notes dated before the day are looked at (a look back never shows the day itself);
- an interval of N days wants the note of the day N days before (plain days: 365 days
  before 2025-03-01 is 2024-03-01, before 2024-03-01 it is 2023-03-02); when that day has
  none, the nearest note within `window` days either side stands in, the earlier of two
  as near; a note shows under one interval only: the exact days are served first, then
  the stand-ins, shortest interval first;
- on this day: the same month and day in every earlier year, newest first; on 28
  February of a year without a 29th, the notes of 29 February are shown too, so that a
  leap day's note comes back in the years between;
- a random pick of N entries is the same all day: each entry is ranked by a SHA-256 of the
  day's ISO date, its note's path and its position (not Python's hash(), which changes
  between runs), and the N lowest win.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Iterable, Sequence

from dairly.tuples import Record


class Pick(Record):
    """What a look back shows for one interval."""

    days: int  # the interval: how many days before the day
    wanted: datetime.date  # the day `days` before
    date: datetime.date | None  # the note's date: `wanted`, a stand-in's, or None (none within the window)

    @property
    def stand_in(self) -> bool:
        """A note of another day stands in for `wanted`, which has none."""
        return self.date is not None and self.date != self.wanted


def by_interval(
    dates: Iterable[datetime.date], day: datetime.date, intervals: Sequence[int], window: int
) -> list[Pick]:
    """One pick for each interval (ascending) that reaches no further back than year 1."""
    past = sorted({d for d in dates if d < day})
    present = set(past)
    reach = (day - datetime.date.min).days
    wanted = {n: day - datetime.timedelta(days=n) for n in sorted(set(intervals)) if n <= reach}
    chosen: dict[int, datetime.date | None] = {n: w for n, w in wanted.items() if w in present}
    taken = set(chosen.values())
    for n, w in wanted.items():
        if n not in chosen:
            chosen[n] = _nearest(past, w, window, day, taken)
            taken.add(chosen[n])
    return [Pick(n, w, chosen[n]) for n, w in wanted.items()]


def _nearest(
    past: list[datetime.date], wanted: datetime.date, window: int, day: datetime.date, taken: set[datetime.date | None]
) -> datetime.date | None:
    """The date in `past` nearest to `wanted` within `window` days, before `day` and not
    taken; the earlier of two as near."""
    earliest = wanted - datetime.timedelta(days=min(window, (wanted - datetime.date.min).days))
    best: tuple[int, datetime.date] | None = None
    for d in past[bisect.bisect_left(past, earliest) :]:
        if d >= day or (d - wanted).days > window:
            break
        distance = abs((d - wanted).days)
        if d not in taken and (best is None or distance < best[0]):
            best = (distance, d)  # strictly nearer only: of two as near, the earlier (seen first) stays
    return None if best is None else best[1]


def on_this_day(dates: Iterable[datetime.date], day: datetime.date) -> list[datetime.date]:
    """The dates of earlier years on the day's month and day, newest first (29 February's
    too on 28 February of a year without one)."""
    days = set(month_days(day))
    return sorted((d for d in set(dates) if d.year < day.year and (d.month, d.day) in days), reverse=True)


def month_days(day: datetime.date) -> list[tuple[int, int]]:
    """The (month, day) pairs a look back on this day finds notes on: the day's own, and
    29 February on 28 February of a year without one."""
    import calendar  # not on the hook's path, which needs only by_interval

    if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
        return [(2, 28), (2, 29)]
    return [(day.month, day.day)]


def random_entries(
    counts: Iterable[tuple[str, datetime.date, int]], day: datetime.date, n: int
) -> list[tuple[str, int]]:
    """(note path, entry position from 1) of `n` entries picked from the notes before the
    day, given as (path, date, entry count), the same all day; oldest first."""
    import hashlib

    seed = day.isoformat().encode()
    ranked = []
    for path, date, count in counts:
        if date < day:
            for position in range(1, count + 1):
                rank = hashlib.sha256(b"%s\0%s\0%d" % (seed, path.encode("utf-8"), position)).digest()
                ranked.append((rank, date, path, position))
    ranked.sort()
    return [(path, position) for _rank, _date, path, position in sorted(ranked[:n], key=lambda r: r[1:])]
