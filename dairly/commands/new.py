"""`dairly new`: scaffold the day's note in the repository's note shape."""

from __future__ import annotations

import datetime
import os
import shlex
import subprocess

from dairly import output
from dairly.errors import OK, FileSystemError, InputError, NotesError
from dairly.fsio import create_new
from dairly.notes.skeleton import note_skeleton
from dairly.workspace import Workspace


def run(ws: Workspace, *, date: datetime.date, edit: bool = False) -> int:
    # Notes need no git, but a notes repository: a `dairly new` in the wrong folder would
    # start one there, unseen.
    ws.refuse_bare()
    ws.refuse_uninitialised()
    rel = ws.settings.pattern.path(date)
    path = ws.file(rel)
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if edit and not editor:
        raise InputError("--edit needs $VISUAL or $EDITOR to name your editor")
    shown = os.path.relpath(path)
    folder = os.path.dirname(path)
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise FileSystemError("is a file where the month's folder should be; move it away", path=os.path.dirname(rel))
    if not create_new(path, note_skeleton(ws.settings, date), rel):
        raise NotesError("already exists; nothing written", path=shown)
    output.say(shown)
    if edit:
        assert editor is not None
        try:
            return subprocess.call([*shlex.split(editor), path])
        except OSError as exc:
            raise InputError(f"cannot start editor {editor!r}: {exc.strerror}") from None
    return OK
