"""Where GitHub renders a note differently from what its author meant.

dairly reads a note by the author's numbering (dairly.notes.entries); GitHub renders it
with cmark-gfm. find_traps() asks cmark-gfm itself (dairly.gfm) and reports, each with
what GitHub shows, named as GitHub parses it, and the fix:

- Markdown swallowed by an HTML block (an entry or heading glued under `</div>`), an
  element such as `<details>` never closed with something after it, an HTML comment never
  closed (it hides the rest), Markdown after a comment's `-->` on its line (raw text);
- indented lines that became a code block; numbered lists GitHub renumbers (it counts on
  from the first number), ends early by field bullets at column 0 or by a paragraph that
  is not indented; lines a paragraph joins: a numbered item other than 1, a field written
  without its bullet;
- `##heading` without its space, `[text] (url)`, `__init__` (bold), footnotes GitHub cannot
  pair, links GitHub does not make, `**` it does not apply, addresses it links together
  with the Chinese text after them, single tildes it strikes through, tags it removes or
  filters, a `---` that turns the line above into a heading, and `[[wiki links]]`.

web_address() tells what a relative link target that does not resolve looks like. The
fixes that need no judgement, each held to cmark-gfm's rendering, are dairly.notes.fixes's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from html import unescape
from typing import TYPE_CHECKING
from urllib.parse import unquote

from dairly.gfm import EOL, Block, Inline, blocks, render
from dairly.markdown import (
    ELEMENTS,
    atx_heading,
    blank_code,
    iter_visible,
    line_number_at,
    split_lines,
    track_elements,
)
from dairly.notes.entries import ENTRY_LINE
from dairly.notes.note import split_front_matter
from dairly.notes.plain import plain_note
from dairly.tuples import Record

if TYPE_CHECKING:
    from dairly.markdown import Line


class Trap(Record):
    """One place where GitHub shows a note otherwise than its author meant."""

    line: int  # 1-based
    shown: str  # what GitHub shows
    fix: str  # what the author should do about it
    done: str = ""  # what fix_note() says once it fixed it; "" if it cannot
    # The fix as an edit of the line: (start, end, replacement) in its text; None when the fix
    # is a blank line above it (if `done`) or needs the author.
    edit: tuple[int, int, str] | None = None

    @property
    def message(self) -> str:
        return f"{self.shown}; {self.fix}"


class WebAddress(Record):
    """What a relative link target looks like when it was meant for the web."""

    looks_like: str  # "an e-mail address" or "a web address"
    scheme: str  # what it lacks: "mailto:" or "https://"


# -- the HTML blocks of CommonMark (spec 0.31, section 4.6) ------------------------------

_TAG_START = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
# The other types end at a marker, blank lines or not: (how they open, the marker).
_MARKER_BLOCKS = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"))
_DECLARATION = re.compile(r"<![A-Za-z]")

# A tag that ends a line, as a fix names it: `</div>`, `<summary>`, `<img ...>`.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")


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

# The HTML elements GitHub keeps (its sanitizer's allow list, and the few it escapes);
# any other tag, `<String>` or `<Tag>` in prose, is removed with nothing shown in its place.
_KNOWN_TAGS = frozenset(
    (
        "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "center", "cite", "code", "col",
        "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font",
        "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "input", "ins", "kbd", "li", "mark", "ol",
        "p", "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "source", "span",
        "strike", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
        "tr", "tt", "u", "ul", "var", "video", "wbr", "meta", "article", "aside", "footer", "header", "nav",
        "main", "address", "hgroup", "audio", "track", "map", "area", "svg", "path",
    )
)  # fmt: skip
# GitHub's tagfilter: these show as text, never run.
_FILTERED_TAGS = frozenset(
    ("title", "textarea", "style", "xmp", "iframe", "noembed", "noframes", "script", "plaintext")
)
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])")
_UNMADE_LINK = re.compile(r"!?\[[^\[\]\n]*\]\([^()\n]*\)")
_LONE_TILDE = re.compile(r"(?<!~)~(?!~)")
HTML_TAG = re.compile(r"<[^<>]*>")  # in cmark-gfm's output, where every < opens a tag
_CODE_ELEMENT = re.compile(r"<code>[^<]*</code>")
_SETEXT_UNDERLINE = re.compile(r"[ \t]*-+[ \t]*")
_FENCE_START = re.compile(r"[ \t>]*(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)*(?:```|~~~)")
_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\u3000-\u303f]")
# A field written as `Name:` (an address's `https://` is none).
_FIELD_ITEM = re.compile(r"[A-Za-z][A-Za-z0-9 _-]{0,30}[:：](?!//)")


def find_traps(text: str, entry_numbers: Mapping[int, int] | None = None) -> list[Trap]:
    """The traps in a note's text (decoded, without a BOM), in line order, each confirmed by
    what cmark-gfm renders. `entry_numbers` maps the line of each entry to its number, so a
    swallowed entry is named by it."""
    _block, body_start = split_front_matter(text)
    if plain_note(text, body_start):
        return []
    return rendered_traps(text, body_start, entry_numbers)


def rendered_traps(text: str, body_start: int, entry_numbers: Mapping[int, int] | None = None) -> list[Trap]:
    """find_traps() without its shortcuts: every note asked of cmark-gfm (the Markdown
    starts at `body_start`, after the front matter)."""
    body = text[body_start:]
    offset = line_number_at(text, body_start) - 1
    if "\r" in body:
        lines = [line.text for line in split_lines(body)]
    else:  # the usual note: no Line records needed
        lines = body.split("\n")
        if body.endswith("\n"):
            lines.pop()
    shown = blocks(body, inline=_may_trap(lines))
    numbers = {line - offset: n for line, n in (entry_numbers or {}).items()}
    traps = _html_traps(lines, shown, numbers if entry_numbers is not None else None)
    traps.extend(_code_traps(lines, shown, offset))
    traps.extend(_list_traps(lines, shown, numbers if entry_numbers is not None else None))
    traps.extend(_inline_traps(lines, shown))
    if "[[" in body:
        traps.extend(_wiki_traps(split_lines(body)))
    rendered = _Rendered(body)
    children = _tree(shown)
    paragraphs = _text_lines(shown, children)
    traps.extend(_numbering_traps(lines, shown, children, numbers if entry_numbers is not None else None))
    traps.extend(_text_line_traps(lines, paragraphs))
    headings = [(b, range(b.first, b.last + 1)) for b in shown if b.tag[0] == "h" and b.tag[1:].isdigit()]
    traps.extend(_written_traps(lines, paragraphs + headings, rendered))
    traps.extend(_comment_traps(lines, shown, children, rendered, offset))
    if "[^" in body:
        traps.extend(_footnote_traps(lines, shown, rendered))
    traps = [trap._replace(line=trap.line + offset) for trap in traps]
    traps.sort(key=lambda trap: trap.line)
    return list(dict.fromkeys(traps))


def _open_elements_by_line(lines: list[str], code: set[int]) -> tuple[dict[int, str], list[tuple[str, int]]]:
    """The innermost element open at each line ({line: name}) and those never closed, as a
    browser pairs them (dairly.markdown.track_elements), outside code blocks."""
    open_elements: list[tuple[str, int]] = []
    inside: dict[int, str] = {}
    for number, text in enumerate(lines, 1):
        if open_elements:
            inside[number] = open_elements[-1][0]
        if number not in code:
            track_elements(text, number, open_elements)
    return inside, open_elements


def _html_traps(lines: list[str], blocks: list[Block], entry_numbers: Mapping[int, int] | None) -> list[Trap]:
    # Tags in code, comments and the like are text: only the others open and close elements.
    code = {n for b in blocks if b.tag == "pre" or _is_marked_block(b, lines) for n in range(b.first, b.last + 1)}
    inside, left_open = _open_elements_by_line(lines, code)
    traps: list[Trap] = []
    last_shown = max((b.last for b in blocks), default=0)
    for b in blocks:
        if b.tag != "html":
            continue
        first = lines[b.first - 1].strip()
        if _is_marked_block(b, lines):
            continue  # a comment never closed: _comment_traps
        tag = _TAG_START.match(first)
        name = tag.group(2).lower() if tag else ""
        if name and name not in _KNOWN_TAGS:
            traps.append(_removed_tag(b.first, name))
        if _shows_markdown(lines[b.first - 1]):
            traps.append(
                _swallowed(
                    _Suspect(b.first, None, inside.get(b.first, name if name in ELEMENTS else ""), False),
                    lines,
                    entry_numbers,
                )
            )
            continue
        for n in range(b.first + 1, b.last + 1):
            if lines[n - 1].strip() and _shows_markdown(lines[n - 1]):
                traps.append(_swallowed(_Suspect(n, n - 1, inside.get(n, ""), True), lines, entry_numbers))
                break
    for name, number in left_open:  # one never closed, but only where it swallows what follows
        if name in ("p", "table"):
            continue  # a browser ends a <p> at the next block, and moves what follows a <table> above it
        after = _block_lines(blocks, number).stop
        if any(lines[n - 1].strip() for n in range(after, last_shown + 1)):
            traps.append(_unclosed(name, number))
    return traps


def _is_marked_block(b: Block, lines: list[str]) -> bool:
    """Whether an HTML block is a comment, <pre>, <script> and the like, which only their
    end marker closes (blank lines do not) and whose tags are text."""
    if b.tag != "html":
        return False
    first = lines[b.first - 1].strip()
    return any(first.startswith(opening) for opening, _end in _MARKER_BLOCKS) or bool(
        _DECLARATION.match(first) or _RAW_OPENING.match(first)
    )


_RAW_OPENING = re.compile(r"<(?:pre|script|style|textarea)(?:[\s>]|$)", re.I)


def _block_lines(blocks: list[Block], number: int) -> range:
    """The lines of the HTML block holding line `number`."""
    for b in blocks:
        if b.tag == "html" and b.first <= number <= b.last:
            return range(b.first, b.last + 1)
    return range(number, number + 1)


def _code_traps(lines: list[str], blocks: list[Block], offset: int = 0) -> list[Trap]:
    """Indented lines GitHub shows as a code block, where they hold Markdown or prose (the
    lines named in the message counted from the note's first line, `offset` above the body's)."""
    traps = []
    for b in blocks:
        if b.tag != "pre" or _FENCE_START.match(lines[b.first - 1]):
            continue
        held = [lines[n - 1] for n in range(b.first, b.last + 1)]
        if any(_shows_markdown(t) or _CJK.search(t) or _FIELD_ITEM.match(t.strip()) for t in held):
            first, last = b.first + offset, b.last + offset
            where = f"line {first}" if first == last else f"lines {first}-{last}"
            traps.append(
                Trap(
                    b.first,
                    f"GitHub shows {where} as a code block: indented 4 spaces or more after a blank line,"
                    + (" past the text of the list item above" if b.depth else " not under a list item"),
                    "indent it less (3 spaces under an entry's text), or fence it with ``` if it is code",
                )
            )
    return traps


def _entry_name(line: int, lines: list[str], entry_numbers: Mapping[int, int] | None) -> str:
    if entry_numbers is not None and line in entry_numbers:
        return f"entry {entry_numbers[line]}"
    m = ENTRY_LINE.fullmatch(lines[line - 1])
    return f"entry {m.group(1)}" if m else "the numbered item above"


def _list_traps(lines: list[str], blocks: list[Block], entry_numbers: Mapping[int, int] | None) -> list[Trap]:
    """Numbered lists GitHub ends early: by field bullets at column 0, or by a paragraph
    that is not indented under the item above."""
    top = [b for b in blocks if b.depth == 0]
    items = {b.first: b for b in blocks if b.tag == "li" and b.depth == 1}
    traps = []
    for b in top:  # an entry GitHub shows as a line of the paragraph above it
        if b.tag != "p" or b.first == b.last:
            continue
        for number in range(b.first + 1, b.last + 1):
            if ENTRY_LINE.fullmatch(lines[number - 1]):
                entry = _entry_name(number, lines, entry_numbers)
                traps.append(
                    Trap(
                        number,
                        f"GitHub shows {entry} as a line of the paragraph above: only a list item numbered 1"
                        " can start right under a paragraph",
                        "add a blank line above it",
                        f"added a blank line above it, so GitHub renders {entry}",
                    )
                )
                break
    for i, b in enumerate(top):
        if b.tag != "ol" or i + 1 >= len(top):
            continue
        after = top[i + 1]
        last_item = max(
            (it for first, it in items.items() if b.first <= first <= b.last), key=lambda it: it.first, default=None
        )
        entry = _entry_name(last_item.first if last_item else b.first, lines, entry_numbers)
        if after.tag == "ul" and after.first == b.last + 1:
            traps.append(
                Trap(
                    after.first,
                    f"GitHub shows the bullets from here as a list of their own, not inside {entry}:"
                    " they start at column 0",
                    "indent them by 3 spaces, under the entry's text",
                )
            )
        elif after.tag == "p" and any(t.tag == "ol" for t in top[i + 2 : i + 3]) and _shows_words(after):
            # (a picture, or a <video> or other HTML with no text of its own, between entries is how
            # the notes are written: GitHub shows it there, the next list numbered on, as meant)
            traps.append(
                Trap(
                    after.first,
                    f"GitHub shows this paragraph outside {entry} and starts a new numbered list after it",
                    "indent it by 3 spaces, under the entry's text",
                )
            )
    return traps


def _shows_words(b: Block) -> bool:
    """Whether a paragraph shows words, not pictures alone (a picture between entries is
    how the notes are written: GitHub shows it as meant)."""
    return b.inline is not None and bool(b.inline.prose.strip() or b.inline.code)


# What a leaf's source lines hold for its inline facts to show a trap: a bracket (a link,
# made or not), markup (* _ ` ~ <), an entity or escape (they may make any of those), or
# what GitHub links by itself (www., ://, @). Only such leaves are read inline.
_INLINE_MARK = re.compile(r"[\[*_`~<&\\@]|://|www\.", re.I)


def _may_trap(lines: list[str]) -> Callable[[Block], bool]:
    """Which leaves _inline_traps and _shows_words need the inline facts of: a paragraph
    of the note itself, any leaf whose lines hold an _INLINE_MARK."""

    def asks(b: Block) -> bool:
        if b.tag == "p" and b.depth == 0:
            return True
        if b.first == b.last:
            return _INLINE_MARK.search(lines[b.first - 1]) is not None
        return any(_INLINE_MARK.search(lines[n - 1]) for n in range(b.first, min(b.last, len(lines)) + 1))

    return asks


def _inline_traps(lines: list[str], blocks: list[Block]) -> list[Trap]:
    """Links GitHub does not make, emphasis it does not apply, addresses it links with the
    text after them, single tildes it strikes through, and tags it removes, read from the
    inline facts of the leaves that have them (asked by _may_trap); and a line made a
    heading by the `---` under it."""
    traps: list[Trap] = []
    for b in blocks:
        if b.inline is not None:
            traps.extend(_shown_inline_traps(lines, range(b.first, b.last + 1), b.inline))
        if b.tag == "h2" and b.last > b.first and _SETEXT_UNDERLINE.fullmatch(lines[b.last - 1]):
            caption = " ".join(lines[n - 1].strip() for n in range(b.first, b.last))
            traps.append(
                Trap(
                    b.first,
                    f"GitHub shows {caption[:40]!r} as a heading: the --- line under it makes it one",
                    "put a blank line between them (for a rule), or write it as '## ...' if it is a heading",
                )
            )
    return traps


def _shown_inline_traps(lines: list[str], source: range, shown: Inline) -> list[Trap]:
    traps: list[Trap] = []
    if "](" in shown.prose:
        for m in _UNMADE_LINK.finditer(shown.prose):
            written = m.group()
            target = written[written.index("](") + 2 : -1]
            why = "its target holds a space" if " " in target.strip() else "cmark-gfm cannot read it as one"
            fix = "remove the space in the target" if " " in target.strip() else "check its brackets and target"
            traps.append(
                Trap(
                    _line_of(lines, source, written[:20]),
                    f"GitHub shows {written[:60]!r} as written, not as a link: {why}",
                    fix,
                )
            )
    if "**" in shown.prose:
        at = shown.prose.index("**")
        traps.append(
            Trap(
                _line_of(lines, source, "**"),
                f"GitHub shows the ** in {shown.prose[max(0, at - 10) : at + 20]!r} as written, not as bold:"
                " the closing ** sits between punctuation and a letter",
                "put a space outside the ** (or move the punctuation inside), or use <b>...</b>",
            )
        )
    if shown.struck:
        number = next((n for n in source if _LONE_TILDE.search(blank_code(lines[n - 1]))), None)
        if number is not None:
            traps.append(
                Trap(
                    number,
                    f"GitHub strikes through {shown.struck[0][:40]!r}: two single ~ make a strikethrough",
                    "write \\~ (or ～) where you meant a tilde",
                )
            )
    for url, words in shown.links:
        if words not in unquote(url) or not _runs_into_text(words):
            continue
        traps.append(
            Trap(
                _line_of(lines, source, words[:12]),
                f"GitHub links {words[:60]!r}, the text after the address included",
                "put a space after the address, or write it as <address>",
            )
        )
    traps.extend(_removed_tags(lines, source, shown.tags))
    return traps


def _removed_tags(lines: list[str], source: range, tags: tuple[str, ...]) -> list[Trap]:
    """The raw inline tags (as cmark-gfm read them, in order) GitHub removes or filters,
    each at the first line from the previous one's that holds it outside code."""
    traps = []
    at = source.start
    for tag in tags:
        m = _TAG_NAME.match(tag)
        if m is None or m.group(2).lower() in _KNOWN_TAGS:
            continue
        head = EOL.split(tag, 1)[0]
        at = next((n for n in range(at, source.stop) if head in blank_code(lines[n - 1])), at)
        traps.append(_removed_tag(at, m.group(2)))
    return traps


def _runs_into_text(words: str) -> bool:
    """Whether an address GitHub linked takes text after it: a CJK character right after an
    ASCII one that is not a separator in a path (`…/北京` is a path, `…/repo这个` is not)."""
    m = _CJK.search(words)
    return (
        m is not None and m.start() > 0 and words[m.start() - 1] not in "/=#?&-_%+" and words[m.start() - 1].isascii()
    )


def _line_of(lines: list[str], source: range, needle: str) -> int:
    """The first line of a block holding `needle`, else the block's first line."""
    return next((n for n in source if needle in lines[n - 1]), source.start)


def _removed_tag(line: int, name: str) -> Trap:
    if name.lower() in _FILTERED_TAGS:
        return Trap(line, f"GitHub shows <{name}> as text and runs nothing of it", "remove it, or put it in backticks")
    return Trap(
        line,
        f"GitHub removes <{name}>: it is not an HTML tag GitHub keeps, so nothing shows in its place",
        f"write it in backticks, `<{name}>`, or as \\<{name}>",
    )


class _Suspect(Record):
    """A line whose Markdown GitHub shows as raw text, inside an HTML block."""

    line: int
    above: int | None  # the line above it in the block; None when it opens the block
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


def _swallowed(suspect: _Suspect, lines: list[str], entry_numbers: Mapping[int, int] | None) -> Trap:
    text = lines[suspect.line - 1]
    stripped = text.strip()
    if entry_numbers is None:
        numbered = ENTRY_LINE.fullmatch(text)
        number = int(numbered.group(1)) if numbered else None
    else:
        number = entry_numbers.get(suspect.line)
    if number is not None:
        what = f"entry {number}"
    elif atx_heading(text) is not None:
        what = f"the heading {stripped!r}"
    else:
        what = repr(stripped[:40])
    shown = f"GitHub shows {what} as raw text inside " + (
        f"<{suspect.inside}>" if suspect.inside else "the HTML block above"
    )
    if not suspect.fixable or suspect.above is None:
        return Trap(suspect.line, shown, "put the Markdown on a line of its own, between blank lines")
    place = _blank_line_place(lines[suspect.above - 1])
    return Trap(
        suspect.line, shown, f"add a blank line {place}", f"added a blank line {place}, so GitHub renders {what}"
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
            text = blank_code(text)
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


# -- traps read from the lines cmark-gfm puts in a paragraph, and from its HTML ---------


class _Rendered:
    """A note's body as GitHub shows it, rendered once and only when a trap needs it: the
    text a reader sees (code left out, so what shows as written there is no finding), the
    HTML with the author's HTML kept, and with footnotes read as GitHub reads them in a file."""

    def __init__(self, body: str) -> None:
        self.body = body
        self._text: str | None = None
        self._unsafe: str | None = None
        self._footnotes: str | None = None
        self._raw: set[str] | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            html = _CODE_ELEMENT.sub(" ", render(self.body))
            self._text = unescape(HTML_TAG.sub(" ", html))
        return self._text

    @property
    def html(self) -> str:
        if self._unsafe is None:
            self._unsafe = render(self.body, unsafe=True)
        return self._unsafe

    @property
    def raw_lines(self) -> set[str]:
        """The lines of that HTML, as a set: an HTML block's lines are there as written."""
        if self._raw is None:
            self._raw = {line.rstrip() for line in self.html.split("\n")}
        return self._raw

    @property
    def footnotes(self) -> str:
        if self._footnotes is None:
            self._footnotes = render(self.body, footnotes=True)
        return self._footnotes


def _tree(shown: list[Block]) -> dict[int, list[int]]:
    """The blocks each container holds, by index in `shown` (document order, a container
    before what it holds, depth one more than its own)."""
    children: dict[int, list[int]] = {}
    stack: list[tuple[int, int]] = []  # (depth, index) of the open containers
    for i, b in enumerate(shown):
        depth = b.depth
        while stack and stack[-1][0] >= depth:
            stack.pop()
        if stack:
            children.setdefault(stack[-1][1], []).append(i)
        stack.append((depth, i))
    return children


_ITEM_NUMBER = re.compile(rb"[ \t]*(\d{1,9})[.)]")


def _written_number(lines: list[str], item: Block) -> int | None:
    """The number written before a numbered list item (its column counts bytes)."""
    m = _ITEM_NUMBER.match(lines[item.first - 1].encode("utf-8"), item.column - 1)
    return int(m.group(1)) if m else None


def _numbering_traps(
    lines: list[str], shown: list[Block], children: dict[int, list[int]], entry_numbers: Mapping[int, int] | None
) -> list[Trap]:
    """Numbered lists whose items GitHub numbers otherwise than written: a list counts on
    from its first item's number. Numbers written alike (`1.` for every item) are counted
    as their author meant."""
    traps = []
    for i, b in enumerate(shown):
        if b.tag != "ol":
            continue
        items = [shown[c] for c in children.get(i, ()) if shown[c].tag == "li"]
        written = [_written_number(lines, item) for item in items]
        if len(items) < 2 or None in written or len(set(written)) == 1:
            continue
        start = written[0]
        assert start is not None
        for k, (item, number) in enumerate(zip(items, written, strict=True)):
            if number != start + k:
                if entry_numbers is not None and item.first in entry_numbers:
                    what = f"entry {entry_numbers[item.first]}"
                else:
                    what = f"the item numbered {number}"
                traps.append(
                    Trap(
                        item.first,
                        f"GitHub shows {what} as number {start + k}: a numbered list counts on from its first"
                        f" item's number ({start}), whatever the others say",
                        f"number it {start + k}, or put a line of text above it to start a new list",
                    )
                )
                break
    return traps


def _text_lines(shown: list[Block], children: dict[int, list[int]]) -> list[tuple[Block, range]]:
    """The lines of each paragraph GitHub shows, with its block: a paragraph's, or the
    text of a tight list item (up to the first block it holds; `children`: _tree(shown))."""
    out = []
    for i, b in enumerate(shown):
        if b.tag == "p":
            out.append((b, range(b.first, b.last + 1)))
        elif b.tag == "li":
            held = [shown[c] for c in children.get(i, ())]
            if held and held[0].first == b.first:
                continue  # a loose item (its paragraphs are blocks), or one opening with a block
            end = held[0].first if held else b.last + 1
            out.append((b, range(b.first, end)))
    return out


_CONTAINER_PREFIX = re.compile(r"[ \t>]*")
_GLUED_HEADING = re.compile(r"(#{1,6})(?=[^\W_]|:)")
_NUMBERED_LINE = re.compile(r"(\d{1,9})[.)](?:[ \t]|$)")


def _text_line_traps(lines: list[str], paragraphs: list[tuple[Block, range]]) -> list[Trap]:
    """In the paragraphs GitHub shows: a line of #s glued to its words (no heading), a
    numbered item other than 1 right under a paragraph line (a line of it), and fields
    written without bullets (joined into one line)."""
    traps = []
    for b, numbers in paragraphs:
        first = numbers.start
        glued = numbered = field = False
        for n in numbers:
            text = lines[n - 1]
            if n == first:
                if b.tag == "li":
                    continue  # its marker comes first: the #s are in the item's text
                rest = text.encode("utf-8")[b.column - 1 :].decode("utf-8", "replace")
            else:
                rest = text[_CONTAINER_PREFIX.match(text).end() :]  # type: ignore[union-attr]
            m = _GLUED_HEADING.match(rest) if not glued and rest[:1] == "#" else None
            # One # glued to ASCII (`#include`, `#tag`) or among others (`#论文 #视觉`: tags) is rarely
            # meant as a heading; alone before other words it is.
            if m and (len(m.group(1)) > 1 or (len(numbers) == 1 and not rest[1].isascii() and " #" not in rest)):
                glued = True
                words = rest[len(m.group(1)) :].rstrip()
                traps.append(
                    Trap(
                        n,
                        f"GitHub shows {rest.strip()[:40]!r} as a paragraph, not as a heading: a heading's #s"
                        " need a space after them",
                        f"write {m.group(1) + ' ' + words!r}",
                        f"added a space after the #s, so GitHub shows the heading {words.strip()[:40]!r}",
                        (len(text) - len(rest) + m.end(), len(text) - len(rest) + m.end(), " "),
                    )
                )
            if n == first:
                continue
            joined = _NUMBERED_LINE.match(rest)
            if not numbered and joined and int(joined.group(1)) != 1:
                numbered = True
                if not (b.depth == 0 and b.tag == "p" and ENTRY_LINE.fullmatch(text)):  # _list_traps names it
                    quoted = ">" in text[: len(text) - len(rest)]
                    traps.append(
                        Trap(
                            n,
                            f"GitHub shows {rest.strip()[:40]!r} as a line of the paragraph above: only a list"
                            " item numbered 1 can start right under a paragraph",
                            "add a blank line above it",
                            # (a tight item's text, once split, is a paragraph: a block no_worse() cannot hold)
                            ""
                            if quoted or b.tag != "p"
                            else "added a blank line above it, so GitHub renders it as a numbered list",
                        )
                    )
            named = _FIELD_ITEM.match(rest) if not field else None
            # A field under an item's first line, or fields one after the other (a lone
            # `Note:` in prose is a sentence that goes on).
            if (
                named
                and (
                    b.depth > 0 or b.tag == "li" or _is_field(lines, n - 1, numbers) or _is_field(lines, n + 1, numbers)
                )
                and not _hard_break(lines[n - 2])
            ):
                field = True
                name = named.group()[:-1].strip()
                traps.append(
                    Trap(
                        n,
                        f"GitHub joins {rest.strip()[:40]!r} to the line above, in one paragraph: a line break"
                        " alone is a space",
                        f"write each field as a bullet, '- {name}: ...', or end the line above with a backslash",
                    )
                )
    return traps


def _is_field(lines: list[str], n: int, numbers: range) -> bool:
    """Whether line n of a paragraph's lines starts as a field does (`Name:`)."""
    if n not in numbers:
        return False
    text = lines[n - 1]
    return _FIELD_ITEM.match(text, _CONTAINER_PREFIX.match(text).end()) is not None  # type: ignore[union-attr]


def _hard_break(line: str) -> bool:
    """Whether a line ends in a line break GitHub shows: two spaces, a backslash, or <br>."""
    return line.endswith(("  ", "\\")) or line.rstrip().lower().endswith(("<br>", "<br/>", "<br />"))


# `[text] (target)`: a link written with a space GitHub does not allow; the target as a
# link's (a path, an address, a fragment), so a citation `[1] (2020)` is none.
_LINK_APART = re.compile(r"\[([^\[\]\n]+)\]([ \t]+)\(((?:[A-Za-z][A-Za-z0-9+.-]*:|www\.|\.{0,2}/|#)[^()\s]*)\)")
# `__init__`: a lower-case identifier between double underscores, outside an address.
_DUNDER = re.compile(r"(?<![\w\\])__([a-z][a-z0-9]*(?:_[a-z0-9]+)*)__(?!\w)")
_WORD = re.compile(r"\S+")


def _written_traps(lines: list[str], paragraphs: list[tuple[Block, range]], rendered: _Rendered) -> list[Trap]:
    """Links and words GitHub shows otherwise than written, in the paragraphs it shows: a
    link with a space between `]` and `(` (shown as written), and `__name__` (bold)."""
    traps = []
    # What GitHub shows keeps the order of the lines: each is looked for after the last found.
    shown_at = html_at = 0
    for _b, numbers in paragraphs:
        for n in numbers:
            text = lines[n - 1]
            if "] " not in text and "]\t" not in text and "__" not in text:
                continue
            visible = blank_code(text)
            for m in _LINK_APART.finditer(visible):
                words, target = m.group(1), m.group(3)
                found = rendered.text.find(f"[{words}]{m.group(2)}(", shown_at)
                if found < 0:
                    continue  # a reference link, a checkbox, or text GitHub shows otherwise
                shown_at = found + 1
                traps.append(
                    Trap(
                        n,
                        f"GitHub shows {m.group()[:80]!r} as written, not as a link: a space between ] and ( ends it",
                        f"remove the space: '[{words}]({target})'",
                        f"removed the space between ] and (, so GitHub makes the link {words[:40]!r}",
                        (m.end(1) + 1, m.start(3) - 1, ""),
                    )
                )
            dunders = list(_DUNDER.finditer(visible)) if "__" in visible else []
            if dunders:  # none inside an address, which GitHub links as written
                words = [w for w in _WORD.finditer(visible) if "://" in w.group() or "www." in w.group()]
                dunders = [m for m in dunders if not any(w.start() <= m.start() < w.end() for w in words)]
            for m in dunders:
                name = m.group(1)
                found = rendered.html.find(f"<strong>{name}</strong>", html_at)
                if found < 0:
                    continue
                html_at = found + 1
                traps.append(
                    Trap(
                        n,
                        f"GitHub shows {m.group()!r} as a bold {name!r}: two underscores on each side make strong"
                        " emphasis",
                        f"write it in backticks, `{m.group()}`, or as \\_\\_{name}\\_\\_",
                        f"escaped the underscores of {m.group()!r}, so GitHub shows them",
                        (m.start(), m.end(), f"\\_\\_{name}\\_\\_"),
                    )
                )
    return traps


def _opens_comment_block(lines: list[str], n: int, in_text: set[int]) -> bool:
    """Whether line n opens an HTML block with its comment: `<!--` first on the line, under
    a blank line or a paragraph (which a comment interrupts), not inside another HTML block."""
    text = lines[n - 1]
    if not text[_CONTAINER_PREFIX.match(text).end() :].startswith("<!--"):  # type: ignore[union-attr]
        return False
    return n == 1 or not lines[n - 2].strip() or n - 1 in in_text


def _unclosed_comment(html: str) -> str | None:
    """The line of HTML (from its `<!--`) that opens a comment nothing closes after it, as a
    browser reads the page; None if every comment closes."""
    at = 0
    while (start := html.find("<!--", at)) >= 0:
        close = html.find("-->", start + 4)
        if close < 0:
            end = html.find("\n", start)
            return html[start : end if end >= 0 else len(html)].rstrip()
        at = close + 3
    return None


def _comment_traps(
    lines: list[str], shown: list[Block], children: dict[int, list[int]], rendered: _Rendered, offset: int = 0
) -> list[Trap]:
    """An HTML comment never closed in the HTML GitHub passes through (a browser hides the
    rest of the note in it, whatever block it opens in), and Markdown after the `-->` that
    ends a comment's block (raw text: the block is HTML to the end of that line)."""
    if not any("<!--" in text for text in lines):
        return []
    traps = []
    # The lines of the blocks that hold no other (text, code, a rule): a `<!--` there is text.
    in_text = {
        n for i, b in enumerate(shown) if b.tag != "html" and i not in children for n in range(b.first, b.last + 1)
    }
    opened = _unclosed_comment(rendered.html)
    if opened is not None:  # a browser reads the rest of the page into it
        lines_open = [n for n, text in enumerate(lines, 1) if opened in text and n not in in_text]
        n = next((k for k in reversed(lines_open) if "-->" not in lines[k - 1][lines[k - 1].find(opened) :]), 0)
        hidden = [k for k in range(n + 1, len(lines) + 1) if lines[k - 1].strip()] if n else []
        if hidden:
            traps.append(
                Trap(
                    n,
                    f"GitHub hides everything from here to the end of the note"
                    f" (lines {n + offset}-{hidden[-1] + offset}) in an HTML comment that is never closed",
                    "add --> where the comment should end",
                )
            )
    opening = 0  # the line a comment still open was opened on; 0 when none is
    for n, text in enumerate(lines, 1):
        at = text.find("-->")
        began = opening or (n if "<!--" in text[: max(at, 0)] else 0)
        if "<!--" in text or "-->" in text:
            opening = (n if text.rfind("<!--") > text.rfind("-->") else 0) if at >= 0 else opening or n
        if at < 0 or not began or not _opens_comment_block(lines, began, in_text):
            continue  # no comment ends here (`-->` is text), or another HTML block holds it
        after = text[at + 3 :]
        if not after.strip() or not _shows_markdown(after.strip()):
            continue
        indent = text[: _CONTAINER_PREFIX.match(text).end()]  # type: ignore[union-attr]
        if "<!--" in after or not {text.rstrip(), text[len(indent) :].rstrip()} & rendered.raw_lines:
            continue  # GitHub rendered it: an inline comment, or text
        if n in in_text:
            continue
        traps.append(
            Trap(
                n,
                f"GitHub shows {after.strip()[:40]!r} as raw text in the HTML block of the comment: a line that"
                " starts an HTML comment is HTML to its end",
                "put it on the next line",
                f"moved {after.strip()[:40]!r} to a line of its own, so GitHub renders it",
                (at + 3, len(text), "\n" + indent + after.strip()),
            )
        )
    return traps


_FOOTNOTE_REF = re.compile(r"\[\^([A-Za-z0-9_-]+)\](?!:)")
_FOOTNOTE_ID = re.compile(r'<li id="fn-([^"]*)"')
_FOOTNOTE_DEF = re.compile(r" {0,3}\[\^([A-Za-z0-9_-]+)\]:")


def _footnote_traps(lines: list[str], shown: list[Block], rendered: _Rendered) -> list[Trap]:
    """Footnotes GitHub cannot pair (it renders them in a file): a reference `[^1]` no
    definition names shows as written; a definition `[^1]: ...` nothing refers to shows
    nothing. A footnote with both shows as GitHub's footnotes do (a number, the notes at
    the end): no trap."""
    html = rendered.footnotes
    notes = set(_FOOTNOTE_ID.findall(html))  # the footnotes GitHub shows, by label
    as_written = _CODE_ELEMENT.sub(" ", html)  # a reference shown as written is there, in order
    at = 0
    code = {n for b in shown if b.tag == "pre" for n in range(b.first, b.last + 1)}
    traps = []
    for n, text in enumerate(lines, 1):
        if "[^" not in text or n in code:
            continue
        definition = _FOOTNOTE_DEF.match(text)
        if definition:
            label = definition.group(1)
            if label not in notes:
                traps.append(
                    Trap(
                        n,
                        f"GitHub shows nothing of the footnote [^{label}]: no [^{label}] in the text refers to it",
                        "refer to it, or write it as text",
                    )
                )
            continue
        for m in _FOOTNOTE_REF.finditer(blank_code(text)):
            label = m.group(1)
            found = -1 if label in notes else as_written.find(m.group(), at)
            if found < 0:
                continue
            at = found + 1
            traps.append(
                Trap(
                    n,
                    f"GitHub shows {m.group()!r} as written: no footnote {m.group()} is defined in the note",
                    f"add a line '{m.group()}: ...' below, or remove it",
                )
            )
    return traps
