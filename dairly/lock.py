"""One publish at a time per repository: two terminals, an editor plugin and a hook may
all run `dairly publish` at once; the lock makes the result equal to runs one after another.

The lock is an OS-level file lock (filelock), so a killed process releases it at once.
It lives in the git directory when there is one, so it is never committed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dairly import output
from dairly.errors import BusyError
from dairly.fsio import git_dir

DEFAULT_TIMEOUT = 60.0


def lock_path(root: Path) -> Path:
    git = git_dir(root)
    if git is not None:
        return git / "dairly.lock"
    digest = hashlib.sha1(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"dairly-{digest}.lock"


@contextmanager
def repository_lock(root: Path) -> Iterator[None]:
    from filelock import FileLock, Timeout

    timeout = float(os.environ.get("DAIRLY_LOCK_TIMEOUT", DEFAULT_TIMEOUT))
    path = lock_path(root)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        output.warn(f"waiting for another dairly run on this repository (lock {path})")
        try:
            lock.acquire(timeout=timeout)
        except Timeout:
            raise BusyError(
                f"another dairly run held the lock {path} for {timeout:.0f}s; try again when it has finished"
            ) from None
    try:
        yield
    finally:
        lock.release()
