"""The one error type dairly raises for problems a user can fix, and its exit codes.

Every command turns a DairlyError into a one-line message and its exit code in one
place (cli.main), so no traceback ever reaches a user for bad input.
"""

from __future__ import annotations

# Exit codes, documented in the README's "Exit codes" table.
OK = 0
PROBLEMS = 1  # check found drift / notes a human must fix / `new` found the file
BAD_INPUT = 2  # README structure, encoding, config, usage
GIT = 3  # the git repository is in a state we will not commit in
BUSY = 4  # another dairly run holds the lock


class DairlyError(Exception):
    """A problem with the user's input or repository, reported as one line."""

    exit_code = BAD_INPUT

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


class InputError(DairlyError):
    """README structure, file encoding, front matter or configuration is unusable."""

    exit_code = BAD_INPUT


class NotesError(DairlyError):
    """The notes need a human (bad paths, missing titles) before publishing can go on."""

    exit_code = PROBLEMS


class GitError(DairlyError):
    """The repository is in a state dairly will not commit in."""

    exit_code = GIT


class BusyError(DairlyError):
    """Another dairly process holds the repository lock."""

    exit_code = BUSY
