"""The one parser of a note: its front matter, draft flag, title, 今日要点 section and
entries, read as the author meant them. Every command reads notes through here.

`check` and `publish` need only each note's header (title, draft flag, placeholders): read_header().
lint, search, stats, feed and export need the whole record: parse_note(), which finds the
title with the same find_title() and the section with the same markdown.find_sections()
that publish promotes from.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from dairly.conflicts import refuse_conflicts
from dairly.errors import InputError
from dairly.markdown import BOM, atx_heading, find_sections, line_number_at, shown_headings, split_lines
from dairly.notes.skeleton import unfinished_line
from dairly.tuples import Record

if TYPE_CHECKING:
    from dairly.links import Link
    from dairly.notes.entries import Entry

_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)


def decode_note(data: bytes, path: str) -> str:
    """A note's text: strict UTF-8, without a leading BOM."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", path=path) from None
    refuse_conflicts(text, path, readme=False)
    return text[1:] if text.startswith(BOM) else text


def split_front_matter(text: str) -> tuple[str | None, int]:
    """(the YAML front matter block or None, the offset where the Markdown starts)."""
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return None, 0
    m = _FRONT_MATTER_END.search(text, 4)
    if m is None:
        return None, 0
    end = text.find("\n", m.end())
    end = len(text) if end < 0 else end + 1
    return text[:end], end


def parse_metadata(block: str, path: str) -> dict[str, object]:
    """The front matter as a dict; YAML errors name the note."""
    import frontmatter  # only notes with front matter pay for YAML

    try:
        meta = frontmatter.loads(block).metadata
    except Exception as exc:  # YAML errors come in many types; all mean the same to a user
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"invalid front matter: {first}", path=path) from None
    return dict(meta)


def find_title(text: str, start: int = 0) -> tuple[str, int] | None:
    """The note's title: the first level-1 heading GitHub shows in the text from `start`
    (ATX or setext, as cmark-gfm decides), as (text, 1-based line). The text is "" for an
    empty heading."""
    first_line = line_number_at(text, start)
    title = _first_line_title(text, start)
    if title is not None:
        return title, first_line
    return _shown_title(text, start)


def _first_line_title(text: str, start: int) -> str | None:
    """The title when the text from `start` opens with `# Title` and no closing `#`s: the
    usual note, answered without cmark-gfm (tests/test_paths.py and tests/test_cmark_readme.py
    hold it to _shown_title)."""
    if not text.startswith("# ", start):
        return None
    end = text.find("\n", start)
    first = text[start + 2 : len(text) if end < 0 else end]
    if "#" in first or "\r" in first[:-1]:
        return None
    return first.strip()


def _shown_title(text: str, start: int = 0) -> tuple[str, int] | None:
    """The first level-1 heading cmark-gfm finds in text[start:], at any depth, as
    (text as written, 1-based line)."""
    from dairly.gfm import blocks

    body = text[start:] if start else text
    found = next((b for b in blocks(body) if b.tag == "h1"), None)
    if found is None:
        return None
    lines = split_lines(body)
    cut = found.column - 1  # a heading inside a quote or a list item: its text starts there
    offset = line_number_at(text, start) - 1 if start else 0
    if found.first == found.last:
        own = lines[found.first - 1].text[cut:]
        heading = atx_heading(own)
        return (heading[1].strip() if heading else own.strip()), found.first + offset
    words = " ".join(_lazy(ln.text, cut) for ln in lines[found.first - 1 : found.last - 1])
    return words, found.first + offset


def _lazy(text: str, cut: int) -> str:
    """A line of a setext heading's text without its container's prefix."""
    return (text[cut:] if not text[:cut].strip(" >") else text).strip()


class Note(Record):
    """A note's header: what the README needs of it."""

    path: str  # POSIX path relative to the repository root: notes/202203/0307.md
    date: datetime.date  # from the path, never from the text
    title: str | None  # the title; None when the note has none
    title_line: int | None = None  # 1-based line of the title in the file
    draft: bool = False  # `draft: true` in the front matter
    unfinished: int | None = None  # the first line still holding a placeholder from `dairly new`

    @property
    def folder(self) -> str:
        return self.path.rpartition("/")[0]


Header = tuple[str | None, int | None, bool, int | None]  # a Note without its path and date


def read_header(path: str, text: str, highlights: str) -> Header:
    """(title, title_line, draft, unfinished) of a note's text (decoded: see decode_note), as
    plain values, which the scan gets from other processes too: Note(path, date, *header).
    `highlights` is the heading of the section a placeholder left in holds a note back."""
    unfinished = unfinished_line(text, highlights)
    title = _first_line_title(text, 0)  # the usual note: no front matter, title first
    if title is not None:
        return (title, 1, False, unfinished) if title else (None, None, False, unfinished)
    block, body_start = split_front_matter(text)
    draft = block is not None and parse_metadata(block, path).get("draft") is True
    found = find_title(text, body_start)
    if found is None or not found[0]:
        return None, None, draft, unfinished
    return found[0], found[1], draft, unfinished


class NoteRecord(Record):
    """A whole note as data, for lint, search, stats, feed and export."""

    path: str
    date: datetime.date
    title: str | None
    title_line: int | None
    meta: dict[str, object]  # the front matter, JSON-safe (dates as ISO strings)
    highlights_line: int | None  # the 今日要点 heading's line; None when the note has none
    entries: list[Entry]
    links: list[Link]  # every link target in the note, in order
    unfinished: int | None = None  # the first line still holding a placeholder from `dairly new`

    @property
    def draft(self) -> bool:
        return self.meta.get("draft") is True

    @property
    def tags(self) -> list[str]:
        tags = self.meta.get("tags") or []
        return [str(t) for t in tags] if isinstance(tags, list) else [str(tags)]

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "date": self.date.isoformat(),
            "title": self.title,
            "title_line": self.title_line,
            "meta": self.meta,
            "highlights_line": self.highlights_line,
            "entries": [entry.to_json() for entry in self.entries],
            "links": [link._asdict() for link in self.links],
            "unfinished": self.unfinished,
        }


def _json_safe(meta: dict[str, object]) -> dict[str, object]:
    import json

    # YAML dates and other scalars become plain values, as export and the index store them.
    safe: dict[str, object] = json.loads(json.dumps(meta, default=str, ensure_ascii=False))
    return safe


def parse_note(path: str, date: datetime.date, text: str, highlights_heading: str) -> NoteRecord:
    """A note's text (decoded: see decode_note) as a record."""
    from dairly.links import find_links
    from dairly.notes.entries import parse_entries

    text = text.replace("\r\n", "\n").replace("\r", "\n")  # lines keep their numbers
    block, body_start = split_front_matter(text)
    meta = _json_safe(parse_metadata(block, path)) if block is not None else {}
    found = find_title(text, body_start)
    title, title_line = (found[0], found[1]) if found and found[0] else (None, None)
    links = find_links(text, body_start)
    by_line: dict[int, list[Link]] = {}
    for link in links:
        by_line.setdefault(link.line, []).append(link)
    sections = find_sections(text, highlights_heading, all_headings=shown_headings(text, body_start))
    if sections:
        section = sections[0]
        entries = parse_entries(section.body, by_line)
        highlights_line: int | None = section.heading.line.number
    else:
        entries, highlights_line = [], None
    unfinished = unfinished_line(text, highlights_heading)
    return NoteRecord(path, date, title, title_line, meta, highlights_line, entries, links, unfinished)
