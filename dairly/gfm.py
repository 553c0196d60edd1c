"""What GitHub shows: cmark-gfm, the engine GitHub renders Markdown with, asked with
GitHub's extensions (table, strikethrough, autolink, tagfilter, tasklist).

blocks() and headings() read cmark-gfm's document tree itself: its nodes, their types,
heading levels, list data and source positions. The binding's compiled cffi interface
declares the node type but only a few of the node functions; the others are taken from
the library it already loaded (their addresses, by ctypes) and called as cffi function
pointers (_Api). The tree's own end lines are kept but for two of cmark-gfm's quirks: an
HTML block its end marker closes (`-->`, `</script>`...) ends a line early, and a setext
heading may end a line late.

A leaf's inline facts (Inline: the text GitHub shows, the links and pictures it makes,
what it strikes through, the raw tags it was given) are read from its inline nodes, and
only for the kinds of block a caller names: most callers need the blocks' lines alone.

Everything here is pure: text in, blocks (1-based lines) out; what cmark-gfm allocates
goes back to it (_document), which the binding's own wrapper never does.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any

from dairly.tuples import Record

EXTENSIONS = ("table", "strikethrough", "autolink", "tagfilter", "tasklist")
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# The blocks that hold inline text (a tight list item holds its first paragraph's).
LEAF_TAGS = HEADING_TAGS | {"p", "li", "th", "td"}
EOL = re.compile(r"\r\n|\r|\n")  # what ends a line, for cmark-gfm and every reader of lines in dairly


class Inline(Record):
    """What GitHub shows of a leaf's inline Markdown, read from cmark-gfm's inline nodes."""

    text: str  # the plain text shown: code, a picture's description, breaks as spaces, entities decoded
    prose: str  # the text outside code spans and pictures, breaks as "\n": where unparsed Markdown would show
    links: tuple[tuple[str, str], ...]  # (target, text) of each link made, addresses linked included
    images: tuple[tuple[str, str], ...]  # (source, description) of each picture
    code: tuple[str, ...]  # each code span's text
    struck: tuple[str, ...]  # the text of each strikethrough
    emphasis: tuple[str, ...]  # the text of each emphasis (italics)
    strong: tuple[str, ...]  # the text of each strong emphasis (bold)
    tags: tuple[str, ...]  # each raw inline HTML as written (GitHub's sanitizer decides what of it shows)


class Block(Record):
    """One block as GitHub shows it."""

    tag: str  # the HTML element ("p", "h2", "li", "pre", ...), or "html" for an HTML block
    first: int  # its first line, 1-based
    last: int  # its last line
    depth: int  # 0 for a block of the document itself, 1 inside a list item or quote, ...
    column: int  # 1-based column of its first character (of its container's marker for a list item)
    inline: Inline | None = None  # a leaf's inline facts, where the caller asked for them


def render(text: str, *, sourcepos: bool = False, unsafe: bool = False, footnotes: bool = False) -> str:
    """The HTML cmark-gfm writes for `text`, as GitHub's renderer configures it (before
    GitHub's own sanitizer: `unsafe` keeps the author's HTML, tagfilter applied;
    `footnotes` reads `[^1]` as GitHub does in a Markdown file)."""
    api = _api()
    lib = api.lib
    options = lib.CMARK_OPT_GITHUB_PRE_LANG
    if sourcepos:
        options |= lib.CMARK_OPT_SOURCEPOS
    if unsafe:
        options |= lib.CMARK_OPT_UNSAFE
    if footnotes:
        options |= lib.CMARK_OPT_FOOTNOTES
    with _document(text, options) as (parser, root):
        raw = lib.cmark_render_html(root, options, lib.cmark_parser_get_syntax_extensions(parser))
        try:
            html: str = api.ffi.string(raw).decode("utf-8")
        finally:
            api.free(raw)
    return html


class _Api:
    """cmark-gfm's functions, found once: those the binding's cffi `lib` declares, and the
    node functions it leaves out, taken from the same loaded library as cffi function
    pointers (a cffi call costs less than a ctypes one, and no C declarations are parsed
    at start-up)."""

    def __init__(self) -> None:
        import ctypes

        from cmarkgfm import _cmark  # type: ignore[import-untyped]

        self.ffi, self.lib = _cmark.ffi, _cmark.lib
        try:
            library = ctypes.CDLL(_cmark.__file__)  # the loaded library again, not a second copy
        except OSError as error:
            raise RuntimeError(f"cannot open cmark-gfm's library {_cmark.__file__}: {error}") from error

        def function(name: str, ctype: str) -> Any:
            try:
                address = ctypes.cast(getattr(library, name), ctypes.c_void_p).value
            except AttributeError:
                raise RuntimeError(
                    f"cmark-gfm's library {_cmark.__file__} exports no {name}: dairly needs its node API"
                ) from None
            return self.ffi.cast(ctype, address)

        node = "cmark_node *(*)(cmark_node *)"
        number = "int(*)(cmark_node *)"
        string = "const char *(*)(cmark_node *)"
        self.first_child = function("cmark_node_first_child", node)
        self.next = function("cmark_node_next", node)
        self.start_line = function("cmark_node_get_start_line", number)
        self.end_line = function("cmark_node_get_end_line", number)
        self.start_column = function("cmark_node_get_start_column", number)
        self.end_column = function("cmark_node_get_end_column", number)
        self.heading_level = function("cmark_node_get_heading_level", number)
        self.list_type = function("cmark_node_get_list_type", number)
        self.list_tight = function("cmark_node_get_list_tight", number)
        self.type_string = function("cmark_node_get_type_string", string)
        self.literal = function("cmark_node_get_literal", string)
        self.url = function("cmark_node_get_url", string)
        self.node_free = function("cmark_node_free", "void(*)(cmark_node *)")
        # cmark_mem is {calloc, realloc, free}: the free of the allocator its output comes from.
        allocator = function("cmark_get_default_mem_allocator", "void *(*)(void)")
        self.free = self.ffi.cast("void(**)(void *)", allocator())[2]
        self.kinds: dict[int, str] = {}
        # What _inline calls for every node, looked up once (the literal is never NULL
        # for a text, code or raw HTML node).
        self.inline_calls = (
            self.ffi.NULL,
            self.kinds,
            self.lib.cmark_node_get_type,
            self.next,
            self.first_child,
            self.ffi.string,
            self.literal,
        )

    def kind(self, node: Any) -> str:
        """A node's type as cmark-gfm names it ("paragraph", "table_cell", "link"...): by
        its type number, as the extensions' numbers are given when they register."""
        number = self.lib.cmark_node_get_type(node)
        kind = self.kinds.get(number)
        if kind is None:
            kind = self.ffi.string(self.type_string(node)).decode("ascii")
            # The extensions name some nodes by their data: the one name of their type.
            kind = self.kinds[number] = {"tasklist": "item", "table_header": "table_row"}.get(kind, kind)
        return kind

    def text(self, function: Any, node: Any) -> str:
        pointer = function(node)
        return "" if pointer == self.ffi.NULL else str(self.ffi.string(pointer).decode("utf-8"))


@functools.cache
def _api() -> _Api:
    return _Api()


@functools.cache
def _extensions() -> tuple[Any, ...]:
    """GitHub's extensions, as cmark-gfm's handles: found once, they live as long as it."""
    lib, ffi = _api().lib, _api().ffi
    lib.cmark_gfm_core_extensions_ensure_registered()
    found = tuple(lib.cmark_find_syntax_extension(name.encode("ascii")) for name in EXTENSIONS)
    if any(extension == ffi.NULL for extension in found):
        raise RuntimeError(f"cmark-gfm lacks one of the extensions {', '.join(EXTENSIONS)}")
    return found


@contextmanager
def _document(text: str, options: int = 0) -> Iterator[tuple[Any, Any]]:
    """(parser, document tree) of `text` with GitHub's extensions, both given back to
    cmark-gfm on leaving (cmarkgfm's own functions never free the tree: a process reading
    every note, as the first index build does, would keep them all)."""
    api = _api()
    lib = api.lib
    parser = lib.cmark_parser_new(options)
    root = api.ffi.NULL
    try:
        for extension in _extensions():
            lib.cmark_parser_attach_syntax_extension(parser, extension)
        data = text.encode("utf-8")
        lib.cmark_parser_feed(parser, data, len(data))
        root = lib.cmark_parser_finish(parser)
        yield parser, root
    finally:
        if root != api.ffi.NULL:
            api.node_free(root)
        lib.cmark_parser_free(parser)


_NO_BOUND = 1 << 62
_MISPLACED = frozenset(("html_block", "thematic_break"))  # blocks whose end cmark-gfm gives wrong on one line too
# The HTML element of each leaf kind without inline facts.
_LEAVES = {"paragraph": "p", "code_block": "pre", "thematic_break": "hr", "html_block": "html"}


def blocks(text: str, *, inline: Collection[str] | Callable[[Block], bool] = ()) -> list[Block]:
    """Every block of `text` as GitHub shows it, in document order (a container before
    what it holds), HTML blocks included; with their inline facts the leaves whose tag is
    in `inline` (of LEAF_TAGS), or for which `inline(leaf)` is true."""
    walk = _Walk(text, inline)
    with _document(text) as (_parser, root):
        walk.document(root)
    return walk.found


class _Walk:
    """The blocks of one document, read node by node (never into a leaf's inline nodes
    unless asked)."""

    def __init__(self, text: str, inline: Collection[str] | Callable[[Block], bool]) -> None:
        self.api = _api()
        self.text = text
        self.inline = inline
        # Whether a leaf is read inline: by its tag, or as `inline` says.
        self.wants: Callable[[Block], bool] = inline if callable(inline) else (lambda block: block.tag in inline)
        self.found: list[Block] = []
        self.levels: list[list[Any]] = []
        self._lines: list[str] = []

    def document(self, root: Any) -> None:
        """The blocks under `root`, in document order, walked with a stack of the open
        containers (a quote may hold a thousand quotes: no recursion). Each level: its next
        node, depth, bound (no block in it ends past the last line of the innermost block
        holding it: cmark-gfm may end a fence past its item), whether its paragraphs are an
        item's own text (in a tight list: not blocks), the index of the block holding it,
        the last line of its last block so far, and a tight item's text last in it."""
        api = self.api
        null, kinds, type_of, following = api.ffi.NULL, api.kinds, api.lib.cmark_node_get_type, api.next
        start_line, end_line, start_column = api.start_line, api.end_line, api.start_column
        found = self.found
        levels = self.levels = [[api.first_child(root), 0, _NO_BOUND, False, -1, 0, null]]
        while levels:
            level = levels[-1]
            node, depth, bound, tight = level[0], level[1], level[2], level[3]
            if node == null:
                levels.pop()
                self.close(level)
                continue
            level[0] = following(node)
            kind = kinds.get(type_of(node)) or api.kind(node)
            if kind == "paragraph" and tight:
                level[6] = node
                continue
            level[6] = null
            first, last = start_line(node), end_line(node)
            if last != first or kind in _MISPLACED:
                last = self.last_line(node, kind, first, last)
            if last > bound:
                last = max(first, bound)
            level[5] = last
            column = start_column(node)
            if kind == "paragraph":
                found.append(self.held(Block("p", first, last, depth, column), node))
            elif kind == "list":
                levels.append([api.first_child(node), depth + 1, last, bool(api.list_tight(node)), len(found), 0, null])
                found.append(Block("ol" if api.list_type(node) == 2 else "ul", first, last, depth, column))
            elif kind == "item":
                item = Block("li", first, last, depth, column)
                child = api.first_child(node)
                if tight and self.inline and child != null and kinds.get(type_of(child)) == "paragraph":
                    item = self.held(item, child)
                levels.append([child, depth + 1, last, tight, len(found), 0, null])
                found.append(item)
            elif kind == "heading":
                tag = f"h{api.heading_level(node)}"
                found.append(self.held(Block(tag, first, last, depth, column), node))
            elif kind == "block_quote":
                levels.append([api.first_child(node), depth + 1, last, False, len(found), 0, null])
                found.append(Block("blockquote", first, last, depth, column))
            elif kind == "table":
                found.append(Block("table", first, last, depth, column))
                self.rows(node, depth + 1, last)
            elif kind in _LEAVES:
                found.append(Block(_LEAVES[kind], first, last, depth, column))

    def close(self, level: list[Any]) -> None:
        """The end of a container's level: a list or an item ends with the last block it
        holds (cmark-gfm ends one on the line above the next block, past the blank lines
        after it), and the level above learns its last line."""
        _node, _depth, bound, _tight, index, end, text_last = level
        if index < 0:
            return
        block = self.found[index]
        if block.last == block.first or block.tag == "blockquote":
            self.levels[-1][5] = block.last
            return
        if text_last != self.api.ffi.NULL:
            first = self.api.start_line(text_last)
            end = min(max(first, bound), self.last_line(text_last, "paragraph", first, self.api.end_line(text_last)))
        if max(block.first, end) < block.last:
            block = self.found[index] = block._replace(last=max(block.first, end))
        self.levels[-1][5] = block.last  # the level holding it: its last block's end

    def rows(self, table: Any, depth: int, bound: int) -> None:
        """A table's rows, one level deeper than `depth` as cmark-gfm writes them (in
        <thead>, the first, and <tbody>), and their cells."""
        api = self.api
        row = api.first_child(table)
        tag = "th"  # the first row is the header
        while row != api.ffi.NULL:
            first = api.start_line(row)
            last = min(max(first, bound), self.last_line(row, "table_row", first, api.end_line(row)))
            self.found.append(Block("tr", first, last, depth + 1, api.start_column(row)))
            cell = api.first_child(row)
            while cell != api.ffi.NULL:
                start = api.start_line(cell)
                end = min(max(start, last), self.last_line(cell, "table_cell", start, api.end_line(cell)))
                self.found.append(self.held(Block(tag, start, end, depth + 2, api.start_column(cell)), cell))
                cell = api.next(cell)
            tag = "td"
            row = api.next(row)

    def held(self, block: Block, inlines: Any) -> Block:
        """The block with the inline facts of the node holding its inline nodes, if asked."""
        return block._replace(inline=_inline(self.api, inlines)) if self.wants(block) else block

    def last_line(self, node: Any, kind: str, first: int, last: int) -> int:
        """A block's last line, from cmark-gfm's end line `last` but where it misplaces it."""
        api = self.api
        if kind == "html_block":
            # cmark-gfm ends an HTML block that its end marker closes (a comment's `-->`,
            # `</script>`...) on the line before the marker's: its literal holds its lines
            # (each ended by "\n"), the blank ones after the last shown line aside.
            literal = api.text(api.literal, node).rstrip()
            return first + literal.count("\n")
        if kind == "thematic_break":  # one line, which cmark-gfm ends at the next block
            return first
        if last > first:
            if api.end_column(node) == 0:  # ends at the start of a line: on the one before
                last -= 1
            if kind == "heading" and last > first:  # setext: cmark-gfm may end it a line late
                self._lines = self._lines or EOL.split(self.text)
                last = _underline(self._lines, first, last)
        return last


_UNDERLINE = re.compile(r"[ \t>]*(?:=+|-+)[ \t]*")


def _underline(lines: list[str], first: int, last: int) -> int:
    """A setext heading's underline: cmark-gfm's end line may be the line after it."""
    for number in range(first + 1, min(last, len(lines)) + 1):
        if _UNDERLINE.fullmatch(lines[number - 1]):
            return number
    return min(last, len(lines))


def _inline(api: _Api, leaf: Any) -> Inline:
    """The inline facts of a leaf block, from its inline nodes."""
    null, kinds, type_of, following, first_child, string, literal_of = api.inline_calls
    text: list[str] = []
    prose: list[str] = []
    made: list[tuple[int, Any]] = []  # (field of Inline, what) for each link, picture, code span...
    # The inline nodes that hold others, open above the current one: (node, kind, where
    # its text starts, whether it is inside a picture's description, where cmark-gfm
    # writes every node as plain text). A stack: emphasis may nest thousands deep.
    holding: list[tuple[Any, str, int, bool]] = []
    picture = False
    node = first_child(leaf)
    while True:
        while node == null:
            if not holding:
                return _facts(text, prose, made)
            parent, kind, start, picture = holding.pop()
            shown = "".join(text[start:])
            if kind == "image":
                made.append((_IMAGES, (api.text(api.url, parent), shown)))
            elif not picture:
                if kind == "link":
                    made.append((_LINKS, (api.text(api.url, parent), shown)))
                elif kind == "strong" and holding and holding[-1][1] == "strong":
                    pass  # cmark-gfm writes no <strong> inside a <strong>: GitHub shows it as its parent's text
                elif kind in _SPANS:
                    made.append((_SPANS[kind], shown))
            node = following(parent)
        kind = kinds.get(type_of(node)) or api.kind(node)
        if kind == "text":
            literal = string(literal_of(node)).decode("utf-8")
            text.append(literal)
            if not picture:
                prose.append(literal)
        elif kind == "softbreak" or kind == "linebreak":
            text.append(" ")
            if not picture:
                prose.append("\n")
        elif kind == "code":
            literal = string(literal_of(node)).decode("utf-8")
            text.append(literal)
            if not picture:
                made.append((_CODE, literal))
        elif kind == "html_inline":
            literal = string(literal_of(node)).decode("utf-8")
            if picture:
                text.append(literal)
            else:
                made.append((_TAGS, literal))
        else:
            holding.append((node, kind, len(text), picture))
            picture = picture or kind == "image"
            node = first_child(node)
            continue
        node = following(node)


# Inline's fields, by their place in it.
_LINKS, _IMAGES, _CODE, _TAGS = 2, 3, 4, 8
_SPANS = {"strikethrough": 5, "emph": 6, "strong": 7}
_NONE: tuple[Any, ...] = ()


def _facts(text: list[str], prose: list[str], made: list[tuple[int, Any]]) -> Inline:
    if not made:
        return Inline("".join(text), "".join(prose), _NONE, _NONE, _NONE, _NONE, _NONE, _NONE, _NONE)
    fields: list[list[Any]] = [[] for _ in range(9)]
    for field, what in made:
        fields[field].append(what)
    return Inline("".join(text), "".join(prose), *map(tuple, fields[2:]))


def headings(text: str) -> list[tuple[int, int, int]]:
    """The headings of the document itself (not in a list item or a quote) GitHub shows,
    as (level, first line, last line): the last line of a setext heading is its `===` or
    `---` line. Reads only the document's own blocks: the hook asks this of the README on
    every commit."""
    walk = _Walk(text, ())
    api = walk.api
    found = []
    with _document(text) as (_parser, root):
        node = api.first_child(root)
        while node != api.ffi.NULL:
            if api.kind(node) == "heading":
                first = api.start_line(node)
                found.append(
                    (api.heading_level(node), first, walk.last_line(node, "heading", first, api.end_line(node)))
                )
            node = api.next(node)
    return found
