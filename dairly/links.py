"""Link targets relative to the file they are written in: where they point, and how to
rebase them when note text moves from notes/YYYYMM/ to the README's folder.

When rebasing, only the link targets change; every other character is kept. Code (fenced
blocks and inline code spans) is left alone, since a link written there is an example.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from collections.abc import Callable

from dairly.markdown import CLOSES, OPENS, code_spans, line_kinds, split_lines
from dairly.tuples import Record

# Link text: brackets may nest once and be escaped. Written as "plain* (special plain*)*",
# so the regex engine takes runs of plain characters at once and never backtracks far.
_PLAIN = r"[^\[\]\\\n]*"  # a link's text stays on one line
LINK_TEXT = _PLAIN + r"(?:(?:\\.|\[" + _PLAIN + r"(?:\\." + _PLAIN + r")*\])" + _PLAIN + r")*"
# [text](target "title") and ![alt](target): group 1 is everything up to the target, from
# the `[`. An image's `!` is read before it (target_spans): as an optional first character
# it would keep the engine from jumping to each `[`, and it would try every position.
_INLINE_LINK = re.compile(r"(\[" + LINK_TEXT + r"\]\([ \t]*)(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)")
# A reference definition, `[label]: target`: its label, brackets escaped inside it.
_LABEL = r"(?:[^\]\\\n]|\\.)+"
_REFERENCE_DEF = re.compile(r"^( {0,3}\[" + _LABEL + r"\]:[ \t]*)(<[^<>\n]*>|\S+)", re.M)  # group 2: the target
DEFINITION_LINE = re.compile(r" {0,3}\[(" + _LABEL + r")\]:[ \t]*\S.*")  # a whole line; group 1: the label
# src="..." / href='...' / src=unquoted inside HTML tags.
_HTML_ATTR = re.compile(r"""(\b(?:src|href)[ \t]*=[ \t]*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*:")  # a URL's scheme, `https:`


def _link_text(text: str, at: int, end: int) -> tuple[int, list[tuple[int, int]]]:
    """Where LINK_TEXT matched from `at` (in text[:end]) ends, and the nested pairs it
    holds, as the offsets of their `[` and `]`. No other match of it can be followed by
    `]`: a plain run stops only at a bracket, a backslash or a line's end, a backslash
    takes the character after it, and a `[` opens a nested pair or ends the text."""
    nested = []
    while at < end:
        c = text[at]
        if c == "\\":
            if at + 1 == end or text[at + 1] == "\n":
                break
            at += 2
        elif c == "[":
            close = at + 1
            while close < end and text[close] not in "[]\n":
                if text[close] == "\\":
                    if close + 1 == end or text[close + 1] == "\n":
                        close = end
                        break
                    close += 1
                close += 1
            if close >= end or text[close] != "]":
                break
            nested.append((at, close))
            at = close + 1
        elif c in "]\n":
            break
        else:
            at += 1
    return at, nested


def link_matches(pattern: re.Pattern[str], text: str, endpos: int | None = None) -> list[re.Match[str]]:
    """pattern.finditer(text, 0, endpos), in linear time, for a pattern that opens with `\\[`
    and LINK_TEXT. A search that fails from one `[` fails alike from every
    `[` its LINK_TEXT took as escaped (`\\[`: from there on both read the same), and one
    from a nested `[` alike from the escaped ones in its pair; so the search goes on from
    the nested `[`s, then from where the failed one ended (searched from each `[` of `\\[`
    repeated, every one read on to the line's end: the square of its length)."""
    end = len(text) if endpos is None else endpos
    if text.find("\\[", 0, end) < 0:  # no `[` taken as escaped: a search stops at the next `[` it meets
        return list(pattern.finditer(text, 0, end))
    found: list[re.Match[str]] = []
    floor = scan = 0  # matches start at `floor` or later; the next `[` is looked for from `scan`
    pairs: list[tuple[int, int]] = []  # the nested pairs of the last search that failed
    pending: list[int] = []  # the `[`s in them still to search from, ascending, all before `scan`
    while True:
        if pending:
            bracket = pending.pop(0)
        else:
            bracket = text.find("[", scan, end)
            if bracket < 0:
                return found
        m = pattern.match(text, bracket, end)
        if m is not None:
            found.append(m)
            floor = m.end()
            scan = max(scan, floor)
            pending = [b for b in pending if b >= floor]
            # A match ending inside a pair leaves the escaped `[`s after it in the pair
            # unsearched (its own `[` was the one whose failure stood for theirs).
            inside = [q for o, c in pairs if o < floor < c and (q := text.find("[", floor, c)) >= 0]
            pending[:0] = inside
            continue
        stop, nested = _link_text(text, bracket + 1, end)
        if stop > scan:  # a search from a `[` found afresh: its pairs are the ones ahead
            pairs = nested
            pending = [o for o, _c in nested]
        scan = max(scan, stop, bracket + 1)


def is_relative(target: str) -> bool:
    """A path relative to the file it is written in (not a URL, anchor or root path)."""
    return bool(target) and not (target.startswith(("/", "#", "?", "\\")) or SCHEME.match(target))


def link_target(folder: str, url: str) -> str | None:
    """The repository path a link written in `folder` points at; None for URLs and anchors.
    A root-relative `/x` is `x`, as GitHub resolves it from the repository root."""
    if not url or url.startswith(("#", "//", "?")) or SCHEME.match(url):
        return None
    path = url.split("#", 1)[0].split("?", 1)[0]
    if not path:
        return None
    if path.startswith("/"):
        return posixpath.normpath(path.lstrip("/"))
    return posixpath.normpath(f"{folder}/{path}")


def rebase_target(target: str, from_dir: str, to_dir: str) -> str:
    """Rewrite one relative target written in `from_dir` so it works from `to_dir`."""
    if not is_relative(target):
        return target
    cut = min((i for i in (target.find("?"), target.find("#")) if i >= 0), default=len(target))
    path, rest = target[:cut], target[cut:]
    joined = posixpath.normpath(posixpath.join(from_dir, path))
    new = posixpath.relpath(joined, to_dir or ".")
    if path.endswith("/") and not new.endswith("/"):
        new += "/"
    return new + rest


class Link(Record):
    """A link target written in a note."""

    url: str  # as written (HTML attribute values with their entities decoded)
    line: int  # 1-based
    kind: str  # "link", "image", or "src" / "href" for an HTML attribute


def _unwrapped(start: int, end: int, text: str) -> tuple[int, int]:
    """The span inside a target wrapped in <...> or quotes."""
    if end - start >= 2 and text[start] + text[end - 1] in ("<>", '""', "''"):
        return start + 1, end - 1
    return start, end


def target_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every link target in a Markdown text, in order: the targets of
    links and images, reference definitions, and src= and href= in HTML tags. Targets in
    fenced code blocks and inline code spans are examples, not links: they are left out."""
    spans: list[tuple[int, int, str]] = []
    if "](" in text:
        for m in link_matches(_INLINE_LINK, text):
            image = m.start() > 0 and text[m.start() - 1] == "!"
            spans.append((*_unwrapped(m.start(2), m.end(2), text), "image" if image else "link"))
    if "]:" in text:
        spans.extend((*_unwrapped(m.start(2), m.end(2), text), "link") for m in _REFERENCE_DEF.finditer(text))
    if "<" in text:
        for tag in _HTML_TAG.finditer(text):
            for attr in _HTML_ATTR.finditer(tag.group(0)):
                start = tag.start() + attr.start(2)
                kind = attr.group(1).split("=")[0].strip().lower()
                spans.append((*_unwrapped(start, start + len(attr.group(2)), text), kind))
    code = _code_ranges(text)
    if code:
        starts = [start for start, _end in code]
        spans = [s for s in spans if not _inside(s[0], code, starts)]
    spans.sort()
    return spans


def _inside(offset: int, ranges: list[tuple[int, int]], starts: list[int]) -> bool:
    i = bisect_right(starts, offset) - 1
    return i >= 0 and offset < ranges[i][1]


def _code_ranges(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of fenced code blocks and inline code spans, in order."""
    ranges: list[tuple[int, int]] = []
    if "```" in text or "~~~" in text:
        start = -1  # where the open fence starts; -1: none is open
        for line, kind in line_kinds(split_lines(text), comments=False):
            if kind == OPENS:
                start = line.start
            elif kind == CLOSES:
                ranges.append((start, line.end))
                start = -1
        if start >= 0:
            ranges.append((start, len(text)))
    if "`" in text:
        spans = [(start, end) for start, end, _n in code_spans(text, lone=True)]
        if ranges:  # a span inside a fence is the fence's
            starts = [start for start, _end in ranges]
            spans = [s for s in spans if not _inside(s[0], ranges, starts)]
        ranges = sorted(ranges + spans)
    return ranges


def find_links(text: str, start: int = 0) -> list[Link]:
    """Every link target in `text` from offset `start`, outside code, in order."""
    from html import unescape

    found = []
    line, counted = 1, 0
    for begin, end, kind in target_spans(text):
        if begin < start:
            continue
        line += text.count("\n", counted, begin)
        counted = begin
        url = text[begin:end]
        found.append(Link(unescape(url) if kind in ("src", "href") else url, line, kind))
    return found


def rewrite_links(markdown: str, rewrite: Callable[[str], str]) -> str:
    """`markdown` with every link target outside code replaced by rewrite(target); every
    other character is kept."""
    out = []
    pos = 0
    for begin, end, _kind in target_spans(markdown):
        if begin < pos:  # inside a target already rewritten
            continue
        out.append(markdown[pos:begin])
        out.append(rewrite(markdown[begin:end]))  # spliced in: never read as a template
        pos = end
    out.append(markdown[pos:])
    return "".join(out)


def rebase_links(markdown: str, from_dir: str, to_dir: str) -> str:
    """Rebase every relative link, image and HTML src/href in `markdown`."""
    if from_dir == to_dir:
        return markdown
    return rewrite_links(markdown, lambda target: rebase_target(target, from_dir, to_dir))
