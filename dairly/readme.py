"""The pure core: locate the three parts of the README that dairly owns, render them
from the notes, and splice them in by slicing. No I/O happens here.

Owned parts: the value of the date line (`更新今日时间：2022.5.11`), the content of the
今日要点 section and the content of the 历史更新 section. A section's content is its
body without leading and trailing blank lines, so the spacing a person chose around it
is kept, like every other byte outside the owned parts.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Sequence
from itertools import groupby
from typing import NamedTuple

from dairly.config import Settings
from dairly.errors import InputError, NotesError
from dairly.links import rebase_links
from dairly.markdown import (
    BOM,
    Line,
    Section,
    dominant_newline,
    find_sections,
    iter_unfenced,
    near_misses,
    split_lines,
)
from dairly.model import Note, format_dot_date


class Layout(NamedTuple):
    """Where the owned parts of a README are."""

    newline: str
    date_line: Line
    date_span: tuple[int, int]  # offsets of the date value on the date line
    highlights: Section
    history: Section


def readme_folder(readme_path: str) -> str:
    return posixpath.dirname(readme_path)


def _one_section(lines: list[Line], title: str, path: str, what: str) -> Section:
    found = find_sections(lines, title)
    if len(found) == 1:
        return found[0]
    if not found:
        hint = ""
        misses = near_misses(lines, title)
        if misses:
            hint = f"; line {misses[0].number} looks like a broken one: {misses[0].text.strip()!r}"
        raise InputError(f"no '## {title}' heading ({what}) found{hint}", path=path)
    numbers = " and ".join(str(s.heading.line.number) for s in found)
    raise InputError(
        f"the '## {title}' heading appears {len(found)} times (lines {numbers}); keep one",
        path=path,
        line=found[0].heading.line.number,
    )


def _date_line(lines: list[Line], label: str, path: str) -> tuple[Line, tuple[int, int]]:
    pattern = re.compile(r"[ \t]*" + re.escape(label) + r"[ \t]*[：:][ \t\u3000]*(.*?)[ \t\u3000]*")
    found = []
    for line in iter_unfenced(lines):
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
    lines = split_lines(text)
    highlights = _one_section(lines, settings.highlights_heading, path, "the newest note's highlights")
    history = _one_section(lines, settings.history_heading, path, "the history tree")
    date_line, span = _date_line(lines, settings.date_label, path)
    for section in (highlights, history):
        if section.body and section.body[0].start <= date_line.start < section.body[-1].end:
            raise InputError(
                f"the '{settings.date_label}：' line is inside the '## {section.heading.title}' section,"
                " which dairly rewrites; move it above the sections",
                path=path,
                line=date_line.number,
            )
    return Layout(dominant_newline(text), date_line, span, highlights, history)


_ESCAPED = re.compile(r"[&<>\"']")


def _escape(text: str) -> str:
    return html.escape(text) if _ESCAPED.search(text) else text


def render_history(notes: Sequence[Note], readme_dir: str) -> str:
    """The 历史更新 tree, years and months ascending, numbering restarting each month."""
    out = []
    ordered = sorted(notes, key=lambda n: n.date)
    for year, in_year in groupby(ordered, key=lambda n: n.date.year):
        out.append(f"<pre><details><summary>{year}年</summary>\n")
        for month, in_month in groupby(in_year, key=lambda n: n.date.month):
            out.append(f"<details><summary>{month}月</summary>\n")
            for number, note in enumerate(in_month, 1):
                href = _escape(posixpath.relpath(note.path, readme_dir) if readme_dir else note.path)
                title = _escape(note.title or "")
                out.append(f'    {number}. <a href="{href}" target="_blank">{title}</a>\n')
            out.append("</details>\n")
        out.append("</pre>\n")
    return "".join(out)


def note_highlights(note_text: str, note: Note, settings: Settings, readme_dir: str) -> str:
    """The content of a note's 今日要点 section, rebased to the README's folder, LF endings."""
    text = note_text.replace("\r\n", "\n").replace("\r", "\n")
    found = find_sections(split_lines(text), settings.highlights_heading)
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
    content = section.content
    if content:
        if not content[-1].eol and new.endswith(nl):
            new = new[: -len(nl)]  # the file ended without a newline; keep it that way
        return content[0].start, content[-1].end, new
    if not new:
        return None
    if section.body:
        at = section.body[0].start
        return at, at, nl + new
    heading = section.heading.line
    if not heading.eol:  # heading is the last line and has no newline
        return heading.end, heading.end, nl + nl + new[: -len(nl)]
    if heading.end == len(text):
        return heading.end, heading.end, nl + new
    return heading.end, heading.end, nl + new + nl


Edit = tuple[int, int, str]  # (start, end, replacement) offsets in the README text


def _changes(text: str, edit: Edit | None) -> bool:
    return edit is not None and text[edit[0] : edit[1]] != edit[2]


class OwnedEdits(NamedTuple):
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
        history=_section_edit(text, layout.history, render_history(indexed, readme_dir), layout.newline),
    )
