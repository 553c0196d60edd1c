"""The lint rules: problems inside the notes themselves (the README is `check`'s business).

Pure. note_problems() judges one note from its record alone, so the index can keep its
answer with the note; link_problems() asks an `exists` callable about relative targets,
and repeated_problems() compares notes with each other.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable

from dairly.errors import Problem
from dairly.links import Link
from dairly.notes.note import NoteRecord

_TITLE_DATE = re.compile(r"(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})")
# "example.com/x" written without https:// is a relative path to GitHub; catch the usual TLDs.
_BARE_DOMAIN = re.compile(
    r"(?:[A-Za-z0-9-]+\.)+(?:com|org|net|io|ai|dev|edu|gov|cn|co|me|info|app|xyz|tech|uk|de|jp|fr|ru)(?::\d+)?",
    re.I,
)


def note_problems(record: NoteRecord, highlights: str) -> list[Problem]:
    """Everything wrong with one note that its own text shows."""
    problems = list(_title_problems(record))
    if record.highlights_line is None:
        problems.append(Problem(record.path, f"has no {highlights} section", record.title_line or 1))
    elif not record.entries:
        problems.append(Problem(record.path, f"{highlights} is empty", record.highlights_line))
    for entry in record.entries:
        if entry.url is None:
            problems.append(
                Problem(record.path, f"entry {entry.number} ({entry.title[:40]!r}) has no link", entry.line)
            )
    return problems


def _title_problems(record: NoteRecord) -> Iterable[Problem]:
    if record.title is None:
        yield Problem(record.path, "has no title (a '# title' line)", 1)
        return
    m = _TITLE_DATE.search(record.title)
    if m is None:
        return
    try:
        said = datetime.date(*(int(g) for g in m.groups()))
    except ValueError:
        yield Problem(record.path, f"the title's date {m.group()} is not a real date", record.title_line)
        return
    if said != record.date:
        yield Problem(
            record.path,
            f"the title says {_dotted(said)} but the path says {_dotted(record.date)}",
            record.title_line,
        )


def _dotted(date: datetime.date) -> str:
    return f"{date.year}.{date.month}.{date.day}"


def link_problems(local_links: Iterable[tuple[str, Link, str]], exists: Callable[[str], bool]) -> Iterable[Problem]:
    """The relative links and images, as (note, link, the repository path it points at),
    that do not resolve."""
    for path, link, target in local_links:
        if exists(target):
            continue
        what = "image" if link.kind in ("image", "src") else "link"
        first = link.url.split("/", 1)[0]
        if _BARE_DOMAIN.fullmatch(first):
            yield Problem(path, f"{what} {link.url!r} is read as a file path; write https://{link.url}", link.line)
        elif target == ".." or target.startswith("../"):
            yield Problem(path, f"{what} {link.url!r} points outside the repository", link.line)
        else:
            yield Problem(path, f"{what} {link.url!r} does not resolve: {target} does not exist", link.line)


def normal_url(url: str) -> str:
    """A URL as compared for repeats: without its #fragment and trailing slash."""
    return url.split("#", 1)[0].rstrip("/")


def repeated_problems(entries: Iterable[tuple[str, datetime.date, int, int, str]]) -> list[Problem]:
    """Articles promoted on more than one day, from (path, date, number, line, url) of
    every entry with a web link, oldest first: each later promotion is a problem."""
    first_seen: dict[str, tuple[str, datetime.date, int]] = {}
    problems = []
    for path, date, number, line, url in entries:
        key = normal_url(url)
        seen = first_seen.setdefault(key, (path, date, line))
        if seen[1] != date:
            problems.append(
                Problem(
                    path,
                    f"entry {number} was already promoted on {seen[1].isoformat()} ({seen[0]}:{seen[2]}): {url}",
                    line,
                )
            )
    return problems
