"""The note path format, both ways: a day's note lives at notes/YYYYMM/MMDD.md, and a path
under notes/ is a note of that day only if it is exactly that.

The date of a note is its path. A path that is not a valid note path (notes/202105/05010.md,
notes/202302/0230.md, or a day filed in another month's folder) is reported with the
reason, never guessed at. Nothing else in dairly builds or parses these paths.
"""

from __future__ import annotations

import datetime


def note_path(notes_dir: str, date: datetime.date) -> str:
    """notes/202203/0307.md for 2022-03-07 (years always in four digits: notes/099905/0505.md)."""
    return f"{notes_dir}/{date.year:04d}{date.month:02d}/{date.month:02d}{date.day:02d}.md"


def date_from_path(path: str, notes_dir: str) -> datetime.date | str:
    """The note's date, or why the path is not a valid note path."""
    rel = path[len(notes_dir) + 1 :]
    digits = rel[0:6] + rel[7:11]
    if len(rel) != 14 or rel[6] != "/" or not rel.endswith(".md") or not (digits.isascii() and digits.isdigit()):
        return f"is not a note path: notes are named {notes_dir}/YYYYMM/MMDD.md"
    year, folder_month, month, day = int(rel[0:4]), int(rel[4:6]), int(rel[7:9]), int(rel[9:11])
    try:
        date = datetime.date(year, month, day)
    except ValueError:
        return f"is not a valid date ({year:04d}-{month:02d}-{day:02d})"
    if folder_month != month:
        return f"is filed in the wrong month folder; move it to {note_path(notes_dir, date)}"
    return date
