"""What the README's owned parts should hold, rendered from the notes: the 历史更新 tree,
the promoted note's 今日要点, its relative links rebased to the README's folder, and the
回顾 list (looking back) when the readme_review setting is on.
Pure: notes in, text out (LF line endings; the plan converts them to the README's).
"""

from __future__ import annotations

import datetime
import functools
import posixpath
import re
from collections.abc import Iterator, Sequence
from html import escape
from itertools import groupby
from operator import attrgetter
from typing import TYPE_CHECKING

from dairly.config import Settings, format_date_template
from dairly.errors import NotesError, Problem
from dairly.links import DEFINITION_LINE, rebase_links, rebase_target
from dairly.markdown import iter_visible, unclosed_tags
from dairly.notes.note import Note

if TYPE_CHECKING:
    from dairly.notes.entries import Entry
    from dairly.notes.lookback import Pick


def _month_chunks(
    notes: Sequence[Note], settings: Settings, base_dir: str | None = None, opened: bool = False
) -> Iterator[str]:
    """The 历史更新 tree in pieces, one a month (the year's opening or closing tags with it),
    years and months ascending, numbering restarting each month; links are relative to
    `base_dir` (the README's folder unless given) and the summaries use the year and month
    labels. `opened`: every year and month shown open (a year's page)."""
    readme_dir = posixpath.dirname(settings.readme) if base_dir is None else base_dir
    details = "<details open>" if opened else "<details>"
    year = None
    for (y, month), group in groupby(sorted(notes, key=attrgetter("date")), key=_month):
        in_month = list(group)
        hrefs = [escape(_relative(n.path, readme_dir)) for n in in_month]
        titles = [escape(n.title or "") for n in in_month]
        lines = zip(range(1, len(titles) + 1), hrefs, titles, strict=True)
        items = "".join([f'    {n}. <a href="{href}" target="_blank">{title}</a>\n' for n, href, title in lines])
        head = ""
        if y != year:
            label = escape(format_date_template(settings.year_label, datetime.date(y, month, 1)))
            head = ("</pre>\n" if year is not None else "") + f"<pre>{details}<summary>{label}</summary>\n"
            year = y
        label = escape(format_date_template(settings.month_label, datetime.date(y, month, 1)))
        yield f"{head}{details}<summary>{label}</summary>\n{items}</details>\n"
    if year is not None:
        yield "</pre>\n"


def _relative(path: str, base: str) -> str:
    """`path` relative to the folder `base` ("" for the top)."""
    if not base:
        return path
    folder, _, name = path.rpartition("/")
    return posixpath.join(_relative_folder(folder, base), name)


@functools.lru_cache(maxsize=256)
def _relative_folder(folder: str, base: str) -> str:
    """One relpath a month folder, not one a note (a year's page links hundreds)."""
    return posixpath.relpath(folder or ".", base)


def _month(note: Note) -> tuple[int, int]:
    return note.date.year, note.date.month


def render_history(notes: Sequence[Note], settings: Settings) -> str:
    """The 历史更新 tree."""
    return "".join(_month_chunks(notes, settings))


# Past years' pages: when the whole tree would take the README past its budget, the
# oldest years each move to a page of their own, in this folder beside the README.
HISTORY_DIR = "history"
PAGE_MARK = "<!-- Written by `dairly publish` from the notes: edit the notes, not this page. -->"


def history_page_path(settings: Settings, year: int) -> str:
    """Where the page of a past year lives: history/YYYY.md in the README's folder."""
    return posixpath.join(posixpath.dirname(settings.readme), HISTORY_DIR, f"{year:04d}.md")


def years_of(notes: Sequence[Note]) -> dict[int, list[Note]]:
    """The notes by year, years ascending."""
    found: dict[int, list[Note]] = {}
    for note in sorted(notes, key=attrgetter("date")):
        found.setdefault(note.date.year, []).append(note)
    return found


def year_parts(history: str) -> list[str]:
    """The tree render_history wrote, split into its years' parts (each opens with
    `<pre><details>` at the start of a line, which no escaped title can hold)."""
    starts = [m.start() for m in _YEAR_START.finditer(history)]
    return [history[a:b] for a, b in zip(starts, [*starts[1:], len(history)], strict=True)]


_YEAR_START = re.compile(r"^<pre><details>", re.MULTILINE)


def render_folded_history(years: Sequence[int], parts: Sequence[str], folded: int, settings: Settings) -> str:
    """The 历史更新 tree with its `folded` oldest years as one line each, linking each
    year's page, and the rest in full: `parts` are the whole tree's (year_parts)."""
    readme_dir = posixpath.dirname(settings.readme)
    lines = []
    for year in years[:folded]:
        href = escape(posixpath.relpath(history_page_path(settings, year), readme_dir or "."))
        label = escape(format_date_template(settings.year_label, datetime.date(year, 1, 1)))
        lines.append(f'<a href="{href}">{label}</a>\n')
    index = "<pre>" + "".join(lines) + "</pre>\n" if lines else ""
    return index + "".join(parts[folded:])


def render_year_page(notes: Sequence[Note], settings: Settings, year: int) -> str:
    """The page of a past year: its notes' tree, open, linking from the page's folder."""
    page = history_page_path(settings, year)
    folder = posixpath.dirname(page)
    label = format_date_template(settings.year_label, datetime.date(year, 1, 1))
    back = posixpath.relpath(settings.readme, folder)
    tree = "".join(_month_chunks(notes, settings, base_dir=folder, opened=True))
    return f"{PAGE_MARK}\n# {escape(label)}\n\n[{escape(settings.readme)}]({back})\n\n{tree}"


def note_highlights(note_text: str, note: Note, settings: Settings, readme_dir: str) -> str:
    """The content of a note's 今日要点 section, rebased to the README's folder, LF endings."""
    from dairly.notes.note import promoted_name, promoted_sections, split_front_matter

    text = note_text.replace("\r\n", "\n").replace("\r", "\n")
    body_start = split_front_matter(text)[1]
    found = promoted_sections(text, body_start, settings)  # as dairly.notes.note.parse_note reads it
    if not found:
        from dairly.markdown import misnamed_heading, shown_headings

        title = settings.highlights_heading
        misnamed = misnamed_heading(text, title, 2, settings.heading_prefix, shown_headings(text, body_start))
        if misnamed is not None:  # meant as the heading: name the line and the fix
            raise NotesError(f"has no '## {title}' section to promote; {misnamed[1]}", path=note.path)
        raise NotesError(
            f"has no '## {title}' section to promote;"
            f' to promote the body under its title instead, set promote = "body" in dairly.toml',
            path=note.path,
        )
    if len(found) > 1:
        numbers = " and ".join(str(s.heading.line.number) for s in found)
        raise NotesError(
            f"has {len(found)} '## {settings.highlights_heading}' sections (lines {numbers}); keep one",
            path=note.path,
        )
    content = found[0].content
    if not content:
        return ""
    left_open = unclosed_tags(iter_visible(content))
    if left_open:
        name, line = left_open[0]
        raise NotesError(
            f"its {promoted_name(settings)} leaves <{name}> open, which on GitHub would swallow the README's"
            f" history tree and everything after it; close it with </{name}>",
            path=note.path,
            line=line.number,
        )
    body = "".join(ln.text + "\n" for ln in content)
    definitions = _definitions_left_behind(text[body_start:], body)
    if definitions:  # reference links would show as [text][label] without them
        body += "\n" + "".join(definitions)
    return rebase_links(body, note.folder, readme_dir)


def promoted_findings(note_text: str, note: Note, settings: Settings) -> list[Problem]:
    """GitHub's view of the 今日要点 section publish promotes from a note: each rendering
    finding lint has inside it (dairly.notes.traps), a warning with its line and fix;
    and a line written as a heading that ends the section (section_level or above) but GitHub
    shows as raw text (glued under an HTML line), a problem that stops publish: on GitHub
    the section runs on past it, so the footer below it would be promoted too."""
    from dairly.markdown import atx_heading
    from dairly.notes.note import promoted_name, promoted_sections, split_front_matter
    from dairly.notes.plain import plain_note

    text = note_text.replace("\r\n", "\n").replace("\r", "\n")
    body_start = split_front_matter(text)[1]
    if plain_note(text, body_start):  # find_traps' own first answer, without importing lint's traps
        return []
    from dairly.notes.traps import find_traps

    found = promoted_sections(text, body_start, settings)  # as note_highlights reads it
    if len(found) != 1:
        return []  # note_highlights has refused it already
    section = found[0]
    last = section.body[-1].number if section.body else section.heading.line.number
    lines = text.split("\n")
    what = "the note's body" if settings.promote == "body" else f"its {promoted_name(settings)} section"
    problems = []
    for trap in find_traps(text):
        if not section.heading.line.number < trap.line <= last:
            continue
        heading = atx_heading(lines[trap.line - 1])
        if heading is not None and heading[0] <= settings.level and "raw text" in trap.shown:
            problems.append(
                Problem(
                    note.path,
                    f"{trap.shown}, so {what} runs on past it and publish would"
                    f" copy what follows into the README; run `dairly lint --fix` ({trap.fix})",
                    trap.line,
                )
            )
        else:
            problems.append(Problem(note.path, trap.message, trap.line, warning=True))
    return problems


# A bracket's label as far as it runs: `\[((?:[^\[\]\\\n]|\\.)*)\]` is the run then `]`.
_BRACKET_RUN = re.compile(r"\[((?:[^\[\]\\\n]|\\.)*)")


def _bracketed(text: str) -> list[str]:
    r"""The labels `\[((?:[^\[\]\\\n]|\\.)*)\]` finds in the text, in linear time: a run that
    ends on no `]` ends there for every `[` it holds (each escaped, `\[`), so the search goes
    on from its end (a search from each `[` of `\[` repeated costs the square of its length)."""
    found = []
    at = 0
    while (at := text.find("[", at)) >= 0:
        run = _BRACKET_RUN.match(text, at)
        assert run is not None  # the run may be empty
        at = run.end()
        if text.startswith("]", at):
            found.append(run.group(1))
            at += 1
    return found


def _label(raw: str) -> str:
    return " ".join(raw.split()).casefold()


def _definitions_left_behind(note_body: str, content: str) -> list[str]:
    """The note's link reference definitions outside `content` that its links use (a
    `[text][label]`, `[label][]` or `[label]`), each a line ending in a newline."""
    if "]" not in content:
        return []
    inside = {_label(m.group(1)) for line in content.splitlines() if (m := DEFINITION_LINE.fullmatch(line))}
    used = {_label(label) for label in _bracketed(content)} - inside
    if not used:
        return []
    found = []
    seen = set()
    for line in note_body.splitlines():
        m = DEFINITION_LINE.fullmatch(line)
        if m and _label(m.group(1)) in used and _label(m.group(1)) not in seen:
            seen.add(_label(m.group(1)))
            found.append(line.strip() + "\n")
    return found


# How the 回顾 list names an interval, in the preset's language: (the day itself, the
# nearest note standing in for it, with its date). English counts one day apart.
_REVIEW_LABELS = {
    "zh": ("{days} 天前：", "约 {days} 天前（{date}）："),
    "en": ("{days} day{s} earlier: ", "about {days} day{s} earlier ({date}): "),
}


def render_review(shown: Sequence[tuple[Pick, Note, list[Entry]]], settings: Settings) -> str:
    """The 回顾 section's body: for each interval that found a note, its label and a link
    to the note, then the note's entries, each linked to its article. One HTML block
    without blank lines (as the tree), so no text from a note is read as Markdown, and
    every value escaped; relative links are made relative to the README's folder."""
    if not shown:
        return ""
    readme_dir = posixpath.dirname(settings.readme)
    exact, near = _REVIEW_LABELS.get(settings.preset, _REVIEW_LABELS["en"])
    lines = ["<ul>"]
    for pick, note, entries in shown:
        label = (near if pick.stand_in else exact).format(
            days=pick.days, s="" if pick.days == 1 else "s", date=settings.date_text(note.date)
        )
        href = posixpath.relpath(note.path, readme_dir) if readme_dir else note.path
        lines.append(f'<li>{escape(label)}<a href="{escape(href)}">{escape(note.title or note.path)}</a>')
        if entries:
            lines.append("<ol>")
            for entry in entries:
                title = escape(entry.title)
                if entry.url:
                    url = rebase_target(entry.url, note.folder, readme_dir)
                    title = f'<a href="{escape(url)}">{title}</a>'
                lines.append(f"<li>{title}</li>")
            lines.append("</ol>")
        lines.append("</li>")
    lines.append("</ul>")
    return "\n".join(lines) + "\n"
