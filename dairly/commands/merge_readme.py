"""`dairly merge-readme BASE OURS THEIRS PATH`: the README's git merge driver.

Git runs it as `dairly merge-readme %O %A %B %P` (registered by `dairly hook install`)
from the top of the work tree, with the three versions of the README in temporary files.
The hand-written text is merged by git's own line merge with the owned parts held
constant, then the owned parts are regenerated from the notes the merge produces
(dairly.readme.merge). The result goes into OURS (%A): exit 0 when it is clean, 1 when a
person must resolve conflicts, which git then reports as it would without the driver.

Whatever goes wrong, OURS gets a merge of both sides: git's plain line merge when dairly
cannot do better. A driver that failed would leave OURS as it was, our side only, marked
as conflicted but without markers: the one way a merge could silently drop their edits.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from dairly import output
from dairly.errors import OK, PROBLEMS, DairlyError
from dairly.fsio import atomic_write, decode_utf8, refusal
from dairly.workspace import Workspace

if TYPE_CHECKING:
    from dairly.gitrepo import NotesRepo
    from dairly.notes.stored import BlobNotes
    from dairly.readme.merge import Merged


def _read(name: str, shown: str) -> bytes:
    try:
        with open(name, "rb") as f:
            return f.read()
    except OSError as exc:
        raise refusal(exc, shown) from None


def run(ws: Workspace, *, base: str, ours: str, theirs: str, path: str) -> int:
    """Merge the README versions in the files `base`, `ours` and `theirs` into `ours`;
    `path` is the README's path from the top of the work tree (git's %P)."""
    from dairly import gitrepo, mergedriver

    versions = [_read(name, path) for name in (base, ours, theirs)]
    notes_repo = gitrepo.open_repo(ws, purpose="git runs merge drivers in one")
    readme = notes_repo.top_path(ws.settings.readme)
    labels = ("ours", "base", "theirs")
    merged: Merged | None = None
    unknown = why = ""  # why the merged notes are unknown; why dairly could not merge
    year = _page_year(ws, notes_repo.relative(path) or "")
    if year is not None:
        return _merge_page(ws, notes_repo, versions, ours, path, year)
    if path != readme:
        why = f"is not the README of the notes repository at {notes_repo.prefix or '.'} ({readme})"
    else:
        try:
            sides = mergedriver.merge_sides(notes_repo, readme, *versions)
            notes = None
            if sides is None:
                unknown = "not a `git merge` or `git rebase` pick"
            else:
                labels = ("HEAD", "base", sides.theirs_name)
                notes = mergedriver.merged_notes(notes_repo, ws.settings.pattern, sides)
                unknown = "the notes conflict" if notes is None else "no note to publish"
            merged = _merge(ws, notes_repo, versions, notes, labels)
        except DairlyError as exc:
            why = exc.message
        except Exception as exc:  # a bug of ours must not cost the user their side of the merge
            why = f"internal error {type(exc).__name__}: {exc} (please report it)"
    if merged is None:
        output.warn(f"dairly: {path}: {why}; merged it as plain text, as git does")
        data, clean = mergedriver.merge_file(notes_repo, versions[1], versions[0], versions[2], labels)
    else:
        data, clean = merged.text.encode("utf-8"), merged.clean
        if not merged.regenerated:
            output.warn(
                f"dairly: {path}: cannot regenerate the parts dairly owns here ({unknown}); took them from the"
                " side that changed them (ours if both did): after the merge, `dairly check` tells what to publish"
            )
        elif not clean:
            output.warn(f"dairly: {path}: hand edits conflict; the parts dairly owns are merged already")
    atomic_write(ours, data, path)
    return OK if clean else PROBLEMS


def _page_year(ws: Workspace, path: str) -> int | None:
    """The year whose page (history/YYYY.md beside the README) `path` is, if it is one."""
    from dairly.readme.render import history_page_path

    name = path.rpartition("/")[2]
    stem = name[:-3] if name.endswith(".md") else ""
    if len(stem) != 4 or not stem.isdigit() or int(stem) == 0:
        return None
    return int(stem) if history_page_path(ws.settings, int(stem)) == path else None


def _merge_page(ws: Workspace, notes_repo: NotesRepo, versions: list[bytes], ours: str, path: str, year: int) -> int:
    """A past year's page is a function of that year's notes: written from the notes the
    merge produces; merged as git does when they are unknown (the notes conflict)."""
    from dairly import mergedriver
    from dairly.notes.scan import scan_notes
    from dairly.readme.render import render_year_page

    page: str | None = None
    try:
        sides = mergedriver.merge_sides(notes_repo, path, *versions)
        notes = None if sides is None else mergedriver.merged_notes(notes_repo, ws.settings.pattern, sides)
        if notes is not None:
            today = datetime.date.today()
            in_year = [n for n in scan_notes(notes, ws.settings, today).indexed if n.date.year == year]
            page = render_year_page(in_year, ws.settings, year) if in_year else None
    except DairlyError as exc:
        output.warn(f"dairly: {path}: {exc.message}; merged it as plain text, as git does")
    if page is None:
        data, clean = mergedriver.merge_file(
            notes_repo, versions[1], versions[0], versions[2], ("ours", "base", "theirs")
        )
    else:
        data, clean = page.encode("utf-8"), True
    atomic_write(ours, data, path)
    return OK if clean else PROBLEMS


def _merge(
    ws: Workspace, notes_repo: NotesRepo, versions: list[bytes], notes: BlobNotes | None, labels: tuple[str, str, str]
) -> Merged:
    from dairly.mergedriver import merge_file
    from dairly.readme.merge import merge_readme

    path = ws.settings.readme
    base, ours, theirs = (decode_utf8(data, path) for data in versions)

    def line_merge(ours: str, base: str, theirs: str) -> tuple[str, bool]:
        out, clean = merge_file(notes_repo, ours.encode("utf-8"), base.encode("utf-8"), theirs.encode("utf-8"), labels)
        return decode_utf8(out, path), clean

    return merge_readme(base, ours, theirs, ws.settings, line_merge, notes, datetime.date.today())
