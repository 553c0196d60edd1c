"""`dairly publish`: promote the newest note into the README, regenerate the history
tree, write the README atomically and commit it with the notes being published."""

from __future__ import annotations

import datetime
import os

from dairly import output
from dairly.config import format_date_template
from dairly.errors import OK, PROBLEMS, DairlyError, GitError
from dairly.fsio import atomic_write, remove_stale_temp_files
from dairly.notes.scan import WorkTree
from dairly.readme.plan import Plan, compute
from dairly.workspace import Workspace


def is_published(plan: Plan, path: str) -> bool:
    """Whether a changed path (notes-repo relative) belongs in the publish commit: the
    README, and everything under notes/ but drafts (notes and their images alike)."""
    if path == plan.readme_path:
        return True
    notes_prefix = plan.settings.notes_dir.strip("/") + "/"
    return path.startswith(notes_prefix) and not any(n.draft and n.path == path for n in plan.scan.notes)


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
    """Publish under the repository lock, so concurrent runs act one after another."""
    from dairly.lock import repository_lock

    with repository_lock(ws):
        remove_stale_temp_files(os.path.dirname(ws.readme_file))
        return _publish(ws, today, date, commit=commit, dry_run=dry_run, message=message, push=push, force=force)


def _publish(
    ws: Workspace,
    today: datetime.date,
    date: datetime.date | None,
    *,
    commit: bool,
    dry_run: bool,
    message: str | None,
    push: bool,
    force: bool,
) -> int:
    source = WorkTree(ws.root)
    plan = compute(source, ws.read_readme(source), ws.settings, today, date)
    for problem in plan.problems:
        if problem.warning:
            output.warn(str(problem))
    if plan.blocking:
        for problem in plan.blocking:
            output.say(str(problem))
        count = len(plan.blocking)
        output.warn(f"{count} problem{'s' if count != 1 else ''} in the notes; nothing written", style="red")
        return PROBLEMS
    assert plan.new_text is not None  # no blocking problem means the README was computed

    if dry_run:
        if plan.changed:
            output.diff(output.unified_diff(plan.text, plan.new_text, plan.readme_path))
        else:
            output.warn(f"{plan.readme_path} is already up to date", style="green")
        return OK

    notes_repo = None
    if commit:
        from dairly import gitrepo  # GitPython only on the committing path

        notes_repo = gitrepo.open_repo(ws)
        gitrepo.preflight(notes_repo, push=push)
        if not force:
            refuse_hand_edits(plan, gitrepo.head_text(notes_repo, plan.readme_path))
        others = [
            p
            for p in gitrepo.staged_paths(notes_repo)
            if (rel := notes_repo.relative(p)) is None or not is_published(plan, rel)
        ]
        if others:
            shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
            raise GitError(f"other paths are staged ({shown}); commit or unstage them first, or use --no-commit")

    if plan.changed:
        atomic_write(ws.readme_file, plan.new_text, plan.readme_path)
        fixed = [p for p in plan.problems if p.drift]
        output.say(f"{plan.readme_path}: published {plan.promoted.path}", "green")
        for problem in fixed:
            output.say(f"  fixed: {problem}")
    else:
        output.say(f"{plan.readme_path} is already up to date", "green")

    if notes_repo is not None:
        spec = [notes_repo.top_path(plan.readme_path), notes_repo.top_path(plan.settings.notes_dir.strip("/"))]
        paths = [
            rel
            for p in gitrepo.changed_paths(notes_repo, spec)
            if (rel := notes_repo.relative(p)) is not None and is_published(plan, rel)
        ]
        if not paths:
            output.say("nothing to commit")
        else:
            text = message or format_date_template(plan.settings.commit_message, plan.promoted.date)
            sha = gitrepo.commit(notes_repo, [notes_repo.top_path(p) for p in paths], text)
            output.say(f"committed {sha[:7]} {text!r}: {', '.join(paths)}")
    if notes_repo is not None and push:
        output.say(f"pushed to {gitrepo.push(notes_repo)}")
    return OK
