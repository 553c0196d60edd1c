"""`dairly lint`: problems inside the notes, one `path:line: message` line each.

`--fix` first makes the fixes that need no judgement (dairly.notes.fixes.fix_note) in
the notes that need them, each written atomically, then reports what is left.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from urllib.parse import unquote

from dairly import output
from dairly.errors import OK, PROBLEMS, Problem
from dairly.notes.index import NotesIndex, open_index
from dairly.notes.rules import link_problems, repeated_problems, web_address_links
from dairly.notes.scan import path_problems
from dairly.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Callable

    from dairly.notes.fixes import Fixed


def _exists(ws: Workspace) -> Callable[[str], bool]:
    return lambda target: os.path.exists(ws.file(unquote(target)))


def find_problems(ws: Workspace, index: NotesIndex) -> list[Problem]:
    """Every problem in the notes, ordered by path and line."""
    problems = index.findings()
    problems.extend(link_problems(index.local_links(), _exists(ws)))
    problems.extend(repeated_problems(index.repeated_entries()))
    problems.sort(key=lambda p: (p.path, p.line or 0))
    return problems


def fix_notes(ws: Workspace, index: NotesIndex) -> list[tuple[str, Fixed]]:
    """Apply the mechanical fixes to the notes, under the repository lock; returns what
    changed, as (note, change), in path order. A note is replaced only if it still holds
    the bytes the fixes were made from: one an editor saved meanwhile is left as saved."""
    from dairly.errors import ChangedError
    from dairly.fsio import atomic_write, decode_utf8, refusal
    from dairly.lock import repository_lock
    from dairly.markdown import BOM
    from dairly.notes.fixes import fix_note

    web_links: dict[str, list[tuple[int, str]]] = {}
    for path, link in web_address_links(index.local_links(), _exists(ws)):
        web_links.setdefault(path, []).append((link.line, link.url))
    # Only a note with a finding can need a blank line; the others are not read.
    paths = sorted({problem.path for problem in index.findings()} | set(web_links))
    entry_numbers = _entry_numbers(index, paths)
    changes: list[tuple[str, Fixed]] = []
    with repository_lock(ws):
        for path in paths:
            full = ws.file(path)
            try:
                with open(full, "rb") as f:
                    data = f.read()
                text = decode_utf8(data, path)
            except OSError as exc:
                raise refusal(exc, path) from None
            bom = BOM if text.startswith(BOM) else ""
            fixed_text, fixed = fix_note(text[len(bom) :], web_links.get(path, ()), entry_numbers.get(path))
            if not fixed:
                continue
            try:
                atomic_write(full, bom + fixed_text, shown=path, expect=data)
            except ChangedError:
                output.warn(f"{path}: changed on disk while lint --fix worked on it; left as it is now, not fixed")
                continue
            changes.extend((path, change) for change in fixed)
    return changes


def _entry_numbers(index: NotesIndex, paths: list[str]) -> dict[str, dict[int, int]]:
    """{note: {line: number}} of the entries of these notes."""
    numbers: dict[str, dict[int, int]] = {}
    for record in index.records(paths):
        numbers[record.path] = {entry.line: entry.number for entry in record.entries}
    return numbers


def run(ws: Workspace, *, as_json: bool = False, fix: bool = False) -> int:
    index = open_index(ws)
    try:
        return _run(ws, index, as_json=as_json, fix=fix)
    finally:
        index.conn.close()  # the index that is open now (--fix opens it again)


def _run(ws: Workspace, index: NotesIndex, *, as_json: bool, fix: bool) -> int:
    if fix:
        changes = fix_notes(ws, index)
        for path, change in changes:
            line = f"fixed {path}:{change.line}: {change.message}"
            if as_json:  # stdout is the JSON list
                output.warn(line, None)
            else:
                output.say(line)
        if changes:  # the index reads the rewritten notes again when it is opened
            index.conn.close()
            index.conn = open_index(ws).conn
    # One rule for what is a note: the paths check reports as no note, lint reports too.
    problems = sorted(
        path_problems(ws.root, ws.settings) + find_problems(ws, index), key=lambda p: (p.path, p.line or 0)
    )
    notes = index.note_count()
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
