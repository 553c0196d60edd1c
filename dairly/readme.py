"""The pure core: locate the three parts of the README that dairly owns, render them
from the notes, and splice them in by slicing. No I/O happens here.

Owned parts: the value of the date line (`更新今日时间：2022.5.11`), the content of the
今日要点 section and the content of the 历史更新 section. A section's content is its
body without leading and trailing blank lines, so the spacing a person chose around it
is kept, like every other byte outside the owned parts.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from itertools import groupby
from operator import attrgetter, itemgetter

from dairly.config import Settings
from dairly.errors import InputError, NotesError
from dairly.links import rebase_links
from dairly.markdown import (
    BOM,
    Heading,
    Line,
    Section,
    dominant_newline,
    find_sections,
    headings,
    iter_unfenced,
    near_misses,
    outline_lines,
)
from dairly.model import Note, format_dot_date
from dairly.tuples import record


@record
class Layout:
    """Where the owned parts of a README are."""

    newline: str
    date_line: Line
    date_span: tuple[int, int]  # offsets of the date value on the date line
    highlights: Section
    history: Section


def readme_folder(readme_path: str) -> str:
    return posixpath.dirname(readme_path)


def _one_section(text: str, title: str, path: str, what: str, all_headings: list[Heading]) -> Section:
    found = find_sections(text, title, all_headings=all_headings)
    if len(found) == 1:
        return found[0]
    if not found:
        hint = ""
        misses = near_misses(text, title)
        if misses:
            hint = f"; line {misses[0].number} looks like a broken one: {misses[0].text.strip()!r}"
        raise InputError(f"no '## {title}' heading ({what}) found{hint}", path=path)
    numbers = " and ".join(str(s.heading.line.number) for s in found)
    raise InputError(
        f"the '## {title}' heading appears {len(found)} times (lines {numbers}); keep one",
        path=path,
        line=found[0].heading.line.number,
    )


def _date_line(unfenced: list[Line], label: str, path: str) -> tuple[Line, tuple[int, int]]:
    """The one date line among the lines outside code fences."""
    pattern = re.compile(r"[ \t]*" + re.escape(label) + r"[ \t]*[：:][ \t\u3000]*(.*?)[ \t\u3000]*")
    found = []
    for line in [ln for ln in unfenced if label in ln.text]:  # the regex only where it can match
        skip = 1 if line.number == 1 and line.text.startswith(BOM) else 0
        m = pattern.fullmatch(line.text, skip)
        if m:
            found.append((line, (line.start + m.start(1), line.start + m.end(1))))
    if len(found) == 1:
        return found[0]
    if not found:
        raise InputError(f"no '{label}：' date line found", path=path)
    numbers = " and ".join(str(ln.number) for ln, _ in found)
    raise InputError(f"the '{label}：' line appears {len(found)} times (lines {numbers}); keep one", path=path)


def locate(text: str, settings: Settings, path: str) -> Layout:
    """Find the owned parts, or fail naming what is missing or doubled."""
    # Only the lines that can be headings, fences or the date line: a 10,000-note README's
    # tree is 10,000 lines of none of these (see outline_lines).
    outline = outline_lines(text, settings.date_label)
    all_headings = headings(outline)
    highlights = _one_section(text, settings.highlights_heading, path, "the newest note's highlights", all_headings)
    history = _one_section(text, settings.history_heading, path, "the history tree", all_headings)
    date_line, span = _date_line(list(iter_unfenced(outline)), settings.date_label, path)
    for section in (highlights, history):
        if section.start <= date_line.start < section.end:
            raise InputError(
                f"the '{settings.date_label}：' line is inside the '## {section.heading.title}' section,"
                " which dairly rewrites; move it above the sections",
                path=path,
                line=date_line.number,
            )
    return Layout(dominant_newline(text), date_line, span, highlights, history)


_ESCAPED = re.compile(r"[&<>\"']")


def _escape(text: str) -> str:
    """html.escape(text), without importing html (and its entity tables) on every `check`."""
    if not _ESCAPED.search(text):
        return text
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("'", "&#x27;")


def history_chunks(notes: Sequence[Note], readme_dir: str) -> Iterator[str]:
    """The 历史更新 tree in pieces, one a month (the year's opening or closing tags with it),
    years and months ascending, numbering restarting each month."""
    # Runs over every note on every `check`: per-note work is kept to C-level iteration.
    ordered = sorted(notes, key=attrgetter("date"))
    paths = list(map(attrgetter("path"), ordered))  # map and attrgetter: no Python frame per note
    hrefs = [posixpath.relpath(p, readme_dir) for p in paths] if readme_dir else paths
    titles = list(map(attrgetter("title"), ordered))
    if None in titles:
        titles = [t or "" for t in titles]
    # One search over all of them (the pattern is one character class): escape only if needed.
    if _ESCAPED.search("\0".join(hrefs)):
        hrefs = list(map(_escape, hrefs))
    if _ESCAPED.search("\0".join(titles)):
        titles = list(map(_escape, titles))
    months = list(map(attrgetter("year", "month"), map(attrgetter("date"), ordered)))
    year = None
    for (y, month), group in groupby(zip(months, hrefs, titles, strict=True), key=itemgetter(0)):
        head = ""
        if y != year:
            head = ("</pre>\n" if year is not None else "") + f"<pre><details><summary>{y}年</summary>\n"
            year = y
        items = [
            f'    {n}. <a href="{href}" target="_blank">{title}</a>\n' for n, (_, href, title) in enumerate(group, 1)
        ]
        yield f"{head}<details><summary>{month}月</summary>\n{''.join(items)}</details>\n"
    if year is not None:
        yield "</pre>\n"


def render_history(notes: Sequence[Note], readme_dir: str) -> str:
    """The 历史更新 tree."""
    return "".join(history_chunks(notes, readme_dir))


def note_highlights(note_text: str, note: Note, settings: Settings, readme_dir: str) -> str:
    """The content of a note's 今日要点 section, rebased to the README's folder, LF endings."""
    text = note_text.replace("\r\n", "\n").replace("\r", "\n")
    found = find_sections(text, settings.highlights_heading)
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


def _section_edit(text: str, section: Section, new_content: str, nl: str) -> tuple[int, int, str] | None:
    """The (start, end, replacement) that puts `new_content` (LF endings) in `section`."""
    new = new_content.replace("\n", nl)
    span = section.content_span()
    if span is not None:
        start, end, eol = span
        if not eol and new.endswith(nl):
            new = new[: -len(nl)]  # the file ended without a newline; keep it that way
        return start, end, new
    if not new:
        return None
    if section.start < section.end:  # a blank body: the content goes at its start
        return section.start, section.start, nl + new
    heading = section.heading.line
    if not heading.eol:  # heading is the last line and has no newline
        return heading.end, heading.end, nl + nl + new[: -len(nl)]
    if heading.end == len(text):
        return heading.end, heading.end, nl + new
    return heading.end, heading.end, nl + new + nl


Edit = tuple[int, int, str]  # (start, end, replacement) offsets in the README text


def _history_in_place(text: str, section: Section, chunks: Iterator[str], nl: str) -> bool:
    """Whether _section_edit(text, section, "".join(chunks), nl) would change nothing.

    Compared a month at a time against the README, so an in-sync `check` never holds the
    whole rendered tree: on a 10,000-note README that is 2 MB, and memory is time.
    """
    span = section.content_span()
    if span is None:  # no content: in place only if there is nothing to put there
        return next(chunks, None) is None
    start, end, eol = span
    pos, pending = start, None
    for chunk in chunks:  # one behind, to apply the end-of-file rule to the last one
        if pending is not None:
            if not text.startswith(pending, pos):
                return False
            pos += len(pending)
        pending = chunk if nl == "\n" else chunk.replace("\n", nl)
    if pending is None:
        return False  # an empty tree where the README has content
    if not eol and pending.endswith(nl):
        pending = pending[: -len(nl)]  # as _section_edit: the file ended without a newline
    return pos + len(pending) == end and text.startswith(pending, pos)


def _changes(text: str, edit: Edit | None) -> bool:
    # text[start:end] != new, without copying the slice (the history tree is most of the README)
    return edit is not None and (edit[1] - edit[0] != len(edit[2]) or not text.startswith(edit[2], edit[0]))


@record
class OwnedEdits:
    """The replacements for the three owned parts; applying them is `publish`."""

    date: Edit
    highlights: Edit | None
    history: Edit | None

    def date_changed(self, text: str) -> bool:
        return _changes(text, self.date)

    def highlights_changed(self, text: str) -> bool:
        return _changes(text, self.highlights)

    def history_changed(self, text: str) -> bool:
        return _changes(text, self.history)

    def apply(self, text: str) -> str:
        if not any(_changes(text, e) for e in (self.date, self.highlights, self.history)):
            return text  # in sync: no copy of a README that may be megabytes
        out = text
        # Right to left, so earlier offsets stay valid; plain slicing, no regex templates.
        for start, end, new in sorted((e for e in (self.date, self.highlights, self.history) if e), reverse=True):
            out = out[:start] + new + out[end:]
        return out


def plan_edits(
    text: str,
    layout: Layout,
    indexed: Sequence[Note],
    promoted: Note,
    highlights: str,
    readme_dir: str,
) -> OwnedEdits:
    """What `publish` changes: owned parts regenerated from the notes, all else kept."""
    return OwnedEdits(
        date=(layout.date_span[0], layout.date_span[1], format_dot_date(promoted.date)),
        highlights=_section_edit(text, layout.highlights, highlights, layout.newline),
        history=None
        if _history_in_place(text, layout.history, history_chunks(indexed, readme_dir), layout.newline)
        else _section_edit(text, layout.history, render_history(indexed, readme_dir), layout.newline),
    )
