"""`dairly lint`: problems inside the notes, one `path:line: message` line each."""

from __future__ import annotations

import os
from urllib.parse import unquote

from dairly import output
from dairly.errors import OK, PROBLEMS, Problem
from dairly.notes.index import NotesIndex, open_index
from dairly.notes.rules import link_problems, repeated_problems
from dairly.workspace import Workspace


def find_problems(ws: Workspace, index: NotesIndex) -> list[Problem]:
    """Every problem in the notes, ordered by path and line."""
    problems = index.findings()
    problems.extend(link_problems(index.local_links(), lambda target: os.path.exists(ws.file(unquote(target)))))
    problems.extend(repeated_problems(index.repeated_entries()))
    problems.sort(key=lambda p: (p.path, p.line or 0))
    return problems


def run(ws: Workspace, *, as_json: bool = False) -> int:
    index = open_index(ws)
    problems = find_problems(ws, index)
    notes = len(index.notes())
    if as_json:
        output.print_json([{"path": p.path, "line": p.line, "message": p.message} for p in problems])
    else:
        for problem in problems:
            output.say(str(problem))
        if problems:
            noted = len({p.path for p in problems})
            output.say(f"{output.plural(len(problems), 'problem')} in {output.plural(noted, 'note')}", "red")
        else:
            output.say(f"{output.plural(notes, 'note')}, no problems", "green")
    return PROBLEMS if problems else OK
