"""The preview's web server: the standard library's ThreadingHTTPServer on 127.0.0.1,
serving Markdown files as pages, other files as they are, the shipped assets, and each
file's modification time for the reload script. Nothing outside the repository, nothing
hidden (`.git`), nothing to a request naming another host (a page elsewhere cannot reach
it through a name that resolves here)."""

from __future__ import annotations

import mimetypes
import os
import posixpath
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, unquote, urlsplit

from dairly.webview.site import ASSET_DIR, ASSETS, asset, is_markdown, make_page, repository_path

HOST = "127.0.0.1"


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: str, readme: str, theme: str, port: int = 0) -> None:
        self.root, self.readme, self.theme = root, readme, theme
        super().__init__((HOST, port), _Handler)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}/"


class _Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "dairly-preview"

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the terminal shows the address and errors, not every request."""

    def _send(self, status: HTTPStatus, body: bytes, content_type: str = "text/plain; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_found(self) -> None:
        self._send(HTTPStatus.NOT_FOUND, b"not found\n")

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        from dairly.errors import DairlyError

        try:
            self._get()
        except DairlyError as exc:  # a file it cannot show (not UTF-8, say): said on the page, as check says it
            self._send(HTTPStatus.UNPROCESSABLE_ENTITY, f"dairly: {exc}\n".encode())
        except OSError:
            self._not_found()

    def _get(self) -> None:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        if host not in (HOST, "localhost"):
            self._send(HTTPStatus.FORBIDDEN, b"dairly preview answers only 127.0.0.1\n")
            return
        url = urlsplit(self.path)
        path = unquote(url.path)
        root = self.server.root
        if path.startswith(f"/{ASSET_DIR}/"):
            self._asset(path[len(ASSET_DIR) + 2 :], url.query)
            return
        relative = repository_path(root, path)
        if relative is None:
            self._not_found()
            return
        full = os.path.join(root, relative)
        if relative == "" or os.path.isdir(full):
            self._folder(relative, path)
        elif not os.path.isfile(full):
            self._not_found()
        elif is_markdown(relative):
            page = make_page(root, relative, self.server.readme, theme=self.server.theme, static=False)
            self._send(HTTPStatus.OK, page.html.encode("utf-8"), "text/html; charset=utf-8")
        else:
            with open(full, "rb") as f:
                data = f.read()
            kind = mimetypes.guess_type(relative)[0] or "application/octet-stream"
            if kind.startswith("text/") or kind in ("application/json", "application/xml"):
                kind = "text/plain; charset=utf-8"  # shown as text, never run as a page or script
            self._send(HTTPStatus.OK, data, kind)

    def _asset(self, name: str, query: str) -> None:
        if name == "mtime":  # the reload script asks when its file last changed
            asked = parse_qs(query).get("path", [""])[0]
            relative = repository_path(self.server.root, asked)
            full = os.path.join(self.server.root, relative) if relative else ""
            if not relative or not os.path.isfile(full):
                self._not_found()
                return
            self._send(HTTPStatus.OK, str(os.stat(full).st_mtime_ns).encode("ascii"))
        elif name in ASSETS:
            kind = "text/css; charset=utf-8" if name.endswith(".css") else "text/javascript; charset=utf-8"
            self._send(HTTPStatus.OK, asset(name), kind)
        else:
            self._not_found()

    def _folder(self, relative: str, path: str) -> None:
        """A folder shows its README, as GitHub does (the top one the README dairly keeps),
        else what it holds."""
        root, readme = self.server.root, self.server.readme
        if not path.endswith("/"):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", quote(path + "/"))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        inside = readme if relative == "" else posixpath.join(relative, "README.md")
        if relative == "" and posixpath.dirname(readme):
            self.send_response(HTTPStatus.FOUND)  # a README below the top: its links resolve from its folder
            self.send_header("Location", "/" + quote(readme))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if os.path.isfile(os.path.join(root, inside)):
            page = make_page(root, inside, readme, theme=self.server.theme, static=False)
            self._send(HTTPStatus.OK, page.html.encode("utf-8"), "text/html; charset=utf-8")
            return
        names = sorted(
            name + ("/" if os.path.isdir(os.path.join(root, relative, name)) else "")
            for name in os.listdir(os.path.join(root, relative))
            if not name.startswith(".")
        )
        items = "".join(f'<li><a href="{escape(quote(name))}">{escape(name)}</a></li>' for name in names)
        body = f"<!DOCTYPE html>\n<title>{escape(relative)}/</title>\n<ul>{items}</ul>\n"
        self._send(HTTPStatus.OK, body.encode("utf-8"), "text/html; charset=utf-8")
