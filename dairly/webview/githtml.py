"""One Markdown file as GitHub shows it: cmark-gfm's HTML (gfm.py, GitHub's extensions and
footnotes, the author's HTML kept as GitHub keeps it before sanitizing), sanitized with
GitHub's allow list, then what GitHub adds after sanitizing: heading anchors, emoji for
shortcodes, alerts, and (ours) a "not previewed" label on the fences GitHub draws
(Mermaid, math, maps, 3D models). Relative links and pictures are resolved from the
file's folder; a missing one is marked and returned.

Pure: text in, HTML out. What exists in the repository is asked through `exists`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from html import escape, unescape
from typing import Any
from urllib.parse import unquote

from dairly.links import SCHEME, link_target
from dairly.tuples import Record

# GitHub's sanitizer (html-pipeline's allow list, which github.com keeps): these elements,
# these attributes, these URL schemes; scripts and styles go with their content; no
# `style`, no `class`, no event handler survives. `section` carries cmark-gfm's footnotes;
# a task list's boxes are GitHub's own (never the author's <input>), put back after.
# fmt: off
TAGS = frozenset((
    "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "br", "b", "i", "strong", "em", "a", "pre", "code", "img", "tt",
    "div", "ins", "del", "sup", "sub", "p", "picture", "source", "ol", "ul", "table", "thead", "tbody", "tfoot",
    "blockquote", "dl", "dt", "dd", "kbd", "q", "samp", "var", "hr", "ruby", "rt", "rp", "li", "tr", "td", "th", "s",
    "strike", "summary", "details", "caption", "figure", "figcaption", "abbr", "bdo", "cite", "dfn", "mark", "small",
    "span", "time", "wbr", "section",
))
_EVERY_ELEMENT = frozenset((
    "abbr", "accept", "accept-charset", "accesskey", "action", "align", "alt", "aria-describedby", "aria-hidden",
    "aria-label", "aria-labelledby", "axis", "border", "cellpadding", "cellspacing", "char", "charoff", "charset",
    "checked", "clear", "cols", "colspan", "color", "compact", "coords", "datetime", "dir", "disabled", "enctype",
    "for", "frame", "headers", "height", "hreflang", "hspace", "ismap", "label", "lang", "maxlength", "media",
    "method", "multiple", "name", "nohref", "noshade", "nowrap", "open", "progress", "prompt", "readonly", "rel",
    "rev", "role", "rows", "rowspan", "rules", "scope", "selected", "shape", "size", "span", "start", "summary",
    "tabindex", "target", "title", "type", "usemap", "valign", "value", "vspace", "width", "itemprop", "id",
))
# fmt: on
ATTRIBUTES = {
    "*": set(_EVERY_ELEMENT),
    "a": {"href"},
    "img": {"src", "longdesc"},
    "div": {"itemscope", "itemtype"},
    "blockquote": {"cite"},
    "del": {"cite"},
    "ins": {"cite"},
    "q": {"cite"},
    "source": {"srcset"},
}
URL_SCHEMES = frozenset(("http", "https", "mailto", "xmpp", "irc", "ircs", "github-windows", "github-mac"))
_PICTURE_SCHEMES = ("http:", "https:")
# GitHub prefixes the author's ids and names, so no note can take the page's own.
ID_PREFIX = "user-content-"
# Fences GitHub draws instead of showing their text; the preview shows the text, labelled.
DRAWN = {"mermaid": "Mermaid diagram", "math": "Math", "geojson": "GeoJSON map", "topojson": "TopoJSON map"}
DRAWN["stl"] = "3D model"
ALERTS = {"note": "Note", "tip": "Tip", "important": "Important", "warning": "Warning", "caution": "Caution"}
MISSING_CLASS = "dairly-missing"


class Missing(Record):
    """A relative link or picture whose target is not in the repository."""

    kind: str  # "link" or "picture"
    target: str  # as written (decoded)
    path: str  # the repository path it resolves to ("" when it leaves the repository)


class Rendered(Record):
    html: str
    title: str | None  # the first h1's text, if any
    missing: list[Missing]
    targets: list[str]  # the repository paths of the relative links and pictures that exist


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("id", "name"):
        return value if value.startswith(ID_PREFIX) else ID_PREFIX + value
    if tag in ("img", "source") and attribute in ("src", "longdesc", "srcset"):
        scheme = SCHEME.match(value.strip())
        if scheme and not value.strip().lower().startswith(_PICTURE_SCHEMES):
            return None
    return value


# cmark-gfm's task-list box, right after its item opens; held as a character through the
# sanitizer, which lets no <input> through.
_TASK = re.compile(r'(<li>(?:\n<p>)?)<input type="checkbox"( checked="")? disabled="" /> ')
_BOXES = {"\ue000": '<input type="checkbox" disabled="">', "\ue001": '<input type="checkbox" checked="" disabled="">'}


def sanitize(html: str) -> str:
    """`html` with only what GitHub's sanitizer lets through, task-list boxes kept."""
    import nh3

    boxes = "\ue000" not in html and "\ue001" not in html  # never the author's characters made boxes
    if boxes:
        html = _TASK.sub(lambda m: m.group(1) + ("\ue001 " if m.group(2) else "\ue000 "), html)
    clean = nh3.clean(
        html,
        tags=set(TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(names) for tag, names in ATTRIBUTES.items()},
        attribute_filter=_keep_attribute,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
    )
    if boxes and ("\ue000" in clean or "\ue001" in clean):
        clean = clean.replace("\ue000", _BOXES["\ue000"]).replace("\ue001", _BOXES["\ue001"])
    return clean


def slug(text: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, every character but letters,
    marks, numbers, connector punctuation (`_`), spaces and hyphens dropped (CJK are
    letters, emoji are not), spaces made hyphens."""
    kept = [
        c for c in text.lower() if c in " -" or unicodedata.category(c)[0] in "LMN" or unicodedata.category(c) == "Pc"
    ]
    return "".join(kept).replace(" ", "-")


# A tag of the sanitizer's output (attributes always double-quoted, `>` escaped) or text.
_TOKEN = re.compile(r'<(/?)([A-Za-z][A-Za-z0-9-]*)((?:[^>"]|"[^"]*")*)>|[^<]+')
_ATTRIBUTE = re.compile(r'([^\s=/]+)(?:="([^"]*)")?')
_VOID = frozenset(("br", "hr", "img", "input", "wbr", "source", "col", "area"))
_HEADING = re.compile(r"h[1-6]")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")
_NO_EMOJI = frozenset(("pre", "code", "tt"))
_ALERT = re.compile(r"\n?<p>\[!(note|tip|important|warning|caution)\](?:\n|</p>\n?(?=<))", re.IGNORECASE)


def _attributes(raw: str) -> dict[str, str]:
    return {m.group(1): unescape(m.group(2) or "") for m in _ATTRIBUTE.finditer(raw)}


_ATTRIBUTE_ESCAPES = str.maketrans({"&": "&amp;", '"': "&quot;", "<": "&lt;", ">": "&gt;", "\xa0": "&nbsp;"})


def _tag(name: str, attributes: dict[str, str]) -> str:
    """An opening tag written as the sanitizer writes one (its escapes, double quotes)."""
    return "<" + name + "".join(f' {k}="{v.translate(_ATTRIBUTE_ESCAPES)}"' for k, v in attributes.items()) + ">"


class _Walk:
    """One pass over the sanitized HTML, writing it again with GitHub's additions."""

    def __init__(
        self,
        folder: str,
        exists: Callable[[str], bool],
        href_for: Callable[[str, str], str] | None,
        emoji: dict[str, str],
    ) -> None:
        self.folder, self.exists, self.href_for, self.emoji = folder, exists, href_for, emoji
        self.out: list[str] = []
        self.stack: list[tuple[str, str]] = []  # (element, what closes it in the output)
        self.plain = 0  # inside pre, code or tt: no emoji
        self.heading: tuple[int, list[str]] | None = None  # (index in out after the open tag, its text)
        self.slugs: dict[str, int] = {}
        self.title: str | None = None
        self.missing: list[Missing] = []
        self.targets: list[str] = []

    def resolve(self, kind: str, url: str) -> tuple[str, bool]:
        """The URL written for `url` and whether its target is missing."""
        decoded = unquote(url)
        path = link_target(self.folder or ".", decoded)
        if path is None:
            return url, False
        if path == ".." or path.startswith("../"):
            self.missing.append(Missing(kind, decoded, ""))
            return url, True
        if path != "." and not self.exists(path):
            self.missing.append(Missing(kind, decoded, path))
            return url, True
        self.targets.append(path)
        return (self.href_for(path, url) if self.href_for else url), False

    def open_tag(self, name: str, raw: str, source: str, start: int, end: int) -> int:
        """Write the opening tag at source[start:end]; returns where the walk goes on."""
        closing = f"</{name}>"
        attributes = _attributes(raw) if raw.strip() else {}
        tag = source[start:end]  # the sanitizer's own, unless a target is rewritten or missing
        if name in ("a", "img") and (url := attributes.get("href" if name == "a" else "src")) is not None:
            new_url, missing = self.resolve("link" if name == "a" else "picture", url)
            attributes["href" if name == "a" else "src"] = new_url
            if missing:
                attributes["class"] = MISSING_CLASS
                attributes["title"] = "missing: " + unquote(url)
            if missing or new_url != url:
                tag = _tag(name, attributes)
        paragraph = False  # an alert's first paragraph, opened here after its title
        if name == "blockquote" and not self.stack and (alert := _ALERT.match(source, end)):
            kind = alert.group(1).lower()
            rest = source[alert.end() :]
            if not rest.startswith("</blockquote>") and not rest.startswith("</p>"):
                title = f'<p class="markdown-alert-title">{ALERTS[kind]}</p>\n'
                tag = f'<div class="markdown-alert markdown-alert-{kind}">' + title
                paragraph = alert.group(0).endswith("\n") and not alert.group(0).endswith("</p>\n")
                tag += "<p>" if paragraph else ""
                closing, end = "</div>", alert.end()
        if name == "pre" and attributes.get("lang", "").lower() in DRAWN:
            label = DRAWN[attributes["lang"].lower()]
            tag = (
                f'<div class="dairly-not-previewed"><p class="dairly-label">{label}: not previewed'
                " (GitHub draws it; its text is shown)</p>" + tag
            )
            closing = "</pre></div>"
        self.out.append(tag)
        if _HEADING.fullmatch(name):
            self.heading = (len(self.out), [])
        if name in _NO_EMOJI:
            self.plain += 1
        if name not in _VOID:
            self.stack.append((name, closing))
        if paragraph:
            self.stack.append(("p", "</p>"))
        return end

    def close_tag(self, name: str) -> None:
        while self.stack:  # the sanitizer closes every element it opens, in order
            open_name, closing = self.stack.pop()
            self.out.append(closing)
            if open_name in _NO_EMOJI:
                self.plain -= 1
            if open_name == name:
                break
        if _HEADING.fullmatch(name) and self.heading is not None:
            at, words = self.heading
            self.heading = None
            text = "".join(words)
            if name == "h1" and self.title is None:
                self.title = " ".join(text.split())
            anchor = slug(text)
            count = self.slugs.get(anchor, 0)
            self.slugs[anchor] = count + 1
            unique = anchor if count == 0 else f"{anchor}-{count}"
            link = (
                f'<a id="{ID_PREFIX}{escape(unique)}" class="anchor" aria-hidden="true" href="#{escape(unique)}"></a>'
            )
            self.out.insert(at, link)

    def text(self, text: str) -> None:
        if self.heading is not None:
            self.heading[1].append(unescape(text))
        if self.plain or ":" not in text:
            self.out.append(text)
            return
        pieces, last = [], 0
        for m in _EMOJI.finditer(text):
            emoji = self.emoji.get(m.group(1))
            if emoji is not None:
                pieces += [text[last : m.start()], f'<g-emoji class="g-emoji" alias="{m.group(1)}">{emoji}</g-emoji>']
                last = m.end()
        pieces.append(text[last:])
        self.out.append("".join(pieces))


def _front_matter(text: str) -> tuple[str, str]:
    """GitHub shows a file's YAML front matter as a table above it: (that table, the rest);
    ("", text) when there is none, or when it is not a YAML mapping (then, as GitHub does
    not, it shows as the Markdown it is)."""
    from dairly.errors import InputError
    from dairly.notes.note import parse_metadata, split_front_matter

    block, start = split_front_matter(text)
    if block is None:
        return "", text
    try:
        meta = parse_metadata(block, "")
    except InputError:
        return "", text
    if not meta:
        return "", text
    return _front_matter_table(meta) + "\n", text[start:]


def _yaml_cell(value: object) -> str:
    """A front-matter value as GitHub's table shows it: a list as a row of its own."""
    if isinstance(value, list):
        inner = "".join(f"<td>{_yaml_cell(item)}</td>" for item in value)
        return f"<table><tbody><tr>{inner}</tr></tbody></table>"
    if isinstance(value, dict):
        return _front_matter_table(value)
    return f"<div>{escape('' if value is None else str(value))}</div>"


def _front_matter_table(meta: Mapping[Any, object]) -> str:
    heads = "".join(f"<th>{escape(str(key))}</th>" for key in meta)
    cells = "".join(f"<td>{_yaml_cell(value)}</td>" for value in meta.values())
    return f"<table><thead><tr>{heads}</tr></thead><tbody><tr>{cells}</tr></tbody></table>"


def render_markdown(
    text: str,
    folder: str,
    exists: Callable[[str], bool],
    href_for: Callable[[str, str], str] | None = None,
) -> Rendered:
    """The file's HTML as GitHub shows it. `folder` is the file's folder in the repository
    ("" at the top); `exists(path)` says whether a repository path is there; `href_for(path,
    target)` gives the URL to write for a link or picture that resolves (default: as written)."""
    from dairly.gfm import render
    from dairly.webview.emoji import shortcodes

    table, text = _front_matter(text)
    html = table + sanitize(render(text, unsafe=True, footnotes=True))
    walk = _Walk(folder, exists, href_for, shortcodes())
    pos = 0
    while pos < len(html):
        m = _TOKEN.match(html, pos)
        if m is None:  # a lone "<" the serializer left as text
            walk.text(html[pos])
            pos += 1
            continue
        pos = m.end()
        if m.group(2) is None:
            walk.text(m.group(0))
        elif m.group(1):
            walk.close_tag(m.group(2).lower())
        else:
            pos = walk.open_tag(m.group(2).lower(), m.group(3).rstrip("/"), html, m.start(), pos)
    while walk.stack:
        walk.out.append(walk.stack.pop()[1])
    return Rendered("".join(walk.out), walk.title, walk.missing, walk.targets)
