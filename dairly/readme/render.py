"""What the README's owned parts should hold, rendered from the notes: the 历史更新 tree
and the promoted note's 今日要点, its relative links rebased to the README's folder.
Pure: notes in, text out (LF line endings; the plan converts them to the README's).
"""

from __future__ import annotations

import datetime
import posixpath
import re
from collections.abc import Iterator, Sequence
from itertools import groupby
from operator import attrgetter

from dairly.config import Settings, format_date_template
from dairly.errors import NotesError
from dairly.links import rebase_links
from dairly.markdown import find_sections
from dairly.notes.note import Note

_ESCAPED = re.compile(r"[&<>\"']")


def _escape(text: str) -> str:
    """html.escape(text), without importing html (and its entity tables) on every `check`."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("'", "&#x27;")


def _month_chunks(notes: Sequence[Note], settings: Settings) -> Iterator[str]:
    """The 历史更新 tree in pieces, one a month (the year's opening or closing tags with it),
    years and months ascending, numbering restarting each month; links are relative to
    the README's folder and the summaries use the year and month labels."""
    readme_dir = posixpath.dirname(settings.readme)
    year = None
    for (y, month), group in groupby(sorted(notes, key=attrgetter("date")), key=_month):
        in_month = list(group)
        hrefs = [posixpath.relpath(n.path, readme_dir) if readme_dir else n.path for n in in_month]
        titles = [n.title or "" for n in in_month]
        if _ESCAPED.search("\0".join(hrefs + titles)):
            hrefs, titles = list(map(_escape, hrefs)), list(map(_escape, titles))
        lines = zip(range(1, len(titles) + 1), hrefs, titles, strict=True)
        items = "".join([f'    {n}. <a href="{href}" target="_blank">{title}</a>\n' for n, href, title in lines])
        head = ""
        if y != year:
            label = _escape(format_date_template(settings.year_label, datetime.date(y, month, 1)))
            head = ("</pre>\n" if year is not None else "") + f"<pre><details><summary>{label}</summary>\n"
            year = y
        label = _escape(format_date_template(settings.month_label, datetime.date(y, month, 1)))
        yield f"{head}<details><summary>{label}</summary>\n{items}</details>\n"
    if year is not None:
        yield "</pre>\n"


def _month(note: Note) -> tuple[int, int]:
    return note.date.year, note.date.month


def render_history(notes: Sequence[Note], settings: Settings) -> str:
    """The 历史更新 tree."""
    return "".join(_month_chunks(notes, settings))


def note_highlights(note_text: str, note: Note, settings: Settings, readme_dir: str) -> str:
    """The content of a note's 今日要点 section, rebased to the README's folder, LF endings."""
    text = note_text.replace("\r\n", "\n").replace("\r", "\n")
    found = find_sections(text, settings.highlights_heading)  # as dairly.notes.note.parse_note does
    if not found:
        raise NotesError(f"has no '## {settings.highlights_heading}' section to promote", path=note.path)
    if len(found) > 1:
        numbers = " and ".join(str(s.heading.line.number) for s in found)
        raise NotesError(
            f"has {len(found)} '## {settings.highlights_heading}' sections (lines {numbers}); keep one",
            path=note.path,
        )
    content = found[0].content
    if not content:
        return ""
    body = "".join(ln.text + "\n" for ln in content)
    return rebase_links(body, note.folder, readme_dir)
