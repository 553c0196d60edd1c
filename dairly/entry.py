"""The `dairly` executable: a fast path for the hook's commands, Typer for everything else.

`dairly check` runs on every commit and `dairly publish` every day. Building the Typer
app (importing typer and click, inspecting the command signatures) costs about 30 ms,
more than reading the README; so the plain forms a hook, CI or a daily script uses
(`[--root PATH] check [--staged] [--diff]` and `[--root PATH] publish` with its on/off
flags) are recognised here and run directly. Anything else, `--help`, `--date` and
`--message` included, goes to dairly.cli, which calls the same command functions.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

# The on/off flags each fast command accepts; any other argument goes to Typer.
_FAST_FLAGS = {
    "check": frozenset({"--staged", "--diff"}),
    "publish": frozenset({"--no-commit", "--dry-run", "--push", "--force"}),
}


def run_guarded(call: Callable[[], int]) -> int:
    """Run a command; map user-facing failures to one line on stderr and an exit code."""
    from dairly import output
    from dairly.errors import BAD_INPUT, DairlyError

    try:
        return call()
    except DairlyError as exc:
        output.error(str(exc))
        return exc.exit_code
    except BrokenPipeError:  # `dairly export | head`: the reader has all it wanted
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    except OSError as exc:  # permissions, full disks: the user's to fix, not a crash
        where = f"{exc.filename}: " if exc.filename else ""
        output.error(f"{where}{exc.strerror or exc}")
        return BAD_INPUT
    except KeyboardInterrupt:
        return 130


def fast_path(argv: list[str]) -> tuple[str, str | None, frozenset[str]] | None:
    """(command, root, flags) when argv is a plain check or publish, else None."""
    root = None
    args = list(argv)
    if args[:1] == ["--root"] and len(args) >= 2:
        root, args = args[1], args[2:]
    elif args and args[0].startswith("--root="):
        root, args = args[0][len("--root=") :], args[1:]
    if not args or args[0] not in _FAST_FLAGS:
        return None
    command, flags = args[0], frozenset(args[1:])
    if len(flags) != len(args) - 1 or not flags <= _FAST_FLAGS[command]:
        return None
    return command, root, flags


def main() -> None:
    fast = fast_path(sys.argv[1:])
    if fast is None:
        from dairly.cli import app

        app()
        return
    # One short pass that makes tens of thousands of objects (imports, lines, notes) and no
    # cycles worth collecting: the cyclic collector would only walk them again (~1 ms).
    import gc

    gc.disable()
    command, root, flags = fast
    if command == "check":
        from dairly.commands.check import run_from_cli

        code = run_guarded(lambda: run_from_cli(root, staged="--staged" in flags, show_diff="--diff" in flags))
    else:
        from dairly.commands.publish import run_from_cli as publish

        code = run_guarded(
            lambda: publish(
                root,
                commit="--no-commit" not in flags,
                dry_run="--dry-run" in flags,
                push="--push" in flags,
                force="--force" in flags,
            )
        )
    exit_now(code)


def exit_now(code: int) -> NoReturn:
    """Exit without the interpreter's teardown when nothing needs it.

    Tearing down the ~60 modules a command imports takes ~3.5 ms, a seventh of a `check` on
    a small repository. By now every file we wrote is fsynced, renamed and closed; only
    stdout and stderr hold buffered text, and they are flushed here. GitPython, once
    imported, gets the normal exit: it stops its git subprocesses at teardown.
    """
    if "git" not in sys.modules:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except OSError:  # a closed pipe: let the normal exit report it as Python does
            sys.exit(code)
        import os

        os._exit(code)
    sys.exit(code)
