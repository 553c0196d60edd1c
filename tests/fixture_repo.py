"""Notes repositories rebuilt from the seed-shaped README fixtures in tests/fixtures/.

The fixtures copy the structure of four snapshots of a real, hand-kept README (headings,
date lines, the 历史更新 tree with its drifted links) with prose of our own. A repository
is rebuilt from one by writing a note for every tree entry:

* an entry whose href is a valid note path (notes/YYYYMM/MMDD.md, a real date, the month
  matching the folder) gets its note at exactly that href, titled with the entry's text;
* an entry whose href is not (notes/202105/05010.md, the hand-typed drift) gets no file at
  that href, so `dairly check` reports the link as one to a file that does not exist. With
  refile_drifted=True its note is written where its title's date says it lives
  (notes/202105/0510.md): what the owner had on disk when the link was mistyped.
"""

from __future__ import annotations

import datetime
import html
import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
README_FIXTURES = ["readme_2021_05_06.md", "readme_2021_05_11.md", "readme_2022_04_14.md", "readme_2022_05_11.md"]
HISTORY_HEADING = "## :paperclip:  历史更新"

_ANCHOR = re.compile(r'<a\s[^>]*?href="([^"]*)"[^>]*>(.*?)</a>')
_NOTE_PATH = re.compile(r"notes/(\d{4})(\d{2})/(\d{2})(\d{2})\.md")
_TITLE_DATE = re.compile(r"（(\d{4})\.(\d{1,2})\.(\d{1,2})）")


def read_fixture(name: str) -> str:
    """tests/fixtures/<name> as text, line endings and all (newline="" translates nothing)."""
    with open(FIXTURES / name, encoding="utf-8", newline="") as fh:
        return fh.read()


def section(text: str, heading: str) -> str:
    """The lines of the section under `heading` (an exact H2 line), up to the next H2 or the end."""
    start = text.index("\n" + heading + "\n") + len(heading) + 2
    ends = [m.start() + 1 for m in re.finditer(r"\n##(?:[ \t]|$)", text[start - 1 :], re.MULTILINE)]
    return text[start : start - 1 + ends[0]] if ends else text[start:]


def tree_entries(readme: str) -> list[tuple[str, str]]:
    """(href, title) of every <a href="..."> in the 历史更新 section, in order."""
    return [(html.unescape(h), html.unescape(t)) for h, t in _ANCHOR.findall(section(readme, HISTORY_HEADING))]


def note_date(href: str) -> datetime.date | None:
    """The date a note path stands for, or None when it is not a valid note path."""
    m = _NOTE_PATH.fullmatch(href)
    if not m:
        return None
    year, folder_month, month, day = (int(g) for g in m.groups())
    if folder_month != month:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def drifted_entries(readme: str) -> list[tuple[str, str]]:
    """The tree entries whose href is not a valid note path."""
    return [(href, title) for href, title in tree_entries(readme) if note_date(href) is None]


def title_date(title: str) -> datetime.date:
    m = _TITLE_DATE.search(title)
    assert m, f"no （YYYY.M.D） date in {title!r}"
    return datetime.date(*(int(g) for g in m.groups()))


def note_path_for_title(title: str) -> str:
    """Where the note with this title lives: its date decides, not a tree's href."""
    d = title_date(title)
    return f"notes/{d.year}{d.month:02d}/{d.month:02d}{d.day:02d}.md"


def note_text_for(title: str) -> str:
    """A small note in the seed's shape; its 今日要点 names its own date, so a promoted
    note can be told from the others."""
    d = title_date(title)
    return (
        f"# {title}\n"
        "\n------\n\n\n\n"
        "## :paperclip:  今日要点\n"
        "\n"
        f"1. [{d.year}.{d.month}.{d.day} 的阅读记录](https://example.com/reading/{d:%Y%m%d})         :star:\n"
        "   - Abstract: 为测试重建的笔记，只留一条要点\n"
        "   - Tips: 标题取自历史更新里的链接文字\n"
        "\n"
        "## :paperclip:  Others\n"
        "\n"
        "- 测试样例\n"
    )


def write_note(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def build_notes_repo(root: Path, readme_fixture: str, *, refile_drifted: bool = False) -> Path:
    """README.md from the fixture, byte for byte, plus the notes its tree links (see the
    module docstring); returns root."""
    readme = read_fixture(readme_fixture)
    (root / "README.md").write_bytes(readme.encode("utf-8"))
    for href, title in tree_entries(readme):
        if note_date(href) is not None:
            write_note(root, href, note_text_for(title))
        elif refile_drifted:
            write_note(root, note_path_for_title(title), note_text_for(title))
    return root


def note_paths(root: Path) -> list[str]:
    """Every notes/**/*.md under root, relative, sorted."""
    return sorted(p.relative_to(root).as_posix() for p in (root / "notes").rglob("*.md"))
