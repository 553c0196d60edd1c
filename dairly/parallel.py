"""Work on every core for the passes that touch every note: reading the headers for
`check` and `publish`, and finding what changed for the notes index.

`start(task)` runs `task()` in a forked child, for a result that is needed later: the
notes index has its changes found that way while Typer is imported.
`map_slices(work, items)` returns exactly `work(items)`: the items are cut into
consecutive slices, forked children each run `work` on one, the parent runs it on the
first, and the children's results come back through pipes, marshalled. A child that fails
in any way (an unreadable note, a signal) only means its slice is worked on again here, so
the parent meets the same results, or raises the same error for the same first item, as
one process would. `work` must return a list of plain values (tuples, str, int, bool,
None) that marshal can carry.

Forking is done on Linux only: on macOS a forked child may not use system libraries that
started threads, and Windows has no fork. Short lists are worked on here, where a fork
costs more than it saves. DAIRLY_WORKERS=N sets the number of processes whatever the
list's length (1: none are forked).
"""

from __future__ import annotations

import marshal
import os
import sys
from functools import partial

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")
    R = TypeVar("R")

MIN_SLICE = 2000  # items a process must get before a fork is worth it (bench/README.md)
MAX_WORKERS = 8


def workers(count: int) -> int:
    """How many processes should share `count` items."""
    if not sys.platform.startswith("linux"):
        return 1
    chosen = os.environ.get("DAIRLY_WORKERS", "")
    if chosen.isdigit() and int(chosen) > 0:
        return min(int(chosen), MAX_WORKERS, max(count, 1))
    try:
        cores = len(os.sched_getaffinity(0))  # the cores this process may run on
    except OSError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS, count // MIN_SLICE))


class Started:
    """`task()` running in a forked child."""

    def __init__(self, task: Callable[[], Any]) -> None:
        self.task = task
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the caller's code
            status = 1
            try:
                os.close(read_end)
                quiet = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):  # it holds none of the user's terminals or pipes open
                    os.dup2(quiet, fd)
                data = marshal.dumps(task())
                with open(write_end, "wb") as pipe:
                    pipe.write(data)
                status = 0
            finally:
                os._exit(status)  # no teardown: nothing of the parent's (buffers, locks) is run twice
        os.close(write_end)
        self.pid, self.read_end = pid, read_end

    def collect(self) -> bytes | None:
        """The child's marshalled results once it has ended; None if it failed."""
        with open(self.read_end, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        return data if status == 0 else None

    def result(self) -> Any:
        """What `task()` returns (worked out here if the child failed)."""
        payload = self.collect()
        return marshal.loads(payload) if payload is not None else self.task()

    def cancel(self) -> None:
        import signal

        os.close(self.read_end)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)


def start(task: Callable[[], R]) -> Started | None:
    """`task()` started in another process, or None where no process is forked (not
    Linux, one core, DAIRLY_WORKERS=1); what it returns must be marshallable."""
    return Started(task) if workers(sys.maxsize) > 1 else None


def map_slices(work: Callable[[list[T]], list[R]], items: list[T]) -> list[R]:
    """`work(items)`, with the items shared among processes (see the module's docstring)."""
    count = workers(len(items))
    if count < 2:
        return work(items)
    size = -(-len(items) // count)  # ceiling division: at most `count` slices
    slices = [items[first : first + size] for first in range(0, len(items), size)]
    children: list[Started] = []
    try:
        for part in slices[1:]:
            children.append(Started(partial(work, part)))
        results = work(slices[0])
    except BaseException:
        for child in children:
            child.cancel()
        raise
    payloads = [child.collect() for child in children]  # every child is reaped before work() may raise
    for child, payload in zip(children, payloads, strict=True):
        results.extend(marshal.loads(payload) if payload is not None else child.task())
    return results
