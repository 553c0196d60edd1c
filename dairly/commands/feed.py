"""`dairly feed`: an Atom feed of the newest notes, one entry per note, built with feedgen.

Each note's entries are rendered from their Markdown by cmark-gfm, as GitHub renders them,
and sanitized by nh3 for feed readers, with every relative link and picture made absolute
from the note's folder. Dates come from the notes, never the clock, so the same notes give the same
feed byte for byte.
"""

from __future__ import annotations

import datetime
import re
import sys
from html import escape
from urllib.parse import urljoin

from dairly import output
from dairly.commands.review import Group, look_back
from dairly.errors import OK, InputError
from dairly.fsio import write_output
from dairly.links import link_target
from dairly.notes.index import open_index
from dairly.notes.note import NoteRecord, decode_note, find_title, split_front_matter
from dairly.tuples import Record
from dairly.workspace import Workspace

_GITHUB = re.compile(r"(?:https://|git@|ssh://git@)github\.com[:/]([^/]+)/(.+?)(?:\.git)?/?")
_GITHUB_BLOB = re.compile(r"https://github\.com/[^/]+/[^/]+/blob/")
# What XML 1.0 forbids in a document: C0 controls but tab and line ends, surrogates, U+FFFE/F.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML cannot carry."""
    return _NOT_XML.sub("", text)


def base_url_from_git(ws: Workspace) -> str:
    """https://github.com/OWNER/REPO/blob/BRANCH/ from the `origin` remote, if it is GitHub."""
    from dairly.gitrepo import open_repo, origin_url

    notes_repo = open_repo(ws, purpose="pass --base-url to name where the notes are published")
    remote, branch = origin_url(notes_repo)
    if not remote:
        raise InputError(
            "--base-url is needed: there is no `origin` remote to find the notes' address from;"
            " pass --base-url https://github.com/OWNER/REPO/blob/main/ (or wherever they are published)"
        )
    m = _GITHUB.fullmatch(remote)
    if m is None or not branch:
        raise InputError("--base-url is needed: the `origin` remote is not a GitHub repository")
    prefix = f"{notes_repo.prefix}/" if notes_repo.prefix else ""
    return f"https://github.com/{m.group(1)}/{m.group(2)}/blob/{branch}/{prefix}"


def check_base_url(value: str) -> None:
    """Refuse a --base-url a feed reader could not follow: every entry's link is made
    from it, so it must be an http(s) address with a host."""
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"invalid --base-url {value!r}: use an http:// or https:// address,"
            " such as https://github.com/OWNER/REPO/blob/main/"
        )


def absolute(target: str, folder: str, base_url: str, picture: bool) -> str:
    """A link target written in `folder`, as an absolute URL under `base_url`. A GitHub
    blob URL shows a page, not a picture: pictures get `?raw=true`, which serves the file."""
    path = link_target(folder, target)
    if path is None or path == ".." or path.startswith("../"):
        return target
    rest = target[len(target.split("#", 1)[0].split("?", 1)[0]) :]
    raw = "?raw=true" if picture and not rest and _GITHUB_BLOB.match(base_url) else ""
    return urljoin(base_url, path) + raw + rest


# What the feed's HTML may hold once sanitized: nh3's (ammonia's) default tags, and these
# attributes; scripts, frames, event handlers and other URL schemes never reach a reader.
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height", "align"},
    "div": {"align"},
    "p": {"align"},
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}
_SCHEMES = {"http", "https", "mailto"}
# An entry nested deeper than this (quotes in quotes, lists in lists, tags never closed)
# goes into the feed as its Markdown text: no reader shows such depth anyway.
_MAX_DEPTH = 64
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)[^<>]*?(/?)>")
_VOID = frozenset(("area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"))


def _depth(html: str) -> int:
    """How deep the HTML's elements nest, every tag counted (a tag never closed nests the
    rest), in one pass."""
    depth = deepest = 0
    for m in _TAG.finditer(html):
        if m.group(3) or m.group(2).lower() in _VOID:
            continue
        depth = depth - 1 if m.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def note_html(record: NoteRecord, base_url: str) -> str:
    """The note's entries as HTML: rendered by cmark-gfm as GitHub renders them, then
    sanitized by nh3, which also makes every relative link and picture absolute (on the
    parsed attributes, quoted or not)."""
    import nh3

    from dairly.gfm import render

    folder = record.path.rpartition("/")[0]

    def rewrite(tag: str, attribute: str, value: str) -> str | None:
        if (tag, attribute) in (("a", "href"), ("img", "src")):
            return absolute(value, folder, base_url, picture=tag == "img")
        return value

    parts = []
    for entry in record.entries:
        # GitHub shows the :star: rating as stars; a feed reader knows no shortcodes.
        html = render(entry.text.replace(":star:", "\u2b50"), unsafe=True)
        if _depth(html) > _MAX_DEPTH:  # the sanitizer's tree building is quadratic in the nesting
            html = "<pre>" + escape(entry.text) + "</pre>\n"
        parts.append(
            nh3.clean(html, attributes=_ATTRIBUTES, attribute_filter=rewrite, url_schemes=_SCHEMES, link_rel=None)
        )
    return xml_text("".join(parts))


def review_html(groups: list[Group], base_url: str) -> str:
    """A look back as HTML: each group's label, then each note's link and its entries,
    rendered as a note's are."""
    parts = []
    for group in groups:
        if not group.notes:
            continue
        parts.append(f"<h2>{escape(xml_text(group.label))}</h2>\n")
        for shown in group.notes:
            date = shown.date.isoformat()
            title = escape(xml_text(shown.title or shown.path))
            parts.append(f'<p><a href="{escape(urljoin(base_url, shown.path))}">{title}</a> ({date})</p>\n')
            record = NoteRecord(shown.path, shown.date, shown.title, None, {}, None, shown.entries, [])
            parts.append(note_html(record, base_url))
    return "".join(parts)


class ReviewEntry(Record):
    """The day's look back, as one feed entry."""

    day: datetime.date
    html: str


def build_feed(notes: list[NoteRecord], base_url: str, title: str, review: ReviewEntry | None = None) -> bytes:
    """The Atom feed of these notes, newest first, and the day's look back on top."""
    from feedgen.feed import FeedGenerator

    def stamp(day: datetime.date) -> datetime.datetime:
        return datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)

    newest = sorted(notes, key=lambda n: n.date, reverse=True)
    fg = FeedGenerator()
    fg.id(base_url)
    fg.title(xml_text(title) or "notes")
    fg.link(href=base_url, rel="alternate")
    fg.updated(stamp(newest[0].date) if newest else stamp(datetime.date(1970, 1, 1)))
    for note in reversed(newest):  # feedgen prepends: add oldest first, newest ends on top
        entry = fg.add_entry()
        url = urljoin(base_url, note.path)
        entry.id(url)
        entry.title(xml_text(note.title or "") or note.path)  # a title of control characters alone is none
        entry.link(href=url)
        entry.updated(stamp(note.date))
        entry.published(stamp(note.date))
        entry.content(note_html(note, base_url), type="html")
    if review is not None:
        entry = fg.add_entry()
        entry.id(f"{base_url}#review-{review.day.isoformat()}")
        entry.title(f"Looking back from {review.day.isoformat()}")
        entry.link(href=base_url)
        entry.updated(stamp(review.day))
        entry.published(stamp(review.day))
        entry.content(review.html or "<p>nothing to look back on</p>", type="html")
        fg.updated(max(fg.updated(), stamp(review.day)))
    data: bytes = fg.atom_str(pretty=True)
    return data


def readme_title(ws: Workspace) -> str | None:
    """The README's title, read as a note's is; None when it has none or cannot be read."""
    try:
        with open(ws.readme_file, "rb") as f:
            text = decode_note(f.read(), ws.settings.readme)
    except (OSError, InputError):
        return None
    found = find_title(text, split_front_matter(text)[1])
    return found[0] if found and found[0] else None


def run(
    ws: Workspace,
    *,
    output_path: str | None,
    limit: int,
    base_url: str | None,
    review_day: datetime.date | None = None,
) -> int:
    if limit < 1:
        raise InputError("--limit must be at least 1")
    if base_url is not None:
        check_base_url(base_url)
    base = base_url or base_url_from_git(ws)
    if not base.endswith("/"):
        base += "/"
    with open_index(ws) as index:
        published = [(path, date) for path, date, title, ok, _n in index.notes() if title and ok]
        newest = [path for path, _date in published[-limit:]]
        records = list(index.records(newest))
        review = None
        if review_day is not None:
            review = ReviewEntry(review_day, review_html(look_back(index, ws.settings, review_day), base))
    data = build_feed(records, base, readme_title(ws) or ws.path.name, review)
    if output_path is None:
        sys.stdout.buffer.write(data)
    else:
        write_output(output_path, data)
        output.say(f"wrote {output_path}")
    return OK
