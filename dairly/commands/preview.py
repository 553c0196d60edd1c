"""`dairly preview`: the README, every note and every other Markdown file as GitHub shows
them, served on 127.0.0.1 (nothing is sent anywhere), or written as static pages with
--output."""

from __future__ import annotations

import os

from dairly import output
from dairly.errors import OK, InputError
from dairly.workspace import Workspace


def run(ws: Workspace, *, port: int, open_browser: bool, output_dir: str | None, theme: str) -> int:
    from dairly.webview.site import THEMES

    if theme not in THEMES:
        raise InputError(f"invalid --theme {theme!r}: use {', '.join(THEMES)}")
    if output_dir is not None:
        return _write(ws, output_dir, theme)
    if not 0 <= port <= 65535:
        raise InputError(f"invalid --port {port}: use 1 to 65535, or 0 for a free one")
    from dairly.webview.server import PreviewServer

    try:
        server = PreviewServer(ws.root, ws.settings.readme, theme, port)
    except OSError as exc:
        raise InputError(f"cannot serve on 127.0.0.1:{port}: {exc.strerror or exc}; pick another --port") from exc
    output.say(f"serving {ws.settings.readme} at {server.url} (Ctrl-C stops)")
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        server.serve_forever()
    except KeyboardInterrupt:  # the way a preview ends: not an interruption of anything
        pass
    finally:
        server.server_close()
    return OK


def _write(ws: Workspace, output_dir: str, theme: str) -> int:
    from dairly.webview.site import write_site

    out = os.path.abspath(output_dir)
    root = os.path.realpath(ws.root)
    if os.path.realpath(out) == root or root.startswith(os.path.realpath(out) + os.sep):
        raise InputError(f"--output {output_dir} holds the repository; name a folder of its own")
    try:
        written = write_site(ws.root, out, ws.settings.readme, theme=theme)
    except OSError as exc:
        from dairly.fsio import refusal

        raise refusal(exc, output_dir) from exc
    missing = f"; {output.plural(written.missing, 'missing target')}" if written.missing else ""
    pages, files = output.plural(written.pages, "page"), output.plural(written.files, "file")
    output.say(f"wrote {pages} and {files} to {output_dir}{missing}")
    return OK
