"""Where GitHub renders a note differently from what its author meant.

dairly reads a note by the author's numbering (dairly.notes.entries); GitHub renders it
as CommonMark. The two part ways where hand-written notes often go:

- a line right after an HTML block (the `</div>` of a centred picture) with no blank line
  between is swallowed into the block: GitHub shows an entry or heading there as raw text;
- Markdown inside `<details>` or `<div>` is raw text too until a blank line ends the block
  the opening tag started;
- a `<details>` or `<div>` never closed takes the rest of the note into it;
- `[[wiki links]]` are plain text to GitHub;
- a link to `me@example.com` or `example.com/page` is a path to a file next to the note.

find_traps() reports the first four from a note's text alone (the index keeps its answer);
web_address() tells what a relative link target that does not resolve looks like; and
fix_note() applies the fixes that need no judgement: blank lines, `mailto:`, `https://`.

Every note is checked whenever the index parses it, so the checks start with substring
searches and walk the lines only when a trap is possible; mistune, a CommonMark parser,
then confirms each line suspected of being raw text before it is reported.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import TYPE_CHECKING

from dairly.markdown import atx_heading, closes_fence, fence_opening, iter_visible, split_lines
from dairly.notes.entries import ENTRY_LINE
from dairly.notes.note import split_front_matter
from dairly.tuples import Record

if TYPE_CHECKING:
    from dairly.markdown import Line


class Trap(Record):
    """One place where GitHub shows a note otherwise than its author meant."""

    line: int  # 1-based
    shown: str  # what GitHub shows
    fix: str  # what the author should do about it
    done: str = ""  # what fix_note() says once a blank line above `line` fixed it; "" if it cannot

    @property
    def message(self) -> str:
        return f"{self.shown}; {self.fix}"


class WebAddress(Record):
    """What a relative link target looks like when it was meant for the web."""

    looks_like: str  # "an e-mail address" or "a web address"
    scheme: str  # what it lacks: "mailto:" or "https://"


class Fixed(Record):
    """One change fix_note() made."""

    line: int  # 1-based, in the fixed text
    message: str


# -- the HTML blocks of CommonMark (spec 0.31, section 4.6) ------------------------------

# Type 6 opens with one of these tag names and ends at a blank line; it may interrupt a
# paragraph, so a `<div>` right under an entry's last bullet starts one.
_BLOCK_TAGS = frozenset(
    (
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center",
        "col", "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5",
        "h6", "head", "header", "hr", "html", "iframe", "legend", "li", "link", "main", "menu",
        "menuitem", "nav", "noframes", "ol", "optgroup", "option", "p", "param", "search", "section",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr", "track", "ul",
    )
)  # fmt: skip
_RAW_TAGS = frozenset(("pre", "script", "style", "textarea"))  # type 1: ends at its closing tag
_TAG_START = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_ATTRIBUTES = r"(?:[ \t]+[A-Za-z_:][\w.:-]*(?:[ \t]*=[ \t]*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*"
# Type 7: a whole open or closing tag alone on its line; it cannot interrupt a paragraph.
_LONE_TAG = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*" + _ATTRIBUTES + r"[ \t]*/?|/[A-Za-z][A-Za-z0-9-]*[ \t]*)>[ \t]*")
# The other types end at a marker, blank lines or not: (how they open, the marker).
_MARKER_BLOCKS = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"))
_DECLARATION = re.compile(r"<![A-Za-z]")

# A tag that ends a line, as a fix names it: `</div>`, `<summary>`, `<img ...>`.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_ELEMENT = re.compile(r"<(/?)(details|div)(?![\w-])([^<>]*)(>?)", re.I)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_COMMENT = re.compile(r"<!--.*?-->")
_MARKDOWN_BLOCK = re.compile(r"[ \t]*(?:#{1,6}(?:[ \t]|$)|[-*+][ \t]|\d{1,9}[.)](?:[ \t]|$)|>|\||```|~~~)")
_MARKDOWN_INLINE = re.compile(r"\]\(|!\[|\*\*|__|`|~~")
_THEMATIC_BREAK = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})")
_WIKI_LINK = re.compile(r"\[\[([^\[\]\n]+)\]\](?![(\[:])")

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
# "example.com/x" written without https:// is a relative path to GitHub; the usual TLDs,
# or any name under www.
_BARE_DOMAIN = re.compile(
    r"(?:(?:[A-Za-z0-9-]+\.)+(?:com|org|net|io|ai|dev|edu|gov|cn|co|me|info|app|xyz|tech|uk|de|jp|fr|ru)"
    r"|www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(?::\d+)?",
    re.I,
)


def web_address(url: str) -> WebAddress | None:
    """What a relative link target looks like when it is an e-mail address or a web
    address written without its scheme; None when it looks like a path."""
    if "@" in url and _EMAIL.fullmatch(url):
        return WebAddress("an e-mail address", "mailto:")
    if _BARE_DOMAIN.fullmatch(url.split("/", 1)[0]):
        return WebAddress("a web address", "https://")
    return None


# -- finding the traps -------------------------------------------------------------------


def find_traps(text: str, entry_numbers: Mapping[int, int] | None = None) -> list[Trap]:
    """The traps in a note's text (decoded, without a BOM), in line order. `entry_numbers`
    maps the line of each entry to its number, so a swallowed entry is named by it."""
    has_html = "<" in text
    if not has_html and "[[" not in text:  # most notes without pictures: two substring searches
        return []
    _block, body_start = split_front_matter(text)
    traps: list[Trap] = []
    lines: list[Line] | None = None
    if has_html and (_raw_markdown_possible(text, body_start) or _maybe_unclosed(text)):
        lines = _body_lines(text, body_start)
        traps.extend(_html_traps(lines, entry_numbers))
    if "[[" in text:
        traps.extend(_wiki_traps(lines if lines is not None else _body_lines(text, body_start)))
    traps.sort(key=lambda trap: trap.line)
    return traps


def _body_lines(text: str, body_start: int) -> list[Line]:
    return split_lines(text, body_start, number=text.count("\n", 0, body_start) + 1)


def _raw_markdown_possible(text: str, start: int) -> bool:
    """Whether a line from `start` that begins with `<` holds inline markup, or is followed
    by a non-blank line that does not begin with `<`: every swallowed line has such a line
    at or above it in its block. Found by str.find, since a note has few such lines."""
    at = text.find("<", start)
    while at >= 0:
        line_start = max(text.rfind("\n", 0, at) + 1, start)
        end = text.find("\n", at)
        if end < 0:
            end = len(text)
        if not text[line_start:at].strip(" \t"):  # the `<` begins its line
            if _MARKDOWN_INLINE.search(text, at, end):
                return True
            after = text.find("\n", end + 1)
            following = text[end + 1 : len(text) if after < 0 else after].lstrip(" \t")
            if following.strip() and not following.startswith("<"):
                return True
        at = text.find("<", end)
    return False


def _maybe_unclosed(text: str) -> bool:
    """Whether the note opens a <details> or <div> more often than it closes one."""
    if "<D" in text:  # an upper-case opening tag: count in one case (closing ones only add suspicion)
        text = text.lower()
    if text.count("<div") > text.count("</div"):
        return True
    return "<details" in text and text.count("<details") > text.count("</details")


def _html_traps(lines: list[Line], entry_numbers: Mapping[int, int] | None) -> list[Trap]:
    suspects: list[_Suspect] = []
    open_elements: list[tuple[str, int]] = []  # the <details> and <div> open here: (name, line)
    block_end: str | None = None  # in an HTML block: "" when a blank line ends it, else its end marker
    paragraph = False  # the line above is paragraph text, which a lone tag cannot interrupt
    fence: str | None = None
    above: Line | None = None
    for line in lines:
        text = line.text
        stripped = text.strip()
        if fence is not None:
            if closes_fence(text, fence):
                fence = None
        elif block_end:  # a comment, <pre> and the like: only its marker ends it
            if block_end in text.lower():
                block_end = None
        elif block_end is not None and stripped and not _shows_markdown(text):
            _track_elements(text, line.number, open_elements)
        elif not stripped:
            block_end, paragraph = None, False
        else:
            # Markdown swallowed by the block above; read on as if the blank line were in.
            swallowed = block_end is not None and above is not None
            block_end = None
            inside = open_elements[-1][0] if open_elements else ""
            end = None
            fence = fence_opening(text)
            if fence is None:
                end = _html_block_end(stripped, paragraph)
                if not end:  # a comment or <pre> block: its tags are text
                    _track_elements(text, line.number, open_elements)
            if end == "":  # opens a block of its own: a blank line above would not help
                if _shows_markdown(text):
                    tag = _TAG_START.match(stripped)
                    suspects.append(_Suspect(line, above, tag.group(2).lower() if tag else inside, False))
                block_end = ""
            elif end is not None:
                block_end = None if stripped.lower().find(end, 2) >= 0 else end
            elif swallowed:
                suspects.append(_Suspect(line, above, inside, True))
            paragraph = end is None and fence is None and atx_heading(text) is None
            paragraph = paragraph and not _THEMATIC_BREAK.fullmatch(text)
        above = line
    traps = [_swallowed(suspect, entry_numbers) for suspect in _confirmed(lines, suspects)]
    traps.extend(_unclosed(name, number) for name, number in open_elements)
    return traps


class _Suspect(Record):
    """A line whose Markdown GitHub may show as raw text, inside an HTML block."""

    line: Line
    above: Line | None
    inside: str  # the <details> or <div> it is in, "" when none
    fixable: bool  # a blank line above it ends the block before it


def _shows_markdown(text: str) -> bool:
    """Whether a line holds Markdown that shows as written when GitHub passes it through as
    raw HTML: a block start (heading, list item, quote, table, fence, break) or inline
    markup outside tags."""
    if _MARKDOWN_BLOCK.match(text) or _THEMATIC_BREAK.fullmatch(text):
        return True
    if "<" in text:
        text = _TAG.sub("", text)
    return _MARKDOWN_INLINE.search(text) is not None


def _html_block_end(stripped: str, paragraph: bool) -> str | None:
    """How the HTML block this line opens ends ("" at a blank line, else the marker that
    closes it), or None when the line opens no HTML block."""
    if not stripped.startswith("<"):
        return None
    for opening, marker in _MARKER_BLOCKS:
        if stripped.startswith(opening):
            return marker
    if _DECLARATION.match(stripped):
        return ">"
    tag = _TAG_START.match(stripped)
    if tag is None:
        return None
    name = tag.group(2).lower()
    after = stripped[tag.end() : tag.end() + 2]
    if not tag.group(1) and name in _RAW_TAGS and (not after or after[0] in " \t>"):
        return f"</{name}>"
    if name in _BLOCK_TAGS and (not after or after[0] in " \t>" or after == "/>"):
        return ""
    if not paragraph and name not in _RAW_TAGS and _LONE_TAG.fullmatch(stripped):
        return ""
    return None


def _track_elements(text: str, number: int, open_elements: list[tuple[str, int]]) -> None:
    """Follow the <details> and <div> a line opens and closes (outside code spans and
    comments), as a browser pairs them."""
    if "<" not in text:
        return
    if "`" in text:
        text = _CODE_SPAN.sub(lambda m: " " * len(m.group()), text)
    if "<!--" in text:
        text = _COMMENT.sub("", text)
    for m in _ELEMENT.finditer(text):
        name = m.group(2).lower()
        if not m.group(1):
            if not m.group(3).rstrip().endswith("/"):
                open_elements.append((name, number))
            continue
        for i in range(len(open_elements) - 1, -1, -1):  # a closing tag also closes what it holds
            if open_elements[i][0] == name:
                del open_elements[i:]
                break


def _confirmed(lines: list[Line], suspects: list[_Suspect]) -> list[_Suspect]:
    """The suspects that CommonMark, as mistune parses the note, puts in an HTML block:
    after the line above them in one, or first in one of their own."""
    if not suspects:
        return []
    import mistune

    tokens = mistune.create_markdown(renderer=None)("\n".join(line.text for line in lines))
    pairs: set[tuple[str, str]] = set()
    firsts: set[str] = set()
    stack = list(tokens) if isinstance(tokens, list) else []
    while stack:
        token = stack.pop()
        if token.get("type") == "block_html":
            raw = [part.strip() for part in str(token.get("raw", "")).splitlines()]
            firsts.update(raw[:1])
            pairs.update(pairwise(raw))
        children = token.get("children")
        if isinstance(children, list):
            stack.extend(children)
    confirmed = []
    for suspect in suspects:
        text = suspect.line.text.strip()
        if (suspect.above is not None and (suspect.above.text.strip(), text) in pairs) or (
            not suspect.fixable and text in firsts
        ):
            confirmed.append(suspect)
    return confirmed


def _swallowed(suspect: _Suspect, entry_numbers: Mapping[int, int] | None) -> Trap:
    line = suspect.line
    stripped = line.text.strip()
    if entry_numbers is None:
        numbered = ENTRY_LINE.fullmatch(line.text)
        number = int(numbered.group(1)) if numbered else None
    else:
        number = entry_numbers.get(line.number)
    if number is not None:
        what = f"entry {number}"
    elif atx_heading(line.text) is not None:
        what = f"the heading {stripped!r}"
    else:
        what = repr(stripped[:40])
    shown = f"GitHub shows {what} as raw text inside " + (
        f"<{suspect.inside}>" if suspect.inside else "the HTML block above"
    )
    if not suspect.fixable or suspect.above is None:
        return Trap(line.number, shown, "put the Markdown on a line of its own, between blank lines")
    place = _blank_line_place(suspect.above.text)
    return Trap(
        line.number, shown, f"add a blank line {place}", f"added a blank line {place}, so GitHub renders {what}"
    )


def _blank_line_place(above: str) -> str:
    """Where the blank line goes: after the tag that ends the line above, if one does."""
    above = above.rstrip()
    tags = list(_TAG.finditer(above)) if above.endswith(">") else []
    if not tags or tags[-1].end() != len(above):
        return "above it"
    tag = tags[-1]
    return "after " + (tag.group() if tag.group(1) or len(tag.group()) <= 24 else f"<{tag.group(2)} ...>")


def _unclosed(name: str, number: int) -> Trap:
    folded = " folded" if name == "details" else ""
    return Trap(
        number,
        f"GitHub shows everything after this <{name}>{folded} inside it, since it is never closed",
        f"add </{name}> where it should end",
    )


def _wiki_traps(lines: list[Line]) -> list[Trap]:
    traps = []
    for line in iter_visible(lines):
        text = line.text
        if "[[" not in text:
            continue
        if "`" in text:
            text = _CODE_SPAN.sub(lambda m: " " * len(m.group()), text)
        for m in _WIKI_LINK.finditer(text):
            page = m.group(1).strip()
            traps.append(
                Trap(
                    line.number,
                    f"GitHub shows {m.group()!r} as plain text: it has no wiki links",
                    f"write a Markdown link, [{page}](the page's path or URL)",
                )
            )
    return traps


# -- fixing them -------------------------------------------------------------------------


def fix_note(
    text: str, web_links: Iterable[tuple[int, str]] = (), entry_numbers: Mapping[int, int] | None = None
) -> tuple[str, list[Fixed]]:
    """The note's text (decoded, without a BOM) with the mechanical fixes applied, and what
    changed: the scheme (`mailto:`, `https://`) put before the link targets `web_links`
    names as (line, target as written), and a blank line above every swallowed line.
    `entry_numbers` is as for find_traps(). Every other character, line endings included,
    is kept; fixing the result again changes nothing."""
    text, fixed = _fix_web_links(text, web_links)
    numbers = None if entry_numbers is None else dict(entry_numbers)
    for _ in range(100):  # a blank line can end a block that hid a later trap: look again
        traps = [trap for trap in find_traps(text, numbers) if trap.done]
        if not traps:
            break
        below = [trap.line for trap in traps]
        text = _insert_blank_lines(text, below)
        fixed = [Fixed(_moved(f.line, below), f.message) for f in fixed]
        fixed.extend(Fixed(_moved(trap.line, below), trap.done) for trap in traps)
        if numbers is not None:
            numbers = {_moved(line, below): number for line, number in numbers.items()}
    fixed.sort(key=lambda f: f.line)
    return text, fixed


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
    from html import unescape

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
