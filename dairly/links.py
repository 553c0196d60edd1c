"""Link targets relative to the file they are written in: where they point, and how to
rebase them when note text moves from notes/YYYYMM/ to the README's folder.

When rebasing, only the link targets change; every other character is kept. Code (fenced
blocks and inline code spans) is left alone, since a link written there is an example.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator

from dairly.markdown import iter_unfenced, split_lines
from dairly.tuples import Record

# [text](target "title") and ![alt](target): group 1 is everything up to the target.
_INLINE_LINK = re.compile(
    r"(!?\[(?:[^\[\]\\]|\\.|\[(?:[^\[\]\\]|\\.)*\])*\]\([ \t]*)(<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()<>]*)*)"
)
# [label]: target
_REFERENCE_DEF = re.compile(r"^( {0,3}\[(?:[^\]\\]|\\.)+\]:[ \t]*)(<[^<>\n]*>|\S+)")
# src="..." / href='...' / src=unquoted inside HTML tags.
_HTML_ATTR = re.compile(r"""(\b(?:src|href)[ \t]*=[ \t]*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.IGNORECASE)
_HTML_TAG = re.compile(r"<[a-zA-Z][^<>]*>")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1|`+")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.\-]*:")


def is_relative(target: str) -> bool:
    """A path relative to the file it is written in (not a URL, anchor or root path)."""
    return bool(target) and not (target.startswith(("/", "#", "?", "\\")) or _SCHEME.match(target))


def link_target(folder: str, url: str) -> str | None:
    """The repository path a link written in `folder` points at; None for URLs and anchors.
    A root-relative `/x` is `x`, as GitHub resolves it from the repository root."""
    if not url or url.startswith(("#", "//", "?")) or _SCHEME.match(url):
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


def target_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, kind) of every link target in one line of Markdown outside fenced code,
    left to right; inline code spans are skipped."""
    m = _REFERENCE_DEF.match(text)
    if m:
        yield (*_unwrapped(m.start(2), m.end(2), text), "link")
        return
    pos = 0
    for code in [*_CODE_SPAN.finditer(text), None]:
        stop = len(text) if code is None else code.start()
        spans = [
            (*_unwrapped(lk.start(2), lk.end(2), text), "image" if text[lk.start()] == "!" else "link")
            for lk in _INLINE_LINK.finditer(text, pos, stop)
        ]
        for tag in _HTML_TAG.finditer(text, pos, stop):
            for attr in _HTML_ATTR.finditer(tag.group(0)):
                start = tag.start() + attr.start(2)
                spans.append(
                    (*_unwrapped(start, start + len(attr.group(2)), text), attr.group(1).split("=")[0].strip().lower())
                )
        yield from sorted(spans)
        if code is not None:
            pos = code.end()


def find_links(text: str, start: int = 0) -> list[Link]:
    """Every link target in `text` from offset `start`, outside code, in order."""
    from html import unescape

    found = []
    for line in iter_unfenced(split_lines(text, start, number=text.count("\n", 0, start) + 1)):
        for begin, end, kind in target_spans(line.text):
            url = line.text[begin:end]
            found.append(Link(unescape(url) if kind in ("src", "href") else url, line.number, kind))
    return found


def rewrite_links(markdown: str, rewrite: Callable[[str], str]) -> str:
    """`markdown` with every link target outside code replaced by rewrite(target); every
    other character is kept."""
    lines = split_lines(markdown)
    outside_code = {ln.number for ln in iter_unfenced(lines)}
    out = []
    for line in lines:
        pos = 0
        if line.number in outside_code:
            for begin, end, _kind in target_spans(line.text):
                if begin < pos:  # inside a target already rewritten
                    continue
                out.append(line.text[pos:begin])
                out.append(rewrite(line.text[begin:end]))  # spliced in: never read as a template
                pos = end
        out.append(line.text[pos:])
        out.append(line.eol)
    return "".join(out)


def rebase_links(markdown: str, from_dir: str, to_dir: str) -> str:
    """Rebase every relative link, image and HTML src/href in `markdown`."""
    if from_dir == to_dir:
        return markdown
    return rewrite_links(markdown, lambda target: rebase_target(target, from_dir, to_dir))
