"""`dairly feed`: an Atom feed of the newest notes, built with feedgen."""

from __future__ import annotations

import datetime
import re
from html import escape
from pathlib import Path
from urllib.parse import urljoin

from dairly import output
from dairly.commands.common import Workspace
from dairly.commands.data import records
from dairly.errors import OK, InputError
from dairly.fsio import atomic_write
from dairly.records import Field, NoteRecord

_GITHUB = re.compile(r"(?:https://|git@|ssh://git@)github\.com[:/]([^/]+)/(.+?)(?:\.git)?/?")


def base_url_from_git(ws: Workspace) -> str:
    """https://github.com/OWNER/REPO/blob/BRANCH/ from the `origin` remote, if it is GitHub."""
    from dairly.repo import open_repo

    notes_repo = open_repo(ws.path, purpose="pass --base-url to name where the notes are published")
    try:
        remote = notes_repo.repo.remotes.origin.url
        branch = notes_repo.repo.active_branch.name
    except (AttributeError, IndexError, TypeError, ValueError):
        remote, branch = "", ""
    m = _GITHUB.fullmatch(remote)
    if m is None or not branch:
        raise InputError("--base-url is needed: the `origin` remote is not a GitHub repository")
    prefix = f"{notes_repo.prefix}/" if notes_repo.prefix else ""
    return f"https://github.com/{m.group(1)}/{m.group(2)}/blob/{branch}/{prefix}"


def _field_value(field: Field) -> str:
    value = escape(field.value)
    if len(field.links) == 1:  # "Paper: [title](url)": the title links to the paper
        return f'<a href="{escape(field.links[0])}">{value}</a>'
    return value + "".join(f' <a href="{escape(u)}">{escape(u)}</a>' for u in field.links)


def item_html(record: NoteRecord) -> str:
    """The note's items as HTML; every text and URL escaped."""
    parts = ["<ol>"]
    for item in record.items:
        head = escape(item.title)
        if item.url:
            head = f'<a href="{escape(item.url)}">{head}</a>'
        if item.stars:
            head += " " + "★" * item.stars
        fields = "".join(f"<li>{escape(f.name + ': ' if f.name else '')}{_field_value(f)}</li>" for f in item.fields)
        parts.append(f"<li>{head}" + (f"<ul>{fields}</ul>" if fields else "") + "</li>")
    parts.append("</ol>")
    return "".join(parts)


def build_feed(notes: list[NoteRecord], base_url: str, title: str, limit: int) -> bytes:
    from feedgen.feed import FeedGenerator

    newest = sorted((n for n in notes if not n.draft and n.title), key=lambda n: n.date, reverse=True)[:limit]
    fg = FeedGenerator()
    fg.id(base_url)
    fg.title(title)
    fg.link(href=base_url, rel="alternate")
    # Dates come from the notes, not the clock, so the same notes give the same feed.
    stamp = lambda d: datetime.datetime(d.year, d.month, d.day, tzinfo=datetime.timezone.utc)  # noqa: E731
    fg.updated(stamp(newest[0].date) if newest else datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc))
    for note in reversed(newest):  # feedgen prepends: add oldest first, newest ends on top
        entry = fg.add_entry()
        url = urljoin(base_url, note.path)
        entry.id(url)
        entry.title(note.title)
        entry.link(href=url)
        entry.updated(stamp(note.date))
        entry.published(stamp(note.date))
        entry.content(item_html(note), type="html")
    return fg.atom_str(pretty=True)


def run(ws: Workspace, *, output_path: Path | None, limit: int, base_url: str | None) -> int:
    if limit < 1:
        raise InputError("--limit must be at least 1")
    base = base_url or base_url_from_git(ws)
    if not base.endswith("/"):
        base += "/"
    title = ws.path.resolve().name
    try:
        from dairly.notes import find_h1

        h1 = find_h1(ws.readme.read_text(encoding="utf-8-sig"))
        title = h1[0] if h1 and h1[0] else title
    except (OSError, UnicodeDecodeError):
        pass  # the feed can do without the README's title
    data = build_feed(records(ws), base, title, limit)
    if output_path is None:
        import sys

        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        atomic_write(output_path, data.decode("utf-8"))
        output.say(f"wrote {output_path}")
    return OK
