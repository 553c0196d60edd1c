"""When the notes index is stale as a whole: its stamp, the value its rows were built under.

The rows keep what dairly's code said about each note (the parser's record, lint's
findings), so besides the notes they depend on the settings and on the code itself. The
stamp holds dairly's version, a hash of the settings, and a hash of the size and
modification time of every Python file in the installed package, found by walking its
folder: no list of modules to keep in step with what the rows happen to import. A file
whose size or modification time changed is the rule Python itself uses to compile a
module again, so a change that reaches the code that runs reaches the stamp; an install,
an edit or a checkout of dairly's source rebuilds the index once. Only the files' stats
are read, never their text, on every command that opens the index.
"""

from __future__ import annotations

import hashlib
import os

from dairly import __version__
from dairly.config import Settings

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the dairly package's folder


def index_stamp(settings: Settings) -> str:
    """What the index's rows depend on besides the notes: another value means a rebuild."""
    digest = hashlib.sha1(repr(tuple(settings)).encode("utf-8")).hexdigest()[:16]
    return f"{source_stamp(PACKAGE)}:{__version__}:{digest}"


def source_stamp(package: str) -> str:
    """A hash of the path, size and modification time of every .py file under `package`
    (no source shipped, as in a frozen build: the version alone decides)."""
    digest = hashlib.sha1()
    for path in source_files(package):
        try:
            info = os.stat(os.path.join(package, path))
        except OSError:  # removed while walked: a change all the same
            digest.update(f"{path}\0?\n".encode())
            continue
        digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def source_files(package: str) -> list[str]:
    """The .py files under `package`, relative to it, in a fixed order."""
    found: list[str] = []
    folders = [""]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(os.path.join(package, folder)) as listing:
                names = sorted((entry.name, entry.is_dir(follow_symlinks=False)) for entry in listing)
        except OSError:
            continue
        for name, is_folder in names:
            path = f"{folder}/{name}" if folder else name
            if is_folder and name != "__pycache__":
                folders.append(path)
            elif not is_folder and name.endswith(".py"):
                found.append(path)
    return found
