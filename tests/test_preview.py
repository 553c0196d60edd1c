"""`dairly preview`, without a browser: one file rendered and sanitized as GitHub shows it
(anchors, emoji, alerts, <details>, labels on what GitHub draws), the same HTML as
cmark-gfm's own for this repository's Markdown (a differential test), the static pages of
--output read by an HTML5 parser, and the server: what it serves and what it never does."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from dairly.webview.emoji import shortcodes
from dairly.webview.githtml import render_markdown, sanitize, slug
from dairly.webview.server import PreviewServer
from tests.conftest import DAIRLY, committed_repo, write

PROJECT = Path(__file__).resolve().parent.parent


def html_of(text: str, folder: str = "", present: tuple[str, ...] = ()) -> str:
    return render_markdown(text, folder, lambda path: path in present).html


# --- one file, as GitHub shows it --------------------------------------------------------


def test_headings_get_githubs_anchors_cjk_and_duplicates_included():
    html = html_of("# 今日要点\n\n## :paperclip:  历史更新\n\n## Hello, World! (v2)\n\n## Hello, World! (v2)\n")
    anchors = re.findall(r'<a id="([^"]*)" class="anchor" aria-hidden="true" href="#([^"]*)"></a>', html)
    assert anchors == [
        ("user-content-今日要点", "今日要点"),
        ("user-content-paperclip--历史更新", "paperclip--历史更新"),
        ("user-content-hello-world-v2", "hello-world-v2"),
        ("user-content-hello-world-v2-1", "hello-world-v2-1"),
    ]
    assert slug("🚀 Getting_started — Ünïcode") == "-getting_started--ünïcode"


def test_shortcodes_become_emoji_outside_code_only():
    html = html_of(":star::star: :paperclip: :no_such_code: `:star:`\n\n```\n:star:\n```\n")
    assert html == (
        '<p><g-emoji class="g-emoji" alias="star">⭐</g-emoji><g-emoji class="g-emoji" alias="star">⭐</g-emoji>'
        ' <g-emoji class="g-emoji" alias="paperclip">📎</g-emoji> :no_such_code: <code>:star:</code></p>\n'
        "<pre><code>:star:\n</code></pre>\n"
    )
    table = shortcodes()
    assert len(table) == 1913
    assert (table["+1"], table["white_check_mark"], table["heart"]) == ("👍", "✅", "❤️")


def test_githubs_sanitizer_keeps_no_style_script_or_handler():
    html = html_of(
        '<div style="color:red" onclick="alert(1)" class="x" align="center">centred</div>\n\n'
        '<a href="javascript:alert(2)" id="top" target="_blank">j</a> <img src="data:image/png;base64,AA" alt="d">'
        ' <iframe src="https://example.com"></iframe><input type="text" value="v">\n\n'
        "<style>p{color:red}</style>\n"
    )
    assert html == (
        '<div align="center">centred</div>\n'
        '<p><a id="user-content-top" target="_blank">j</a> <img alt="d">'
        ' &lt;iframe src="https://example.com"&gt;&lt;/iframe&gt;</p>\n'
        "&lt;style&gt;p{color:red}&lt;/style&gt;\n"
    )
    assert sanitize("<p><script>alert(1)</script>x</p>") == "<p>x</p>"
    tasks = html_of("- [x] done\n- [ ] to do <input type=checkbox>\n")
    assert tasks == (
        '<ul>\n<li><input type="checkbox" checked="" disabled=""> done</li>\n'
        '<li><input type="checkbox" disabled=""> to do </li>\n</ul>\n'
    )


def test_details_follow_githubs_blank_line_rule():
    glued = "<details>\n<summary>More</summary>\n**bold** [a](https://a.example)\n</details>\n"
    spaced = "<details>\n<summary>More</summary>\n\n**bold** [a](https://a.example)\n\n</details>\n"
    assert html_of(glued) == glued  # without the blank line GitHub shows the Markdown as text
    assert html_of(spaced) == (
        '<details>\n<summary>More</summary>\n<p><strong>bold</strong> <a href="https://a.example">a</a></p>\n'
        "</details>\n"
    )
    opened = '<details open="">\n<summary>Open</summary>\n\n| a |\n| - |\n| 1 |\n\n</details>\n'
    assert "<table>" in html_of(opened) and '<details open="">' in html_of(opened)


def test_alerts_as_github_draws_them_and_the_rest_left_a_quote():
    html = html_of("> [!NOTE]\n> Read this.\n\n> [!caution]\n>\n> Careful.\n\n> [!TIP]\n\n> [!NOTE] inline\n")
    assert html == (
        '<div class="markdown-alert markdown-alert-note"><p class="markdown-alert-title">Note</p>\n'
        "<p>Read this.</p>\n</div>\n"
        '<div class="markdown-alert markdown-alert-caution"><p class="markdown-alert-title">Caution</p>\n'
        "<p>Careful.</p>\n</div>\n"
        "<blockquote>\n<p>[!TIP]</p>\n</blockquote>\n"
        "<blockquote>\n<p>[!NOTE] inline</p>\n</blockquote>\n"
    )


def test_what_github_draws_is_shown_as_code_labelled():
    html = html_of("```mermaid\ngraph TD; A-->B\n```\n\n```math\nx^2\n```\n")
    assert html == (
        '<div class="dairly-not-previewed"><p class="dairly-label">Mermaid diagram: not previewed'
        ' (GitHub draws it; its text is shown)</p><pre lang="mermaid"><code>graph TD; A--&gt;B\n</code></pre></div>\n'
        '<div class="dairly-not-previewed"><p class="dairly-label">Math: not previewed'
        ' (GitHub draws it; its text is shown)</p><pre lang="math"><code>x^2\n</code></pre></div>\n'
    )


def test_front_matter_shows_as_githubs_table():
    html = html_of("---\ntitle: A <day>\ntags: [vision, llm]\n---\n# Note\n")
    assert html == (
        "<table><thead><tr><th>title</th><th>tags</th></tr></thead><tbody><tr><td><div>A &lt;day&gt;</div></td>"
        "<td><table><tbody><tr><td><div>vision</div></td><td><div>llm</div></td></tr></tbody></table></td>"
        "</tr></tbody></table>\n"
        '<h1><a id="user-content-note" class="anchor" aria-hidden="true" href="#note"></a>Note</h1>\n'
    )
    assert html_of("---\n: [\n---\ntext\n").startswith("<hr>")  # not YAML: the Markdown it is


def test_relative_targets_resolve_from_the_files_folder_and_the_missing_are_named():
    rendered = render_markdown(
        "[next](../202202/0227.md#top) [gone](0101.md) ![pic](../../assets/a%20b.png) ![none](x.png)"
        " [out](../../../etc/passwd) [root](/README.md) [web](https://example.com)\n",
        "notes/202201",
        lambda path: path in ("notes/202202/0227.md", "assets/a b.png", "README.md"),
    )
    assert [(m.kind, m.target, m.path) for m in rendered.missing] == [
        ("link", "0101.md", "notes/202201/0101.md"),
        ("picture", "x.png", "notes/202201/x.png"),
        ("link", "../../../etc/passwd", ""),
    ]
    assert rendered.targets == ["notes/202202/0227.md", "assets/a b.png", "README.md"]
    assert '<a href="0101.md" class="dairly-missing" title="missing: 0101.md">gone</a>' in rendered.html


# --- the differential test: this repository's own Markdown ---------------------------------


def _own_markdown() -> list[Path]:
    return [PROJECT / "README.md", *sorted((PROJECT / "notes").rglob("*.md"))]


@pytest.mark.parametrize("path", _own_markdown(), ids=lambda p: str(p.relative_to(PROJECT)))
def test_the_preview_is_cmark_gfms_own_rendering_sanitized(path: Path):
    """Take away what GitHub adds after sanitizing (anchors, emoji) and the preview's HTML
    is cmark-gfm's own rendering (the binding's own function, not dairly's) sanitized."""
    import cmarkgfm
    from cmarkgfm.cmark import Options

    text = path.read_text(encoding="utf-8")
    folder = str(path.parent.relative_to(PROJECT)).replace(".", "")
    ours = render_markdown(text, folder, lambda _path: True).html
    theirs = sanitize(
        cmarkgfm.github_flavored_markdown_to_html(text, Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES)
    )
    assert ours.count('class="anchor"') == theirs.count("</h")
    if path.parent.name.isdigit():
        assert ours.count("<g-emoji") >= 2  # every note has its :paperclip: headings and :star: ratings
    undone = re.sub(r'<a id="user-content-[^"]*" class="anchor" aria-hidden="true" href="#[^"]*"></a>', "", ours)
    undone = re.sub(r'<g-emoji class="g-emoji" alias="([^"]+)">[^<]+</g-emoji>', r":\1:", undone)
    assert undone == theirs


# --- the static pages --------------------------------------------------------------------


NOTE_WITH_EVERYTHING = (
    "# 笔记（2022.1.9）\n\n------\n\n\n\n## :paperclip:  今日要点\n\n"
    "1. [An article](https://example.com/a)         :star:\n"
    "   - Tips: see [the day before](../202201/0108.md) and ![a picture](../../assets/pic.png)\n"
    '   - Code: <span style="color:red" onmouseover="alert(1)">red</span> <script>alert(2)</script>\n'
    "   - Demo: ![gone](../../assets/missing.png)\n\n"
    "## :paperclip:  Others\n\n- footer\n"
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cf"
    "f0bf1e0005fe02fea77f0b5e0000000049454e44ae426082"
)


def preview_repo(tmp_path: Path, git, dairly) -> Path:
    root = committed_repo(tmp_path / "repo", git, "2021-09-28", "2022-01-08", "2022-01-09")
    write(root, "notes/202201/0109.md", NOTE_WITH_EVERYTHING)
    (root / "assets").mkdir()
    (root / "assets" / "pic.png").write_bytes(PNG)
    result = dairly(root, "publish", "--no-commit")
    assert result.code == 0, result.err
    return root


PAGE_LINKS = [
    ("index.html", "./index.html"),
    ("index.html", "assets/pic.png"),
    ("index.html", "notes/202109/0928.html"),
    ("index.html", "notes/202201/0108.html"),  # the promoted note's link, rebased
    ("index.html", "notes/202201/0108.html"),
    ("index.html", "notes/202201/0109.html"),
    ("notes/202109/0928.html", "../../index.html"),
    ("notes/202201/0108.html", "../../index.html"),
    ("notes/202201/0109.html", "../../assets/pic.png"),
    ("notes/202201/0109.html", "../../index.html"),
    ("notes/202201/0109.html", "0108.html"),
]


def test_output_pages_hold_no_style_no_note_script_and_every_internal_link_resolves(tmp_path, git, dairly):
    import html5lib

    root = preview_repo(tmp_path, git, dairly)
    out = tmp_path / "site"
    result = dairly(root, "preview", "--output", str(out))
    assert (result.code, result.out) == (0, f"wrote 4 pages and 1 file to {out}; 2 missing targets\n")
    pages = sorted(str(p.relative_to(out)) for p in out.rglob("*.html"))
    assert pages == ["index.html", "notes/202109/0928.html", "notes/202201/0108.html", "notes/202201/0109.html"]
    assert (out / "assets" / "pic.png").read_bytes() == PNG
    namespace = "{http://www.w3.org/1999/xhtml}"
    followed = []
    for page in pages:
        tree = html5lib.parse((out / page).read_bytes(), treebuilder="etree")
        assert tree.findall(f".//{namespace}script") == []
        assert [e.tag for e in tree.iter() if "style" in e.attrib or any(k.startswith("on") for k in e.attrib)] == []
        for element in tree.iter():
            url = element.get("href") if element.tag == f"{namespace}a" else element.get("src")
            if not url or "://" in url or url.startswith(("#", "mailto:")) or element.tag == f"{namespace}link":
                continue
            if "dairly-missing" in element.get("class", ""):
                continue
            target = (out / page).parent / url.split("#")[0]
            assert target.is_file(), f"{page}: {url}"
            followed.append((page, url))
    assert sorted(followed) == PAGE_LINKS
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="notes/202201/0109.html"' in index and 'src="assets/pic.png"' in index
    note = (out / "notes/202201/0109.html").read_text(encoding="utf-8")
    assert '<a href="0108.html">the day before</a>' in note
    assert "<li><code>../../assets/missing.png</code> (picture; no file <code>assets/missing.png</code>)</li>" in note
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in note  # GitHub's tagfilter: shown, never run


def test_output_refuses_the_repository_itself(tmp_path, git, dairly):
    root = committed_repo(tmp_path / "repo", git)
    result = dairly(root, "preview", "--output", str(root))
    assert result.code == 2
    assert result.err == f"dairly: error: --output {root} holds the repository; name a folder of its own\n"


# --- the server --------------------------------------------------------------------------


@pytest.fixture
def served(tmp_path, git, dairly):
    root = preview_repo(tmp_path, git, dairly)
    (tmp_path / "secret.txt").write_text("outside\n")
    os.symlink(tmp_path / "secret.txt", root / "assets" / "link.txt")
    server = PreviewServer(str(root), "README.md", "dark")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, server
    server.shutdown()
    server.server_close()


def get(server: PreviewServer, path: str, host: str = "127.0.0.1") -> tuple[int, bytes, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=60)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", f"{host}:{server.server_address[1]}")
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body, dict(response.getheaders())


def test_the_server_never_serves_outside_the_repository_nor_hidden_files(served):
    _root, server = served
    for path in (
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/notes/..%2f..%2fsecret.txt",
        "/notes/%2E%2E/%2E%2E/secret.txt",
        "/assets/link.txt",
        "/.git/config",
        "/.git/HEAD",
        "/%2egit/config",
        "/notes\\..\\..\\secret.txt",
        "/_dairly/mtime?path=../secret.txt",
        "/_dairly/mtime?path=.git/config",
        "/_dairly/../../secret.txt",
    ):
        status, body, _ = get(server, path)
        assert (path, status) == (path, 404)
        assert b"outside" not in body and b"[core]" not in body
    assert get(server, "/", host="evil.example")[0] == 403


def test_the_server_shows_pages_files_assets_and_times(served):
    root, server = served
    status, body, headers = get(server, "/")
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert b'data-theme="dark"' in body and b'<script src="/_dairly/reload.js" data-path="README.md">' in body
    status, body, _ = get(server, "/notes/202201/0109.md")
    assert status == 200 and "<title>笔记（2022.1.9）</title>".encode() in body
    assert get(server, "/assets/pic.png")[1] == PNG
    assert get(server, "/notes/202201")[0] == 301
    assert b"0109.md" in get(server, "/notes/202201/")[1]
    assert get(server, "/_dairly/preview.css")[0] == 200
    (root / "notes/202201/bad.md").write_bytes(b"# \xff\n")
    assert get(server, "/notes/202201/bad.md")[:2] == (
        422,
        b"dairly: notes/202201/bad.md: is not UTF-8 (byte 0xff at offset 2)\n",
    )
    stamp = get(server, "/_dairly/mtime?path=notes/202201/0109.md")[1]
    assert stamp == str(os.stat(root / "notes/202201/0109.md").st_mtime_ns).encode()


@pytest.mark.skipif(os.name != "posix", reason="SIGINT as a terminal sends it")
def test_dairly_preview_serves_until_interrupted(tmp_path, git, env):
    root = committed_repo(tmp_path / "repo", git)
    assert DAIRLY
    process = subprocess.Popen([DAIRLY, "preview"], cwd=root, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        m = re.fullmatch(r"serving README\.md at http://127\.0\.0\.1:(\d+)/ \(Ctrl-C stops\)\n", line)
        assert m, line
        connection = http.client.HTTPConnection("127.0.0.1", int(m.group(1)), timeout=60)
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
        connection.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=60) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
