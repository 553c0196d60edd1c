"""Line-level Markdown structure shared by the README and the notes: lines with their
exact offsets and endings, fenced code, ATX headings and the sections they open.

Everything here is pure and works on offsets, so callers replace text by slicing and
every byte they do not own stays as it was.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import partial
from itertools import accumulate, count, repeat
from operator import add, itemgetter
from typing import NamedTuple

_EOL = re.compile(r"\r\n|\r|\n")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))??(?:[ \t]+#+)?[ \t]*")
# Leading GitHub emoji shortcodes such as ":paperclip:" decorate titles; they are not part of them.
_SHORTCODES = re.compile(r"^(?:\s*:[a-z0-9_+\-]+:)*\s*")
BOM = "\ufeff"


class Line(NamedTuple):  # a tuple: a 10,000-note README has 10,000+ of these
    number: int  # 1-based
    start: int  # offset of the first character
    end: int  # offset just after the line ending
    text: str  # without the line ending
    eol: str  # "\n", "\r\n", "\r" or "" on a last line without one


def split_lines(text: str) -> list[Line]:
    """Split keeping exact offsets; unlike str.splitlines, only CR/LF end a line."""
    if "\r" not in text:
        return _split_uniform(text, "\n")
    if text.count("\r") == text.count("\n") == text.count("\r\n"):
        return _split_uniform(text, "\r\n")
    lines: list[Line] = []
    pos = 0
    for m in _EOL.finditer(text):
        lines.append(Line(len(lines) + 1, pos, m.end(), text[pos : m.start()], m.group()))
        pos = m.end()
    if pos < len(text):
        lines.append(Line(len(lines) + 1, pos, len(text), text[pos:], ""))
    return lines


_make_line = partial(tuple.__new__, Line)  # Line._make without a Python frame per line


def _split_uniform(text: str, eol: str) -> list[Line]:
    """split_lines for a text whose every line ends with `eol`: built by C-level iterators,
    since a 10,000-note README has 10,000+ lines and this runs on every `check`."""
    parts = text.split(eol)
    last = parts.pop()  # "" when the text ends with a line ending
    size = len(eol)
    ends = list(accumulate(map(add, map(len, parts), repeat(size))))
    lines = list(map(_make_line, zip(count(1), [0, *ends], ends, parts, repeat(eol))))
    if last:
        lines.append(Line(len(lines) + 1, len(text) - len(last), len(text), last, ""))
    return lines


def dominant_newline(text: str) -> str:
    """The line ending most of the text uses, for the lines we generate."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    cr = text.count("\r") - crlf
    if crlf > lf and crlf >= cr:
        return "\r\n"
    if cr > lf:
        return "\r"
    return "\n"


def is_blank(line: Line) -> bool:
    return not line.text.strip()


def iter_unfenced(lines: list[Line]) -> Iterator[Line]:
    """Yield the lines outside fenced code blocks (fence lines themselves excluded)."""
    fence: str | None = None
    for line in lines:
        text = line.text
        if "`" not in text and "~" not in text:  # cannot open or close a fence: skip the regex
            if fence is None:
                yield line
            continue
        if line.number == 1:
            text = text.lstrip(BOM)
        m = _FENCE.match(text)
        if fence is None:
            if m and not (m.group(1)[0] == "`" and "`" in m.group(2)):
                fence = m.group(1)
                continue
            yield line
        elif m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip():
            fence = None


def unfenced_lines(lines: list[Line], text: str) -> list[Line]:
    """list(iter_unfenced(lines)) for lines = split_lines(text), without looking at the
    lines before the first ``` or ~~~ of the text: they can neither be in a fence nor open one."""
    first = min((i for i in (text.find("```"), text.find("~~~")) if i >= 0), default=-1)
    if first < 0:
        return list(lines)
    at = bisect_right(lines, first, key=itemgetter(1)) - 1  # the line holding that offset (Line.start)
    return lines[:at] + list(iter_unfenced(lines[at:]))


class Heading(NamedTuple):
    line: Line
    level: int
    title: str  # the heading text with its leading emoji shortcodes removed


def normalize_title(raw: str) -> str:
    return " ".join(_SHORTCODES.sub("", raw).split())


def parse_heading(line: Line) -> Heading | None:
    text = line.text.lstrip(BOM) if line.number == 1 else line.text
    m = _HEADING.fullmatch(text)
    if m is None:
        return None
    return Heading(line, len(m.group(1)), normalize_title(m.group(2) or ""))


def headings(lines: list[Line], *, unfenced: list[Line] | None = None) -> list[Heading]:
    """The ATX headings outside code fences; `unfenced` is iter_unfenced(lines) if the
    caller already has it."""
    found = []
    for line in iter_unfenced(lines) if unfenced is None else unfenced:
        if "#" in line.text:
            h = parse_heading(line)
            if h is not None:
                found.append(h)
    return found


class Section(NamedTuple):
    """An H2 section: its heading, and its body up to the next H1/H2 or the end."""

    heading: Heading
    body: list[Line]  # may be empty

    @property
    def content(self) -> list[Line]:
        """The body without its leading and trailing blank lines."""
        lines = self.body
        first = next((i for i, ln in enumerate(lines) if not is_blank(ln)), None)
        if first is None:
            return []
        last = next(i for i in range(len(lines) - 1, first - 1, -1) if not is_blank(lines[i]))
        return lines[first : last + 1]


def find_sections(
    lines: list[Line], title: str, level: int = 2, *, all_headings: list[Heading] | None = None
) -> list[Section]:
    """Every section whose heading (at `level`) has this title, outside code fences;
    `all_headings` is headings(lines) if the caller already has it."""
    if all_headings is None:
        all_headings = headings(lines)
    wanted = normalize_title(title)
    sections = []
    for i, h in enumerate(all_headings):
        if h.level != level or h.title != wanted:
            continue
        end_line = len(lines)
        for nxt in all_headings[i + 1 :]:
            if nxt.level <= level:
                end_line = nxt.line.number - 1
                break
        sections.append(Section(h, lines[h.line.number : end_line]))
    return sections


def near_misses(lines: list[Line], title: str) -> list[Line]:
    """Lines that look like a broken version of the heading, for a helpful error."""
    wanted = normalize_title(title)
    return [ln for ln in iter_unfenced(lines) if "#" in ln.text and wanted in ln.text]
