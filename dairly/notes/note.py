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
from functools import cache
from typing import TYPE_CHECKING, Any

from dairly.config import Settings, format_date_template
from dairly.conflicts import refuse_conflicts
from dairly.errors import InputError
from dairly.markdown import (
    BOM,
    Heading,
    Line,
    Section,
    find_sections,
    line_number_at,
    lines_numbered,
    normalize_title,
    shown_headings,
)
from dairly.notes.skeleton import find_placeholders
from dairly.tuples import Record

if TYPE_CHECKING:
    from frontmatter.default_handlers import BaseHandler

    from dairly.links import Link
    from dairly.notes.entries import Entry

# A day's note is a few KB; past this, reading one whole (its headings, links, entries and
# what GitHub shows of it) would take every command minutes and gigabytes, so it is refused.
MAX_NOTE_BYTES = 4 << 20


def decode_note(data: bytes, path: str) -> str:
    """A note's text: strict UTF-8, without a leading BOM; one past MAX_NOTE_BYTES refused."""
    if len(data) > MAX_NOTE_BYTES:
        raise InputError(
            f"is {len(data):,} bytes, past the {MAX_NOTE_BYTES:,} a note may be (dairly reads a note whole);"
            " split it into notes of its days, or move what is not a note out of the notes",
            path=path,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", path=path) from None
    refuse_conflicts(text, path, readme=False)
    return text[1:] if text.startswith(BOM) else text


def split_front_matter(text: str) -> tuple[str | None, int]:
    """(the YAML of the note's front matter, or None when it has none; the offset where
    its Markdown starts), as GitHub reads front matter: a `---` line on the note's first
    line (trailing spaces allowed), up to the next line that is `---` or `...`. Only YAML:
    GitHub shows `+++` (TOML) or a first line below a blank one as Markdown, and so does
    dairly. python-frontmatter splits it, with those fences (_handler)."""
    if not text.startswith("---"):  # the usual note: no front matter, and no YAML imported
        return None, 0
    handler = _handler()
    if not handler.detect(text):
        return None, 0
    try:
        yaml_text, content = handler.split(text)  # the YAML keeps the newline that ends the `---` line
    except ValueError:  # no closing fence: no front matter, as on GitHub
        return None, 0
    return yaml_text, len(text) - len(content) + content.startswith("\n")


def parse_metadata(yaml_text: str, path: str) -> dict[str, object]:
    """The front matter (split_front_matter's YAML) as a dict, {} for YAML that is not a
    mapping; YAML errors name the note. YAML's aliases (`*name`) are refused: a few
    hundred bytes of them expand to gigabytes (or to a value that holds itself), and
    front matter never needs one."""
    try:
        meta = _handler().load(yaml_text)
    except Exception as exc:  # YAML errors come in many types; all mean the same to a user
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError(f"invalid front matter: {first}", path=path) from None
    return dict(meta) if isinstance(meta, dict) else {}


@cache
def _handler() -> BaseHandler:
    """python-frontmatter's YAML handler with GitHub's fences (its own takes four dashes
    or more, and no `...`), and a loader that stops at the first alias."""
    import yaml  # type: ignore[import-untyped]  # only notes with front matter pay for YAML
    from frontmatter.default_handlers import SafeLoader, YAMLHandler

    class NoAliasLoader(yaml.SafeLoader):  # type: ignore[misc]
        def compose_node(self, parent: object, index: object) -> object:
            if self.check_event(yaml.AliasEvent):
                line = self.peek_event().start_mark.line + 1  # the note's line (the YAML starts on the `---` line)
                raise yaml.YAMLError(f"line {line}: aliases (*name) are not allowed in front matter")
            return super().compose_node(parent, index)

    class Handler(YAMLHandler):
        FM_BOUNDARY = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)  # a fence; the first must be `---`

        def detect(self, text: str) -> bool:
            return text.startswith("---") and super().detect(text)

        def load(self, fm: str, **kwargs: object) -> Any:
            # no `*`, no alias: python-frontmatter's loader (the C one, where built)
            loader = NoAliasLoader if "*" in fm else SafeLoader
            return yaml.load(fm, Loader=loader)  # a safe loader either way

    return Handler()


def find_title(text: str, start: int = 0, settings: Settings | None = None) -> tuple[str, int] | None:
    """The note's title: the first heading GitHub shows in the text from `start`, of any
    level (ATX or setext, as cmark-gfm decides), as (the plain text GitHub shows for it,
    1-based line); with `settings`, the highlights heading is none (a note that opens with
    it has no title of its own). The text is "" for an empty heading."""
    found = _title_heading(text, start, settings)
    return None if found is None else (found[0], found[1])


def _title_heading(text: str, start: int, settings: Settings | None) -> tuple[str, int, int] | None:
    """(title, first line, last line) of the first heading GitHub shows from `start`: the
    last line is a setext heading's underline."""
    title = _first_line_title(text, start)
    if title is not None:
        first_line = line_number_at(text, start)
        return title, first_line, first_line
    if text.startswith("#", start) and "]:" not in text:
        # An ATX heading is one line whatever follows it: cmark-gfm is asked about that line
        # alone (a long note is not rendered for its title), unless a reference definition
        # elsewhere could make a link of its text.
        ends = [i for i in (text.find("\n", start), text.find("\r", start)) if i >= 0]
        alone = _shown_title(text[start : min(ends, default=len(text))], 0, settings)
        if alone is not None:
            first_line = line_number_at(text, start)
            return alone[0], first_line, first_line
    return _shown_title(text, start, settings)


# What may change a heading's text between its source and what GitHub shows: links,
# emphasis, code, HTML, entities, escapes, hard breaks.
_MARKUP = frozenset("[]<>*_~`\\&")


def _first_line_title(text: str, start: int) -> str | None:
    """The title when the text from `start` opens with `# Title` in plain words (no markup,
    no closing `#`s): the usual note, answered without cmark-gfm (tests/test_paths.py and
    tests/test_cmark_readme.py hold it to _shown_title)."""
    if not text.startswith("# ", start):
        return None
    end = text.find("\n", start)
    first = text[start + 2 : len(text) if end < 0 else end]
    if "#" in first or "\r" in first[:-1] or not _MARKUP.isdisjoint(first):
        return None
    return first.strip()


def _shown_title(text: str, start: int = 0, settings: Settings | None = None) -> tuple[str, int, int] | None:
    """The first heading cmark-gfm finds in text[start:], of any level, at any depth, as
    (the plain text GitHub shows, 1-based first line, last line); with `settings`, not the
    highlights heading."""
    from dairly.gfm import HEADING_TAGS, blocks

    body = text[start:] if start else text
    for block in blocks(body, inline=HEADING_TAGS):
        if block.inline is None:
            continue
        title = block.inline.text.strip()
        if settings is not None and _is_highlights(block.tag, title, settings):
            return None  # the title is above the section it introduces
        offset = line_number_at(text, start) - 1 if start else 0
        return title, block.first + offset, block.last + offset
    return None


def _is_highlights(tag: str, title: str, settings: Settings) -> bool:
    return tag == "h2" and normalize_title(title) == normalize_title(settings.highlights_heading)


def date_title(settings: Settings, date: datetime.date) -> str:
    """The title of a note with no heading: its date in the preset's title form."""
    return format_date_template(settings.title_template, date)


def promoted_sections(text: str, body_start: int, settings: Settings) -> list[Section]:
    """What publish promotes from a note (text with LF endings): its highlights sections
    (one, unless the author wrote two), or with `promote = "body"` its body under its title,
    up to a heading that would end the README's section (level section_level or above).
    Empty when the note has no highlights section."""
    all_headings = shown_headings(text, body_start)
    if settings.promote != "body":
        return find_sections(text, settings.highlights_heading, all_headings=all_headings)
    found = _title_heading(text, body_start, settings)
    if found is not None and found[0]:
        top = lines_numbered(text, [found[2]], body_start)[found[2]]
    else:
        number = line_number_at(text, body_start) - 1  # the body is the whole text after any front matter
        top = Line(number, body_start, body_start, "", "")
    end = next((h.top.start for h in all_headings if h.top.start >= top.end and h.level <= settings.level), len(text))
    return [Section(Heading(top, 0, ""), text, end)]


def promoted_name(settings: Settings) -> str:
    """What publish promotes, in words for messages."""
    return "the note's body" if settings.promote == "body" else settings.highlights_heading


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


def read_header(path: str, text: str, settings: Settings) -> Header:
    """(title, title_line, draft, unfinished) of a note's text (decoded: see decode_note), as
    plain values, which the scan gets from other processes too: Note(path, date, *header).
    The title is None when the note has no heading (see note_title); a placeholder left in
    what publish promotes holds a note back (unfinished)."""
    unfinished = unfinished_line(text, settings)
    title = _first_line_title(text, 0)  # the usual note: no front matter, title first
    if title is not None:
        return (title, 1, False, unfinished) if title else (None, None, False, unfinished)
    block, body_start = split_front_matter(text)
    draft = block is not None and parse_metadata(block, path).get("draft") is True
    found = find_title(text, body_start, settings)
    if found is None or not found[0]:
        return None, None, draft, unfinished
    return found[0], found[1], draft, unfinished


def note_title(title: str | None, settings: Settings, date: datetime.date) -> str:
    """The title a note goes by: its heading's, or with none its date's (date_title)."""
    return title if title else date_title(settings, date)


def unfinished_line(text: str, settings: Settings) -> int | None:
    """The first line of what publish promotes (a heading included) that still holds a
    placeholder line as `dairly new` wrote it, or None: such a note is unfinished, and
    stays out of the README until it is filled in. A placeholder elsewhere (the skeleton's
    `- TODO` under Others) is not promoted, so it holds nothing back; lint reports it.
    The author's own words (an article about a TODO app) are never placeholders."""
    lines = find_placeholders(text, settings)
    if not lines:
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # lines keep their numbers
    for section in promoted_sections(text, split_front_matter(text)[1], settings):
        first = section.heading.line.number
        body = section.body
        last = body[-1].number if body else first
        inside = [n for n in lines if first <= n <= last]
        if inside:
            return inside[0]
    return None


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


def parse_note(path: str, date: datetime.date, text: str, settings: Settings) -> NoteRecord:
    """A note's text (decoded: see decode_note) as a record."""
    from dairly.links import find_links

    text = text.replace("\r\n", "\n").replace("\r", "\n")  # lines keep their numbers
    block, body_start = split_front_matter(text)
    meta = _json_safe(parse_metadata(block, path)) if block is not None else {}
    found = find_title(text, body_start, settings)
    title, title_line = (found[0], found[1]) if found and found[0] else (None, None)
    links = find_links(text, body_start)
    entries, highlights_line = _entries(text, body_start, settings, links)
    unfinished = unfinished_line(text, settings)
    return NoteRecord(
        path, date, note_title(title, settings, date), title_line, meta, highlights_line, entries, links, unfinished
    )


def _entries(text: str, body_start: int, settings: Settings, links: list[Link]) -> tuple[list[Entry], int | None]:
    """The entries of what publish promotes from the note (its 今日要点 section) and that
    section's heading line (None: none), given the note's links (dairly.links.find_links)."""
    from dairly.notes.entries import parse_entries

    by_line: dict[int, list[Link]] = {}
    for link in links:
        by_line.setdefault(link.line, []).append(link)
    sections = promoted_sections(text, body_start, settings)
    if not sections:
        return [], None
    section = sections[0]
    return parse_entries(section.body, by_line), max(section.heading.line.number, 1)


def note_entries(text: str, settings: Settings) -> list[Entry]:
    """The entries of a note's text (decoded: see decode_note), as parse_note finds them,
    without the rest of the record: the README's look-back section reads them on the
    hook's path, where the front matter is not parsed (no YAML, no JSON)."""
    from dairly.links import find_links

    text = text.replace("\r\n", "\n").replace("\r", "\n")
    body_start = split_front_matter(text)[1]
    return _entries(text, body_start, settings, find_links(text, body_start))[0]
