"""The README `dairly init` starts a repository with, or the parts it adds to one a person
already has: the date line and the two sections dairly keeps. Pure: text in, text out;
an existing README only gets lines inserted, never a byte of it changed or removed.
"""

from __future__ import annotations

import re

from dairly.config import Settings
from dairly.errors import InputError
from dairly.markdown import BOM, dominant_newline, find_sections, headings, iter_visible, split_lines

# The character after the date label: the full-width colon of the seeds, or ": ".
_SEPARATOR = {"zh": "：", "en": ": "}


def date_line(settings: Settings) -> str:
    """The date line as `init` writes it, before the first publish fills in its value."""
    return settings.date_label + _SEPARATOR.get(settings.preset, "：")


def new_readme(settings: Settings, name: str) -> str:
    """A README for a new repository called `name`."""
    prefix = settings.heading_prefix
    return (
        f"# {name}\n\n"
        f"{date_line(settings)}\n\n"
        f"## {prefix}{settings.highlights_heading}\n\n"
        f"## {prefix}{settings.history_heading}\n\n"
        f"## {prefix}{settings.others_heading}\n"
    )


def missing_parts(text: str, settings: Settings) -> list[str]:
    """What the README lacks of "date line", "highlights" and "history"; a part it has twice
    is an error (a person must choose which one to keep)."""
    lines = split_lines(text)
    visible = list(iter_visible(lines))
    found = headings(lines)
    missing = []
    label = re.compile(r"[ \t]*" + re.escape(settings.date_label) + r"[ \t]*[：:]")
    dates = [ln for ln in visible if label.match(ln.text.lstrip(BOM))]
    if not dates:
        missing.append("date line")
    for part, title in (("highlights", settings.highlights_heading), ("history", settings.history_heading)):
        sections = find_sections(text, title, all_headings=found)
        if len(sections) > 1:
            numbers = " and ".join(str(s.heading.line.number) for s in sections)
            raise InputError(f"the '## {title}' heading appears {len(sections)} times (lines {numbers}); keep one")
        if not sections:
            missing.append(part)
    return missing


def add_missing_parts(text: str, settings: Settings) -> str:
    """`text` with the parts it lacks added: the date line under the title (or at the top),
    the sections at the end, in the file's own line endings."""
    missing = missing_parts(text, settings)
    if not missing:
        return text
    nl = dominant_newline(text) if text else "\n"
    prefix = settings.heading_prefix
    if "date line" in missing:
        lines = split_lines(text)
        first = lines[0] if lines else None
        if first is not None and first.text.lstrip(BOM).startswith("# "):
            at = first.end if first.eol else len(text)
            insert = ("" if first.eol else nl) + nl + date_line(settings) + nl
        else:
            at = 1 if text.startswith(BOM) else 0
            insert = date_line(settings) + nl + nl
        text = text[:at] + insert + text[at:]
    tail = []
    if "highlights" in missing:
        tail.append(f"## {prefix}{settings.highlights_heading}")
    if "history" in missing:
        tail.append(f"## {prefix}{settings.history_heading}")
    if tail:
        if text and not text.endswith(("\n", "\r")):
            text += nl
        text += nl + (nl + nl).join(tail) + nl
    return text
