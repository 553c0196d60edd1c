"""Running a command: the one place where errors become messages and exit codes, and
the process's exit. Both the hook's fast path (dairly.cli) and the Typer app
(dairly.app) run their commands through here.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from typing import NoReturn

from dairly import __version__, output
from dairly.errors import CLOSED_PIPE, CRASH, DairlyError, Interrupted

ISSUES_URL = "https://github.com/dairly/dairly/issues"


def run_guarded(call: Callable[[], int]) -> int:
    """Run a command: a DairlyError becomes one line on stderr and its exit code; anything
    else is a bug of ours, reported as one (the traceback with DAIRLY_DEBUG=1)."""
    try:
        code = call()
        _flush(sys.stdout)  # a closed pipe shows here, not at exit
        return code
    except DairlyError as exc:
        output.error(str(exc))
        return exc.exit_code
    except BrokenPipeError:  # `dairly export | head`: the reader has all it wanted
        _silence(sys.stdout)
        return CLOSED_PIPE
    except KeyboardInterrupt as exc:
        return 128 + getattr(exc, "signum", 2)  # 130 for Ctrl-C (SIGINT is 2 everywhere)
    except Exception as exc:
        if os.environ.get("DAIRLY_DEBUG") == "1":
            import traceback

            traceback.print_exc()
        command = " ".join(["dairly", *sys.argv[1:]])
        output.error(
            f"internal error: {type(exc).__name__}: {exc}\n"
            f"  This is a bug in dairly {__version__} (running `{command}`). Please report it at {ISSUES_URL}"
            " with this message; DAIRLY_DEBUG=1 shows the traceback."
        )
        return CRASH


def interrupt_on_termination() -> None:
    """SIGTERM and SIGHUP (`timeout`, a closed terminal, a service manager) stop a command
    as Ctrl-C does: an Interrupted is raised where it runs, so what it wrote is put back
    or its commit reported, instead of the process ending mid-write."""
    import signal

    def stop(signum: int, _frame: object) -> None:
        raise Interrupted(signum)

    for name in ("SIGTERM", "SIGHUP"):  # Windows has no SIGHUP
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, stop)


def _flush(stream: object) -> None:
    """Flush a standard stream; one that was never open (`>&-`) has nothing to flush."""
    flush = getattr(stream, "flush", None)
    if flush is not None:
        flush()


def _silence(stream: object) -> None:
    """Point a closed standard stream at /dev/null, so the exit does not report it again."""
    try:
        fd = stream.fileno()  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return
    with contextlib.suppress(OSError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), fd)


def exit_now(code: int) -> NoReturn:
    """End the process with `code`, skipping the interpreter's teardown (freeing every
    module and object, running atexit handlers, garbage collection) when nothing needs it:
    everything we wrote is fsynced and closed, and only stdout and stderr hold buffered
    text. GitPython, once imported, gets the normal exit: it stops its git processes at
    teardown. A stream that cannot be flushed (closed, or a pipe whose reader left) does
    not change the code: the command's verdict is already decided."""
    for stream in (sys.stdout, sys.stderr):
        try:
            _flush(stream)
        except (OSError, ValueError):
            _silence(stream)  # else the interpreter's exit would report it and make the code 120
    if "git" in sys.modules:
        sys.exit(code)
    os._exit(code)
