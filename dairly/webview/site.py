"""The repository's files as pages: which path a URL names (never one outside the
repository, never a hidden one), a Markdown file's page, and the whole site written as
static files (README → index.html, a note → its path with .html, links rewritten to
match, pictures copied)."""

from __future__ import annotations

import os
import posixpath
import shutil
from collections.abc import Callable
from html import escape
from importlib import resources

from dairly.fsio import atomic_write, decode_utf8
from dairly.tuples import Record
from dairly.webview.githtml import Rendered, render_markdown

MARKDOWN = (".md", ".markdown")
ASSETS = ("preview.css", "reload.js")
ASSET_DIR = "_dairly"  # where the stylesheet and script are served and written
THEMES = ("system", "light", "dark")
# GitHub's own folder for a repository's README and workflows: shown, unlike other hidden ones.
_SHOWN_HIDDEN = frozenset((".github",))


def asset(name: str) -> bytes:
    """A file of static/, shipped in the package."""
    return resources.files(__package__ or "dairly.webview").joinpath("static").joinpath(name).read_bytes()


def is_markdown(path: str) -> bool:
    return path.lower().endswith(MARKDOWN)


def repository_path(root: str, url_path: str) -> str | None:
    """The repository path (`a/b.md`, "" for the top) an already-decoded URL path names, or
    None when it would leave the repository (`..`, a link out of it), or names a hidden file
    or folder (`.git`), or holds what no path does."""
    parts = []
    for part in url_path.split("/"):
        if part in ("", "."):
            continue
        if part == ".." or "\\" in part or "\0" in part or (part.startswith(".") and part not in _SHOWN_HIDDEN):
            return None
        parts.append(part)
    relative = "/".join(parts)
    top = os.path.realpath(root)
    real = os.path.realpath(os.path.join(top, *parts))
    if real != top and not real.startswith(top + os.sep):
        return None
    return relative


def exists_in(root: str) -> Callable[[str], bool]:
    """`exists(path)` for render_markdown: a file or folder of the repository, reached
    without leaving it and without a hidden part."""

    def exists(path: str) -> bool:
        return repository_path(root, path) == path and os.path.exists(os.path.join(root, path))

    return exists


def page_file(path: str, readme: str) -> str:
    """Where the static site keeps the page of a Markdown file."""
    if path == readme:
        return "index.html"
    return path.rsplit(".", 1)[0] + ".html"


class Page(Record):
    html: str
    rendered: Rendered


def make_page(root: str, path: str, readme: str, *, theme: str, static: bool) -> Page:
    """The page of the Markdown file at repository path `path`. Served pages (not `static`)
    link the files as they are and reload when the file changes; static pages link each
    other's .html and load no script."""
    with open(os.path.join(root, path), "rb") as f:
        text = decode_utf8(f.read(), path)
    folder = posixpath.dirname(path)
    here = page_file(path, readme) if static else path
    up = "../" * here.count("/")

    def href_for(target: str, written: str) -> str:
        if not static:  # a served page's URL is its file's path: links work as written
            return written
        fragment = written[len(written.split("#", 1)[0]) :]
        if os.path.isdir(os.path.join(root, target)):
            inside = posixpath.join(target, "README.md") if target != "." else readme
            if not os.path.isfile(os.path.join(root, inside)):
                return written
            target = inside
        written_path = page_file(target, readme) if is_markdown(target) else target
        return escape_url(posixpath.relpath(written_path, posixpath.dirname(here) or ".")) + fragment

    rendered = render_markdown(text, folder, exists_in(root), href_for)
    title = rendered.title or path
    footer = ""
    if rendered.missing:
        items = "".join(
            f"<li><code>{escape(m.target)}</code> ({m.kind}; "
            + (f"no file <code>{escape(m.path)}</code>" if m.path else "outside the repository")
            + ")</li>"
            for m in rendered.missing
        )
        footer = f'<section class="dairly-broken"><h2>Missing targets</h2><ul>{items}</ul></section>'
    assets = (up if static else "/") + ASSET_DIR + "/"
    script = "" if static else f'<script src="{assets}reload.js" data-path="{escape(path)}"></script>'
    home = (up or "./") + "index.html" if static else "/"
    html = (
        "<!DOCTYPE html>\n"
        f'<html lang="" data-theme="{escape(theme)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="color-scheme" content="light dark">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="stylesheet" href="{assets}preview.css">\n</head>\n<body>\n'
        f'<header class="dairly-bar"><a href="{home}">{escape(readme)}</a> · <span>{escape(path)}</span></header>\n'
        f'<main><article class="markdown-body">\n{rendered.html}</article>\n{footer}</main>\n'
        f"{script}\n</body>\n</html>\n"
    )
    return Page(html, rendered)


def escape_url(path: str) -> str:
    """A path as a URL path: what a URL cannot hold as it is, percent-encoded."""
    from urllib.parse import quote

    return quote(path, safe="/-._~!$&'()*+,;=:@")


def markdown_files(root: str, skip: str | None = None) -> list[str]:
    """Every Markdown file of the repository (hidden ones, links and `skip` aside), sorted."""
    found = []
    skip_real = os.path.realpath(skip) if skip else None
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d
            for d in dirs
            if (not d.startswith(".") or d in _SHOWN_HIDDEN)
            and not os.path.islink(os.path.join(folder, d))
            and os.path.realpath(os.path.join(folder, d)) != skip_real
        )
        for name in files:
            full = os.path.join(folder, name)
            if is_markdown(name) and not name.startswith(".") and not os.path.islink(full):
                found.append(os.path.relpath(full, root).replace(os.sep, "/"))
    return sorted(found)


class Written(Record):
    pages: int
    files: int
    missing: int


def write_site(root: str, out: str, readme: str, *, theme: str) -> Written:
    """Every Markdown file's page, the files they link and show, and the assets, under `out`."""
    pages = markdown_files(root, skip=out)
    copied: set[str] = set()
    missing = 0
    for path in pages:
        page = make_page(root, path, readme, theme=theme, static=True)
        missing += len(page.rendered.missing)
        target = os.path.join(out, *page_file(path, readme).split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        atomic_write(target, page.html.encode("utf-8"))
        for linked in page.rendered.targets:
            full = os.path.join(root, linked)
            if linked not in copied and not is_markdown(linked) and os.path.isfile(full):
                copied.add(linked)
                destination = os.path.join(out, *linked.split("/"))
                os.makedirs(os.path.dirname(destination), exist_ok=True)
                shutil.copyfile(full, destination)
    os.makedirs(os.path.join(out, ASSET_DIR), exist_ok=True)
    for name in ASSETS:
        if name.endswith(".css"):  # static pages load no script
            atomic_write(os.path.join(out, ASSET_DIR, name), asset(name))
    return Written(len(pages), len(copied), missing)
