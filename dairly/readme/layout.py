"""Where the three parts dairly owns sit in a README: the date line's value, and the
今日要点 and 历史更新 sections (each a level-2 heading found by its title, and the body
below it up to the next level-1 or level-2 heading); and a fourth when the readme_review
setting is on, the 回顾 section (looking back). Pure: text in, offsets out.

A README whose owned heading or date line is missing or doubled is an error naming it
and its lines, so nothing is written.
"""

from __future__ import annotations

import re

from dairly.config import Settings, preset_hint
from dairly.errors import InputError
from dairly.markdown import (
    BOM,
    Heading,
    Line,
    Section,
    dominant_newline,
    find_sections,
    iter_visible,
    misnamed_heading,
    near_misses,
    normalize_title,
    parse_heading,
    shown_headings,
    split_lines,
)
from dairly.tuples import Record


class Layout(Record):
    """Where the owned parts of a README are."""

    newline: str
    date_line: Line
    date_span: tuple[int, int]  # offsets of the date value on the date line
    highlights: Section
    history: Section
    review: Section | None = None  # the look-back section, when the readme_review setting is on


def _one_section(
    text: str, title: str, path: str, what: str, all_headings: list[Heading], settings: Settings
) -> Section:
    level = settings.level
    found = find_sections(text, title, level, all_headings=all_headings)
    if len(found) == 1:
        return found[0]
    hashes = settings.hashes
    if not found:
        hint = ""
        wanted = normalize_title(title)
        hidden = [h for h in map(parse_heading, split_lines(text)) if h and h.level == level and h.title == wanted]
        if hidden:  # there, but GitHub shows it as something else
            hint = f"; line {hidden[0].line.number} has one {_hidden_by(text, hidden[0].line)}"
        elif misnamed := misnamed_heading(
            text, title, level, settings.heading_prefix, all_headings, level_setting=True
        ):  # meant as one: glued, another case, another level
            hint = f"; {misnamed[1]}"
        elif misses := near_misses(text, title):
            hint = f"; line {misses[0].number} looks like a broken one: {misses[0].text.strip()!r}"
        raise InputError(f"no '{hashes} {title}' heading ({what}) found{hint}", path=path)
    numbers = " and ".join(str(s.heading.line.number) for s in found)
    raise InputError(
        f"the '{hashes} {title}' heading appears {len(found)} times (lines {numbers}); keep one",
        path=path,
        line=found[0].heading.line.number,
    )


def _hidden_by(text: str, line: Line) -> str:
    """Why GitHub does not show this heading-like line as a heading, in words."""
    from dairly.gfm import blocks

    inside = [b for b in blocks(text) if b.first <= line.number <= b.last and b.tag != "li"]
    tag = inside[-1].tag if inside else ""
    if text.rfind("<!--", 0, line.start) > text.rfind("-->", 0, line.start):
        return "inside an HTML comment, which GitHub does not show as a heading"
    if tag == "pre":
        return "inside a code block, which GitHub does not show as a heading"
    if tag == "html":
        return (
            "right under an HTML line, so GitHub shows it as raw text inside that HTML block; put a blank line above it"
        )
    if tag in ("ul", "ol", "blockquote") or (inside and inside[-1].depth > 0):
        return "inside a list or quote, so it does not start a section; move it to column 0"
    return "that GitHub does not show as a heading here"


def _date_line(unfenced: list[Line], label: str, path: str, above: int) -> tuple[Line, tuple[int, int]]:
    """The one date line among the lines outside code fences: the one above the owned
    sections (offset `above`) when the label also starts lines further down (an author's
    own `时间：` on each entry of a list they keep)."""
    # The date is the rest of the line, its trailing spaces cut off after the match (a lazy
    # `(.*?)[ \t\u3000]*` scanned to a run's end from each of its spaces: its square).
    pattern = re.compile(r"[ \t]*" + re.escape(label) + r"[ \t]*[：:][ \t\u3000]*(.*)")
    found = []
    for line in [ln for ln in unfenced if label in ln.text]:  # the regex only where it can match
        skip = 1 if line.number == 1 and line.text.startswith(BOM) else 0
        m = pattern.fullmatch(line.text, skip)
        if m:
            end = m.start(1) + len(m.group(1).rstrip(" \t\u3000"))
            found.append((line, (line.start + m.start(1), line.start + end)))
    if len(found) > 1 and found[0][0].start < above:
        found = [item for item in found if item[0].start < above]
    if len(found) == 1:
        return found[0]
    if not found:
        raise InputError(f"no '{label}：' date line found", path=path)
    numbers = " and ".join(str(ln.number) for ln, _ in found)
    raise InputError(f"the '{label}：' line appears {len(found)} times (lines {numbers}); keep one", path=path)


def locate(text: str, settings: Settings, path: str) -> Layout:
    """Find the owned parts, or fail naming what is missing or doubled."""
    all_headings = shown_headings(text)  # what GitHub shows as headings, not what looks like one
    try:
        highlights = _one_section(
            text, settings.highlights_heading, path, "the newest note's highlights", all_headings, settings
        )
        history = _one_section(text, settings.history_heading, path, "the history tree", all_headings, settings)
    except InputError as exc:
        hint = preset_hint({h.title for h in all_headings if h.level == settings.level}, settings)
        if hint is None:
            raise
        raise InputError(f"{exc.message}; {hint}", path=path) from None
    review = _review_section(text, settings, path, all_headings)
    owned = (highlights, history) if review is None else (highlights, history, review)
    lines = split_lines(text)  # once, for the date line and the sections' bodies
    above = min(section.heading.top.start for section in owned)
    date_line, span = _date_line(list(iter_visible(lines)), settings.date_label, path, above)
    for section in owned:
        section.body_from(lines)
    for section in owned:
        if section.start <= date_line.start < section.end:
            raise InputError(
                f"the '{settings.date_label}：' line is inside the '{settings.hashes} {section.heading.title}' section,"
                " which dairly rewrites; move it above the sections",
                path=path,
                line=date_line.number,
            )
    return Layout(dominant_newline(text), date_line, span, highlights, history, review)


def _review_section(text: str, settings: Settings, path: str, all_headings: list[Heading]) -> Section | None:
    """The look-back section when the readme_review setting is on; None when it is off."""
    if not settings.review_on:
        return None
    title = normalize_title(settings.review_heading)
    for name in ("highlights_heading", "history_heading"):
        if normalize_title(getattr(settings, name)) == title:  # one section rewritten twice over
            raise InputError(f"the settings 'review_heading' and '{name}' name the same section; give it another title")
    what = "looking back, as readme_review is on; `dairly init` adds it"
    return _one_section(text, settings.review_heading, path, what, all_headings, settings)
