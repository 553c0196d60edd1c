"""The lint rules: problems inside the notes themselves (the README is `check`'s business).

Pure. note_problems() judges one note from its record and text alone, so the index can
keep its answer with the note; link_problems() asks an `exists` callable about relative
targets, and repeated_problems() compares notes with each other. Where GitHub shows a note
otherwise than its author meant, the message says what GitHub shows, then the fix.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable

from dairly.config import Settings
from dairly.errors import Problem
from dairly.links import Link
from dairly.notes.note import NoteRecord, promoted_name
from dairly.notes.skeleton import PLACEHOLDER, find_placeholders
from dairly.notes.traps import find_traps, web_address

_TITLE_DATE = re.compile(r"(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})")


def note_problems(record: NoteRecord, settings: Settings, text: str | None = None) -> list[Problem]:
    """Everything wrong with one note that its own text shows; `text` is the note's text
    (decoded: see decode_note), for what GitHub makes of it and the placeholders left in."""
    problems = list(_title_problems(record))
    highlights = promoted_name(settings)
    if record.highlights_line is None:
        problems.append(Problem(record.path, f"has no {highlights} section", record.title_line or 1))
    elif not record.entries:
        problems.append(Problem(record.path, f"{highlights} is empty", record.highlights_line))
    for entry in record.entries:
        if entry.url is None:
            problems.append(
                Problem(record.path, f"entry {entry.number} ({entry.title[:40]!r}) has no link", entry.line)
            )
    if text is not None:
        numbers = {entry.line: entry.number for entry in record.entries}
        problems.extend(Problem(record.path, trap.message, trap.line) for trap in find_traps(text, numbers))
        problems.extend(_placeholder_problems(record, text, settings))
    return problems


def _placeholder_problems(record: NoteRecord, text: str, settings: Settings) -> Iterable[Problem]:
    lines = find_placeholders(text, settings)
    if not lines:
        return
    subjects = {record.title_line: "the title"} if record.title_line else {}
    for entry in record.entries:
        subjects[entry.line] = f"entry {entry.number}"
        for field in entry.fields:
            if field.name:
                subjects.setdefault(field.line, f"the {field.name} of entry {entry.number}")
    for number in lines:
        subject = subjects.get(number, "this line")
        yield Problem(
            record.path, f"{subject} still holds the placeholder {PLACEHOLDER} from dairly new; fill it in", number
        )


def _title_problems(record: NoteRecord) -> Iterable[Problem]:
    if record.title is None:
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
        address = web_address(link.url)
        if address is not None:
            yield Problem(
                path,
                f"{what} {link.url!r} looks like {address.looks_like}, but GitHub reads it as the file path {target};"
                f" write {address.scheme}{link.url}",
                link.line,
            )
        elif target == ".." or target.startswith("../"):
            yield Problem(path, f"{what} {link.url!r} points outside the repository", link.line)
        elif what == "image":
            yield Problem(
                path,
                f"image {link.url!r} is broken on GitHub: {target} does not exist; add that file or correct the path",
                link.line,
            )
        else:
            yield Problem(path, f"link {link.url!r} does not resolve: {target} does not exist", link.line)


def web_address_links(
    local_links: Iterable[tuple[str, Link, str]], exists: Callable[[str], bool]
) -> Iterable[tuple[str, Link]]:
    """The (note, link) of the relative links that do not resolve and look like an e-mail
    or web address: what `lint --fix` gives a scheme."""
    for path, link, target in local_links:
        if web_address(link.url) is not None and not exists(target):
            yield path, link


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
