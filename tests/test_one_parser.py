"""check, publish, lint, search, stats, feed and export read every note through the one
parser, so they agree on each note's title and entries, whatever shape the title takes."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.conftest import make_repo, write
from tests.fixture_repo import read_fixture

ATOM = "{http://www.w3.org/2005/Atom}"
ENTRY = (
    "## 今日要点\n\n1. [An entry](https://example.com/{n})  :star:\n   - Tips: one\n2. [Another](https://e.com/{n}b)\n"
)

NOTES = {
    "notes/202203/0301.md": "# ATX title（2022.3.1）\n\n" + ENTRY,
    "notes/202203/0302.md": "#   Closed ATX title（2022.3.2）   ##\n\n" + ENTRY,
    "notes/202203/0303.md": "Setext title（2022.3.3）\n=========\n\n" + ENTRY,
    "notes/202203/0304.md": "\ufeff---\ntags: [a]\n---\n# After front matter and a BOM（2022.3.4）\n\n" + ENTRY,
    "notes/202203/0305.md": "```\n# not the title\n```\n\n# After a fence（2022.3.5）\n\n" + ENTRY,
    "notes/202203/0306.md": "<!--\n# commented out\n-->\n# After a comment（2022.3.6）\n\n" + ENTRY,
    "notes/202203/0307.md": read_fixture("note_2022_03_07.md"),
    "notes/202203/0308.md": "no title at all\n\n" + ENTRY,
}


def test_every_command_reads_the_same_titles_and_entries(tmp_path: Path, dairly):
    make_repo(tmp_path, [])
    for path, text in NOTES.items():
        write(tmp_path, path, text.replace("{n}", path[-7:-3]))
    untitled = "notes/202203/0308.md"

    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    assert dairly(tmp_path, "check").code == 0
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    tree = {
        href: html.unescape(title) for href, title in re.findall(r'<a href="([^"]+)" target="_blank">(.*?)</a>', readme)
    }

    exported = {n["path"]: n for n in json.loads(dairly(tmp_path, "export", "--json").out)}
    feed = ET.fromstring(dairly(tmp_path, "feed", "--base-url", "https://e.com/", "--limit", "50").out)
    feed_titles = {
        e.find(f"{ATOM}link").get("href").removeprefix("https://e.com/"): e.findtext(f"{ATOM}title")
        for e in feed.findall(f"{ATOM}entry")
    }
    assert tree == {path: note["title"] for path, note in exported.items()} == feed_titles
    assert tree["notes/202203/0303.md"] == "Setext title（2022.3.3）"
    assert tree["notes/202203/0302.md"] == "Closed ATX title（2022.3.2）"
    assert tree["notes/202203/0304.md"] == "After front matter and a BOM（2022.3.4）"
    assert tree[untitled] == "公众号内容拓展学习笔记（2022.3.8）"  # no heading: the day in the preset's title form

    lint = dairly(tmp_path, "lint")
    assert "has no title" not in lint.out and "title says" not in lint.out

    entries = sum(len(note["entries"]) for note in exported.values())
    assert json.loads(dairly(tmp_path, "stats", "--json").out)["entries"] == entries
    for path, note in exported.items():
        for entry in note["entries"]:
            found = json.loads(dairly(tmp_path, "search", entry["url"], "--field", "url", "--json").out)
            assert {(m["note"], m["line"]) for m in found} >= {(path, entry["line"])}
