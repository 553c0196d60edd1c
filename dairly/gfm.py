"""What GitHub shows: cmark-gfm, the engine GitHub renders Markdown with, asked with
GitHub's extensions (table, strikethrough, autolink, tagfilter, tasklist).

The binding exposes rendering only, not the syntax tree, so the tree is read back from
the HTML cmark-gfm writes with source positions (`data-sourcepos="3:1-4:9"` on every
block) and raw HTML left out: then every tag in that output is one cmark-gfm wrote, and
`<!-- raw HTML omitted -->` marks where the author's HTML was. An HTML block has no
position of its own: it fills the lines between the blocks around it.

Everything here is pure: text in, blocks (1-based lines) out.
"""

from __future__ import annotations

import ctypes
import functools
import re
from collections.abc import Callable
from typing import Any

from dairly.tuples import Record

EXTENSIONS = ("table", "strikethrough", "autolink", "tagfilter", "tasklist")
OMITTED = "<!-- raw HTML omitted -->"
# The blocks cmark-gfm writes with a source position; the others (inline tags) carry none.
_CONTAINERS = frozenset(("ul", "ol", "li", "blockquote", "table", "thead", "tbody", "tr"))
_LEAVES = frozenset(("p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "th", "td"))
# cmark-gfm's own output: its tags, and the marker it leaves for raw HTML (text is escaped).
# Only block tags: the inline ones (links, emphasis, code) are left in a leaf's HTML unread.
_OUTPUT = re.compile(
    r"<(/?)(p|h[1-6]|ul|ol|li|blockquote|pre|hr|table|thead|tbody|tr|th|td)(?=[ >/])"
    r'(?:[^>]*?data-sourcepos="(\d+):(\d+)-(\d+):(\d+)")?[^>]*>|<!-- raw HTML omitted -->'
)
_EOL = re.compile(r"\r\n|\r|\n")


class Block(Record):
    """One block as GitHub shows it."""

    tag: str  # the HTML element ("p", "h2", "li", "pre", ...), or "html" for an HTML block
    first: int  # its first line, 1-based
    last: int  # its last line
    depth: int  # 0 for a block of the document itself, 1 inside a list item or quote, ...
    column: int  # 1-based column of its first character (of its container's marker for a list item)
    inner: str = ""  # a leaf's HTML, raw HTML omitted; "" for containers and HTML blocks


def render(text: str, *, sourcepos: bool = False, unsafe: bool = False, footnotes: bool = False) -> str:
    """The HTML cmark-gfm writes for `text`, as GitHub's renderer configures it (before
    GitHub's own sanitizer: `unsafe` keeps the author's HTML, tagfilter applied;
    `footnotes` reads `[^1]` as GitHub does in a Markdown file)."""
    from cmarkgfm import _cmark  # type: ignore[import-untyped]

    lib, ffi = _cmark.lib, _cmark.ffi
    options = lib.CMARK_OPT_GITHUB_PRE_LANG
    if sourcepos:
        options |= lib.CMARK_OPT_SOURCEPOS
    if unsafe:
        options |= lib.CMARK_OPT_UNSAFE
    if footnotes:
        options |= lib.CMARK_OPT_FOOTNOTES
    # The steps of cmarkgfm's markdown_to_html_with_extensions, which never frees the
    # document tree nor the HTML it returns (a process rendering every note, as the first
    # index build does, would keep them all); here both go back to cmark-gfm's allocator.
    release = _releaser()
    parser = lib.cmark_parser_new(options)
    try:
        for extension in _extensions():
            lib.cmark_parser_attach_syntax_extension(parser, extension)
        data = text.encode("utf-8")
        lib.cmark_parser_feed(parser, data, len(data))
        root = lib.cmark_parser_finish(parser)
        raw = lib.cmark_render_html(root, options, lib.cmark_parser_get_syntax_extensions(parser))
        try:
            html: str = ffi.string(raw).decode("utf-8")
        finally:
            if release is not None:
                release(int(ffi.cast("uintptr_t", root)), int(ffi.cast("uintptr_t", raw)))
    finally:
        lib.cmark_parser_free(parser)
    return html


@functools.cache
def _extensions() -> tuple[Any, ...]:
    """GitHub's extensions, as cmark-gfm's handles: found once, they live as long as it."""
    from cmarkgfm import _cmark

    _cmark.lib.cmark_gfm_core_extensions_ensure_registered()
    found = tuple(_cmark.lib.cmark_find_syntax_extension(name.encode("ascii")) for name in EXTENSIONS)
    if any(extension == _cmark.ffi.NULL for extension in found):
        raise RuntimeError(f"cmark-gfm lacks one of the extensions {', '.join(EXTENSIONS)}")
    return found


class _Mem(ctypes.Structure):
    """cmark-gfm's `cmark_mem`: the allocator its nodes and output come from."""

    _fields_ = [
        ("calloc", ctypes.c_void_p),
        ("realloc", ctypes.c_void_p),
        ("free", ctypes.CFUNCTYPE(None, ctypes.c_void_p)),
    ]


@functools.cache
def _releaser() -> Callable[[int, int], None] | None:
    """A function freeing a document tree and a rendered string (by address) in the cmark-gfm
    library the binding loaded, which exports the functions its cffi interface leaves out;
    None where that library cannot be opened so (the memory is then never freed, as with
    cmarkgfm's own functions)."""
    from cmarkgfm import _cmark

    try:
        library = ctypes.CDLL(_cmark.__file__)  # the loaded library again, not a second copy
        node_free = library.cmark_node_free
        default_mem = library.cmark_get_default_mem_allocator
    except (OSError, AttributeError):
        return None
    node_free.argtypes, node_free.restype = [ctypes.c_void_p], None
    default_mem.argtypes, default_mem.restype = [], ctypes.POINTER(_Mem)
    free = default_mem().contents.free

    def release(root: int, html: int) -> None:
        node_free(root)
        free(html)

    return release


def blocks(text: str) -> list[Block]:
    """Every block of `text` as GitHub shows it, in document order (a container before
    what it holds), HTML blocks included."""
    html = render(text, sourcepos=True)
    lines = _EOL.split(text)
    if lines and lines[-1] == "" and text:
        lines.pop()
    # Each block as [tag, first, last, depth, column] while the lines of its HTML blocks
    # are still being found, and the leaves' HTML by index: made Blocks once, at the end.
    found: list[list[Any]] = []
    inners: dict[int, str] = {}
    # The open containers (index in found, or -1 for thead/tbody) and for each level the
    # line where its next child may begin and the HTML blocks waiting for their lines.
    stack: list[int] = []
    cursor = [1]
    pending: list[list[int]] = [[]]
    leaf: tuple[int, int] | None = None  # (index in found, offset in html where its content starts)
    for m in _OUTPUT.finditer(html):
        closing, tag, first_text, column_text, last_text, end_text = m.groups()
        if tag is None:  # the raw-HTML marker
            at_line_start = m.start() == 0 or html[m.start() - 1] == "\n"
            if at_line_start and html.startswith("\n", m.end()) and (leaf is None or found[leaf[0]][0] == "li"):
                found.append(["html", cursor[-1], cursor[-1], len(stack), 1])
                pending[-1].append(len(found) - 1)
                if leaf is not None:  # an item holding a block is not a tight one
                    leaf = None
            continue
        if closing:
            if leaf is not None and found[leaf[0]][0] == tag:
                inners[leaf[0]] = html[leaf[1] : m.start()]
                leaf = None
            if tag in _CONTAINERS and stack:
                index = stack.pop()
                end = found[index][2] + 1 if index >= 0 else cursor[-1]
                waiting, start = pending.pop(), cursor.pop()
                if waiting:
                    _place_html(found, waiting, start, end, lines)
                if index >= 0:
                    cursor[-1] = found[index][2] + 1
            continue
        if first_text is None:
            if tag in _CONTAINERS:  # thead and tbody carry no position
                stack.append(-1)
                cursor.append(cursor[-1])
                pending.append([])
            continue
        first, last = int(first_text), int(last_text)
        if end_text == "0" and last > first:  # ends at the start of a line: on the one before
            last -= 1
        if tag in _HEADINGS and last > first:
            last = _underline(lines, first, last)
        for container in reversed(stack):  # the innermost with a position
            if container >= 0:
                if last > found[container][2]:  # cmark-gfm may end a fence past its item
                    last = max(first, found[container][2])
                break
        if leaf is not None and found[leaf[0]][0] == "li":  # its text ends where a block in it starts
            inners[leaf[0]] = html[leaf[1] : m.start()]
            leaf = None
        if pending[-1]:
            _place_html(found, pending[-1], cursor[-1], first, lines)
            pending[-1] = []
        found.append([tag, first, last, len(stack), int(column_text)])
        if tag in _CONTAINERS:
            stack.append(len(found) - 1)
            cursor.append(first)
            pending.append([])
            if tag == "li":  # a tight item's text comes straight after <li>
                leaf = (len(found) - 1, m.end())
        else:
            cursor[-1] = last + 1
            if tag != "hr":
                leaf = (len(found) - 1, m.end())
    _place_html(found, pending[0], cursor[0], len(lines) + 1, lines)
    return [
        Block(tag, first, last, depth, column, inners.get(i, ""))
        for i, (tag, first, last, depth, column) in enumerate(found)
    ]


def _place_html(found: list[list[Any]], waiting: list[int], start: int, end: int, lines: list[str]) -> None:
    """Give the HTML blocks `waiting` (indexes in found, in order) their lines, from
    `start` to before the next block's first line `end`: each begins at a line opening with
    `<` (a link reference definition has no output either, and is skipped) and ends at the
    last non-blank line before the next one begins."""
    if not waiting:
        return
    starts: list[int] = []
    closing = ""  # the end marker of a comment or the like that started last: blank lines do not end it
    for number in range(start, min(end, len(lines) + 1)):
        if len(starts) == len(waiting):
            break
        text = lines[number - 1]
        if closing:
            closing = "" if closing in text.lower() else closing
            continue
        if _opens_html(text) and (not starts or not lines[number - 2].strip()):
            starts.append(number)
            opening = text.lstrip(" \t>-*+0123456789.)").lower()
            marker = next((end for begin, end in _MARKED if opening.startswith(begin)), "")
            after = opening[len(next((b for b, _e in _MARKED if opening.startswith(b)), "")) :]
            closing = "" if not marker or marker in after else marker
    while len(starts) < len(waiting):
        starts.append(starts[-1] if starts else start)
    for i, index in enumerate(waiting):
        last = min((starts[i + 1] if i + 1 < len(starts) else end) - 1, len(lines))
        while last > starts[i] and not lines[last - 1].strip():
            last -= 1
        found[index][1:3] = starts[i], max(starts[i], last)


_UNDERLINE = re.compile(r"[ \t>]*(?:=+|-+)[ \t]*")


def _underline(lines: list[str], first: int, last: int) -> int:
    """A setext heading's underline: cmark-gfm's end position may run a line past it."""
    for number in range(first + 1, min(last, len(lines)) + 1):
        if _UNDERLINE.fullmatch(lines[number - 1]):
            return number
    return min(last, len(lines))


# HTML blocks only their end marker closes: (how they open, the marker).
_MARKED = (
    ("<!--", "-->"),
    ("<?", "?>"),
    ("<![cdata[", "]]>"),
    ("<!", ">"),
    ("<pre", "</pre>"),
    ("<script", "</script>"),
    ("<style", "</style>"),
    ("<textarea", "</textarea>"),
)


def _opens_html(line: str) -> bool:
    stripped = line.lstrip(" \t>-*+0123456789.)")
    return stripped.startswith("<")


def headings(text: str) -> list[tuple[int, int, int, int]]:
    """The headings GitHub shows, as (level, first line, last line, depth): the last line
    of a setext heading is its `===` or `---` line. Reads only headings, lists and quotes
    from the output: the hook asks this of the README on every commit."""
    html = render(text, sourcepos=True)
    found = []
    depth, pos = 0, 0
    lines: list[str] = []
    for m in _HEADING_SCAN.finditer(html):
        # How deep in lists and quotes: the tags between counted in C, not matched one by one.
        for tag in ("ul", "ol", "blockquote"):
            depth += html.count(f"<{tag}", pos, m.start()) - html.count(f"</{tag}>", pos, m.start())
        pos = m.start()
        first, last, end_column = int(m.group(2)), int(m.group(3)), int(m.group(4))
        if end_column == 0 and last > first:
            last -= 1
        if last > first:  # a setext heading: rare enough to split the lines for
            lines = lines or _EOL.split(text)
            last = _underline(lines, first, last)
        found.append((int(m.group(1)), first, last, depth))
    return found


_IMAGE_ALT = re.compile(r'<img [^>]*?alt="([^"]*)"[^>]*>')
_ANY_TAG = re.compile(r"<[^>]*>")


def plain_text(inner: str) -> str:
    """A leaf's HTML (Block.inner) as the text a reader sees: a link's text, an image's
    description, no emphasis, no tags, entities decoded, soft breaks as spaces."""
    from html import unescape

    if "<" in inner:
        inner = _ANY_TAG.sub("", _IMAGE_ALT.sub(lambda m: m.group(1), inner))
    return unescape(inner).replace("\n", " ")


_HEADING_SCAN = re.compile(r'<h([1-6]) data-sourcepos="(\d+):\d+-(\d+):(\d+)"')
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
