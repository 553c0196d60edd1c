"""The one computation `check` and `publish` share: from the README text and the notes,
what should the README be, and what is wrong with it now.

`check` reports the plan; `publish` writes `plan.new_text`. Neither decides anything the
other does not, so a README that `check` passes is exactly what `publish` writes.
"""

from __future__ import annotations

import datetime
import gc
import posixpath

from dairly.config import Settings
from dairly.diagnose import diagnose
from dairly.errors import NotesError
from dairly.model import Note, Problem
from dairly.notes import Scan, decode, newest, scan_notes
from dairly.readme import locate, note_highlights, plan_edits
from dairly.tuples import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dairly.notes import NoteSource


@record
class Plan:
    settings: Settings
    readme_path: str
    text: str  # the README now
    new_text: str | None  # the README as publish writes it; None when it cannot be computed
    promoted: Note
    scan: Scan
    problems: list[Problem]  # notes problems first, then README drift
    highlights: str | None = None  # the promoted note's 今日要点 content, rebased

    def rewrite(self, other_text: str) -> str:
        """Another README text (say, the committed one) as publish would write it with
        these notes: two READMEs that rewrite alike differ only in the owned parts."""
        assert self.highlights is not None
        layout = locate(other_text, self.settings, self.readme_path)
        readme_dir = posixpath.dirname(self.readme_path)
        return plan_edits(other_text, layout, self.scan.indexed, self.promoted, self.highlights, readme_dir).apply(
            other_text
        )

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


def choose_note(scan: Scan, settings: Settings, date: datetime.date | None) -> Note:
    """The note to promote: the newest indexed one, or the one of `date`."""
    if date is None:
        note = newest(scan.indexed)
        if note is None:
            raise NotesError(
                "has no notes to publish (drafts and notes without a title do not count)", path=settings.notes_dir
            )
        return note
    path = f"{settings.notes_dir}/{date.year}{date.month:02d}/{date.month:02d}{date.day:02d}.md"
    for note in scan.notes:
        if note.date == date:
            if note.draft:
                raise NotesError("is a draft (front matter draft: true); drafts are not published", path=note.path)
            return note
    raise NotesError(f"no note for {date.isoformat()}", path=path)


def compute(
    source: NoteSource,
    readme_text: str,
    settings: Settings,
    today: datetime.date,
    date: datetime.date | None = None,
) -> Plan:
    # Tens of thousands of small tuples (lines, notes) and no reference cycles: the cyclic
    # garbage collector would walk them again and again for nothing (~5% of a 10,000-note
    # `check`). Reference counting still frees everything as usual.
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        return _compute(source, readme_text, settings, today, date)
    finally:
        if enabled:
            gc.enable()


def _compute(
    source: NoteSource,
    readme_text: str,
    settings: Settings,
    today: datetime.date,
    date: datetime.date | None,
) -> Plan:
    readme_path = settings.readme
    layout = locate(readme_text, settings, readme_path)
    scan = scan_notes(source, settings, today)
    promoted = choose_note(scan, settings, date)
    readme_dir = posixpath.dirname(readme_path)
    problems = list(scan.problems)
    try:
        highlights = note_highlights(decode(source.read(promoted.path), promoted.path), promoted, settings, readme_dir)
    except NotesError as exc:
        problems.append(Problem(promoted.path, exc.message))
        return Plan(settings, readme_path, readme_text, None, promoted, scan, problems)
    edits = plan_edits(readme_text, layout, scan.indexed, promoted, highlights, readme_dir)
    problems += diagnose(readme_text, layout, edits, scan, promoted, settings, readme_path)
    new_text = edits.apply(readme_text)
    if new_text != readme_text and not problems:
        # Guarantee: a README that differs is never reported as clean.
        problems.append(Problem(readme_path, "differs from what `dairly publish` writes", drift=True))
    return Plan(settings, readme_path, readme_text, new_text, promoted, scan, problems, highlights)
