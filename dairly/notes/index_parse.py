"""Notes read and parsed into their index rows, a batch at a time: in this process, or, for
a large first build on Linux, shared among forked worker processes (the standard
library's ProcessPoolExecutor, the only pool in dairly).

Workers only compute: each parses a batch of notes into plain values and sends them back;
the parent writes every row. A batch no worker delivered (a worker died, none could be
started) is parsed here, so the rows, the output and the first error named are those of
one process parsing the notes in order. A worker holds none of the user's streams and ends
with its parent, so a killed command leaves no process behind and `$(dairly stats)` ends.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from dairly.errors import FILESYSTEM, DairlyError, FileSystemError, InputError
from dairly.fsio import refusal
from dairly.notes.index_rows import Rows, note_rows
from dairly.notes.note import decode_note, parse_note
from dairly.notes.scan import Stamp, WorkTree

if TYPE_CHECKING:
    from concurrent.futures import Future

    from dairly.config import Settings

PARALLEL_MIN = 400  # fewer notes are parsed before worker processes would have started
BATCH = 64  # notes parsed, then written, at a time: what is held in memory at once
MAX_WORKERS = 8

Job = tuple[str, str, Stamp]  # a note to parse: (path, iso date, stamp)
Parsed = tuple[str, str, Stamp, Rows]  # (path, blob id, stamp, rows)
# What parsing one note gives, as plain values a worker sends back: (True, blob id, the
# rows as a tuple) or (False, an error's message, path, line, exit code).
Outcome = tuple[Any, ...]


def git_blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob (`git hash-object`)."""
    import hashlib

    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_note(source: WorkTree, path: str) -> bytes:
    try:
        return source.read(path)
    except OSError as exc:
        raise refusal(exc, path) from None


def parse_one(root: str, job: Job, settings: Settings) -> Outcome:
    """A note read and parsed into its rows, or why it cannot be."""
    from dairly.notes.rules import note_problems  # only when a note changed: reading the index needs none of it

    path, iso, _stamp = job
    try:
        data = read_note(WorkTree(root), path)
        text = decode_note(data, path)
        record = parse_note(path, datetime.date.fromisoformat(iso), text, settings)
    except DairlyError as exc:
        return False, exc.message, exc.path or path, exc.line, exc.exit_code
    return True, git_blob_id(data), tuple(note_rows(record, note_problems(record, settings, text)))


def parse_batch(root: str, jobs: list[Job], settings: Settings) -> list[Outcome]:
    """A batch of notes parsed in order (in a worker, or here)."""
    return [parse_one(root, job, settings) for job in jobs]


def worker_count(jobs: int) -> int:
    """How many worker processes should parse `jobs` notes: DAIRLY_WORKERS if set (1: none),
    else one a core (up to MAX_WORKERS) from PARALLEL_MIN notes on, on Linux only (on
    macOS a forked child may not use system libraries that started threads; Windows has
    no fork)."""
    chosen = os.environ.get("DAIRLY_WORKERS", "")
    if chosen.strip():  # set to nothing (`DAIRLY_WORKERS=`) is unset
        if not chosen.strip().isdigit() or int(chosen) < 1:
            raise InputError(f"invalid DAIRLY_WORKERS {chosen!r}: use a whole number of processes, 1 or more")
        count = min(int(chosen), MAX_WORKERS, jobs)
    elif jobs < PARALLEL_MIN:
        return 1
    else:
        try:
            count = min(len(os.sched_getaffinity(0)), MAX_WORKERS)  # the cores this process may run on
        except (AttributeError, OSError):
            count = min(os.cpu_count() or 1, MAX_WORKERS)
    return count if count > 1 and sys.platform.startswith("linux") else 1


class Parsing:
    """The notes of `jobs` parsed, a batch at a time, in no particular order: iterate for the
    batches (within `with`, which ends the workers). Worker processes, when `workers` > 1,
    are forked here, before the caller starts any thread. The first note (in the jobs'
    order) that cannot be parsed is raised at the end, as the error it met (a file the
    system would not read is a FileSystemError, anything else an InputError), as one
    process parsing them in order would."""

    def __init__(self, root: str, jobs: list[Job], settings: Settings, workers: int) -> None:
        self.root, self.jobs, self.settings = root, jobs, settings
        batches = [(first, jobs[first : first + BATCH]) for first in range(0, len(jobs), BATCH)]
        self.pool = _Pool(root, batches, settings, workers) if workers > 1 and len(batches) > 1 else None
        self.left = batches if self.pool is None else self.pool.left

    def __enter__(self) -> Parsing:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.close()

    def __iter__(self) -> Iterator[list[Parsed]]:
        failed: tuple[int, Outcome] | None = None
        for first, outcomes in self._outcomes():
            batch: list[Parsed] = []
            for i, outcome in enumerate(outcomes, first):
                if outcome[0]:
                    path, _iso, stamp = self.jobs[i]
                    batch.append((path, outcome[1], stamp, Rows(*outcome[2])))
                elif failed is None or i < failed[0]:
                    failed = (i, outcome)
            yield batch
        if failed is not None:
            _ok, message, path, line, code = failed[1]
            raise (FileSystemError if code == FILESYSTEM else InputError)(message, path=path, line=line)

    def _outcomes(self) -> Iterator[tuple[int, list[Outcome]]]:
        """(index of the batch's first job, its outcomes): the workers' as they come, then
        whatever they did not deliver, parsed here."""
        if self.pool is not None:
            yield from self.pool.outcomes()
        while self.left:
            first, batch = self.left.pop(0)
            yield first, parse_batch(self.root, batch, self.settings)


class _Pool:
    """`workers` forked processes of a ProcessPoolExecutor, each handed a batch at a time.
    At most two batches a worker are in flight, so the parent, writing, never holds many
    more rows than a batch's. What they do not deliver (a worker died, or no process could
    be started: EAGAIN under a process limit) is put in `left`."""

    def __init__(self, root: str, batches: list[tuple[int, list[Job]]], settings: Settings, workers: int) -> None:
        import importlib
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        importlib.import_module("dairly.notes.rules")  # imported once, here, not in every worker
        self.root, self.settings = root, settings
        self.waiting = iter(batches)
        self.left: list[tuple[int, list[Job]]] = []
        self.pending: dict[Future[list[Outcome]], tuple[int, list[Job]]] = {}
        self.broken = self.finished = False
        self.before = set(multiprocessing.active_children())
        self.executor = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=_leave_with, initargs=(os.getpid(),)
        )
        for _ in range(2 * workers):  # the first submission forks every worker
            self._submit()

    def _submit(self) -> None:
        from concurrent.futures.process import BrokenProcessPool

        batch = next(self.waiting, None)
        if batch is None:
            return
        if not self.broken:
            try:
                self.pending[self.executor.submit(parse_batch, self.root, batch[1], self.settings)] = batch
                return
            except (OSError, BrokenProcessPool, RuntimeError):  # no process to spare, or a worker died
                self.broken = True
        self.left.append(batch)

    def outcomes(self) -> Iterator[tuple[int, list[Outcome]]]:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        while self.pending:
            done, _waiting = wait(self.pending, return_when=FIRST_COMPLETED)
            for future in done:
                batch = self.pending.pop(future)
                try:
                    outcomes = future.result()
                except BrokenProcessPool:  # a worker died: what it and the others had is parsed here
                    self.broken = True
                    self.left.append(batch)
                    continue
                yield batch[0], outcomes
                self._submit()
        self.left.extend(self.waiting)  # what was never submitted once the pool broke
        self.left.sort()
        self.finished = True

    def close(self) -> None:
        """End the workers: at once if the command failed or was interrupted meanwhile."""
        import multiprocessing

        # A worker started before a fork failed was never handed to the pool's management.
        started = set(multiprocessing.active_children()) - self.before
        if not self.finished:
            for child in started:
                child.kill()
        self.executor.shutdown(wait=True, cancel_futures=True)
        for child in started:
            child.kill()
            child.join()


def _leave_with(parent: int) -> None:
    """In a worker, first: be killed when the parent ends, and let go of the user's streams."""
    import ctypes
    import signal

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # it ended before the line above took effect
        os._exit(1)
    quiet = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(quiet, fd)
