"""What every command needs: the repository root, its settings and the README."""

from __future__ import annotations

import datetime
import os

from dairly.config import Settings, load_settings
from dairly.errors import InputError
from dairly.markdown import split_lines
from dairly.sync import Plan, compute
from dairly.tuples import record

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    from dairly.notes import NoteSource


@record
class Workspace:
    # A string: `check` runs on every commit and never needs pathlib (~2.5 ms to import);
    # the commands that do use .path.
    root: str
    settings: Settings

    @classmethod
    def open(cls, root: str | os.PathLike[str] | None) -> Workspace:
        """The repository at `root` (`--root`), by default the git work tree holding the
        current directory, else the current directory."""
        if root is None:
            from dairly.fsio import find_root

            root = find_root(os.getcwd())
        root = os.fspath(root)
        if not os.path.isdir(root):
            raise InputError("is not a directory", path=root)
        return cls(root, load_settings(root))

    @property
    def path(self) -> Path:
        from pathlib import Path

        return Path(self.root)

    @property
    def readme(self) -> Path:
        return self.path / self.settings.readme

    def read_readme(self, source: NoteSource) -> str:
        name = self.settings.readme
        try:
            data = source.read(name)
        except (FileNotFoundError, KeyError):
            raise InputError("not found (set `readme` in dairly.toml if it lives elsewhere)", path=name) from None
        except IsADirectoryError:
            raise InputError("is a directory, not a file", path=name) from None
        try:
            return data.decode("utf-8")  # the BOM, if any, stays: we keep every byte
        except UnicodeDecodeError as exc:
            raise InputError(f"is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", path=name) from None

    def plan(self, source: NoteSource, today: datetime.date, date: datetime.date | None = None) -> Plan:
        return compute(source, self.read_readme(source), self.settings, today, date)


def unified_diff(old: str, new: str, name: str) -> str:
    a = [ln.text + ln.eol for ln in split_lines(old)]
    b = [ln.text + ln.eol for ln in split_lines(new)]
    import difflib  # only --diff and --dry-run show one

    lines = difflib.unified_diff(a, b, f"a/{name}", f"b/{name}")
    return "".join(line if line.endswith(("\n", "\r")) else line + "\n" for line in lines)


def parse_date(value: str, option: str = "--date") -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"invalid {option} {value!r}: use YYYY-MM-DD") from None
