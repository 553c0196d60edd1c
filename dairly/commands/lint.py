"""`dairly lint`: problems inside the notes, one `path:line: message` line each."""

from __future__ import annotations

import os

from dairly import output
from dairly.commands.common import Workspace
from dairly.commands.data import print_json, records
from dairly.errors import OK, PROBLEMS
from dairly.lint import lint


def run(ws: Workspace, *, as_json: bool = False) -> int:
    notes = records(ws, links=True)
    prefix = ws.root + os.sep
    problems = lint(notes, lambda target: os.path.exists(prefix + target), ws.settings.highlights_heading)
    if as_json:
        print_json([{"path": p.path, "line": p.line, "message": p.message} for p in problems])
    else:
        for problem in problems:
            output.say(str(problem))
        if problems:
            output.say(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} in {len(notes)} notes", "red")
        else:
            output.say(f"{len(notes)} notes, no problems", "green")
    return PROBLEMS if problems else OK
