"""Notes repositories rebuilt from the seed-shaped README fixtures in tests/fixtures/.

Every entry of a fixture's 历史更新 tree gets a note, so the repository is what its
owner had on disk: the note sits at the path its date implies (notes/202105/0510.md),
even where the hand-kept tree links a drifted name (notes/202105/05010.md).
"""

from __future__ import annotations

import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
_ENTRY = re.compile(r'<a href="([^"]+)" target="_blank">([^<]*)</a>')
_TITLE_DATE = re.compile(r"（(\d{4})\.(\d{1,2})\.(\d{1,2})）")


def read_fixture(name: str) -> str:
    with open(FIXTURES / name, encoding="utf-8", newline="") as fh:  # newline="": bytes as they are
        return fh.read()


def tree_entries(readme: str) -> list[tuple[str, str]]:
    """(href, title) of every link in the README's history tree, in order."""
    tree = readme[readme.index("历史更新") :]
    return _ENTRY.findall(tree)


def note_path_for_title(title: str) -> str:
    """Where the note with this title lives: its date, not the tree's href, decides."""
    m = _TITLE_DATE.search(title)
    assert m, f"no date in {title!r}"
    year, month, day = (int(g) for g in m.groups())
    return f"notes/{year}{month:02d}/{month:02d}{day:02d}.md"


def note_body(title: str) -> str:
    return (
        f"# {title}\n\n------\n\n\n\n## :paperclip:  今日要点\n\n"
        f"1. [当天读到的一篇文章（{title[-10:]}）](https://example.com/read)         :star:\n"
        "   - Abstract: 测试用的简短摘要\n"
        "   - Tips: 测试用的简短心得\n\n"
        "## :paperclip:  Others\n\n- 测试样例\n"
    )


def build_notes_repo(root: Path, readme_fixture: str) -> Path:
    """README.md from the fixture plus one note per tree entry; returns root."""
    readme = read_fixture(readme_fixture)
    (root / "README.md").write_bytes(readme.encode("utf-8"))
    for _href, title in tree_entries(readme):
        path = root / note_path_for_title(title)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(note_body(title).encode("utf-8"))
    return root
