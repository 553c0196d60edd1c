"""The one computation `check` and `publish` share: from the README text and the notes,
what the README should be, and what is wrong with it now. Pure: the notes come through a
NoteSource and the README as text; nothing is written here.

`check` reports the plan; `publish` writes `plan.new_text`. Neither decides anything the
other does not, so a README that `check` passes is exactly what `publish` writes.
"""

from __future__ import annotations

import datetime
import posixpath
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dairly.config import Settings
from dairly.errors import NotesError, Problem
from dairly.markdown import Section
from dairly.notes.note import Note, decode_note
from dairly.notes.scan import Scan, newest, scan_notes
from dairly.readme.layout import Layout, locate
from dairly.readme.render import note_highlights, promoted_findings, render_history, render_review
from dairly.tuples import Record

if TYPE_CHECKING:
    from dairly.notes.scan import NoteSource


class Plan(Record):
    settings: Settings
    readme_path: str
    text: str  # the README now
    new_text: str | None  # the README as publish writes it; None when it cannot be computed
    promoted: Note | None  # the newest note in the tree; None when there is none yet
    scan: Scan
    problems: list[Problem]  # notes problems first, then README drift
    highlights: str | None = None  # the promoted note's 今日要点 content, rebased
    history: str | None = None  # the history tree, rendered once: rewrite reuses it
    layout: Layout | None = None  # where the owned parts of `text` are
    review: str | None = None  # the 回顾 list, when the readme_review setting is on

    def rewrite(self, other_text: str) -> str:
        """Another README text (say, the committed one) as publish would write it with
        these notes: two READMEs that rewrite alike differ only in the owned parts."""
        layout = locate(other_text, self.settings, self.readme_path)
        edits = plan_edits(
            other_text,
            layout,
            self.scan.indexed,
            self.promoted,
            self.highlights,
            self.settings,
            self.history,
            self.review,
        )
        return edits.apply(other_text)

    @property
    def blocking(self) -> list[Problem]:
        """Problems a human must fix before publishing (README drift is what publish fixes)."""
        return [p for p in self.problems if not p.warning and not p.drift]

    @property
    def in_sync(self) -> bool:
        return self.new_text == self.text and not any(not p.warning for p in self.problems)

    @property
    def changed(self) -> bool:
        return self.new_text is not None and self.new_text != self.text


def compute(
    source: NoteSource,
    readme_text: str,
    settings: Settings,
    today: datetime.date,
) -> Plan:
    readme_path = settings.readme
    layout = locate(readme_text, settings, readme_path)
    scan = scan_notes(source, settings, today)
    promoted = newest(scan.indexed)  # None before the first note: the tree is empty, the rest stays
    readme_dir = posixpath.dirname(readme_path)
    problems = list(scan.problems)
    highlights = None
    if promoted is not None:
        try:
            note_text = decode_note(source.read(promoted.path), promoted.path)
            highlights = note_highlights(note_text, promoted, settings, readme_dir)
        except NotesError as exc:
            problems.append(Problem(promoted.path, exc.message, exc.line))
            return Plan(settings, readme_path, readme_text, None, promoted, scan, problems)
        # What GitHub shows of it: publish and check say the same, and both stop where
        # the section would run on past a heading GitHub does not show.
        problems += promoted_findings(note_text, promoted, settings)
    history = render_history(scan.indexed, settings)
    review = None if layout.review is None else review_list(source, scan.indexed, settings)
    edits = plan_edits(readme_text, layout, scan.indexed, promoted, highlights, settings, history, review)
    new_text = edits.apply(readme_text)
    if new_text != readme_text and highlights is not None and promoted is not None:
        new_text = _keep_headings_shown(readme_text, new_text, edits, layout, promoted, settings)
    if new_text != readme_text:
        from dairly.readme.drift import diagnose  # only a README that differs needs explaining

        problems += diagnose(
            readme_text,
            layout,
            edits.highlights_changed(readme_text),
            edits.history_changed(readme_text),
            scan,
            promoted,
            settings,
            readme_path,
            review_changed=edits.review_changed(readme_text),
        )
    if new_text != readme_text and not problems:
        # Guarantee: a README that differs is never reported as clean.
        problems.append(Problem(readme_path, "differs from what `dairly publish` writes", drift=True))
    return Plan(
        settings, readme_path, readme_text, new_text, promoted, scan, problems, highlights, history, layout, review
    )


def review_list(source: NoteSource, indexed: Sequence[Note], settings: Settings) -> str:
    """The 回顾 section's body: the notes readme_review_days days before the newest
    note's date (never the clock's: the same notes give the same README on any day), the
    nearest within review_window standing in (dairly.notes.lookback). Only those few notes
    are read again, for their entries, from the source the scan read."""
    from dairly.config import day_counts
    from dairly.notes.lookback import by_interval
    from dairly.notes.note import note_entries

    last = newest(indexed)
    if last is None:
        return ""
    by_date = {note.date: note for note in indexed}
    intervals = day_counts(settings.readme_review_days)
    shown = []
    for pick in by_interval(by_date, last.date, intervals, int(settings.review_window)):
        if pick.date is not None:
            note = by_date[pick.date]
            entries = note_entries(decode_note(source.read(note.path), note.path), settings)
            shown.append((pick, note, entries))
    return render_review(shown, settings)


def _keep_headings_shown(
    text: str, new_text: str, edits: OwnedEdits, layout: Layout, promoted: Note, settings: Settings
) -> str:
    """`new_text`, or with a blank line after the promoted 今日要点 when GitHub would
    otherwise show the heading under it as raw text (an HTML line glued above it)."""
    from dairly.errors import InputError

    try:
        locate(new_text, settings, settings.readme)
        return new_text
    except InputError:
        pass
    edit = edits.highlights
    if edit is not None and edit[2]:
        nl = layout.newline
        padded = edits._replace(highlights=(edit[0], edit[1], edit[2] + nl)).apply(text)
        try:
            locate(padded, settings, settings.readme)
            return padded
        except InputError:
            pass
    return new_text  # nothing helps: publish refuses it (commands/publish.py refuse_unstable), check reports drift


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


def _changes(text: str, edit: Edit | None) -> bool:
    # text[start:end] != new, without copying the slice (the history tree is most of the README)
    return edit is not None and (edit[1] - edit[0] != len(edit[2]) or not text.startswith(edit[2], edit[0]))


class OwnedEdits(Record):
    """The replacements for the owned parts; applying them is `publish`."""

    date: Edit | None
    highlights: Edit | None
    history: Edit | None
    review: Edit | None = None  # only when the readme_review setting is on

    def highlights_changed(self, text: str) -> bool:
        return _changes(text, self.highlights)

    def history_changed(self, text: str) -> bool:
        return _changes(text, self.history)

    def review_changed(self, text: str) -> bool:
        return _changes(text, self.review)

    def apply(self, text: str) -> str:
        if not any(_changes(text, e) for e in self):
            return text  # in sync: no copy of a README that may be megabytes
        out = text
        # Right to left, so earlier offsets stay valid; plain slicing, no regex templates.
        for start, end, new in sorted((e for e in self if e), reverse=True):
            out = out[:start] + new + out[end:]
        return out


def date_edit(text: str, span: tuple[int, int], value: str) -> Edit:
    """The date line's edit: its value replaced; an empty value after an ASCII colon
    (`Last updated:`, as init writes it) gets the space a colon is followed by."""
    start, end = span
    if start == end and text[start - 1 : start] == ":":
        value = " " + value
    return start, end, value


def plan_edits(
    text: str,
    layout: Layout,
    indexed: Sequence[Note],
    promoted: Note | None,
    highlights: str | None,
    settings: Settings,
    history: str | None = None,
    review: str | None = None,
) -> OwnedEdits:
    """What `publish` changes: owned parts regenerated from the notes, all else kept.
    Before the first note there is nothing to promote: the date line and 今日要点 stay.
    `history` is the tree already rendered from `indexed`, if it is; `review` the 回顾
    list, when the layout has that section."""
    if history is None:
        history = render_history(indexed, settings)
    return OwnedEdits(
        date=None if promoted is None else date_edit(text, layout.date_span, settings.date_text(promoted.date)),
        highlights=None if highlights is None else _section_edit(text, layout.highlights, highlights, layout.newline),
        history=_section_edit(text, layout.history, history, layout.newline),
        review=None if layout.review is None or review is None else _review_edit(text, layout.review, review, layout),
    )


def _review_edit(text: str, section: Section, review: str, layout: Layout) -> Edit | None:
    """The 回顾 section's edit, with a blank line after the list when a line follows it
    directly: an HTML block runs on to the next blank line, so GitHub would show the
    heading under it as raw text."""
    edit = _section_edit(text, section, review, layout.newline)
    if edit is None or not review:
        return edit
    start, end, new = edit
    if end < len(text) and text[end] not in "\r\n" and new.endswith(layout.newline):
        return start, end, new + layout.newline
    return edit
