"""The `dairly` executable: a fast path for the hook's command, Typer for everything else.

`dairly check` runs on every commit. Building the Typer app (importing typer and click,
inspecting nine command signatures) costs about 30 ms, more than reading the README;
so the plain forms a hook or CI uses (`[--root PATH] check [--staged] [--diff]`) are
recognised here and run directly. Anything else, `--help` included, goes to dairly.cli.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

_CHECK_FLAGS = {"--staged", "--diff"}


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


def check_fast_path(argv: list[str]) -> tuple[Path | None, bool, bool] | None:
    """(root, staged, diff) when argv is a plain `check` invocation, else None."""
    root = None
    args = list(argv)
    if args[:1] == ["--root"] and len(args) >= 2:
        root, args = Path(args[1]), args[2:]
    elif args and args[0].startswith("--root="):
        root, args = Path(args[0][len("--root=") :]), args[1:]
    if args[:1] != ["check"]:
        return None
    flags = args[1:]
    if len(set(flags)) != len(flags) or not set(flags) <= _CHECK_FLAGS:
        return None
    return root, "--staged" in flags, "--diff" in flags


def main() -> None:
    fast = check_fast_path(sys.argv[1:])
    if fast is None:
        from dairly.cli import app

        app()
        return
    from dairly.commands.check import run_from_cli

    root, staged, diff = fast
    sys.exit(run_guarded(lambda: run_from_cli(root, staged=staged, show_diff=diff)))
