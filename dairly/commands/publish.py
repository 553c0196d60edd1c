"""`dairly publish`: promote the newest note into the README, regenerate the history
tree, write the README atomically and commit it with the notes being published.

All or nothing: everything that can be checked is checked before the README is written
(the notes, the README's layout, that `check` will accept the new README, the file's
permissions, and for a commit the repository's state); if the commit still fails, the
README's bytes and the git index are put back as they were. Nothing is printed until
the work is done, so a closed or unwritable terminal cannot leave it half done.
"""

from __future__ import annotations

import datetime
import os

from dairly import output
from dairly.config import format_date_template
from dairly.errors import OK, PROBLEMS, DairlyError, FileSystemError, GitError, InputError, NotesError
from dairly.fsio import atomic_write, remove_stale_temp_files
from dairly.notes.paths import note_path
from dairly.notes.scan import WorkTree
from dairly.readme.plan import Plan, compute
from dairly.workspace import Workspace


def is_published(plan: Plan, path: str, readme_target: str) -> bool:
    """Whether a changed path (notes-repo relative) belongs in the publish commit: the
    README (or the file it links to), and everything under notes/ but drafts and
    unfinished notes (notes and their images alike)."""
    if path in (plan.readme_path, readme_target):
        return True
    notes_prefix = plan.settings.notes_dir.strip("/") + "/"
    held_back = {n.path for n in plan.scan.notes if n.draft or n.unfinished}
    return path.startswith(notes_prefix) and path not in held_back


def refuse_hand_edits(plan: Plan, committed: str | None) -> None:
    """Refuse to sweep uncommitted hand edits of the README into a publish commit.

    Edits only to the parts dairly owns are not hand edits (an earlier `--no-commit`
    run makes those); anything else differing from the committed README is."""
    if committed is None or committed == plan.text:
        return
    try:
        same = plan.rewrite(committed) == plan.new_text
    except DairlyError:
        same = False
    if not same:
        raise GitError(
            "has uncommitted edits outside the parts dairly writes; commit them first,"
            " or use --force to include them in the publish commit",
            path=plan.readme_path,
        )


def refuse_older_promotion(plan: Plan, date: datetime.date | None) -> None:
    """`--date` names the note publish must promote: it must be the one `check` expects,
    the newest published note, or the README would fail the next `check`."""
    if date is None or (plan.promoted is not None and plan.promoted.date == date):
        return
    asked = note_path(plan.settings.notes_dir, date)
    note = next((n for n in plan.scan.notes if n.date == date), None)
    if note is None:
        raise NotesError(f"no note for {date.isoformat()}", path=asked)
    if note.draft:
        raise NotesError("is a draft (front matter draft: true); drafts are not published", path=asked)
    if note.unfinished is not None:
        raise NotesError(
            f"is unfinished: line {note.unfinished} still holds the placeholder TODO from `dairly new`", path=asked
        )
    if note.title is None or plan.promoted is None:
        raise NotesError("has no title (a '# title' line); the history tree needs one", path=asked)
    raise InputError(
        f"--date {date.isoformat()}: the README shows the newest note, {plan.promoted.path},"
        f" and `dairly check` would reject one showing {asked}; to show {asked}, mark the newer"
        " notes as drafts (front matter `draft: true`)"
    )


def refuse_nothing_published(plan: Plan, source: WorkTree) -> None:
    """Refuse a publish that would publish nothing because the newest note is not ready:
    unfinished (a placeholder left in its highlights), while the README stays as it is,
    or with an empty highlights section, which would blank the README's. A success
    there would read as "published"; the note and the line to fix are named instead."""
    newest = max((n for n in plan.scan.notes if not n.draft), key=lambda n: n.date, default=None)
    if newest is None:
        return
    heading = plan.settings.highlights_heading
    if newest.unfinished is not None and not plan.changed:
        raise NotesError(
            f"nothing published: the newest note is unfinished (this line still holds the placeholder TODO"
            f" from `dairly new`); fill in its {heading} and publish again",
            path=newest.path,
            line=newest.unfinished,
        )
    if newest == plan.promoted and plan.highlights is not None and not plan.highlights.strip():
        from dairly.markdown import find_sections
        from dairly.notes.note import decode_note

        text = decode_note(source.read(newest.path), newest.path).replace("\r\n", "\n").replace("\r", "\n")
        found = find_sections(text, heading)
        raise NotesError(
            f"nothing published: the newest note's {heading} section is empty; write the day's highlights under"
            " it and publish again",
            path=newest.path,
            line=found[0].heading.line.number if found else None,
        )


def refuse_unstable(plan: Plan) -> None:
    """Refuse to write a README that `check` would not accept as it stands: the promoted
    text could add a date line, open an HTML comment, or close a tag around a section."""
    assert plan.new_text is not None
    try:
        stable = plan.rewrite(plan.new_text) == plan.new_text
    except DairlyError:
        stable = False
    if not stable:
        source = plan.promoted.path if plan.promoted else "the notes"
        raise InputError(
            f"the {plan.settings.highlights_heading} of {source} would change where the README's parts are"
            " (a date line, an unclosed HTML comment or tag, a heading); fix the note and publish again",
            path=plan.readme_path,
        )


def run(
    ws: Workspace,
    *,
    today: datetime.date,
    date: datetime.date | None = None,
    commit: bool = True,
    dry_run: bool = False,
    message: str | None = None,
    push: bool = False,
    force: bool = False,
) -> int:
    if dry_run:  # reads only: no lock, so it works in a read-only repository too
        return _dry_run(ws, today, date)
    from dairly.lock import repository_lock

    with repository_lock(ws):  # concurrent publishes act one after another
        remove_stale_temp_files(os.path.dirname(ws.readme_file))
        lines, code = _publish(ws, today, date, commit=commit, message=message, push=push, force=force)
    for text, style in lines:
        output.say(text, style)
    return code


def _plan(ws: Workspace, today: datetime.date, date: datetime.date | None) -> Plan | None:
    """The plan, or None (with the problems printed) when the notes need a human first."""
    source = WorkTree(ws.root)
    plan = compute(source, ws.read_readme(source), ws.settings, today)
    for problem in plan.problems:
        if problem.warning:
            output.warn(str(problem))
    if plan.blocking:
        for problem in plan.blocking:
            output.say(str(problem))
        output.warn(f"{output.plural(len(plan.blocking), 'problem')} in the notes; nothing written", style="red")
        return None
    refuse_older_promotion(plan, date)
    refuse_nothing_published(plan, source)
    return plan


def _dry_run(ws: Workspace, today: datetime.date, date: datetime.date | None) -> int:
    plan = _plan(ws, today, date)
    if plan is None:
        return PROBLEMS
    assert plan.new_text is not None
    if plan.changed:
        refuse_unstable(plan)
        output.diff(output.unified_diff(plan.text, plan.new_text, plan.readme_path))
    else:
        output.warn(f"{plan.readme_path} is already up to date", style="green")
    return OK


Lines = list[tuple[str, str | None]]  # what to print, and its style


def _publish(
    ws: Workspace,
    today: datetime.date,
    date: datetime.date | None,
    *,
    commit: bool,
    message: str | None,
    push: bool,
    force: bool,
) -> tuple[Lines, int]:
    plan = _plan(ws, today, date)
    if plan is None:
        return [], PROBLEMS
    assert plan.new_text is not None
    readme_file = os.path.realpath(ws.readme_file)  # a linked README is written through its link
    readme_target = os.path.relpath(readme_file, ws.root).replace(os.sep, "/")
    if plan.changed:
        refuse_unstable(plan)
        if not os.access(readme_file, os.W_OK):
            raise FileSystemError("is read-only; make it writable to publish", path=plan.readme_path)

    notes_repo = None
    if commit:
        from dairly import gitrepo  # GitPython only on the committing path

        notes_repo = gitrepo.open_repo(ws)
        spec = [notes_repo.top_path(readme_target), notes_repo.top_path(plan.settings.notes_dir.strip("/"))]
        changed = [notes_repo.relative(p) for p in gitrepo.changed_paths(notes_repo, spec)]
        paths = sorted({p for p in changed if p is not None and is_published(plan, p, readme_target)})
        if plan.changed and readme_target not in paths:
            paths.append(readme_target)
        gitrepo.preflight(notes_repo, [notes_repo.top_path(p) for p in paths], push=push)
        if not force:
            refuse_hand_edits(plan, gitrepo.head_text(notes_repo, plan.readme_path))
        others = [
            p
            for p in gitrepo.staged_paths(notes_repo)
            if (rel := notes_repo.relative(p)) is None or not is_published(plan, rel, readme_target)
        ]
        if others:
            shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
            raise GitError(f"other paths are staged ({shown}); commit or unstage them first, or use --no-commit")

    lines: Lines = []
    before = plan.text.encode("utf-8")
    if plan.changed:
        atomic_write(readme_file, plan.new_text, plan.readme_path)
        what = f"published {plan.promoted.path}" if plan.promoted else "updated (no note to promote yet)"
        lines.append((f"{plan.readme_path}: {what}", "green"))
        lines += [(f"  updated: {problem}", None) for problem in plan.problems if problem.drift]
    else:
        lines.append((f"{plan.readme_path} is already up to date", "green"))

    if notes_repo is not None:
        # Named after the note shown, never after a day with no note published.
        named = format_date_template(plan.settings.commit_message, plan.promoted.date) if plan.promoted else None
        text = message or named or "dairly publish: no note published yet"
        snapshot = gitrepo.IndexSnapshot(notes_repo)
        try:
            sha = gitrepo.commit(notes_repo, [notes_repo.top_path(p) for p in paths], text) if paths else None
        except BaseException:
            snapshot.restore()
            if plan.changed:
                atomic_write(readme_file, before, plan.readme_path)
            raise
        if sha is None:
            lines.append(("nothing to commit", None))
        else:
            lines.append((f"committed {sha[:7]} {text!r}: {', '.join(paths)}", None))
        if push:
            lines.append((f"pushed to {gitrepo.push(notes_repo)}", None))
    return lines, OK
