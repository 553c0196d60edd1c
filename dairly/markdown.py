"""Line-level Markdown structure shared by the README and the notes: lines with their
exact offsets and endings, fenced code, ATX headings and the sections they open, and the
HTML elements lines open and close.

Everything here is pure and works on offsets, so callers replace text by slicing and
every byte they do not own stays as it was.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from operator import attrgetter
from typing import Any, TypeVar

from dairly.gfm import EOL
from dairly.tuples import Record

_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
# The title grows a character or a whole run of spaces at a time: grown a space at a time,
# each step scanned the rest of the run for a closing `#`, the square of a run's length.
_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+((?:[^ \t\n]|[ \t]+(?![ \t]))*?))??(?:[ \t]+#+)?[ \t]*")
# Leading GitHub emoji shortcodes such as ":paperclip:" decorate titles; they are not part of them.
_SHORTCODES = re.compile(r"^(?:\s*:[a-z0-9_+\-]+:)*\s*")
BOM = "\ufeff"
_T = TypeVar("_T")


class Line(Record):  # a tuple: a 10,000-note README has 10,000+ of these
    number: int  # 1-based
    start: int  # offset of the first character
    end: int  # offset just after the line ending
    text: str  # without the line ending
    eol: str  # "\n", "\r\n", "\r" or "" on a last line without one


def split_lines(text: str, start: int = 0, end: int | None = None, number: int = 1) -> list[Line]:
    """Split keeping exact offsets; unlike str.splitlines, only CR/LF end a line.

    With `start` and `end` (line boundaries), only that part is split, its lines keeping
    their offsets in `text`; `number` is the number of the first one."""
    end = len(text) if end is None else end
    lines: list[Line] = []
    pos = start
    for m in EOL.finditer(text, start, end):
        lines.append(Line(number + len(lines), pos, m.end(), text[pos : m.start()], m.group()))
        pos = m.end()
    if pos < end:
        lines.append(Line(number + len(lines), pos, end, text[pos:end], ""))
    return lines


def line_number_at(text: str, pos: int) -> int:
    """The 1-based number of the line that starts at text[pos], lines ending as split_lines
    ends them (a lone CR too)."""
    if text.find("\r", 0, pos) < 0:
        return text.count("\n", 0, pos) + 1
    return len(EOL.findall(text, 0, pos)) + 1


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


def fence_opening(text: str) -> str | None:
    """The fence (```` ``` ```` or `~~~`, three or more) a line opens, else None. A line that
    could close a fence opens one too: the caller knows whether a fence is open."""
    if "`" not in text and "~" not in text:
        return None
    m = _FENCE.match(text)
    if m is None or (m.group(1)[0] == "`" and "`" in m.group(2)):
        return None
    return m.group(1)


def closes_fence(text: str, fence: str) -> bool:
    """Whether the line closes the open `fence`: the same character, at least as many, and
    nothing after it."""
    m = _FENCE.match(text)
    return m is not None and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not m.group(2).strip()


# What a line is to the blocks GitHub reads line by line (line_kinds).
SHOWN = 0  # Markdown GitHub renders
OPENS = 1  # opens a fenced code block
CODE = 2  # inside a fenced code block
CLOSES = 3  # closes the fenced code block open above it
COMMENT = 4  # in an HTML comment block


def line_kinds(lines: Iterable[Line], *, comments: bool = True) -> Iterator[tuple[Line, int]]:
    """Each line with its kind (SHOWN, OPENS, CODE, CLOSES, COMMENT): the one scanner of
    fenced code and HTML comment blocks. A comment block opens with `<!--` at the start of
    a line and ends on the line holding `-->`; a fence inside one is none. Without
    `comments`, only fences count and no BOM is skipped before line 1: how an entry's
    lines (notes/entries.py) and link targets (links.py) are read."""
    fence: str | None = None
    in_comment = False
    for line in lines:
        text = line.text
        if in_comment:
            in_comment = "-->" not in text
            yield line, COMMENT
            continue
        if "`" not in text and "~" not in text and not (comments and "<!--" in text):  # the usual line: no regex
            yield line, SHOWN if fence is None else CODE
            continue
        if comments and line.number == 1:
            text = text.lstrip(BOM)
        if fence is not None:
            if closes_fence(text, fence):
                fence = None
                yield line, CLOSES
            else:
                yield line, CODE
            continue
        if comments:
            opening = text.lstrip(" ")
            if opening.startswith("<!--") and len(text) - len(opening) <= 3:
                in_comment = "-->" not in opening[4:]
                yield line, COMMENT
                continue
        fence = fence_opening(text)
        yield line, SHOWN if fence is None else OPENS


def iter_visible(lines: Iterable[Line]) -> Iterator[Line]:
    """The lines outside fenced code blocks and HTML comment blocks (the fence lines and
    comment lines themselves excluded): the lines whose Markdown GitHub renders; a heading
    inside a comment is not a heading."""
    return (line for line, kind in line_kinds(lines) if kind == SHOWN)


_BACKTICKS = re.compile(r"`+")


def code_spans(text: str, *, lone: bool = False) -> list[tuple[int, int, int]]:
    """(start, end, n) of each inline code span, in order, CommonMark's way: a run of n
    backticks opens one, the next run of exactly n on the same line closes it, and a run
    that closes nothing is text (with `lone`, listed too, as a span of itself). Linear in
    the text: a regular expression pairing the runs backtracks cubically on a long one."""
    runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(text)] if "`" in text else []
    if not runs:
        return []
    lines = []
    line, pos = 0, 0
    for start, _end in runs:
        line += text.count("\n", pos, start)
        lines.append(line)
        pos = start
    closer: list[int | None] = [None] * len(runs)
    last: dict[tuple[int, int], int] = {}
    for i in range(len(runs) - 1, -1, -1):
        key = (lines[i], runs[i][1] - runs[i][0])
        closer[i] = last.get(key)
        last[key] = i
    spans = []
    i = 0
    while i < len(runs):
        j = closer[i]
        if j is not None:
            spans.append((runs[i][0], runs[j][1], runs[i][1] - runs[i][0]))
            i = j + 1
            continue
        if lone:
            spans.append((runs[i][0], runs[i][1], 0))
        i += 1
    return spans


def blank_code(text: str) -> str:
    """The text with each inline code span replaced by as many spaces."""
    if "`" not in text:
        return text
    out, pos = [], 0
    for start, end, _n in code_spans(text):
        out.append(text[pos:start])
        out.append(" " * (end - start))
        pos = end
    out.append(text[pos:])
    return "".join(out)


class Heading(Record):
    line: Line  # its last line: the heading's own, or the `===`/`---` under a setext heading's text
    level: int
    title: str  # the heading text with its leading emoji shortcodes removed
    first: Line | None = None  # a setext heading's first line of text; None for an ATX heading

    @property
    def top(self) -> Line:
        return self.line if self.first is None else self.first


def normalize_title(raw: str) -> str:
    return " ".join(_SHORTCODES.sub("", raw).split())


def atx_heading(text: str) -> tuple[int, str] | None:
    """(level, raw title) when the line is an ATX heading (`## Title ##`), else None."""
    if "#" not in text[:4]:  # up to three spaces, then a `#`
        return None
    m = _HEADING.fullmatch(text)
    return None if m is None else (len(m.group(1)), m.group(2) or "")


def parse_heading(line: Line) -> Heading | None:
    found = atx_heading(line.text.lstrip(BOM) if line.number == 1 else line.text)
    return None if found is None else Heading(line, found[0], normalize_title(found[1]))


def headings(lines: list[Line]) -> list[Heading]:
    """The ATX headings outside code fences and HTML comments."""
    found = []
    for line in iter_visible(lines):
        if "#" in line.text:
            h = parse_heading(line)
            if h is not None:
                found.append(h)
    return found


def shown_headings(text: str, start: int = 0) -> list[Heading]:
    """The headings of text[start:] (whole lines) that GitHub shows as headings of the
    document itself (not inside a list item or a quote), ATX or setext: cmark-gfm decides,
    so a heading line glued under an HTML block line is none, and one after a fence opened
    in a list item is one."""
    from dairly.gfm import headings as gfm_headings

    found = gfm_headings(text[start:] if start else text)
    if not found:
        return []
    offset = line_number_at(text, start) - 1 if start else 0
    wanted = sorted({n + offset for _level, first, last in found for n in range(first, last + 1)})
    at = lines_numbered(text, wanted, start)
    out = []
    for level, first, last in found:
        line = at[last + offset]
        if first == last:
            raw = atx_heading(line.text.lstrip(BOM) if line.number == 1 else line.text)
            out.append(Heading(line, level, normalize_title(raw[1] if raw else line.text)))
        else:
            words = " ".join(at[n + offset].text.strip() for n in range(first, last))
            out.append(Heading(line, level, normalize_title(words.lstrip(BOM)), at[first + offset]))
    return out


def lines_numbered(text: str, numbers: list[int], start: int = 0) -> dict[int, Line]:
    """{number: Line} for these line numbers (ascending) of the text; `start` is a line
    boundary before the first of them. Walks the line ends only up to the last one wanted."""
    out: dict[int, Line] = {}
    if not numbers:
        return out
    number = line_number_at(text, start) if start else 1
    if "\r" in text:
        for line in split_lines(text, start, number=number):
            if line.number in numbers:
                out[line.number] = line
            if line.number >= numbers[-1]:
                break
        return out
    wanted = set(numbers)
    pos = start
    while number <= numbers[-1] and pos <= len(text):
        end = text.find("\n", pos)
        if number in wanted:
            if end < 0:
                out[number] = Line(number, pos, len(text), text[pos:], "")
            else:
                out[number] = Line(number, pos, end + 1, text[pos:end], "\n")
        if end < 0:
            break
        pos, number = end + 1, number + 1
    return out


class Section:
    """An H2 section: its heading, and its body up to the next H1/H2 or the end (split into
    lines when first asked for)."""

    __slots__ = ("_body", "end", "heading", "start", "text")

    def __init__(self, heading: Heading, text: str, end: int, body: list[Line] | None = None) -> None:
        self.heading = heading
        self.text = text
        self.start = heading.line.end  # the body: text[start:end], whole lines
        self.end = end
        self._body = body  # split_lines(text, start, end, ...), when the caller has split it already

    @property
    def body(self) -> list[Line]:  # may be empty
        if self._body is None:
            self._body = split_lines(self.text, self.start, self.end, self.heading.line.number + 1)
        return self._body

    def body_from(self, lines: list[Line]) -> None:
        """Take the body from the whole text's lines, already split (a 10,000-note README's
        history body is most of the text: splitting it again would double that work)."""
        first = self.heading.line.number  # the index of the line after the heading
        self._body = lines[first : bisect_left(lines, self.end, lo=first, key=attrgetter("start"))]

    @property
    def content(self) -> list[Line]:
        """The body without its leading and trailing blank lines."""
        lines = self.body
        first = next((i for i, ln in enumerate(lines) if not is_blank(ln)), None)
        if first is None:
            return []
        last = next(i for i in range(len(lines) - 1, first - 1, -1) if not is_blank(lines[i]))
        return lines[first : last + 1]

    def content_span(self) -> tuple[int, int, str] | None:
        """(content[0].start, content[-1].end, content[-1].eol), None when the body is blank."""
        content = self.content
        return (content[0].start, content[-1].end, content[-1].eol) if content else None


def find_sections(text: str, title: str, level: int = 2, *, all_headings: list[Heading] | None = None) -> list[Section]:
    """Every section whose heading (at `level`) has this title, among the headings GitHub
    shows; `all_headings` is shown_headings(text) if the caller already has it. A section
    ends at the next heading of its level or above, or before a line that closes an HTML
    block (`</details>`, `</div>`, ...) opened before its heading: the closing tag is the
    user's, never the section's; and before its last lines when they open an element that
    closes after it (a `<details>` wrapped around the next section): the opening is the
    user's too."""
    if all_headings is None:
        all_headings = shown_headings(text)
    wanted = normalize_title(title)
    sections = []
    for i, h in enumerate(all_headings):
        if h.level != level or h.title != wanted:
            continue
        end = len(text)
        for nxt in all_headings[i + 1 :]:
            if nxt.level <= level:
                end = nxt.top.start
                break
        end = _end_before_enclosing_close(text, h.line, end)
        if "<" not in text[h.line.end : end]:  # the usual section: it opens no element
            sections.append(Section(h, text, end))
            continue
        body = split_lines(text, h.line.end, end, h.line.number + 1)  # split once, for the wrapper and the body
        wrapper = _wrapper_open(text, body, end)
        sections.append(Section(h, text, end, body) if wrapper is None else Section(h, text, wrapper))
    return sections


# The elements a person wraps Markdown in, opened in one HTML block and closed in another
# (CommonMark's HTML block tags that hold what they wrap): a README's section or a note's
# entries between `<details>` and `</details>`. A name ends at a space, `>`, `/` or the line's
# end (`<div` with its attributes on the lines below); `<div/>` opens nothing.
ELEMENTS = ("details", "div", "section", "table", "blockquote", "pre", "center", "dl", "ul", "ol", "p")
_ELEMENT = re.compile(rf"<(/?)({'|'.join(ELEMENTS)})(?=[\s>/]|$)([^<>]*)", re.I)


def track_elements(text: str, at: _T, stack: list[tuple[str, _T]]) -> int:
    """Follow the elements one line opens and closes, as a browser pairs them, outside its
    code spans and comments (their tags are text): each one opened is pushed as (name, at),
    each closing tag closes as close_element() closes. Returns the fewest elements left open
    at any point of the line, so a caller sees one it held closed even if the line opens
    another after it."""
    fewest = len(stack)
    if "<" not in text:
        return fewest
    if "`" in text:
        text = blank_code(text)
    if "<!--" in text:
        text = without_comments(text)
    for m in _ELEMENT.finditer(text):
        name = m.group(2).lower()
        if not m.group(1):
            if not m.group(3).rstrip().endswith("/"):
                stack.append((name, at))
            continue
        close_element(stack, name)
        fewest = min(fewest, len(stack))
    return fewest


def without_comments(text: str) -> str:
    """`<!--.*?-->` removed, in linear time (as a regular expression, `<!--a` repeated
    costs the square of its length: each opener looks for a closer to the end)."""
    out = []
    pos = at = 0
    while (at := text.find("<!--", at)) >= 0:
        close = text.find("-->", at + 4)
        if close < 0:
            break  # no closer after this opener: none for a later one either
        newline = text.find("\n", at, close)
        if newline >= 0:  # `.` stops at a line's end
            at = newline + 1
            continue
        out.append(text[pos:at])
        pos = at = close + 3
    out.append(text[pos:])
    return "".join(out)


def unclosed_tags(lines: Iterable[Line]) -> list[tuple[str, Line]]:
    """The elements these lines leave open (track_elements), outermost first, each with
    the line that opened it."""
    stack: list[tuple[str, Line]] = []
    for line in lines:
        track_elements(line.text, line, stack)
    return stack


def close_element(stack: list[tuple[str, Any]], name: str) -> None:
    """A closing tag, paired as a browser pairs it: it closes the innermost open element
    of its name and everything that element holds; one with nothing to close is ignored."""
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == name:
            del stack[i:]
            return


def _end_before_enclosing_close(text: str, heading: Line, end: int) -> int:
    """`end`, or the start of the first line of text[heading.end:end] that closes a tag
    open at the heading. Tags pair as a browser pairs them (close_element): the history
    tree's `</pre>` closes the `<details>` of its year, so a `</details>` after the tree is
    the person's own."""
    if "<" not in text[: heading.start]:  # the usual README: nothing can be open
        return end
    stack: list[tuple[str, Any]] = list(unclosed_tags(iter_visible(split_lines(text, 0, heading.start))))
    enclosing = len(stack)
    if not enclosing:
        return end
    for line in iter_visible(split_lines(text, heading.end, end, heading.number + 1)):
        if track_elements(line.text, line, stack) < enclosing:
            return line.start
    return end


def _wrapper_open(text: str, body: list[Line], end: int) -> int | None:
    """The start of the line opening the outermost block tag that the section's lines
    (`body`, up to `end`) leave open and a later line closes: a wrapper the person put
    around what follows; None when there is none."""
    left_open = unclosed_tags(iter_visible(body))
    if not left_open:
        return None
    _name, line = left_open[0]
    after = list(iter_visible(split_lines(text, end, len(text))))
    still_open = unclosed_tags([line, *after])
    closed_later = not still_open or still_open[0][1] is not line
    return line.start if closed_later else None


def near_misses(text: str, title: str) -> list[Line]:
    """Lines that look like a broken version of the heading, for a helpful error."""
    wanted = normalize_title(title)
    return [ln for ln in iter_visible(split_lines(text)) if "#" in ln.text and wanted in ln.text]


_GLUED = re.compile(r" {0,3}(#{1,6})([^#\s].*)")  # `##:paperclip:  今日要点`: no space after the #s


def misnamed_heading(
    text: str, title: str, level: int, prefix: str, all_headings: list[Heading], *, level_setting: bool = False
) -> tuple[Line, str] | None:
    """The first line meant as the heading `title` at `level` that GitHub does not show as
    it: #s glued to the title (text to GitHub), another case, or another level; with the
    line, what GitHub makes of it and the line to write instead. `level_setting`: whether
    the message may offer the section_level setting (the README's headings) for a level."""
    wanted = normalize_title(title)
    folded = wanted.casefold()
    hashes = "#" * level
    found: list[tuple[Line, str]] = []
    for line in iter_visible(split_lines(text)):
        if "#" not in line.text[:4]:
            continue
        raw = line.text.lstrip(BOM) if line.number == 1 else line.text
        m = _GLUED.fullmatch(raw)
        if m and normalize_title(m.group(2)).casefold() == folded:
            fix = f"{m.group(1)} {m.group(2).rstrip()}"
            found.append((line, f"found {raw.strip()!r} on line {line.number}: GitHub shows it as text; write {fix!r}"))
            break
    for h in all_headings:
        if h.title.casefold() != folded or (h.title == wanted and h.level == level):
            continue
        shown = h.top.text.strip()
        if h.title != wanted:
            fix = f"{hashes} {prefix}{title}"
            why = f"found {shown!r} on line {h.top.number}: its title is not {title!r} (case counts); write {fix!r}"
        else:
            fix = f"{hashes} {prefix}{title}"
            why = f"found {shown!r} on line {h.top.number}: a level-{h.level} heading, not level {level}; write {fix!r}"
            if level_setting:
                why += f' or set section_level = "{h.level}" in dairly.toml'
        found.append((h.top, why))
        break
    return min(found, key=lambda item: item[0].number, default=None)
