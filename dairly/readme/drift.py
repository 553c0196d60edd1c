"""Explain, one line per problem, how a README differs from what `publish` would write.

Pure: it compares the README's owned parts with the expected ones and names files, so a
person can see why `check` failed without reading a diff.
"""

from __future__ import annotations

import posixpath
import re

from dairly.config import Settings, format_date_template
from dairly.errors import Problem
from dairly.notes.note import Note
from dairly.notes.scan import Scan
from dairly.readme.layout import Layout


def _drift(path: str, message: str, line: int | None = None) -> Problem:
    return Problem(path, message, line, drift=True)


# A tree link's href inside its tag (the tag ends at its first `>`: dairly escapes the
# ones in an href); links and summaries are found with str.find, in linear time (as one
# regular expression, `<a href='` repeated cost the cube of the line's length).
_HREF = re.compile(r"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_SUMMARY_OPEN = re.compile(r"\s*<summary>", re.IGNORECASE)
_A_OPEN = re.compile(r"<a\s", re.IGNORECASE)
_A_CLOSE = re.compile(r"</a>", re.IGNORECASE)
_DETAILS = re.compile(r"<details>", re.IGNORECASE)
_SUMMARY_CLOSE = re.compile(r"</summary>", re.IGNORECASE)
_PRE_BEFORE = re.compile(r"<pre>\s*$", re.IGNORECASE)


def tree_links(text: str) -> list[tuple[str, str]]:
    """(href, title) of each `<a ... href="...">title</a>` in a line, as written."""
    found = []
    at = 0
    while (opened := _A_OPEN.search(text, at)) is not None:
        end = text.find(">", opened.start())
        if end < 0:
            break  # no tag closes on the rest of the line
        href = _HREF.search(text, opened.start() + 2, end)
        if href is None:
            at = end
            continue
        close = _A_CLOSE.search(text, end)
        if close is None:
            break
        found.append((href.group(1) if href.group(1) is not None else href.group(2), text[end + 1 : close.start()]))
        at = close.end()
    return found


def summaries(text: str) -> list[tuple[bool, str]]:
    """(opens a year: `<pre>` before it, label) of each `<details><summary>label</summary>`
    in a line. A year's block opens with `<pre><details><summary>`, a month's with
    `<details><summary>`."""
    found = []
    at = done = 0
    while (details := _DETAILS.search(text, at)) is not None:
        opened = _SUMMARY_OPEN.match(text, details.end())
        if opened is None:
            at = details.end()
            continue
        close = _SUMMARY_CLOSE.search(text, opened.end())
        if close is None:
            break  # no summary closes after this one: none after it does either
        year = _PRE_BEFORE.search(text, done, details.start()) is not None
        found.append((year, text[opened.end() : close.start()]))
        at = done = close.end()
    return found


def grouped_tree_links(layout: Layout) -> list[tuple[int, str, str, tuple[str | None, str | None]]]:
    """(line, href, title, (year, month)) for every link in the README's history section:
    the year and month summaries each link sits under, as shown."""
    from html import unescape  # only a README whose tree differs gets here

    found = []
    year = month = None
    for line in layout.history.content:
        for opens_year, shown in summaries(line.text):
            label = unescape(shown).strip()
            if opens_year:
                year, month = label, None
            else:
                month = label
        for href, title in tree_links(line.text):
            found.append((line.number, unescape(href), unescape(title), (year, month)))
    return found


def diagnose(
    text: str,
    layout: Layout,
    highlights_changed: bool,
    history_changed: bool,
    scan: Scan,
    promoted: Note | None,
    settings: Settings,
    readme_path: str,
    pages: dict[str, str] | None = None,
    *,
    review_changed: bool = False,
) -> list[Problem]:
    """Every difference between the README and the expected one, as problems. `pages`:
    the past years' pages the tree links instead of their notes."""
    problems: list[Problem] = []
    readme_dir = posixpath.dirname(readme_path)

    date_start, date_end = layout.date_span
    current_date = text[date_start:date_end]
    if promoted is not None and current_date != settings.date_text(promoted.date):
        problems.append(
            _drift(
                readme_path,
                f"{settings.date_label} is {current_date or '(empty)'!s}, but the newest note is "
                f"{settings.date_text(promoted.date)} ({promoted.path})",
                layout.date_line.number,
            )
        )

    if highlights_changed and promoted is not None:
        problems.append(
            _drift(
                readme_path,
                f"{settings.highlights_heading} does not match {promoted.path}, the note being published",
                layout.highlights.heading.line.number,
            )
        )

    if review_changed and layout.review is not None:
        from dairly.config import day_counts

        *most, last = map(str, day_counts(settings.readme_review_days))
        days = f"{', '.join(most)} and {last}" if most else last
        newest = "" if promoted is None else f" ({settings.date_text(promoted.date)})"
        problems.append(
            _drift(
                readme_path,
                f"{settings.review_heading} does not list the notes {days} days before the newest note's date{newest}",
                layout.review.heading.line.number,
            )
        )

    if history_changed:
        before = len(problems)
        problems.extend(_tree_problems(text, layout, scan, settings, readme_path, readme_dir, pages or {}))
        if len(problems) == before:
            what = "is not in the generated format or order"
            targets = {
                posixpath.normpath(posixpath.join(readme_dir, h)) for _n, h, _t, _g in grouped_tree_links(layout)
            }
            if pages and not targets & pages.keys():  # the whole tree, which no longer fits
                what = (
                    f"would take the README past its budget of {settings.readme_budget:,} bytes (readme_budget):"
                    f" {len(pages)} past {'year moves' if len(pages) == 1 else 'years move'} to pages of their own"
                )
            problems.append(
                _drift(readme_path, f"the {settings.history_heading} tree {what}", layout.history.heading.line.number)
            )
    return problems


def _labels(settings: Settings, note: Note) -> tuple[str, str]:
    return (
        format_date_template(settings.year_label, note.date),
        format_date_template(settings.month_label, note.date),
    )


def _place(year: str, month: str) -> str:
    """'2022年4月', 'April 2022' ... as a person says where in the tree: CJK labels run on."""
    return f"{year}{month}" if year and not year[-1].isascii() else f"{month} {year}"


def _tree_problems(
    text: str, layout: Layout, scan: Scan, settings: Settings, readme_path: str, readme_dir: str, pages: dict[str, str]
) -> list[Problem]:
    from dairly.readme.render import history_page_path

    heading = settings.history_heading
    notes = {n.path: n for n in scan.notes}
    indexed = {n.path for n in scan.indexed if history_page_path(settings, n.date.year) not in pages}
    problems: list[Problem] = []
    linked: dict[str, int] = {}
    for line, href, title, (year, month) in grouped_tree_links(layout):
        target = posixpath.normpath(posixpath.join(readme_dir, href))
        if target in linked:
            problems.append(
                _drift(readme_path, f"{heading} links to {target} twice (first on line {linked[target]})", line)
            )
            continue
        linked[target] = line
        if target in pages:  # a past year's page: check compares the page itself
            continue
        note: Note | None = notes.get(target)
        if target not in scan.files:
            problems.append(_drift(readme_path, f"{heading} links to {target}, which does not exist", line))
        elif note is None:
            problems.append(_drift(readme_path, f"{heading} links to {target}, which is not a valid note", line))
        elif note.draft:
            problems.append(_drift(readme_path, f"{heading} links to {target}, which is a draft", line))
        elif note.title is not None and title != note.title:
            problems.append(
                _drift(readme_path, f"{heading} shows {title!r} for {target}, but its title is {note.title!r}", line)
            )
        elif (year, month) != (expected := _labels(settings, note)):
            where = _place(year, month) if year is not None and month is not None else "no year and month"
            message = f"{heading} lists {target} under {where}; it belongs under {_place(*expected)}"
            problems.append(_drift(readme_path, message, line))
    for path in sorted(indexed - linked.keys()):
        problems.append(_drift(path, f"is missing from the {heading} tree in {readme_path}"))
    return problems
