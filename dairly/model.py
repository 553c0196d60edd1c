"""The records the pure core works on."""

from __future__ import annotations

import datetime

from dairly.tuples import record

# Named tuples (see tuples.py), not dataclasses: `check` runs on every commit and importing
# dataclasses (with inspect and ast) costs it several milliseconds.


@record
class Note:
    path: str  # POSIX path relative to the repository root: notes/202203/0307.md
    date: datetime.date  # from the path, never from the text
    title: str | None  # the H1 text; None when the note has none
    title_line: int | None = None  # 1-based line of the H1 in the file
    draft: bool = False

    @property
    def folder(self) -> str:
        return self.path.rpartition("/")[0]


@record
class Problem:
    """One thing wrong, printed as `path:line: message`."""

    path: str
    message: str
    line: int | None = None
    warning: bool = False  # reported, but does not fail `check`
    drift: bool = False  # the README is out of date here; `publish` fixes it

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        prefix = "warning: " if self.warning else ""
        return f"{where}: {prefix}{self.message}"


def format_dot_date(date: datetime.date) -> str:
    """The README's and titles' date style: 2022.3.7, no zero padding."""
    return f"{date.year}.{date.month}.{date.day}"
