"""The README `dairly init` starts a repository with, or the parts it adds to one a person
already has: the date line and the two sections dairly keeps (three when the
readme_review setting is on). Pure: text in, text out;
an existing README only gets lines inserted, never a byte of it changed or removed.
"""

from __future__ import annotations

import re

from dairly.config import Settings
from dairly.errors import InputError
from dairly.markdown import (
    BOM,
    Line,
    dominant_newline,
    find_sections,
    is_blank,
    iter_visible,
    misnamed_heading,
    normalize_title,
    shown_headings,
    split_lines,
)
from dairly.tuples import Record

# The character after the date label: the full-width colon of the seeds, or ":" (publish
# puts the space after it with the first date: readme/plan.py date_edit).
_SEPARATOR = {"zh": "：", "en": ":"}


def date_line(settings: Settings) -> str:
    """The date line as `init` writes it, before the first publish fills in its value:
    no trailing space."""
    return settings.date_label + _SEPARATOR.get(settings.preset, "：")


def new_readme(settings: Settings, name: str) -> str:
    """A README for a new repository called `name`: the title, the date line and the two
    sections dairly keeps, and nothing for the person to delete (no empty section of theirs)."""
    prefix = settings.heading_prefix
    review = f"## {prefix}{settings.review_heading}\n\n" if settings.review_on else ""
    return (
        f"# {name}\n\n"
        f"{date_line(settings)}\n\n"
        f"## {prefix}{settings.highlights_heading}\n\n"
        f"{review}"
        f"## {prefix}{settings.history_heading}\n"
    )


def missing_parts(text: str, settings: Settings) -> list[str]:
    """What the README lacks of "date line", "highlights", "history" and, when the
    readme_review setting is on, "review"; a part it has twice is an error (a person must
    choose which one to keep). The sections are found at the settings' level
    (section_level); a date line counts above them only, as check reads it."""
    lines = split_lines(text)
    visible = list(iter_visible(lines))
    found = shown_headings(text)
    missing = []
    above = len(text)
    parts = [("highlights", settings.highlights_heading), ("history", settings.history_heading)]
    if settings.review_on:
        parts.append(("review", settings.review_heading))
    for part, title in parts:
        sections = find_sections(text, title, settings.level, all_headings=found)
        if len(sections) > 1:
            numbers = " and ".join(str(s.heading.line.number) for s in sections)
            raise InputError(
                f"the '{settings.hashes} {title}' heading appears {len(sections)} times (lines {numbers}); keep one"
            )
        if not sections:
            missing.append(part)
        else:
            above = min(above, sections[0].heading.top.start)
    label = re.compile(r"[ \t]*" + re.escape(settings.date_label) + r"[ \t]*[：:]")
    if not any(label.match(ln.text.lstrip(BOM)) for ln in visible if ln.start < above):
        missing.insert(0, "date line")
    return missing


# A line that ends the opening block: a heading, a list, a quote, a table, code, a comment,
# a thematic break or a setext underline. The date line goes before the block holding one.
_NOT_INTRO = re.compile(r" {0,3}(?:#|[-+*][ \t]|\d{1,9}[.)](?:[ \t]|$)|>|\||```|~~~|<!--|(?:[-=*_][ \t]*){3,}$)| {4}")


def _after_opening_block(lines: list[Line]) -> Line | None:
    """The last line of the README's opening block: the `# Title` line with the lines right
    under it (badges), then the paragraphs that follow (an introduction), up to the first
    block that is something else. None when the README does not open with a title."""
    if not lines or not lines[0].text.lstrip(BOM).startswith("# "):
        return None
    blocks: list[list[Line]] = []
    for line in lines:
        if is_blank(line):
            if blocks and blocks[-1]:
                blocks.append([])
            continue
        if not blocks:
            blocks.append([])
        blocks[-1].append(line)
    title, *rest = [b for b in blocks if b]
    if any(_NOT_INTRO.match(ln.text) for ln in title[1:]):
        return title[0]  # the title's own line only: a line under it makes a heading of it
    last = title[-1]
    for block in rest:
        if any(_NOT_INTRO.match(ln.text) for ln in block):
            break
        last = block[-1]
    return last


def add_missing_parts(text: str, settings: Settings) -> str:
    """`text` with the parts it lacks added: the date line after the opening block (the
    title, badges and introduction; at the top when there is no title), the sections at
    the end, in the file's own line endings."""
    missing = missing_parts(text, settings)
    if not missing:
        return text
    nl = dominant_newline(text) if text else "\n"
    prefix = settings.heading_prefix
    if "date line" in missing:
        text = _with_date_line(text, settings, nl)
    tail = []
    if "highlights" in missing:
        tail.append(f"{settings.hashes} {prefix}{settings.highlights_heading}")
    if "history" in missing:
        tail.append(f"{settings.hashes} {prefix}{settings.history_heading}")
    if "review" in missing:
        tail.append(f"{settings.hashes} {prefix}{settings.review_heading}")
    if tail:
        if text and not text.endswith(("\n", "\r")):
            text += nl
        text += nl + (nl + nl).join(tail) + nl
    return text


def _with_date_line(text: str, settings: Settings, nl: str) -> str:
    lines = split_lines(text)
    choices = []
    last = _after_opening_block(lines)
    if last is not None:
        choices.append(last)
        if lines[0] != last:
            choices.append(lines[0])  # if the opening block hides the line (an HTML block), under the title
    for line in choices:
        at = line.end if line.eol else len(text)
        insert = ("" if line.eol else nl) + nl + date_line(settings) + nl
        if line.number < len(lines) and not is_blank(lines[line.number]):
            insert += nl  # a blank line after it, or it would join the paragraph below
        placed = text[:at] + insert + text[at:]
        if "date line" not in missing_parts(placed, settings):
            return placed
    at = 1 if text.startswith(BOM) else 0
    return text[:at] + date_line(settings) + nl + nl + text[at:]


class Adoption(Record):
    """What a README a person already has says about the settings that fit it."""

    preset: str | None  # the preset its owned headings belong to; None when none match
    level: int | None  # the level its owned headings are at; None when it has none
    said: list[str]  # what init found, one line each, for its output


def read_adopted(text: str, settings: Settings, *, choose_preset: bool) -> Adoption:
    """The preset and section level a README's own headings choose. A heading chooses a
    preset when its title is that preset's highlights or history title in any case, at any
    level, with or without the emoji (`## Today`, `### :paperclip: 历史更新`); with
    `choose_preset` False the settings' preset stands. A heading meant as an owned one that
    GitHub does not show as it (`##:paperclip:  今日要点`, `## history`) is an error naming
    its line and the line to write: init never adds a second section beside it."""
    from dairly.config import PRESETS

    found = shown_headings(text)
    preset: str | None = None
    current = settings.preset
    if choose_preset:
        scores: dict[str, int] = {}
        for name, values in PRESETS.items():
            candidate = Settings()._replace(**values)
            titles = {normalize_title(t).casefold() for t in (candidate.highlights_heading, candidate.history_heading)}
            scores[name] = len({h.title.casefold() for h in found} & titles)
        best = max(scores.values())
        if best:
            tied = [name for name, score in scores.items() if score == best]
            preset = settings.preset if settings.preset in tied else tied[0]
            if preset != settings.preset:
                settings = Settings()._replace(**PRESETS[preset])
    owned = []
    for title in (settings.highlights_heading, settings.history_heading):
        exact = [h for h in found if h.title == normalize_title(title)]
        if exact:
            owned.append(exact[0])
            continue
        misnamed = misnamed_heading(text, title, settings.level, settings.heading_prefix, found)
        if misnamed is not None:
            raise InputError(f"not adopted: {misnamed[1]}; then run `dairly init` again", path=settings.readme)
    levels = {h.level for h in owned}
    if len(levels) > 1:
        where = " and ".join(f"{h.top.text.strip()!r} on line {h.top.number}" for h in owned)
        raise InputError(f"not adopted: {where} are at different levels; give them one", path=settings.readme)
    said = []
    if preset is not None and preset != current and owned:
        names = " and ".join(f"{h.top.text.strip()!r}" for h in owned)
        said.append(f"{settings.readme}'s headings {names} match the {preset} preset")
    level = owned[0].level if owned else None
    if level is not None and level != settings.level:
        said.append(f"adopted {settings.readme}'s own level-{level} sections in place (section_level = {level})")
    return Adoption(preset, level, said)


def preset_of_notes(texts: list[str]) -> str | None:
    """The preset whose highlights title the notes' own headings carry (any level, any case,
    with or without the emoji: `## :paperclip:  今日要点`, `## Today`), when just one does:
    the language a README without dairly's headings is to get them in."""
    from dairly.config import PRESETS

    titles = {
        name: normalize_title(Settings()._replace(**values).highlights_heading).casefold()
        for name, values in PRESETS.items()
    }
    seen = {h.title.casefold() for text in texts for h in shown_headings(text)}
    matching = [name for name, title in titles.items() if title in seen]
    return matching[0] if len(matching) == 1 else None
