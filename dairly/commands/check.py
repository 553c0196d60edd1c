"""`dairly check`: report, without writing, every way the README differs from what
`publish` would write and every note a human must fix."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from dairly import output
from dairly.errors import OK, PROBLEMS
from dairly.readme.plan import compute
from dairly.workspace import Workspace

if TYPE_CHECKING:
    from dairly.notes.scan import NoteSource


def run(ws: Workspace, *, today: datetime.date, staged: bool = False, show_diff: bool = False) -> int:
    source: NoteSource
    if staged:
        from dairly.gitrepo import open_repo  # git processes, not GitPython: the hook's path
        from dairly.notes.stored import GitIndex

        source = GitIndex(
            open_repo(ws, purpose="--staged reads the git index: run `git init` first, or check without --staged")
        )
    else:
        from dairly.notes.scan import WorkTree

        source = WorkTree(ws.root)
    plan = compute(source, ws.read_readme(source), ws.settings, today)
    for problem in plan.problems:
        (output.warn if problem.warning else output.say)(str(problem))
    if show_diff and plan.new_text is not None and plan.new_text != plan.text:
        output.diff(output.unified_diff(plan.text, plan.new_text, plan.readme_path))
    if plan.in_sync:
        output.say(f"{plan.readme_path} is in sync with {output.plural(len(plan.scan.indexed), 'note')}", "green")
        return OK
    failing = [p for p in plan.problems if not p.warning]
    fix = "run `dairly publish` to fix the README" if not plan.blocking else "fix the notes, then run `dairly publish`"
    output.say(f"{output.plural(len(failing), 'problem')}; {fix}", "red")
    return PROBLEMS
