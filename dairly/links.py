"""Rebase relative links when note text moves from notes/YYYYMM/ to the README's folder.

Only the link targets change; every other character is kept. Code (fenced blocks and
inline code spans) is left alone, since a link written there is an example, not a link.
"""

from __future__ import annotations

import posixpath
import re

from dairly.markdown import iter_unfenced, split_lines

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


def _rebase_wrapped(token: str, from_dir: str, to_dir: str) -> str:
    """Rebase a target that may be wrapped in <...> or quotes, keeping the wrapping."""
    if len(token) >= 2 and token[0] + token[-1] in ("<>", '""', "''"):
        return token[0] + rebase_target(token[1:-1], from_dir, to_dir) + token[-1]
    return rebase_target(token, from_dir, to_dir)


def _rebase_segment(segment: str, from_dir: str, to_dir: str) -> str:
    def sub(m: re.Match[str]) -> str:
        return m.group(1) + _rebase_wrapped(m.group(2), from_dir, to_dir)

    # The replacement is a function, so generated text is never read as a template.
    segment = _INLINE_LINK.sub(sub, segment)
    return _HTML_TAG.sub(lambda tag: _HTML_ATTR.sub(sub, tag.group(0)), segment)


def _rebase_line(text: str, from_dir: str, to_dir: str) -> str:
    m = _REFERENCE_DEF.match(text)
    if m:
        return m.group(1) + _rebase_wrapped(m.group(2), from_dir, to_dir) + text[m.end() :]
    out = []
    pos = 0
    for code in _CODE_SPAN.finditer(text):
        out.append(_rebase_segment(text[pos : code.start()], from_dir, to_dir))
        out.append(code.group(0))
        pos = code.end()
    out.append(_rebase_segment(text[pos:], from_dir, to_dir))
    return "".join(out)


def rebase_links(markdown: str, from_dir: str, to_dir: str) -> str:
    """Rebase every relative link, image and HTML src/href in `markdown`."""
    if from_dir == to_dir:
        return markdown
    lines = split_lines(markdown)
    outside_code = {ln.number for ln in iter_unfenced(lines)}
    return "".join(
        (_rebase_line(ln.text, from_dir, to_dir) if ln.number in outside_code else ln.text) + ln.eol for ln in lines
    )
