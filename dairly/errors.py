"""What can go wrong: the errors that stop a command, their exit codes, and the problems
that are reported one line each.

Commands raise DairlyError subclasses; only dairly.cli turns them into a message and an
exit code, so no traceback reaches a user for something they can fix.
"""

from __future__ import annotations

from dairly.tuples import Record

# Exit codes, documented in the README's "Exit codes" table.
OK = 0
PROBLEMS = 1  # check found drift / notes a human must fix / `new` found the file
BAD_INPUT = 2  # README structure, encoding, config, usage
GIT = 3  # the git repository is in a state we will not commit in
BUSY = 4  # another dairly run holds the lock
FILESYSTEM = 5  # the operating system refused: permissions, a full disk, a file where a folder should be
CRASH = 70  # a bug in dairly (EX_SOFTWARE): reported with the version and where to tell us
CLOSED_PIPE = 141  # stdout was closed early (`dairly export | head`), as a shell reports SIGPIPE


def shown_path(path: str) -> str:
    """A path as printed, one line whatever its name: a line break or tab in it escaped
    (dairly.output escapes the other control characters of everything printed)."""
    return path.replace("\n", "\\n").replace("\t", "\\t") if "\n" in path or "\t" in path else path


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
        where = shown_path(self.path) if self.line is None else f"{shown_path(self.path)}:{self.line}"
        return f"{where}: {self.message}"


class InputError(DairlyError):
    """README structure, file encoding, front matter, settings or an option is unusable."""

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


class ChangedError(DairlyError):
    """Another program changed a file while dairly worked on it: dairly leaves it as that
    program wrote it."""

    exit_code = BUSY


class FileSystemError(DairlyError):
    """The operating system refused to read or write one of the user's files."""

    exit_code = FILESYSTEM


class Interrupted(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled as Ctrl-C is (cleanup runs, the outcome is put back or
    reported); the exit code is the shell's for that signal, 128 + its number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class Problem(Record):
    """One thing wrong, printed as `path:line: message`."""

    path: str
    message: str
    line: int | None = None
    warning: bool = False  # reported, but does not fail `check`
    drift: bool = False  # the README is out of date here; `publish` fixes it

    def __str__(self) -> str:
        where = shown_path(self.path) if self.line is None else f"{shown_path(self.path)}:{self.line}"
        prefix = "warning: " if self.warning else ""
        return f"{where}: {prefix}{self.message}"
