"""Settings: how a notes repository looks (headings, date line, tree labels, titles,
commit messages, the `new` skeleton) and whose day it is.

Two presets: `zh`, the default, is the seed repository's format; `en` is the same shape in
English. A repository picks one and overrides single settings in `dairly.toml` (top-level
keys) or in a `[tool.dairly]` table of its `pyproject.toml`; `dairly.toml` wins when both
exist. Templates take {year} {month} {day} {date} {month_name} {month_abbr} {weekday},
with format specs such as {month:02d}.
"""

from __future__ import annotations

import datetime
import os
import sys
from typing import Any

from dairly.errors import InputError
from dairly.notes.paths import DEFAULT_NOTE_PATH, NotePattern, PatternError, compile_pattern
from dairly.tuples import Record

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

ZH_SKELETON = """\
# {title}

------



## {prefix}{highlights}

1. [TODO article title](https://TODO)         :star::star:
   - Abstract: TODO
   - Paper: [TODO paper title](https://arxiv.org/abs/TODO)
   - Code: [https://github.com/TODO](https://github.com/TODO)
   - Tips: TODO



## {prefix}{others}

- TODO
"""

EN_SKELETON = """\
# {title}

## {prefix}{highlights}

1. [TODO article title](https://TODO)  :star::star:
   - Abstract: TODO
   - Paper: [TODO paper title](https://arxiv.org/abs/TODO)
   - Code: [https://github.com/TODO](https://github.com/TODO)
   - Tips: TODO

## {prefix}{others}

- TODO
"""


class Settings(Record):
    preset: str = "zh"
    notes_dir: str = "notes"  # the folder of note_path (its leading folders); "" when notes sit beside the README
    note_path: str = DEFAULT_NOTE_PATH  # where a day's note lives (dairly.notes.paths)
    readme: str = "README.md"
    highlights_heading: str = "今日要点"
    history_heading: str = "历史更新"
    others_heading: str = "Others"
    heading_prefix: str = ":paperclip:  "  # written before heading titles; ignored when matching them
    date_label: str = "更新今日时间"
    date_format: str = "{year}.{month}.{day}"  # the date line's value
    year_label: str = "{year}年"  # the history tree's year and month summaries
    month_label: str = "{month}月"
    title_template: str = "公众号内容拓展学习笔记（{year}.{month}.{day}）"  # the title `new` writes
    commit_message: str = "{year}{month:02d}{day:02d}"
    skeleton: str = ZH_SKELETON  # the note `new` writes: {title} {prefix} {highlights} {others}
    timezone: str = ""  # an IANA name such as Asia/Shanghai; "" is the computer's own
    day_starts_at: str = "00:00"  # a note written before this time belongs to the day before
    # What publish promotes into the README: "highlights", the note's highlights section, or
    # "body", the note's body under its title (for notes that keep no highlights heading).
    promote: str = "highlights"
    # The level of the README's owned headings: 2 (`## 今日要点`), or the level of the
    # sections init adopted from the author's own README (`### 历史汇总`).
    section_level: str = "2"
    # Looking back (`dairly review`, and the README's optional section): days before the
    # day, and how far either side a note may stand in for a day that has none.
    review_days: str = "1, 7, 30, 365"
    review_window: str = "3"
    readme_review: str = "off"  # "on": the README holds the review_heading section, which publish fills
    review_heading: str = "回顾"
    readme_review_days: str = "7, 30, 365"  # days before the newest note's date, never the clock
    # Bytes the README may take before publish folds past years of the tree into pages of
    # their own; GitHub shows only a README's first README_LIMIT bytes.
    readme_budget: int = 400_000

    @property
    def level(self) -> int:
        return int(self.section_level)

    @property
    def hashes(self) -> str:
        """The README's owned headings' `#`s: `##` unless section_level says otherwise."""
        return "#" * int(self.section_level)

    @property
    def pattern(self) -> NotePattern:
        """note_path, compiled: the one way a note's path and its date are read and built."""
        return compile_pattern(self.note_path)

    def date_text(self, date: datetime.date) -> str:
        """The date line's value for this day."""
        return format_date_template(self.date_format, date)

    @property
    def review_on(self) -> bool:
        """Whether the README has the look-back section (readme_review = "on")."""
        return self.readme_review == "on"

    def today(self, now: datetime.datetime | None = None) -> datetime.date:
        """The user's day: their timezone's clock, less the hours before `day_starts_at`.
        DAIRLY_NOW (an ISO date and time) stands in for the clock, for scripts and tests."""
        return user_day(self.timezone, self.day_starts_at, now)


PRESETS: dict[str, dict[str, Any]] = {
    "zh": {},
    "en": {
        "highlights_heading": "Today",
        "history_heading": "History",
        "others_heading": "Others",
        "heading_prefix": "",
        "date_label": "Last updated",
        "date_format": "{month_name} {day}, {year}",
        "year_label": "{year}",
        "month_label": "{month_name}",
        "title_template": "Notes of {month_name} {day}, {year}",
        "skeleton": EN_SKELETON,
        "review_heading": "Looking back",
    },
}
README_LIMIT = 512_000  # what GitHub shows of a README, in bytes; the rest is cut without a word
INT_KEYS = ("readme_budget",)
TEMPLATE_KEYS = ("date_format", "year_label", "month_label", "title_template", "commit_message")
PATH_KEYS = ("notes_dir", "readme")
MAY_BE_EMPTY = ("heading_prefix", "timezone")
PROMOTE = ("highlights", "body")
NUMBERS = ("section_level",)  # settings TOML may give as a number
SAMPLE_DATE = datetime.date(2022, 3, 7)


def preset_hint(titles: set[str], settings: Settings) -> str | None:
    """Why a README's owned headings were not found, when another preset's highlights and
    history headings are both among its level-2 heading `titles` (normalized): it was set
    up with that preset, and the settings that name it are missing (say, dairly.toml not
    committed in a clone) or name another."""
    from dairly.markdown import normalize_title

    for name, values in PRESETS.items():
        if name == settings.preset:
            continue
        other = Settings()._replace(**values)
        if {normalize_title(other.highlights_heading), normalize_title(other.history_heading)} <= titles:
            if settings.preset == Settings().preset:
                return f"the README's headings match the {name} preset: is dairly.toml missing or not committed?"
            return f"the README's headings match the {name} preset, but the settings choose {settings.preset}"
    return None


def format_date_template(template: str, date: datetime.date) -> str:
    """Fill a template's date fields ({month:02d} pads)."""
    return template.format(
        year=date.year,
        month=date.month,
        day=date.day,
        date=date.isoformat(),
        month_name=_MONTHS[date.month - 1],
        month_abbr=_MONTHS[date.month - 1][:3],
        weekday=_WEEKDAYS[date.weekday()],
    )


NOW_FORMS = "2024-03-05, 2024-03-05T09:30 or 2024-03-05T09:30+08:00"


def fixed_now() -> datetime.datetime | None:
    """The time DAIRLY_NOW stands in for the clock with, or None when it is not set; a
    value that is not an ISO date and time is an input error naming it and the forms."""
    fixed = os.environ.get("DAIRLY_NOW", "")
    if not fixed:
        return None
    try:
        return datetime.datetime.fromisoformat(fixed.strip())
    except ValueError as exc:
        reason = "" if str(exc).startswith("Invalid isoformat") else f" ({exc})"
        raise InputError(
            f"DAIRLY_NOW={fixed!r} is not a date and time{reason}; use ISO 8601, such as {NOW_FORMS}"
        ) from None


def seconds_from_env(name: str, default: float) -> float:
    """A number of seconds an environment variable sets (a bad one is an input error)."""
    value = os.environ.get(name, "")
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # NaN too
        raise InputError(f"{name}={value!r} is not a number of seconds; use a number such as 60 or 2.5")
    return seconds


def user_day(timezone: str, day_starts_at: str, now: datetime.datetime | None = None) -> datetime.date:
    """The user's day at `now` (DAIRLY_NOW, else the clock); a time whose day in the user's
    timezone is outside the calendar (before year 1, after year 9999) is an input error."""
    if now is None:
        now = fixed_now() or datetime.datetime.now(datetime.timezone.utc)
    hours, _, minutes = day_starts_at.partition(":")
    try:
        if timezone:
            from zoneinfo import ZoneInfo

            now = now.astimezone(ZoneInfo(timezone))
        elif now.tzinfo is not None:
            now = now.astimezone()  # the computer's own zone
        return (now - datetime.timedelta(hours=int(hours), minutes=int(minutes))).date()
    except OverflowError:
        raise InputError(
            f"DAIRLY_NOW={os.environ.get('DAIRLY_NOW', '')!r} is outside the calendar in your timezone"
            " (years 1 to 9999); use a time within it"
        ) from None


INTERVAL_KEYS = ("review_days", "readme_review_days")
MAX_DAYS = 36600  # a hundred years: further back than any notes repository goes


def day_counts(value: str) -> tuple[int, ...]:
    """The days of an intervals setting ("1, 7, 30, 365"), ascending, each once; a value
    that is not a list of whole numbers of days from 1 to MAX_DAYS is a ValueError."""
    parts = value.replace(",", " ").split()
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValueError(value)
    days = sorted({int(part) for part in parts})
    if not days or days[0] < 1 or days[-1] > MAX_DAYS:
        raise ValueError(value)
    return tuple(days)


def _check_review(name: str, value: str, source: str) -> None:
    if name in INTERVAL_KEYS:
        try:
            day_counts(value)
        except ValueError:
            raise InputError(
                f"setting '{name}' must list whole numbers of days from 1 to {MAX_DAYS},"
                f' such as "1, 7, 30, 365", not {value!r}',
                path=source,
            ) from None
    if name == "review_window" and not (value.isascii() and value.strip().isdigit() and int(value) <= 366):
        raise InputError(
            f"setting 'review_window' must be a whole number of days from 0 to 366, such as 3, not {value!r}",
            path=source,
        )
    if name == "readme_review" and value not in ("on", "off"):
        raise InputError(f"setting 'readme_review' must be on or off, not {value!r}", path=source)


def _check_value(name: str, value: str, source: str) -> None:
    _check_review(name, value, source)
    if name in TEMPLATE_KEYS:
        try:
            format_date_template(value, SAMPLE_DATE)
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            raise InputError(
                f"setting '{name}' is not a valid template ({exc!r});"
                " use {year} {month} {day} {date} {month_name} {month_abbr} {weekday}",
                path=source,
            ) from None
    if name in PATH_KEYS and (
        os.path.isabs(value) or value.startswith(("/", "\\")) or ".." in value.replace("\\", "/").split("/")
    ):
        raise InputError(f"setting '{name}' must be a path inside the repository", path=source)
    if name == "preset" and value not in PRESETS:
        raise InputError(f"setting 'preset' must be one of {', '.join(PRESETS)}, not {value!r}", path=source)
    if name == "timezone" and value:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError(
                f"setting 'timezone': no time zone named {value!r} (say Asia/Shanghai)", path=source
            ) from None
    if name == "promote" and value not in PROMOTE:
        raise InputError(f"setting 'promote' must be one of {', '.join(PROMOTE)}, not {value!r}", path=source)
    if name == "section_level" and value not in ("1", "2", "3", "4", "5", "6"):
        raise InputError(f"setting 'section_level' must be a heading level, 1 to 6, not {value!r}", path=source)
    if name == "day_starts_at":
        hours, colon, minutes = value.partition(":")
        if not (colon and hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise InputError(f"setting 'day_starts_at' must be a time such as 04:00, not {value!r}", path=source)
    if name == "skeleton":
        try:
            value.format(title="t", prefix="p", highlights="h", others="o")
        except (KeyError, IndexError, ValueError) as exc:
            raise InputError(
                f"setting 'skeleton' is not a valid template ({exc!r});"
                " use {title} {prefix} {highlights} {others}",
                path=source,
            ) from None


def _suggestion(name: str) -> str:
    import difflib

    close = difflib.get_close_matches(name, Settings._fields, n=1)
    return f"; did you mean '{close[0]}'?" if close else f" (known: {', '.join(Settings._fields)})"


def settings_from_mapping(data: dict[str, object], source: str) -> tuple[Settings, dict[str, str]]:
    """The settings a table asks for, and where each came from ("default", "preset en",
    or the file); unknown keys and bad values are errors naming the key."""
    values: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name not in Settings._fields:
            raise InputError(f"unknown setting '{key}'{_suggestion(name)}", path=source)
        if name in INT_KEYS:
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise InputError(f"setting '{key}' must be a number of bytes such as 400000", path=source)
            values[name] = value
            continue
        if name in NUMBERS and isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (not value.strip() and name not in MAY_BE_EMPTY):
            raise InputError(f"setting '{key}' must be a non-empty string", path=source)
        _check_value(name, value, source)
        values[name] = value
    _note_path(values, source)
    preset = values.get("preset", "zh")
    sources = dict.fromkeys(Settings._fields, "default")
    sources.update(dict.fromkeys(PRESETS[preset], f"preset {preset}"))
    sources.update(dict.fromkeys(values, source))
    return Settings()._replace(**{**PRESETS[preset], **values}), sources


def _note_path(values: dict[str, str], source: str) -> None:
    """Make notes_dir and note_path agree: notes_dir alone moves the default layout's
    folder (as it always has); note_path sets the whole path, and its leading folders are
    notes_dir, which if set as well must name them."""
    import posixpath

    if "notes_dir" in values:
        folder = posixpath.normpath(values["notes_dir"].replace("\\", "/")).strip("/")
        values["notes_dir"] = "" if folder == "." else folder
    if "note_path" not in values:
        if "notes_dir" in values:
            layout = DEFAULT_NOTE_PATH.partition("/")[2]
            values["note_path"] = f"{values['notes_dir']}/{layout}" if values["notes_dir"] else layout
        return
    try:
        pattern = compile_pattern(values["note_path"])
    except PatternError as exc:
        raise InputError(f"setting 'note_path' {exc} (the default is {DEFAULT_NOTE_PATH!r})", path=source) from None
    if "notes_dir" in values and values["notes_dir"] != pattern.folder:
        raise InputError(
            f"setting 'notes_dir' ({values['notes_dir']!r}) is not the folder of note_path"
            f" ({pattern.folder or 'the top of the repository'}); remove notes_dir",
            path=source,
        )
    values["notes_dir"] = pattern.folder


def _load_toml(path: str) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 in CI
        import tomli as tomllib
    try:
        with open(path, "rb") as f:
            data: dict[str, object] = tomllib.load(f)
            return data
    except UnicodeDecodeError:
        raise InputError("is not UTF-8", path=os.path.basename(path)) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", path=os.path.basename(path)) from None


def _mentions_dairly(path: str) -> bool:
    """Whether a pyproject.toml could hold a [tool.dairly] table. One with no `[tool]` or
    `[tool.dairly...]` header and no `tool.dairly` or `tool =` key is not dairly's to read:
    it is not parsed, so a broken one does not stop `check` (and no TOML parser is loaded)."""
    with open(path, "rb") as f:
        for line in f:
            header = line.strip().replace(b" ", b"").replace(b"\t", b"").replace(b'"', b"").replace(b"'", b"")
            if header.startswith((b"[tool]", b"[tool.dairly", b"[[tool.dairly", b"tool.dairly", b"tool=")):
                return True
    return False


def load_settings_with_sources(root: str) -> tuple[Settings, dict[str, str]]:
    """The repository's settings, and where each came from."""
    # os.path, not pathlib: this runs on every `check`, which does not import pathlib.
    own = os.path.join(root, "dairly.toml")
    if os.path.isfile(own):
        return settings_from_mapping(_load_toml(own), "dairly.toml")
    pyproject = os.path.join(root, "pyproject.toml")
    if os.path.isfile(pyproject) and _mentions_dairly(pyproject):
        tool = _load_toml(pyproject).get("tool")
        table = tool.get("dairly") if isinstance(tool, dict) else None
        if table is not None:
            if not isinstance(table, dict):
                raise InputError("[tool.dairly] must be a table", path="pyproject.toml")
            return settings_from_mapping(table, "pyproject.toml")
    return Settings(), dict.fromkeys(Settings._fields, "default")


def load_settings(root: str) -> Settings:
    """The repository's settings, or the defaults when it has none."""
    return load_settings_with_sources(root)[0]
