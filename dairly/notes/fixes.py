"""lint --fix: the fixes that need no judgement, each made only where cmark-gfm's
rendering shows the note no worse for it (no visible text lost, no finding gained).

fix_note() puts the scheme (`mailto:`, `https://`) before link targets meant for the web,
makes the edits the traps of dairly.notes.traps carry (Trap.edit: the space after `##`,
the space out of `] (`, `\\_\\_` for `__`, what follows `-->` moved to a line of its own),
and adds a blank line above a swallowed or joined line; no_worse() and visible_letters()
are the oracle those edits are held to.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from html import unescape

from dairly.gfm import blocks, render
from dairly.markdown import dominant_newline, line_number_at, split_lines
from dairly.notes.note import split_front_matter
from dairly.notes.traps import HTML_TAG, Trap, find_traps, web_address
from dairly.tuples import Record


class Fixed(Record):
    """One change fix_note() made."""

    line: int  # 1-based, in the fixed text
    message: str


def fix_note(
    text: str, web_links: Iterable[tuple[int, str]] = (), entry_numbers: Mapping[int, int] | None = None
) -> tuple[str, list[Fixed]]:
    """The note's text (decoded, without a BOM) with the mechanical fixes applied, and what
    changed: the scheme (`mailto:`, `https://`) put before the link targets `web_links`
    names as (line, target as written), each edit a trap carries (Trap.edit) where cmark-gfm
    confirms the note is no worse for it (_edit_no_worse), then a blank line above every
    swallowed line likewise (no_worse); a fix that is not stays a finding.
    `entry_numbers` is as for find_traps(). Every other character, line endings included,
    is kept; fixing the result again changes nothing."""
    text, fixed = _fix_web_links(text, web_links)
    numbers = None if entry_numbers is None else dict(entry_numbers)
    for _ in range(100):  # an edit can end a block that hid a later trap: look again
        edits = [trap for trap in find_traps(text, numbers) if trap.edit is not None and trap.done]
        # All at once; where that is worse, each alone (the first few: more is a note to fix by hand).
        for batch in (edits, *([trap] for trap in edits[:_EDITS_ALONE])):
            after, split = _edited(text, batch)
            if batch and _edit_no_worse(text, after, batch, split):
                break
        else:
            break
        below = sorted(n + 1 for n, count in split.items() for _ in range(count))  # as lines inserted there
        fixed = [Fixed(_moved(f.line, below), f.message) for f in fixed]
        fixed.extend(Fixed(_moved(trap.line, below), trap.done) for trap in batch)
        if numbers is not None:
            numbers = {_moved(line, below): number for line, number in numbers.items()}
        text = after
    for _ in range(100):  # a blank line can end a block that hid a later trap: look again
        found = find_traps(text, numbers)
        traps = [trap for trap in found if trap.done and trap.edit is None and no_worse(text, trap.line, found)]
        if not traps:
            break
        below = [trap.line for trap in traps]
        if len(below) > 1 and not no_worse(text, below, found):
            traps, below = traps[:1], below[:1]  # each is safe alone but not all together: one at a time
        text = _insert_blank_lines(text, below)
        fixed = [Fixed(_moved(f.line, below), f.message) for f in fixed]
        fixed.extend(Fixed(_moved(trap.line, below), trap.done) for trap in traps)
        if numbers is not None:
            numbers = {_moved(line, below): number for line, number in numbers.items()}
    fixed.sort(key=lambda f: f.line)
    return text, fixed


_EDITS_ALONE = 10


def _edited(text: str, traps: list[Trap]) -> tuple[str, dict[int, int]]:
    """The text with the traps' edits made, each (start, end, replacement) in its line's
    text (one overlapping another on its line is left out), a newline in a replacement
    ended as its line is; and how many lines each edit split off below its line."""
    lines = split_lines(text)
    by_line: dict[int, list[tuple[int, int, str]]] = {}
    for trap in traps:
        if trap.edit is not None:
            by_line.setdefault(trap.line, []).append(trap.edit)
    out = []
    pos = 0
    split: dict[int, int] = {}
    for number in sorted(by_line):
        line = lines[number - 1]
        taken = -1
        for start, end, replacement in sorted(by_line[number]):
            if start < taken:
                continue
            if "\n" in replacement:
                split[number] = split.get(number, 0) + replacement.count("\n")
                replacement = replacement.replace("\n", line.eol or dominant_newline(text))
            out.append(text[pos : line.start + start])
            out.append(replacement)
            pos, taken = line.start + end, end
    out.append(text[pos:])
    return "".join(out), split


def _edit_no_worse(text: str, after: str, traps: list[Trap], split: dict[int, int]) -> bool:
    """Whether the traps' edits leave the note no worse on GitHub, as cmark-gfm renders it:
    no visible letter lost, every block above the first edited line unchanged, the traps
    gone and no finding new on any line (`split`: the lines each edit split off, which are
    the edited line's)."""
    if visible_letters(text) - visible_letters(after):
        return False
    _block, start = split_front_matter(text)
    above = min(trap.line for trap in traps) - line_number_at(text, start) + 1
    if [b for b in blocks(text[start:]) if b.last < above] != [b for b in blocks(after[start:]) if b.last < above]:
        return False
    was_line: list[int] = []  # the line each line of `after` was, 0-based
    for number in range(1, line_number_at(text, len(text)) + 1):
        was_line.extend([number] * (1 + split.get(number, 0)))
    was = Counter((t.line, _unnumbered(t.shown)) for t in find_traps(text))
    now = Counter(
        (was_line[t.line - 1] if t.line <= len(was_line) else t.line, _unnumbered(t.shown)) for t in find_traps(after)
    )
    gone = Counter((t.line, _unnumbered(t.shown)) for t in traps)
    return not now - was and all(now[key] <= was[key] - count for key, count in gone.items())


_COMMENTED = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


def visible_letters(text: str) -> Counter[str]:
    """The letters and digits a reader sees in the note on GitHub (cmark-gfm's HTML without
    its tags and comments), counted: what a fix must never take away."""
    _block, start = split_front_matter(text)
    html = _COMMENTED.sub(" ", render(text[start:], unsafe=True))
    # A link's target counts where it shows: as raw text, or under the mouse once it is a link.
    # An address GitHub links as written shows once: its text, not its target again.
    targets = " ".join(m.group(2) for m in _TARGET_ATTRIBUTE.finditer(html) if not _links_itself(html, m))
    return Counter(c for c in unescape(HTML_TAG.sub(" ", html) + targets + _list_numbers(html)) if c.isalnum())


def _links_itself(html: str, attribute: re.Match[str]) -> bool:
    """Whether an href is that of a link whose text is its target, written out."""
    target = attribute.group(2)
    return attribute.group(1) == "href" and html.startswith(f'{target}">{target}</a>', attribute.start(2))


_LIST_TAG = re.compile(r'<(/?)(ol|ul|li)\b(?: start="(\d+)")?')


def _list_numbers(html: str) -> str:
    """The numbers a browser shows before the items of numbered lists."""
    counters: list[int | None] = []
    shown = []
    for m in _LIST_TAG.finditer(html):
        if m.group(1):
            if m.group(2) != "li" and counters:
                counters.pop()
        elif m.group(2) == "li":
            if counters and counters[-1] is not None:
                shown.append(str(counters[-1]))
                counters[-1] += 1
        else:
            counters.append(int(m.group(3) or 1) if m.group(2) == "ol" else None)
    return " ".join(shown)


_TARGET_ATTRIBUTE = re.compile(r"""\b(href|src|alt)=["']?([^"'\s>]*)""")


def no_worse(text: str, below: int | list[int], found: list[Trap] | None = None) -> bool:
    """Whether a blank line above each line of `below` leaves the note no worse on GitHub, as
    cmark-gfm renders it: no visible letter lost, every block above the first unchanged, and
    no finding that was not there before (but a list ended early where raw text was: the
    text that GitHub showed as raw HTML now shows as a list)."""
    lines = sorted([below] if isinstance(below, int) else below)
    after = _insert_blank_lines(text, lines)
    if visible_letters(text) - visible_letters(after):
        return False
    _block, start = split_front_matter(text)
    offset = line_number_at(text, start) - 1
    before_blocks = blocks(text[start:])
    # The blocks the blank lines split: an HTML block, or a paragraph holding an entry.
    opened = [
        b for b in before_blocks if b.tag in ("html", "p") and any(b.first <= n - offset <= b.last for n in lines)
    ]
    first = min([b.first for b in opened] + [lines[0] - offset])
    if [b for b in before_blocks if b.last < first] != [b for b in blocks(after[start:]) if b.last < first]:
        return False
    split = {n + offset for b in opened for n in range(b.first, b.last + 1)}
    # Lines that were in no numbered list: bullets there were a list of their own already.
    unlisted = {n + offset for b in before_blocks if b.depth == 0 and b.tag != "ol" for n in range(b.first, b.last + 1)}
    found = find_traps(text) if found is None else found
    was = {(t.line, _unnumbered(t.shown)) for t in found}
    still = find_traps(after)
    fixing = {(line, t.shown) for t in found for line in lines if t.line == line}
    if any((_unmoved(t.line, lines), t.shown) in fixing for t in still):
        return False  # the blank line does not end what swallows the line
    for trap in still:
        line = _unmoved(trap.line, lines)
        if line is None or (line in split and (trap.shown.startswith(_LIST_ENDED) or _RAW in trap.shown)):
            continue  # the raw text GitHub showed before: still raw further down, or a list of its own
        if line in unlisted and trap.shown.startswith(_LIST_ENDED):
            continue  # those bullets were outside every entry before too
        if (line, _unnumbered(trap.shown)) not in was:
            return False
    return True


_LINE_NUMBERS = re.compile(r"\blines? \d+(?:-\d+)?")


def _unnumbered(shown: str) -> str:
    """A finding's words without the line numbers it quotes, which a blank line above moves."""
    return _LINE_NUMBERS.sub("lines", shown) if "line" in shown else shown


_LIST_ENDED = ("GitHub shows the bullets from here", "GitHub shows this paragraph outside")
_RAW = " as raw text inside "


def _unmoved(line: int, below: list[int]) -> int | None:
    """The line before the blank lines were inserted above `below`; None for a blank line
    inserted."""
    for i, number in enumerate(below):
        if line == number + i:  # the inserted blank line itself
            return None
        if line < number + i:
            return line - i
    return line - len(below)


def _moved(line: int, below: list[int]) -> int:
    """Where a line is once a blank line is inserted above each of the lines `below`."""
    return line + bisect_right(below, line)


def _insert_blank_lines(text: str, numbers: list[int]) -> str:
    """The text with a blank line above each of these lines (ascending, none the first),
    ended as the line above it is."""
    lines = split_lines(text)
    out = []
    pos = 0
    for number in numbers:
        start = lines[number - 1].start
        out.append(text[pos:start])
        out.append(lines[number - 2].eol)
        pos = start
    out.append(text[pos:])
    return "".join(out)


def _fix_web_links(text: str, web_links: Iterable[tuple[int, str]]) -> tuple[str, list[Fixed]]:
    wanted = set(web_links)
    if not wanted:
        return text, []
    from dairly.links import target_spans

    starts = [line.start for line in split_lines(text)]
    out = []
    fixed = []
    pos = 0
    for begin, end, kind in target_spans(text):
        written = text[begin:end]
        url = unescape(written) if kind in ("src", "href") else written
        number = bisect_right(starts, begin)
        address = web_address(url)
        if (number, url) not in wanted or address is None or begin < pos:
            continue
        out.append(text[pos:begin])
        out.append(address.scheme)
        pos = begin
        what = "image" if kind in ("image", "src") else "link"
        fixed.append(Fixed(number, f"{what} {url!r} is now {address.scheme}{url}"))
    out.append(text[pos:])
    return "".join(out), fixed
