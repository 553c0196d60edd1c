"""Notes as data: mistune's AST of a note turned into a record of its 今日要点 items.

`check` and `publish` never come here (they only need a note's H1 and, for the promoted
note, the raw text of one section); `lint`, `search`, `stats`, `feed` and `export` do.
mistune and python-frontmatter are imported on first use, so the daily loop does not
pay for them.

mistune's AST carries no source positions, so lines are found by a forward-only search
for each link target and title in the source (tokens come in document order); when a
target cannot be found verbatim the nearest earlier line found is used.
"""

from __future__ import annotations

import datetime
import html.parser
import json
import re
from dataclasses import dataclass, field
from functools import cache
from urllib.parse import unquote

from dairly.markdown import normalize_title
from dairly.notes import decode, parse_metadata, split_front_matter
from dairly.tuples import record

# A field line inside an item: "Abstract: ...", "Code：..." (full-width colon too).
_FIELD = re.compile(r"([A-Za-z][A-Za-z0-9 _-]{0,30}?)[ \t]*[:：][ \t]*(.*)", re.S)
_STAR = ":star:"
_PICTURES = ("image", "src")


@record
class Link:
    url: str  # as written (percent-decoded), the target of a link, image, src= or href=
    line: int
    kind: str  # "link", "image", or "src" / "href" for an HTML attribute


@record
class Field:
    name: str  # "" for a sub-item that is not a `Name: value` line
    value: str  # plain text: link texts kept, markup dropped
    links: tuple[str, ...] = ()


@dataclass(slots=True)
class Item:
    number: int  # 1-based position in the note's 今日要点
    title: str
    url: str | None  # the item's own link (the article); None when it has none
    stars: int
    line: int
    fields: list[Field] = field(default_factory=list)
    images: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "number": self.number,
            "title": self.title,
            "url": self.url,
            "stars": self.stars,
            "line": self.line,
            "fields": [{"name": f.name, "value": f.value, "links": list(f.links)} for f in self.fields],
            "images": list(self.images),
        }

    def field(self, name: str) -> Field | None:
        want = name.casefold()
        return next((f for f in self.fields if f.name.casefold() == want), None)


@dataclass(slots=True)
class NoteRecord:
    path: str
    date: datetime.date
    title: str | None
    title_line: int | None
    meta: dict  # the front matter, JSON-safe (dates as ISO strings)
    highlights_line: int | None  # the 今日要点 heading's line; None when the note has none
    items: list[Item] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)  # every link target in the note

    @property
    def draft(self) -> bool:
        return self.meta.get("draft") is True

    @property
    def tags(self) -> list[str]:
        tags = self.meta.get("tags") or []
        return [str(t) for t in tags] if isinstance(tags, list) else [str(tags)]

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "date": self.date.isoformat(),
            "title": self.title,
            "title_line": self.title_line,
            "meta": self.meta,
            "highlights_line": self.highlights_line,
            "items": [i.to_json() for i in self.items],
            "links": [lk._asdict() for lk in self.links],
        }

    @classmethod
    def from_json(cls, data: dict) -> NoteRecord:
        items = [
            Item(**{**i, "fields": [Field(f["name"], f["value"], tuple(f["links"])) for f in i["fields"]]})
            for i in data["items"]
        ]
        return cls(
            path=data["path"],
            date=datetime.date.fromisoformat(data["date"]),
            title=data["title"],
            title_line=data["title_line"],
            meta=data["meta"],
            highlights_line=data["highlights_line"],
            items=items,
            links=[Link(**link) for link in data["links"]],
        )

    def to_tuple(self) -> tuple:
        """A compact form of plain tuples, for the marshal-based parse cache."""
        items = tuple(
            (
                i.number,
                i.title,
                i.url,
                i.stars,
                i.line,
                tuple((f.name, f.value, tuple(f.links)) for f in i.fields),
                tuple(i.images),
            )
            for i in self.items
        )
        links = tuple((lk.url, lk.line, lk.kind) for lk in self.links)
        return (
            self.path,
            self.date.toordinal(),
            self.title,
            self.title_line,
            self.meta,
            self.highlights_line,
            items,
            links,
        )

    @classmethod
    def from_tuple(cls, data: tuple, *, links: bool = True) -> NoteRecord:
        """The record back from to_tuple(); links=False skips the note-wide link list,
        which only `lint` reads and which is a third of the cost of a warm load."""
        path, ordinal, title, title_line, meta, highlights_line, items, link_rows = data
        return cls(
            path,
            datetime.date.fromordinal(ordinal),
            title,
            title_line,
            meta,
            highlights_line,
            [
                Item(n, t, u, s, ln, list(map(Field._make, fields)), list(images))
                for n, t, u, s, ln, fields, images in items
            ],
            list(map(Link._make, link_rows)) if links else [],
        )


@cache
def _markdown():
    import mistune

    return mistune.create_markdown(renderer=None)


class _Locator:
    """Forward-only search of the source for the line of each thing the AST mentions."""

    def __init__(self, text: str, first_line: int) -> None:
        self.text = text
        self.first_line = first_line
        self.cursor = 0
        self.last_line = first_line

    def find(self, *needles: str) -> int:
        for needle in needles:
            if not needle:
                continue
            at = self.text.find(needle, self.cursor)
            if at >= 0:
                self.cursor = at + len(needle)
                self.last_line = self.first_line + self.text.count("\n", 0, at)
                return self.last_line
        return self.last_line

    def find_url(self, url: str) -> int:
        return self.find(url, unquote(url), url.replace("&", "&amp;"))


class _HtmlRefs(html.parser.HTMLParser):
    """src= and href= values of the tags in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str]] = []  # (attribute, value)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.found.append((name, value))

    handle_startendtag = handle_starttag


def html_refs(fragment: str) -> list[tuple[str, str]]:
    parser = _HtmlRefs()
    parser.feed(fragment)
    parser.close()
    return parser.found


def inline_text(children: list[dict]) -> str:
    """The plain text of inline tokens: what a reader sees, without markup."""
    out: list[str] = []
    for tok in children:
        kind = tok["type"]
        if kind in ("text", "codespan"):
            out.append(tok.get("raw", ""))
        elif kind in ("softbreak", "linebreak"):
            out.append(" ")
        elif "children" in tok:
            out.append(inline_text(tok["children"]))
    return "".join(out)


class _Walker:
    def __init__(self, path: str, text: str, first_line: int, highlights: str) -> None:
        self.path = path
        self.locate = _Locator(text, first_line)
        self.highlights = normalize_title(highlights)
        self.links: list[Link] = []

    # -- links anywhere in the note, in document order -------------------------------
    def collect(self, tok: dict, into: list[Link] | None = None) -> list[Link]:
        """Record every link target below `tok` (and return the ones found here)."""
        found: list[Link] = [] if into is None else into
        kind = tok["type"]
        if kind in ("link", "image"):
            url = tok["attrs"]["url"]
            found.append(Link(unquote(url), self.locate.find_url(url), kind))
        elif kind in ("inline_html", "block_html"):
            for attr, value in html_refs(tok.get("raw", "")):
                found.append(Link(value, self.locate.find(value), attr))
        for child in tok.get("children", ()):
            if isinstance(child, dict):
                self.collect(child, found)
        if into is None:
            self.links.extend(found)
        return found

    # -- 今日要点 items --------------------------------------------------------------
    def item(self, number: int, tok: dict) -> Item:
        children = tok.get("children", [])
        head = children[0] if children and children[0]["type"] in ("block_text", "paragraph") else None
        head_inline = head["children"] if head else []
        link = next((c for c in head_inline if c["type"] == "link"), None)
        head_text = inline_text(head_inline)
        stars = head_text.count(_STAR)
        head_links = [lk for c in head_inline for lk in self.collect(c)]
        if link is not None:
            title = inline_text(link["children"]).strip()
            url: str | None = unquote(link["attrs"]["url"])
            line = next(lk.line for lk in head_links if lk.kind == "link")
        else:
            title = head_text.replace(_STAR, "").strip()
            url = None
            line = self.locate.find(title[:40])
        images = [lk.url for lk in head_links if lk.kind in _PICTURES]
        item = Item(number, title, url, stars, line, images=images)
        for child in children[1:] if head else children:
            found = self.collect(child)
            item.images.extend(lk.url for lk in found if lk.kind in _PICTURES)
            if child["type"] == "list":
                item.fields.extend(self.fields(child))
        return item

    def fields(self, list_tok: dict) -> list[Field]:
        out = []
        for sub in list_tok.get("children", []):
            parts = []
            links: list[str] = []
            for block in sub.get("children", []):
                if block["type"] in ("block_text", "paragraph"):
                    parts.append(inline_text(block["children"]))
                    links.extend(_urls(block))
                elif block["type"] == "list":  # nested detail under a field: fold into its value
                    nested = self.fields(block)
                    parts.extend(f.value if not f.name else f"{f.name}: {f.value}" for f in nested)
                    links.extend(u for f in nested for u in f.links)
            text = "\n".join(p.strip() for p in parts if p.strip())
            m = _FIELD.fullmatch(text)
            if m:
                out.append(Field(m.group(1).strip(), m.group(2).strip(), tuple(links)))
            else:
                out.append(Field("", text, tuple(links)))
        return out


def _urls(tok: dict) -> list[str]:
    found = []
    if tok["type"] in ("link", "image"):
        found.append(unquote(tok["attrs"]["url"]))
    for child in tok.get("children", ()):
        if isinstance(child, dict):
            found.extend(_urls(child))
    return found


def parse_note(path: str, date: datetime.date, data: bytes, highlights_heading: str) -> NoteRecord:
    """One note file's bytes -> its record. Raises InputError for undecodable input."""
    text = decode(data, path)
    block, body_start = split_front_matter(text)
    meta = {}
    if block is not None:
        # JSON round trip: YAML dates and other scalars become plain, cacheable values.
        meta = json.loads(json.dumps(parse_metadata(block, path), default=str, ensure_ascii=False))
    body = text[body_start:]
    walker = _Walker(path, body, text.count("\n", 0, body_start) + 1, highlights_heading)
    tokens = _markdown()(body.replace("\r\n", "\n"))

    title = title_line = highlights_line = None
    items: list[Item] = []
    in_highlights = False
    for tok in tokens:
        kind = tok["type"]
        if kind == "heading":
            level = tok["attrs"]["level"]
            raw = inline_text(tok["children"])
            line = walker.locate.find(raw.strip())
            if level == 1 and title is None:
                title, title_line = raw.strip(), line
            if level <= 2:
                in_highlights = level == 2 and normalize_title(raw) == walker.highlights
                if in_highlights and highlights_line is None:
                    highlights_line = line
            walker.collect(tok)
            continue
        if in_highlights and kind == "list":
            for li in tok.get("children", []):
                items.append(walker.item(len(items) + 1, li))
            continue
        found = walker.collect(tok)
        if in_highlights and items:  # pictures between items belong to the item above
            items[-1].images.extend(lk.url for lk in found if lk.kind in _PICTURES)
    walker.links.sort(key=lambda lk: lk.line)
    if not title:
        title = title_line = None
    return NoteRecord(path, date, title, title_line, meta, highlights_line, items, walker.links)
