"""The `dairly` executable: one fast path for the command lines run most, written
exactly, and the Typer app (dairly.app) for every other one.

`dairly check` runs on every commit, and importing Typer costs more than the whole check
on a small repository (bench/README.md); `dairly publish` runs every day. So the hook's
two exact forms, `dairly check` and `dairly check --staged`, and publish's two plain
ones, `dairly publish` and `dairly publish --no-commit`, call their command directly,
with the defaults the Typer app gives them; every other command line, `--help` and any
other option included, goes through the Typer app.
"""

from __future__ import annotations

# Until main runs, Ctrl-C ends the process as the signal does, without a traceback from
# the middle of an import; main puts Python's KeyboardInterrupt back. Set through the C
# module first: `import signal` imports enum, long enough for a Ctrl-C to land in it.
import _signal  # type: ignore[import-not-found]  # no stub: the C module under `signal`

_signal.signal(_signal.SIGINT, _signal.SIG_DFL)

import io  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

from dairly.guard import exit_now, interrupt_on_termination, run_guarded  # noqa: E402

HOOK_FORMS = (["check"], ["check", "--staged"])  # what the pre-commit hooks run, exactly
PUBLISH_FORMS = (["publish"], ["publish", "--no-commit"])


def main() -> None:
    """The `dairly` executable. An interrupt before a command runs (while Python loads
    it) ends the process quietly, as one during it does: 128 + the signal's number."""
    try:
        _main()
    except KeyboardInterrupt as exc:
        exit_now(128 + getattr(exc, "signum", 2))


def _main() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    interrupt_on_termination()
    _open_standard_streams()
    for stream in (sys.stdout, sys.stderr):  # printing never fails: what a terminal cannot show is escaped
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    args = sys.argv[1:]
    if args in HOOK_FORMS or args in PUBLISH_FORMS:
        exit_now(run_guarded(lambda: _run_plain_form(args)))
    from dairly.app import app

    try:
        app(args or ["--help"], prog_name="dairly")  # `dairly` alone shows the help, and succeeds
    except SystemExit as done:  # how Typer ends every run
        if done.code is None or isinstance(done.code, int):
            exit_now(done.code or 0)
        raise  # a message to print: the interpreter's exit prints it


def _run_plain_form(args: list[str]) -> int:
    """One of the plain forms, run as dairly.app runs it with no other option given."""
    from dairly.workspace import Workspace

    ws = Workspace.open(None)
    if args[0] == "check":
        from dairly.commands import check

        return check.run(ws, today=ws.settings.today(), staged=args == ["check", "--staged"])
    from dairly.commands import publish

    return publish.run(ws, today=ws.settings.today(), commit=args == ["publish"])


def _open_standard_streams() -> None:
    """Give a standard stream the shell closed (`dairly check >&-`) /dev/null instead:
    what is printed to it is lost, as the user asked, and the exit code stays the
    command's. Without this, the first file opened would take its descriptor, and git's
    children would write into it."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            os.open(os.devnull, os.O_RDWR)  # the lowest free descriptor: this one
    if sys.stdin is None:
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the process's own stream
    if sys.stdout is None:
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
