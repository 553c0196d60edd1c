"""The `dairly` executable: one fast path for the pre-commit hook's exact command lines,
and the Typer app (dairly.app) for every other one.

`dairly check` runs on every commit, and importing Typer costs more than the whole check
on a small repository (bench/README.md). So the hook's two exact forms, `dairly check`
and `dairly check --staged`, call the check command directly; every other command line,
`--help` included, goes through the Typer app.
"""

from __future__ import annotations

import io
import os
import sys

from dairly.guard import exit_now, run_guarded

HOOK_FORMS = (["check"], ["check", "--staged"])  # what the pre-commit hooks run, exactly


def main() -> None:
    """The `dairly` executable."""
    _open_standard_streams()
    for stream in (sys.stdout, sys.stderr):  # printing never fails: what a terminal cannot show is escaped
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    args = sys.argv[1:]
    if args in HOOK_FORMS:
        from dairly.commands import check
        from dairly.workspace import Workspace

        staged = args == ["check", "--staged"]

        def hook_check() -> int:
            ws = Workspace.open(None)
            return check.run(ws, today=ws.settings.today(), staged=staged)

        exit_now(run_guarded(hook_check))
    from dairly.app import app

    try:
        app(args or ["--help"], prog_name="dairly")  # `dairly` alone shows the help, and succeeds
    except SystemExit as done:  # how Typer ends every run
        if done.code is None or isinstance(done.code, int):
            exit_now(done.code or 0)
        raise  # a message to print: the interpreter's exit prints it


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
