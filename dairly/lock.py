"""One publish at a time per repository: two terminals, an editor plugin and a hook may
all run `dairly publish` at once; the lock makes the result equal to runs one after another.

On POSIX the lock is flock() on the repository's folder itself: the kernel releases it
when the process ends, however it ends, and there is no lock file to leave behind. Windows
cannot lock a folder, so there it is msvcrt.locking on a file in the git directory (or the
temporary folder outside git), removed again when the lock is released.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from dairly import output
from dairly.config import seconds_from_env
from dairly.errors import BusyError
from dairly.fsio import refusal
from dairly.workspace import Workspace

DEFAULT_TIMEOUT = 60.0

# What a non-blocking lock call fails with when another process holds the lock:
# flock says EWOULDBLOCK (EAGAIN on Linux); msvcrt.locking says EACCES or EDEADLK.
_HELD = {errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, errno.EDEADLK}


def _try_lock(fd: int) -> bool:
    """Take the lock without waiting; False when another process holds it."""
    try:
        if sys.platform == "win32":  # pragma: no cover - CI runs on Linux
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in _HELD:
            return False
        raise
    return True


def _open_lock(ws: Workspace) -> tuple[int, str | None]:
    """The descriptor to lock, and the lock file to remove afterwards (Windows only)."""
    if sys.platform != "win32":
        return os.open(ws.root, os.O_RDONLY), None
    import hashlib  # pragma: no cover - CI runs on Linux
    import tempfile

    folder = ws.private_dir() or tempfile.gettempdir()
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, f"dairly-{hashlib.sha1(ws.root.encode('utf-8')).hexdigest()[:16]}.lock")
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o666), path


@contextmanager
def repository_lock(ws: Workspace) -> Iterator[None]:
    timeout = seconds_from_env("DAIRLY_LOCK_TIMEOUT", DEFAULT_TIMEOUT)
    try:
        fd, lock_file = _open_lock(ws)
    except OSError as exc:
        raise refusal(exc, ws.root) from None
    try:
        if not _try_lock(fd):
            output.warn(f"waiting for another dairly run on this repository ({ws.root})")
            deadline = time.monotonic() + timeout
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise BusyError(
                        f"another dairly run held the lock on {ws.root} for {timeout:.0f}s;"
                        " try again when it has finished"
                    )
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock
        if lock_file is not None:  # pragma: no cover - Windows
            with contextlib.suppress(OSError):  # another run holds it now: that run removes it
                os.remove(lock_file)
