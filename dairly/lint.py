"""Problems inside the notes themselves (the README is `check`'s business).

Pure: it judges records (see records.py); whether a relative target exists is asked of
an `exists` callable, so the filesystem stays in the command layer.
"""

from __future__ import annotations

import datetime
import posixpath
import re
from collections.abc import Callable, Iterable

from dairly.model import Problem, format_dot_date
from dairly.records import NoteRecord

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_TITLE_DATE = re.compile(r"(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})")
# "example.com/x" written without https:// is a relative path to GitHub; catch the usual TLDs.
_BARE_DOMAIN = re.compile(
    r"(?:[A-Za-z0-9-]+\.)+(?:com|org|net|io|ai|dev|edu|gov|cn|co|me|info|app|xyz|tech|uk|de|jp|fr|ru)(?::\d+)?",
    re.I,
)


def local_target(note_folder: str, url: str) -> str | None:
    """The repository path a relative link points at; None for URLs and anchors."""
    if not url or url.startswith(("#", "//")) or _SCHEME.match(url):
        return None
    path = url.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return None
    if path.startswith("/"):  # root-relative: GitHub resolves it from the repository root
        return posixpath.normpath(path.lstrip("/"))
    return posixpath.normpath(f"{note_folder}/{path}")


def _link_problems(record: NoteRecord, exists: Callable[[str], bool]) -> Iterable[Problem]:
    folder = record.path.rpartition("/")[0]
    for link in record.links:
        target = local_target(folder, link.url)
        if target is None or exists(target):
            continue
        what = "image" if link.kind in ("image", "src") else "link"
        first = link.url.split("/", 1)[0]
        if _BARE_DOMAIN.fullmatch(first):
            yield Problem(
                record.path, f"{what} {link.url!r} is read as a file path; write https://{link.url}", link.line
            )
        elif target == ".." or target.startswith("../"):
            yield Problem(record.path, f"{what} {link.url!r} points outside the repository", link.line)
        else:
            yield Problem(record.path, f"{what} {link.url!r} does not resolve: {target} does not exist", link.line)


def _title_problems(record: NoteRecord) -> Iterable[Problem]:
    if record.title is None:
        yield Problem(record.path, "has no '# title' line (H1)", 1)
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
            f"the title says {format_dot_date(said)} but the path says {format_dot_date(record.date)}",
            record.title_line,
        )


def _normal_url(url: str) -> str:
    return url.split("#", 1)[0].rstrip("/")


def lint(records: list[NoteRecord], exists: Callable[[str], bool], highlights: str = "今日要点") -> list[Problem]:
    """Every problem in the notes, ordered by path and line."""
    problems: list[Problem] = []
    first_seen: dict[str, tuple[NoteRecord, int]] = {}
    for record in sorted(records, key=lambda r: r.date):
        problems.extend(_title_problems(record))
        if record.highlights_line is None:
            problems.append(Problem(record.path, f"has no {highlights} section", record.title_line or 1))
        elif not record.items:
            problems.append(Problem(record.path, f"{highlights} is empty", record.highlights_line))
        for item in record.items:
            if item.url is None:
                problems.append(
                    Problem(record.path, f"item {item.number} ({item.title[:40]!r}) has no link", item.line)
                )
                continue
            if local_target(record.path.rpartition("/")[0], item.url) is None:
                key = _normal_url(item.url)
                seen = first_seen.get(key)
                if seen is None:
                    first_seen[key] = (record, item.line)
                elif seen[0].date != record.date:
                    problems.append(
                        Problem(
                            record.path,
                            f"item {item.number} was already promoted on {seen[0].date.isoformat()}"
                            f" ({seen[0].path}:{seen[1]}): {item.url}",
                            item.line,
                        )
                    )
        problems.extend(_link_problems(record, exists))
    problems.sort(key=lambda p: (p.path, p.line or 0))
    return problems
