"""Reading and writing user files without ever losing a byte.

Text is read as exact UTF-8 (BOM and line endings kept) and written atomically: a
temporary file in the same folder is written, flushed and fsynced, then moved over the
original with os.replace, so a crash leaves the old file or the new one, never a torn one.
"""

from __future__ import annotations

import contextlib
import os
import stat

from dairly.errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:  # callers pass Paths; `check` itself never imports pathlib (~2.5 ms)
    from pathlib import Path

TEMP_PREFIX = ".dairly-tmp-"


def read_text(path: Path, shown: str) -> str:
    """The file's exact text; `shown` is the name used in error messages."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("not found", path=shown) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=shown) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", path=shown) from None


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8) atomically, keeping the file's permissions."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically; a new file gets the usual umask permissions
    (mkstemp's 0600 would hide a feed or an image from a web server)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        mode = _default_mode()
    import tempfile  # only writers pay for it (~3 ms with shutil and random); `check` never writes

    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def remove_stale_temp_files(folder: Path) -> list[Path]:
    """Delete temporary files a killed run left behind (call only under the repository lock)."""
    removed = []
    for path in folder.glob(TEMP_PREFIX + "*"):
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
    return removed


def create_new(path: Path, text: str) -> bool:
    """Write `text` to a new file; False (nothing written) when the path exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return False
    with os.fdopen(fd, "wb") as f:
        f.write(text.encode("utf-8"))
    return True


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def find_root(start: str) -> str:
    """The git work tree holding `start`, else `start` itself (no git import needed)."""
    start = folder = os.path.realpath(start)
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent


def git_dir(root: Path) -> Path | None:
    """The git directory of the repository holding `root` (found without importing git),
    where dairly keeps what must never be committed: its lock and its parse cache."""
    from pathlib import Path

    root = Path(root).resolve()
    for folder in (root, *root.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # a worktree or submodule: ".git" names the real git dir
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                found = Path(text[len("gitdir:") :].strip())
                return found if found.is_absolute() else folder / found
    return None


def root_digest(root: Path) -> str:
    """A short stable name for a repository, for files kept outside it (lock, cache)."""
    import hashlib

    return hashlib.sha1(os.path.realpath(root).encode("utf-8")).hexdigest()[:16]
