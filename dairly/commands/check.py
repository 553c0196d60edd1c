"""`dairly check`: report, without writing, every way the README differs from what
`publish` would write and every note a human must fix."""

from __future__ import annotations

import datetime
import os

from dairly import output
from dairly.commands.common import Workspace, unified_diff
from dairly.errors import OK, PROBLEMS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from dairly.notes import NoteSource


def run(ws: Workspace, source: NoteSource, today: datetime.date, *, show_diff: bool = False) -> int:
    plan = ws.plan(source, today)
    for problem in plan.problems:
        (output.warn if problem.warning else output.say)(str(problem))
    if show_diff and plan.new_text is not None and plan.new_text != plan.text:
        output.diff(unified_diff(plan.text, plan.new_text, plan.readme_path))
    if plan.in_sync:
        count = len(plan.scan.indexed)
        output.say(f"{plan.readme_path} is in sync with {count} note{'s' if count != 1 else ''}", "green")
        return OK
    failing = [p for p in plan.problems if not p.warning]
    fix = "run `dairly publish` to fix the README" if not plan.blocking else "fix the notes, then run `dairly publish`"
    output.say(f"{len(failing)} problem{'s' if len(failing) != 1 else ''}; {fix}", "red")
    return PROBLEMS


def run_from_cli(root: str | os.PathLike[str] | None, *, staged: bool = False, show_diff: bool = False) -> int:
    """`dairly [--root PATH] check [--staged] [--diff]`, from Typer or the fast path."""
    ws = Workspace.open(root)
    if staged:
        from dairly import repo

        source: NoteSource = repo.GitIndex(repo.open_repo(ws.path, purpose="--staged reads the git index"))
    else:
        from dairly.notes import WorkTree

        source = WorkTree(ws.root)
    return run(ws, source, datetime.date.today(), show_diff=show_diff)
