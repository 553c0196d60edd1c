"""The entries a person listed in what publish promotes of a note (its 今日要点 section).

An entry is a top-level list item before the first heading: a line `N. [title](url)  :star::star:`
at column 0, or, in a bulleted list, `* [title](url) (source)`. Everything
up to the next numbered line or heading is its body: field bullets (`- Abstract: ...`,
`- Tips: ...`, at column 0 or indented, with nested bullets folded into their field),
pictures, and any other text. This follows the author, not CommonMark: GitHub may render
a field bullet at column 0 as a list of its own, or an entry written right after `</div>`
as raw HTML; `dairly lint` tells the author where it does (dairly.notes.traps).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from dairly.links import LINK_TEXT, link_matches
from dairly.markdown import SHOWN, atx_heading, code_spans, iter_visible, line_kinds
from dairly.tuples import Record

if TYPE_CHECKING:
    from dairly.links import Link
    from dairly.markdown import Line

ENTRY_LINE = re.compile(r"(\d{1,9})[.)](?:[ \t]+(.*))?")  # at column 0; the text is stripped after
_BULLET = re.compile(r"( *)[-*+](?:[ \t]+(.*))?")
# "Abstract: ...", "Code：..." (a full-width colon too)
_FIELD = re.compile(r"([A-Za-z][A-Za-z0-9 _-]{0,30}?)[ \t]*[:：][ \t]*(.*)", re.S)
STAR = ":star:"

# Inline Markdown reduced to what a reader sees.
_IMAGE = re.compile(
    r"!\[([^\[\]\\]*(?:\\.[^\[\]\\]*)*)\]\((?:<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:[ \t]+[^)]*)?\)"
)
_LINK = re.compile(
    r"\[(" + LINK_TEXT + r")\]"  # [text]
    r"\([ \t]*(<[^<>\n]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)(?:[ \t]+[^)]*)?\)"  # (target "title")
)
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*)>")
# The spans below are what these patterns match, found in linear time by _spans (as
# regular expressions, a run of openers with no closer, `*a *a *a`, costs the square of
# its length); tests/test_hostile_text.py holds _spans equal to them:
#   HTML tags and comments   </?[A-Za-z][^<>]*>|<!--.*?-->
#   strong, strikethrough    (\*\*|__|~~)(?=\S)(.+?)(?<=\S)\1
#   emphasis                 (?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_STRONG = ("**", "__", "~~")
_EMPHASIS = ("*", "_")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ESCAPED = re.compile("\ue000(\\d+)\ue001")


# A character that may change what a reader sees (found by a regular expression: a set's
# isdisjoint makes a string of every character of the text first).
_MARKUP = re.compile(r"[\[\]()<>*_~`\\]")


def plain_text(markdown: str) -> str:
    """One line of inline Markdown as a reader sees it: link and image texts kept, their
    targets, HTML tags and emphasis markers dropped, code spans as written."""
    if _MARKUP.search(markdown) is None:  # plain already: most field values
        return markdown.strip()
    out = []
    pos = 0
    for start, end, n in code_spans(markdown):
        content = markdown[start + n : end - n]
        out.append(_plain(markdown[pos:start]))
        out.append(content.strip() if content.strip() else content)
        pos = end
    out.append(_plain(markdown[pos:]))
    return "".join(out).strip()


def _plain(text: str) -> str:
    escaped = "\\" in text
    if escaped:  # escaped characters are set aside first, so `\*` never opens emphasis
        text = _ESCAPE.sub(lambda m: f"\ue000{ord(m.group(1))}\ue001", text)
    if "](" in text:
        text = _before_last_paren(_IMAGE, text)
        text = _before_last_paren(_LINK, text)
    if "<" in text:
        text = _AUTOLINK.sub(lambda m: m.group(1), text)
        text = _without_tags(text)
    if "*" in text or "_" in text or "~" in text:
        text = _spans(text, _STRONG, _strong_opens, _strong_closes)
        text = _spans(text, _EMPHASIS, _emphasis_opens, _emphasis_closes)
    return _ESCAPED.sub(lambda m: chr(int(m.group(1))), text) if escaped else text


def _before_last_paren(pattern: re.Pattern[str], text: str) -> str:
    """pattern.sub(its group 1) for _IMAGE and _LINK in linear time: searched only up to the
    text's last `)`, since each match ends with one (a title's `[^)]*` with none after it
    scanned to the end from every `[`), and _LINK as links.link_matches searches."""
    cut = text.rfind(")") + 1
    if pattern is not _LINK:
        return pattern.sub(lambda m: m.group(1), text[:cut]) + text[cut:]
    out = []
    at = 0
    for m in link_matches(_LINK, text, cut):
        out += [text[at : m.start()], m.group(1)]
        at = m.end()
    out.append(text[at:])
    return "".join(out)


def _without_tags(text: str) -> str:
    """The text without its HTML tags and comments (an unclosed comment stays)."""
    out = []
    pos = at = 0
    closers = True  # whether a `-->` may still close a comment: once none does, none will
    while (at := text.find("<", at)) >= 0:
        tag = _TAG.match(text, at)
        end = tag.end() if tag is not None else -1
        if tag is None and closers and text.startswith("<!--", at):
            close = text.find("-->", at + 4)
            closers = close >= 0
            if closers and text.find("\n", at, close) < 0:  # `.` stops at a line's end
                end = close + 3
        if end < 0:
            at += 1
            continue
        out.append(text[pos:at])
        pos = at = end
    out.append(text[pos:])
    return "".join(out)


def _word(c: str) -> bool:
    return c.isalnum() or c == "_"  # a regular expression's \w


def _strong_opens(text: str, at: int, mark: str) -> bool:
    after = at + len(mark)
    return after < len(text) and not text[after].isspace()


def _strong_closes(text: str, at: int, mark: str) -> bool:
    return at > 0 and not text[at - 1].isspace()


def _emphasis_opens(text: str, at: int, mark: str) -> bool:
    before = text[at - 1] if at else ""
    return not (before and (_word(before) or before == mark)) and _strong_opens(text, at, mark)


def _emphasis_closes(text: str, at: int, mark: str) -> bool:
    after = text[at + 1] if at + 1 < len(text) else ""
    return _strong_closes(text, at, mark) and not (after and (_word(after) or after == mark))


def _spans(
    text: str, marks: tuple[str, ...], opens: Callable[[str, int, str], bool], closes: Callable[[str, int, str], bool]
) -> str:
    """Each span a mark opens and the same mark closes, on one line, replaced by its inner
    text; as re.sub with `MARK(.+?)MARK` would, the opener checked by `opens` and the
    first closer after it that `closes` accepts taken, in linear time: every mark's
    closers are found once, and an opener looks its first one up."""
    from bisect import bisect_left

    found: dict[str, list[int]] = {}
    openers: list[tuple[int, str]] = []
    for mark in marks:
        at = text.find(mark)
        while at >= 0:
            openers.append((at, mark))
            if closes(text, at, mark):
                found.setdefault(mark, []).append(at)
            at = text.find(mark, at + 1)
    if not found:
        return text
    openers.sort()
    newlines = [i for i, c in enumerate(text) if c == "\n"] if "\n" in text else []
    out = []
    pos = 0
    for at, mark in openers:
        if at < pos or mark not in found or not opens(text, at, mark):
            continue
        start = at + len(mark)
        closers = found[mark]
        k = bisect_left(closers, start + 1)  # at least one character inside
        if k == len(closers):
            continue
        end = closers[k]
        n = bisect_left(newlines, start)
        if n < len(newlines) and newlines[n] < end:
            continue  # `.` stops at a line's end
        out.append(text[pos:at])
        out.append(text[start:end])
        pos = end + len(mark)
    out.append(text[pos:])
    return "".join(out)


class Field(Record):
    """A field bullet of an entry: `- Paper: [title](url)` is ("Paper", "title", (url,))."""

    name: str  # as written, "" for a bullet that is not a `Name: value` line
    value: str  # plain text; nested bullets and continuation lines joined with newlines
    links: tuple[str, ...]  # the link and image targets in the field, as written
    line: int  # 1-based line of the bullet


class Entry(Record):
    """One entry of a note's 今日要点 section."""

    number: int  # as the author numbered it; a bulleted entry's place in the list
    title: str  # the text of the entry's first link, else its line without the stars
    url: str | None  # the entry's first link (the article); None when it has none
    stars: int  # the author's rating: the :star: codes on the numbered line
    line: int  # 1-based line of the numbered line
    fields: list[Field]
    images: list[str]  # picture targets in the entry (Markdown images and <img src>), in order
    text: str  # the entry's Markdown, from its numbered line to its last non-blank line

    def field(self, name: str) -> Field | None:
        """The first field with this name, case-insensitively."""
        want = name.casefold()
        return next((f for f in self.fields if f.name.casefold() == want), None)

    def to_json(self) -> dict[str, object]:
        data = self._asdict()
        data["fields"] = [f._asdict() | {"links": list(f.links)} for f in self.fields]
        return data


def entry_blocks(body: list[Line]) -> list[list[Line]]:
    """The lines of each entry in the body of what publish promotes: its top-level list
    items, up to its first heading (a list under another heading, such as a footer, holds
    no entry). The first list line at column 0 says how the author lists: numbered (then
    bullets are the entries' fields) or bulleted (`* [title](url)`). An entry is its item
    line and what follows it, up to the next item or heading. Code fences are kept whole."""
    blocks: list[list[Line]] = []
    current: list[Line] | None = None
    bulleted: bool | None = None  # unknown until the first list line at column 0
    for line, kind in line_kinds(body, comments=False):
        text = line.text
        if kind != SHOWN:  # a fence and the code in it
            pass
        elif text[:1].isdigit() and ENTRY_LINE.fullmatch(text):
            bulleted = bool(bulleted)
            current = [line]
            blocks.append(current)
            continue
        elif text[:1] in "-*+" and bulleted is not False and _BULLET.fullmatch(text) and not _is_break(text):
            bulleted = True
            current = [line]
            blocks.append(current)
            continue
        elif atx_heading(text) is not None:
            break
        if current is not None:
            current.append(line)
    for block in blocks:
        while len(block) > 1 and not block[-1].text.strip():
            block.pop()
    return blocks


def _is_break(text: str) -> bool:
    """A thematic break (`---`, `* * *`), not a list item."""
    return len(text.replace(" ", "").replace("\t", "")) >= 3 and set(text) <= set(text[0] + " \t")


def parse_entries(body: list[Line], links: dict[int, list[Link]]) -> list[Entry]:
    """The entries of what publish promotes, given the lines of its body and the note's
    link targets by line (dairly.links.find_links); a bulleted entry's number is its place."""
    return [_entry(block, links, n) for n, block in enumerate(entry_blocks(body), 1)]


def _first_link(text: str) -> re.Match[str] | None:
    """The first Markdown link of a line that is not an image."""
    links = link_matches(_LINK, text, text.rfind(")") + 1)  # each ends with `)`: see _before_last_paren
    return next((m for m in links if m.start() == 0 or text[m.start() - 1] != "!"), None)


_PICTURE_KINDS = ("image", "src")
_FIELD_LINK_KINDS = ("link", "image")


def _entry(block: list[Line], links: dict[int, list[Link]], place: int) -> Entry:
    head = block[0]
    m = ENTRY_LINE.fullmatch(head.text)
    if m is not None:
        number, rest = int(m.group(1)), (m.group(2) or "").rstrip()
    else:  # a bullet: entry_blocks starts every block with an item line
        bullet = _BULLET.fullmatch(head.text)  # at column 0
        assert bullet is not None
        number, rest = place, (bullet.group(2) or "").rstrip()
    link = _first_link(rest)
    if link is not None:
        title, url = plain_text(link.group(1)), link.group(2)
        if url.startswith("<") and url.endswith(">"):
            url = url[1:-1]
    else:
        title, url = plain_text(rest.replace(STAR, "")), None
    stars = rest.count(STAR) + rest.count("\u2b50")  # :star: or the emoji itself
    images = [lk.url for line in block for lk in links.get(line.number, ()) if lk.kind in _PICTURE_KINDS]
    text = "\n".join([line.text for line in block]) + "\n"
    return Entry(number, title, url, stars, head.number, _fields(block[1:], links), images, text)


def _fields(lines: list[Line], links: dict[int, list[Link]]) -> list[Field]:
    """The field bullets among an entry's body lines."""
    groups: list[tuple[int, int, list[str], list[str]]] = []  # (line, bullet indent, texts, links)
    blank_before = False
    for line in iter_visible(lines):  # code and comments are no fields
        text = line.text
        stripped = text.strip()
        if not stripped:
            blank_before = True
            continue
        bullet = _BULLET.fullmatch(text) if stripped[0] in "-*+" else None
        if bullet is not None:
            indent = len(bullet.group(1))
            content = plain_text(bullet.group(2) or "")  # plain_text strips it
            if groups and indent >= groups[-1][1] + 2:  # a nested bullet: part of the field above
                groups[-1][2].append(content)
            else:
                groups.append((line.number, indent, [content], []))
        elif stripped.startswith("<"):
            continue  # HTML (a centred picture): the entry's, not a field's
        elif groups and (not blank_before or text.startswith((" ", "\t"))):
            groups[-1][2].append(plain_text(stripped))  # the field goes on
        else:
            groups.append((line.number, -2, [plain_text(stripped)], []))  # text of its own
        found = links.get(line.number)
        if found:
            groups[-1][3].extend(lk.url for lk in found if lk.kind in _FIELD_LINK_KINDS)
        blank_before = False
    return [_field(number, texts, field_links) for number, _indent, texts, field_links in groups]


def _field(line: int, texts: list[str], links: list[str]) -> Field:
    named = _FIELD.fullmatch(texts[0])
    name, first = (named.group(1).strip(), named.group(2).strip()) if named else ("", texts[0])
    return Field(name, "\n".join([t for t in (first, *texts[1:]) if t]), tuple(links), line)
