"""Settings: the defaults reproduce the seed repository's format.

A notes repository may override them in `dairly.toml` (top-level keys) or in a
`[tool.dairly]` table of its `pyproject.toml`; `dairly.toml` wins when both exist.
"""

from __future__ import annotations

import datetime
import os
import sys

from dairly.errors import InputError
from dairly.tuples import Record


class Settings(Record):
    notes_dir: str = "notes"
    readme: str = "README.md"
    highlights_heading: str = "今日要点"
    history_heading: str = "历史更新"
    others_heading: str = "Others"
    # Written before heading titles by `dairly new`; ignored when matching headings.
    heading_prefix: str = ":paperclip:  "
    title_template: str = "公众号内容拓展学习笔记（{year}.{month}.{day}）"
    date_label: str = "更新今日时间"
    commit_message: str = "{year}{month:02d}{day:02d}"


TEMPLATE_KEYS = ("title_template", "commit_message")
SAMPLE_DATE = datetime.date(2022, 3, 7)


def format_dot_date(date: datetime.date) -> str:
    """The README's and titles' date style: 2022.3.7, no zero padding."""
    return f"{date.year}.{date.month}.{date.day}"


def format_date_template(template: str, date: datetime.date) -> str:
    """Fill a template's {year} {month} {day} {date} fields ({month:02d} pads)."""
    return template.format(year=date.year, month=date.month, day=date.day, date=date.isoformat())


def settings_from_mapping(data: dict[str, object], source: str) -> Settings:
    """Validate user-supplied keys; unknown keys and wrong types name the key."""
    known = set(Settings._fields)
    values: dict[str, str] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name not in known:
            raise InputError(f"unknown setting '{key}' (known: {', '.join(sorted(known))})", path=source)
        if not isinstance(value, str) or not value.strip():
            raise InputError(f"setting '{key}' must be a non-empty string", path=source)
        values[name] = value
    settings = Settings()._replace(**values)
    for name in TEMPLATE_KEYS:
        try:
            format_date_template(getattr(settings, name), SAMPLE_DATE)
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            raise InputError(
                f"setting '{name}' is not a valid template ({exc!r}); use {{year}} {{month}} {{day}} {{date}}",
                path=source,
            ) from None
    for name in ("notes_dir", "readme"):
        value = getattr(settings, name)
        if os.path.isabs(value) or value.startswith(("/", "\\")) or ".." in value.replace("\\", "/").split("/"):
            raise InputError(f"setting '{name}' must be a path inside the repository", path=source)
    return settings


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
    `[tool.dairly...]` header and no `tool.dairly` or `tool =` key needs no TOML parser,
    whose import is a large part of a `check` (bench/README.md)."""
    with open(path, "rb") as f:
        for line in f:
            header = line.strip().replace(b" ", b"").replace(b"\t", b"").replace(b'"', b"").replace(b"'", b"")
            if header.startswith((b"[tool]", b"[tool.dairly", b"[[tool.dairly", b"tool.dairly", b"tool=")):
                return True
    return False


def load_settings(root: str) -> Settings:
    """Read the repository's settings, or the defaults when it has none."""
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
    return Settings()
