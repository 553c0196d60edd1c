"""The note path format, both ways: the `note_path` setting (by default
`notes/{year}{month:02d}/{month:02d}{day:02d}.md`, shown as notes/YYYYMM/MMDD.md) says
where a day's note lives, and a path is a note of that day only if it is exactly that.

The fields: {year} (four digits), {month} and {day} (no leading zero), {month:02d} and
{day:02d} (two digits), and {tail}: any text after the date in the file name, none
included (`2024-10-1-DailyLearningCoding.md`), so several notes a day sort by name. A
field may appear twice (the month in the folder and in the file name): both must agree.

The date of a note is its path. A path that is not a valid note path (a name that does not
follow the pattern, a date that does not exist, a day filed in another month's folder) is
reported with the reason, never guessed at. Nothing else in dairly builds or parses these
paths; the notes' folder (`folder`, "" when the notes sit at the top of the repository
beside the README) is the pattern's leading folders without a field.
"""

from __future__ import annotations

import datetime
import functools
import re

DEFAULT_NOTE_PATH = "notes/{year}{month:02d}/{month:02d}{day:02d}.md"

# field -> (name, regular expression, how it is shown); the expressions are strict, so a
# path and a date map one to one: {month} never matches "03", {month:02d} never "3".
_FIELDS = {
    "{year}": ("year", r"\d{4}", "YYYY"),
    "{month}": ("month", r"[1-9]\d?", "M"),
    "{month:02d}": ("month", r"\d\d", "MM"),
    "{day}": ("day", r"[1-9]\d?", "D"),
    "{day:02d}": ("day", r"\d\d", "DD"),
    "{tail}": ("tail", r"(?:[^/0-9][^/]*)?", "*"),  # never starting with a digit: D then a tail stays one reading
}
FIELD = re.compile(r"\{[^{}]*\}")  # a field as written in note_path: {year}, {month:02d}
FIELDS_HELP = "{year} {month} {day} {month:02d} {day:02d} {tail}"


class PatternError(ValueError):
    """Why a note_path setting is not a usable pattern."""


class NotePattern:
    """A compiled note_path setting (`compile_pattern` keeps one per setting)."""

    def __init__(self, text: str) -> None:
        self.text = text
        pieces: list[str] = []  # literal text and field keys, alternating as written
        at = 0
        for m in FIELD.finditer(text):
            if m.group() not in _FIELDS:
                raise PatternError(f"unknown field {m.group()}; use {FIELDS_HELP}")
            pieces += [text[at : m.start()], m.group()]
            at = m.end()
        pieces.append(text[at:])
        if any("{" in p or "}" in p for p in pieces[::2]):
            raise PatternError(f"a brace outside a field; use {FIELDS_HELP}")
        keys = pieces[1::2]
        names = [_FIELDS[k][0] for k in keys]
        for needed in ("year", "month", "day"):
            if needed not in names:
                raise PatternError(f"has no {{{needed}}} field; a note's path must hold its date")
        if not text.endswith(".md") or text.endswith("/.md"):
            raise PatternError("must end in .md (a note is a Markdown file)")
        if names.count("tail") > 1 or ("tail" in names and "/" in text[text.index("{tail}") :]):
            raise PatternError("{tail} goes once, in the file name")
        if "tail" in names and names.index("tail") != len(names) - 1:
            raise PatternError("{tail} goes after the date's fields")
        for i, key in enumerate(keys):
            follows = pieces[2 * i + 2]
            if key in ("{month}", "{day}") and not follows and i + 1 < len(keys) and keys[i + 1] != "{tail}":
                raise PatternError(f"{key} has no fixed width: put a separator between it and the next field")
        if text.startswith("/") or "\\" in text or ".." in text.split("/") or "//" in text:
            raise PatternError("must be a path inside the repository, with / between folders")
        first = min(text.index(k) for k in keys)
        self.folder = text[:first].rpartition("/")[0]  # "" at the top of the repository
        rel = text[len(self.folder) + 1 :] if self.folder else text
        # What a name at the top of the notes' area starts with when it is dated: the
        # literal text before the first field, then a digit.
        self.lead = rel[: rel.index("{")]
        self.depth = rel.count("/") + 1  # the notes' depth below the folder
        self.shown = "".join(p if i % 2 == 0 else _FIELDS[p][2] for i, p in enumerate(pieces))
        self._names = names
        self._pieces = pieces
        regex = []
        for i, p in enumerate(pieces):
            if i % 2 == 0:
                regex.append(re.escape(p))
            else:
                regex.append(f"({_FIELDS[p][1]})")
        self._match = re.compile("".join(regex)).fullmatch
        # Which group is the date's year, month and day (the last of each: the file name's),
        # and the pairs of groups that must agree (a field in a folder and in the name).
        last = {name: i for i, name in enumerate(names)}
        self._ymd = (last["year"], last["month"], last["day"])
        self._tail = last.get("tail")
        self._agree = [(i, last[name]) for i, name in enumerate(names) if name != "tail" and i != last[name]]

    def __repr__(self) -> str:
        return f"NotePattern({self.text!r})"

    def path(self, date: datetime.date, tail: str = "") -> str:
        """The path of this day's note: notes/202203/0307.md for 2022-03-07 by default
        (years always in four digits: notes/099905/0505.md)."""
        values = {"year": f"{date.year:04d}", "month": date.month, "day": date.day, "tail": tail}
        out = []
        for i, p in enumerate(self._pieces):
            if i % 2 == 0:
                out.append(p)
            elif p.endswith(":02d}"):
                out.append(f"{values[_FIELDS[p][0]]:02d}")
            else:
                out.append(str(values[_FIELDS[p][0]]))
        return "".join(out)

    def date(self, path: str) -> datetime.date | str:
        """The note's date, or why the path is not a valid note path."""
        m = self._match(path)
        if m is None:
            return f"is not a note path: notes are named {self.shown}"
        groups = m.groups()
        y, mo, d = self._ymd
        try:
            date = datetime.date(int(groups[y]), int(groups[mo]), int(groups[d]))
        except ValueError:
            return f"is not a valid date ({int(groups[y]):04d}-{int(groups[mo]):02d}-{int(groups[d]):02d})"
        for a, b in self._agree:
            if int(groups[a]) != int(groups[b]):
                return self._misfiled(groups, date)
        return date

    def _misfiled(self, groups: tuple[str, ...], date: datetime.date) -> str:
        """Why a note whose folder's fields say another date than its name is misfiled."""
        wrong = list(dict.fromkeys(self._names[a] for a, b in self._agree if int(groups[a]) != int(groups[b])))
        which = f"{wrong[0]} " if len(wrong) == 1 else ""
        tail = "" if self._tail is None else groups[self._tail]
        return f"is filed in the wrong {which}folder; move it to {self.path(date, tail)}"

    def in_area(self, name: str) -> bool:
        """Whether a file or folder at the top of the notes' folder may hold notes: all do
        under a folder of their own (notes/); at the top of the repository, only names
        that start as the pattern does, with a digit where its first field is (2024/,
        2024-03-05.md), so README.md and docs/ are never taken for notes."""
        if self.folder:
            return True
        rest = name[len(self.lead) :]
        return name.startswith(self.lead) and rest[:1].isdigit()

    def holds(self, path: str) -> bool:
        """Whether a repository path is in the notes' area (below the folder; at the top
        of the repository, in a file or folder `in_area`)."""
        if self.folder:
            return path.startswith(self.folder + "/")
        return self.in_area(path.partition("/")[0])


@functools.lru_cache(maxsize=8)
def compile_pattern(text: str) -> NotePattern:
    """The compiled pattern of a note_path setting (a PatternError when it is not one)."""
    return NotePattern(text)
