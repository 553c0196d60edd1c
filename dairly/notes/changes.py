"""What changed in notes/ since the notes index last looked: each note's stamp (size,
mtime, ctime) against the one the index's `files` table recorded, and where the index
file lives. Light on purpose: `look_ahead` forks a child that works this out while the
parent imports Typer and the index's own modules, and the child needs only this, SQLite
and the scan's WorkTree.
"""

from __future__ import annotations

import os
from functools import partial

from dairly.notes.scan import Stamp, WorkTree
from dairly.parallel import Started, start

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

    from dairly.workspace import Workspace

Changes = tuple[list[tuple[str, Stamp, bool]], list[str]]  # ([(path, stamp, indexed before)], gone paths)


def index_path(ws: Workspace) -> str:
    """The index file: in the git directory, else the user's cache folder."""
    override = os.environ.get("DAIRLY_CACHE_DIR")
    private = ws.private_dir()
    if not override and private is not None:
        return os.path.join(private, "index.sqlite3")
    import hashlib

    folder = override or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "dairly"
    )
    digest = hashlib.sha1(ws.root.encode("utf-8")).hexdigest()[:16]
    return os.path.join(folder, f"index-{digest}.sqlite3")


def known_stamps(conn: sqlite3.Connection) -> dict[str, Stamp]:
    """The stamp each note had when it was indexed."""
    rows = conn.execute("SELECT path, size, mtime_ns, ctime_ns FROM files")
    return {path: (size, mtime, ctime) for path, size, mtime, ctime in rows}


def find_changes(known: dict[str, Stamp], root: str, notes_dir: str) -> Changes:
    """The notes whose stamp is not the one indexed, and the indexed paths that are gone.
    Every note is looked at: an edit in place changes no folder."""
    different: list[tuple[str, Stamp, bool]] = []
    for path, stamp in WorkTree(root).note_stamps(notes_dir):
        old = known.pop(path, None)
        if old != stamp:
            different.append((path, stamp, old is not None))
    return different, list(known)


def changes_from_file(path: str, root: str, notes_dir: str) -> tuple[str, Changes] | None:
    """(the index's stamp, find_changes against its rows) from the index file as it is,
    read only; None without a readable index."""
    import sqlite3

    if not os.path.isfile(path):
        return None
    uri = "file:" + path.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            row = conn.execute("SELECT value FROM dairly WHERE key = 'stamp'").fetchone()
            known = known_stamps(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return (row[0] if row else ""), find_changes(known, root, notes_dir)


# The child finding what changed, by repository root: see look_ahead.
_AHEAD: dict[str, Started] = {}


def look_ahead(ws: Workspace) -> None:
    """Start changes_from_file in another process, for take_ahead to collect: a command
    that opens the index calls this before importing Typer, which takes about as long."""
    path, notes_dir = index_path(ws), ws.settings.notes_dir.strip("/")
    started = start(partial(changes_from_file, path, ws.root, notes_dir))
    if started is not None:
        _AHEAD[ws.root] = started


def take_ahead(ws: Workspace) -> Started | None:
    """The child look_ahead started for this repository, if any."""
    return _AHEAD.pop(ws.root, None)
