"""One publish at a time per repository: two terminals, an editor plugin and a hook may
all run `dairly publish` at once; the lock makes the result equal to runs one after another.

The lock is an OS-level lock on a file (flock on POSIX, msvcrt.locking on Windows), so a
killed process releases it at once. It lives in the git directory when there is one, so it
is never committed. It is a dozen lines of our own rather than the filelock package, whose
import (logging, inspect, asyncio support) was a fifth of every `publish` (bench/README.md).
"""

from __future__ import annotations

import errno
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from dairly import output
from dairly.errors import BusyError
from dairly.workspace import Workspace

DEFAULT_TIMEOUT = 60.0


def lock_path(ws: Workspace) -> str:
    private = ws.private_dir()
    if private is not None:
        os.makedirs(private, exist_ok=True)
        return os.path.join(private, "lock")
    import hashlib
    import tempfile

    digest = hashlib.sha1(ws.root.encode("utf-8")).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"dairly-{digest}.lock")


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


def _unlock(fd: int) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)


@contextmanager
def repository_lock(ws: Workspace) -> Iterator[None]:
    timeout = float(os.environ.get("DAIRLY_LOCK_TIMEOUT", DEFAULT_TIMEOUT))
    path = lock_path(ws)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        if not _try_lock(fd):
            output.warn(f"waiting for another dairly run on this repository (lock {path})")
            deadline = time.monotonic() + timeout
            while not _try_lock(fd):
                if time.monotonic() >= deadline:
                    raise BusyError(
                        f"another dairly run held the lock {path} for {timeout:.0f}s; try again when it has finished"
                    )
                time.sleep(0.05)
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)  # closing alone would release it too; unlocking first says what we mean
