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

from dairly.config import README_LIMIT, Settings
from dairly.errors import NotesError, Problem
from dairly.markdown import Section
from dairly.notes.note import Note, decode_note
from dairly.notes.scan import Scan, newest, scan_notes
from dairly.readme.layout import Layout, locate
from dairly.readme.render import (
    PAGE_MARK,
    history_page_path,
    note_highlights,
    promoted_findings,
    render_folded_history,
    render_history,
    render_review,
    render_year_page,
    year_parts,
    years_of,
)
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
    # The pages of the past years folded out of the tree (path -> text, LF endings), and
    # those of them that are not so in the source yet: what publish writes beside the README.
    pages: dict[str, str] = {}  # noqa: RUF012 (a Record's default, never mutated)
    stale_pages: tuple[str, ...] = ()

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
        # the section would run on past a heading GitHub does not show. Past what GitHub
        # shows of a README at all, the size is the one problem (_size_problems), and
        # reading that much text block by block would only make check slow.
        if len(highlights.encode("utf-8")) <= README_LIMIT:
            problems += promoted_findings(note_text, promoted, settings)
    history = render_history(scan.indexed, settings)
    review = None if layout.review is None else review_list(source, scan.indexed, settings)
    edits = plan_edits(readme_text, layout, scan.indexed, promoted, highlights, settings, history, review)
    new_text = edits.apply(readme_text)
    pages: dict[str, str] = {}
    folded = 0
    size = len(new_text.encode("utf-8"))
    if size > settings.readme_budget:  # below it, nothing changes
        by_year = years_of(scan.indexed)
        years, parts = list(by_year), year_parts(history)
        folded = _years_to_fold(size, years, parts, layout.newline, settings)
        if folded:
            history = render_folded_history(years, parts, folded, settings)
            edits = plan_edits(readme_text, layout, scan.indexed, promoted, highlights, settings, history, review)
            new_text = edits.apply(readme_text)
            for year in years[:folded]:
                pages[history_page_path(settings, year)] = render_year_page(by_year[year], settings, year)
    if new_text != readme_text and highlights is not None and promoted is not None:
        new_text = _keep_headings_shown(readme_text, new_text, edits, layout, promoted, settings)
    stale, page_problems = _page_problems(source, pages, readme_path, settings)
    problems += page_problems
    problems += _size_problems(new_text, readme_path, settings, folded, scan.indexed, promoted, highlights)
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
            pages,
            review_changed=edits.review_changed(readme_text),
        )
    if new_text != readme_text and not problems:
        # Guarantee: a README that differs is never reported as clean.
        problems.append(Problem(readme_path, "differs from what `dairly publish` writes", drift=True))
    return Plan(
        settings,
        readme_path,
        readme_text,
        new_text,
        promoted,
        scan,
        problems,
        highlights,
        history,
        layout,
        review,
        pages,
        stale,
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


def _size(text: str, newline: str) -> int:
    """The UTF-8 size of `text` once its LF line ends are `newline`."""
    return len(text.encode("utf-8")) + (len(newline) - 1) * text.count("\n")


def _years_to_fold(size: int, years: list[int], parts: list[str], newline: str, settings: Settings) -> int:
    """How many of the oldest years leave the tree for pages of their own: the fewest that
    bring the README (`size` bytes with the whole tree, its `parts`) within its budget,
    and never the newest year."""
    costs = [_size(part, newline) for part in parts]
    whole = sum(costs)
    room = settings.readme_budget - len(newline)  # the blank line _keep_headings_shown may add
    for folded in range(1, len(years)):
        lines = _size(render_folded_history(years[:folded], [], folded, settings), newline)
        if size - whole + sum(costs[folded:]) + lines <= room:
            return folded
    return max(len(years) - 1, 0)


def _page_problems(
    source: NoteSource, pages: dict[str, str], readme_path: str, settings: Settings
) -> tuple[tuple[str, ...], list[Problem]]:
    """The pages that are not as publish writes them, and what check says of each: missing
    or stale is what publish fixes; a file dairly did not write there needs a person."""
    from dairly.fsio import decode_utf8

    stale = []
    problems = []
    for path, page in pages.items():
        try:
            current = decode_utf8(source.read(path), path)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            current = None
        if current == page:
            continue
        stale.append(path)
        if current is None:
            year = posixpath.basename(path)[:-3]
            moved = f"the {settings.history_heading} tree moves {year} here to keep {readme_path} within readme_budget"
            problems.append(Problem(path, f"is missing: {moved}", drift=True))
        elif current.startswith(PAGE_MARK):
            problems.append(Problem(path, "differs from what `dairly publish` writes", drift=True))
        else:
            problems.append(
                Problem(path, "is not a page dairly wrote, but a past year of the history tree goes there; move it")
            )
    return tuple(stale), problems


def _size_problems(
    new_text: str,
    readme_path: str,
    settings: Settings,
    folded: int,
    indexed: Sequence[Note],
    promoted: Note | None,
    highlights: str | None,
) -> list[Problem]:
    """The README past its budget (a warning) or past what GitHub shows (a failure): how
    big it is and the way out."""
    size = len(new_text.encode("utf-8"))
    if size <= settings.readme_budget and size <= README_LIMIT:
        return []
    years = len(years_of(indexed))
    promoted_size = len(highlights.encode("utf-8")) if highlights else 0
    if promoted is not None and promoted_size * 2 > size:  # most of it is the promoted note's
        way = f"the {settings.highlights_heading} of {promoted.path} takes {promoted_size:,} of them; shorten it"
    elif folded < years - 1 and settings.readme_budget >= size:
        way = f"lower readme_budget (now {settings.readme_budget:,}) so publish moves past years to pages of their own"
    elif years > 1:
        way = "the history tree keeps only the newest year already; move hand-written text out of the README"
    else:
        way = "the history tree holds one year, which stays; move hand-written text out of the README"
    if size > README_LIMIT:
        return [Problem(readme_path, f"is {size:,} bytes: GitHub shows only the first {README_LIMIT:,}; {way}")]
    budget = f"its budget of {settings.readme_budget:,} bytes (readme_budget)"
    return [Problem(readme_path, f"is {size:,} bytes, past {budget}; {way}", warning=True)]


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
