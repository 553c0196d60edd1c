"""A three-way merge of README texts that never conflicts in the parts dairly owns.

Two machines that each publish a note both rewrite the date line, the 今日要点 body and
the 历史更新 tree (and the 回顾 list, when it is on), so git's line merge conflicts there
every time, although those parts are only a function of the notes. Here each version's owned parts are first replaced by
one fixed placeholder (`neutralise`), so a line merge of the three versions sees changes
only in the hand-written text; then the owned parts are put back: regenerated from the
merged notes when the caller knows them (`compute`, what `publish` writes), else taken
from whichever side changed them, as git would.

Pure: texts and notes in, text out. The line merge itself is git's, passed in as a
function, so conflicts look exactly as git writes them.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING

from dairly.config import Settings
from dairly.errors import InputError, NotesError
from dairly.markdown import Section
from dairly.readme.layout import Layout, locate
from dairly.readme.plan import compute
from dairly.tuples import Record

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Literal

    from dairly.notes.scan import NoteSource

    # The line merge: (ours, base, theirs) -> (merged text, clean), as `git merge-file -p`.
    LineMerge = Callable[[str, str, str], tuple[str, bool]]

# Stands for every owned part in the texts given to the line merge. It is never written:
# a result that still holds it is refused (InputError), so the caller falls back to
# git's plain merge rather than leave it in a README.
PLACEHOLDER = "<dairly merge-readme: generated from the notes>"
# The date's, where the value was empty right after an ASCII colon (`Last updated:`, as
# init writes it): a space goes before it, as publish puts one before the first date.
BARE_PLACEHOLDER = "<dairly merge-readme: the date, generated from the notes>"


class Owned(Record):
    """A README's owned parts, exactly as in its text."""

    date: str  # the date line's value
    highlights: str | None  # the 今日要点 body from its first to its last non-blank line; None when blank
    history: str | None  # likewise for the 历史更新 body
    review: str | None = None  # likewise for the 回顾 body; None too when the readme_review setting is off


class Merged(Record):
    text: str
    clean: bool  # False: conflicts are left for a person (markers, or owned parts both sides changed)
    regenerated: bool  # the owned parts were regenerated from the merged notes


def neutralise(text: str, settings: Settings, path: str) -> tuple[str, Owned]:
    """The text with each owned part replaced by PLACEHOLDER, and the parts it held.

    The section bodies keep their blank lines around the content, so the merged text
    keeps the README's own spacing and `compute` puts the content back where it was.
    Raises InputError when the owned parts cannot be found."""
    layout = locate(text, settings, path)
    start, end = layout.date_span
    # An empty value right after an ASCII colon (`Last updated:`) gets the space publish
    # gives it, so the merged line reads alike from either side (fill takes it back).
    bare = start == end and text[start - 1 : start] == ":"
    edits = [(start, end, " " + BARE_PLACEHOLDER if bare else PLACEHOLDER)]
    parts: list[str | None] = []
    for section in _sections(layout):
        span = section.content_span()
        if span is None:
            parts.append(None)
            continue
        start, end, eol = span
        parts.append(text[start:end])
        edits.append((start, end, PLACEHOLDER + eol))
    owned = Owned(text[layout.date_span[0] : layout.date_span[1]], *parts)
    return _splice(text, edits), owned


def _sections(layout: Layout) -> list[Section]:
    """The owned sections, in Owned's order: 今日要点, 历史更新, and 回顾 when it is on."""
    return [layout.highlights, layout.history] + ([] if layout.review is None else [layout.review])


def _splice(text: str, edits: list[tuple[int, int, str]]) -> str:
    # Right to left, so earlier offsets stay valid; plain slicing, never a regex template.
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def side(base: object, ours: object, theirs: object) -> Literal["ours", "theirs"] | None:
    """Which side a three-way merge of one value takes, as git does for a whole file: the
    side that changed it (ours when both made the same change); None when both changed it
    differently."""
    if ours == theirs or base == theirs:
        return "ours"
    if base == ours:
        return "theirs"
    return None


def merge_owned(base: Owned, ours: Owned, theirs: Owned) -> tuple[Owned, bool]:
    """The owned parts merged part by part; ours (and False) where both sides changed one."""
    taken = [side(b, o, t) for b, o, t in zip(base, ours, theirs, strict=True)]
    merged = Owned._make(t if s == "theirs" else o for s, o, t in zip(taken, ours, theirs, strict=True))
    return merged, None not in taken


def placeholders(text: str, settings: Settings, path: str) -> Layout:
    """The layout of a merged neutral text whose owned parts are each just the placeholder
    (or a blank body), so that replacing them replaces nothing else. A conflict that
    reaches into an owned part fails here (InputError): replacing that part could take a
    conflict marker or the other side's text with it."""
    layout = locate(text, settings, path)
    _no_conflict_markers(text, layout, path)
    if text[layout.date_span[0] : layout.date_span[1]] not in (PLACEHOLDER, BARE_PLACEHOLDER):
        raise InputError(f"the merge changed the {settings.date_label} line's value", path=path)
    for section in _sections(layout):
        span = section.content_span()
        if span is not None and text[span[0] : span[1]] != PLACEHOLDER + span[2]:
            raise InputError(f"the merge mixed other text into the '## {section.heading.title}' section", path=path)
    return layout


_CONFLICT_MARKER = re.compile(r"^(?:<{7}|>{7}|={7}$|\|{7})", re.M)


def _no_conflict_markers(text: str, layout: Layout, path: str) -> None:
    """A conflict marker between the owned headings fails: GitHub reads `=======` as a setext
    underline, so the sections found may end at a marker instead of holding it."""
    sections = sorted(_sections(layout), key=lambda s: s.start)
    m = _CONFLICT_MARKER.search(text, sections[0].start, sections[-1].end)
    if m is None:
        return
    section = next((s for s in reversed(sections) if s.heading.top.start <= m.start()), sections[0])
    raise InputError(f"the merge mixed other text into the '## {section.heading.title}' section", path=path)


def fill(text: str, owned: Owned, settings: Settings, path: str) -> str:
    """Put owned parts into a merged neutral text, in place of its placeholders."""
    layout = placeholders(text, settings, path)
    start, end = layout.date_span
    if not owned.date and text[start:end] == BARE_PLACEHOLDER:
        start -= 1  # the space neutralise gave an empty value goes with it
    edits = [(start, end, owned.date)]
    for section, part in zip(_sections(layout), (owned.highlights, owned.history, owned.review), strict=False):
        span = section.content_span()
        if span is None:
            if part is not None:  # nowhere to put it without inventing the section's spacing
                raise InputError(f"the merge left no place for the '## {section.heading.title}' body", path=path)
            continue
        start, end, eol = span
        if part is not None and not eol:  # the file now ends here without a newline
            part = part.rstrip("\r\n")
        edits.append((start, end, "" if part is None else part))
    return _splice(text, edits)


def merge_readme(
    base: str | None,
    ours: str,
    theirs: str,
    settings: Settings,
    line_merge: LineMerge,
    notes: NoteSource | None,
    today: datetime.date,
) -> Merged:
    """The merged README (see the module's docstring).

    `notes` are the notes the merge produces, None when the caller cannot tell them; with
    them the owned parts are what `publish` writes, so `check` passes after the merge.
    `base` None (unknown) makes it a two-way merge: hand edits that differ conflict.
    Raises InputError when a README's owned parts cannot be found, or when the merged
    text cannot take them back: the caller then falls back to git's plain merge."""
    path = settings.readme
    neutral = [
        ("", Owned("", None, None)) if text is None else neutralise(text, settings, path)
        for text in (base, ours, theirs)
    ]
    merged, clean = line_merge(neutral[1][0], neutral[0][0], neutral[2][0])
    result = None
    if notes is not None:
        placeholders(merged, settings, path)
        try:
            result = compute(notes, merged, settings, today).new_text
        except NotesError:  # no note to promote: nothing to regenerate from
            result = None
    regenerated = result is not None
    if result is None:
        owned, owned_clean = merge_owned(neutral[0][1], neutral[1][1], neutral[2][1])
        result = fill(merged, owned, settings, path)
        clean = clean and owned_clean
    if PLACEHOLDER in result or BARE_PLACEHOLDER in result:  # inside a conflict, or text like it by hand
        raise InputError("the merged text kept a placeholder", path=path)
    return Merged(result, clean, regenerated)
