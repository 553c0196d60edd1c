"""Reading and writing the user's files without ever losing a byte.

Text is decoded as exact UTF-8 (BOM and line endings kept) and written atomically: a
temporary file in the same folder is written, flushed and fsynced, then moved over the
original with os.replace, so a crash leaves the old file or the new one, never a torn one.

The operating system's refusals (permissions, a full disk, a file where a folder should
be) become FileSystemError naming the user's file, never one of our temporary files.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable

from dairly.errors import ChangedError, FileSystemError, InputError

TEMP_PREFIX = ".dairly-tmp-"

# What the operating system's refusal means for the user's file, by errno.
_REFUSALS = {
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "is on a read-only file system",
    errno.ENOSPC: "the disk is full",
    getattr(errno, "EDQUOT", -1): "the disk quota is exceeded",  # not on Windows
    errno.EISDIR: "is a directory, not a file",
    errno.ENOTDIR: "a file sits where a folder should be",
    errno.ENOENT: "not found",
    errno.ELOOP: "is a loop of symbolic links",
    errno.EBUSY: "is busy (in use by another program)",
    errno.ENAMETOOLONG: "the name is too long",
}


def refusal(exc: OSError, shown: str) -> FileSystemError:
    """The user-facing error for an OSError met while working on `shown`."""
    reason = _REFUSALS.get(exc.errno or 0) or (exc.strerror or str(exc)).lower()
    return FileSystemError(reason, path=shown)


def decode_utf8(data: bytes, shown: str) -> str:
    """The exact text of a file's bytes (a BOM, if any, stays); `shown` names it in errors."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", path=shown) from None


def read_unfollowed(path: str) -> bytes:
    """A file's bytes, never through a symbolic link (its own name's: O_NOFOLLOW)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        chunks = [os.read(fd, 1 << 16)]
        while len(chunks[-1]) == 1 << 16:  # over 64 KB: read the rest
            chunks.append(os.read(fd, 1 << 16))
    finally:
        os.close(fd)
    return b"".join(chunks)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write(
    path: str | os.PathLike[str], data: str | bytes, shown: str | None = None, *, expect: bytes | None = None
) -> None:
    """Replace `path` with `data` (text is written as UTF-8) atomically.

    `expect`: the bytes the file was read as. It is replaced only if it still holds them
    when the new file is ready (compare and swap): an editor's save made meanwhile is
    kept, and a ChangedError says so. An existing file keeps its permissions; a new one
    gets the usual umask permissions (mkstemp's 0600 would hide a feed or an image from
    a web server)."""
    path = os.fspath(path)
    shown = shown or path
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        mode = _default_mode()
    except OSError as exc:
        raise refusal(exc, shown) from None
    import tempfile  # only writers pay for it: `check` never writes

    folder = os.path.dirname(path) or "."
    try:
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    except OSError as exc:
        raise refusal(exc, shown) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        if expect is not None and _current(path) != expect:
            _remove_quietly(tmp)
            raise ChangedError("changed on disk while dairly worked on it; left as it is now", path=shown)
        os.replace(tmp, path)
    except OSError as exc:
        _remove_quietly(tmp)
        raise refusal(exc, shown) from None
    except BaseException:
        _remove_quietly(tmp)
        raise
    _fsync_dir(folder)


def special_target(path: str, shown: str) -> bool:
    """Whether an output path names (through links) a FIFO or a device: such a file is
    written into, never replaced (a FIFO's reader would wait forever on a file renamed
    over it, and /dev/full or /dev/stdout must stay what they are). A socket is refused."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise refusal(exc, shown) from None
    if stat.S_ISSOCK(mode):
        raise InputError("is a socket; name a file to write", path=shown)
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode)


def write_into(path: str, chunks: Iterable[bytes], shown: str) -> None:
    """Write into a FIFO or a device as it is (not atomic: it holds no file to replace)."""
    try:
        with open(path, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
    except OSError as exc:
        raise refusal(exc, shown) from None


def write_output(path: str, data: str | bytes, shown: str | None = None) -> None:
    """An output option's file (`feed -o`, `stats --svg`): a regular file replaced
    atomically, a FIFO or a device written into."""
    shown = shown or path
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if special_target(path, shown):
        write_into(path, [payload], shown)
    else:
        atomic_write(path, payload, shown)


def _current(path: str) -> bytes | None:
    """What a file holds now; None when it cannot be read."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:  # gone already, or never made
        return


def remove_stale_temp_files(folder: str) -> list[str]:
    """Delete temporary files a killed run left behind (call only under the repository lock)."""
    removed: list[str] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        if name.startswith(TEMP_PREFIX):
            path = os.path.join(folder, name)
            try:
                os.unlink(path)
            except OSError:
                continue
            removed.append(path)
    return removed


def create_new(path: str, text: str, shown: str) -> bool:
    """Write `text` to a new file, making its folders; False (nothing written) when it exists."""
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
    except FileExistsError:
        raise FileSystemError("a file sits where a folder should be", path=_first_file_in(path, shown)) from None
    except OSError as exc:
        raise refusal(exc, shown) from None
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return False
    except OSError as exc:
        raise refusal(exc, shown) from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(text.encode("utf-8"))
    except OSError as exc:
        _remove_quietly(path)
        raise refusal(exc, shown) from None
    return True


def _first_file_in(path: str, shown: str) -> str:
    """The part of `shown` that exists as a file where `path` needs a folder."""
    parts = shown.split("/")
    base = path[: len(path) - len(shown)] if path.endswith(shown) else ""
    for depth in range(1, len(parts)):
        candidate = "/".join(parts[:depth])
        if os.path.isfile(base + candidate):
            return candidate
    return shown


def _fsync_dir(folder: str) -> None:
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
