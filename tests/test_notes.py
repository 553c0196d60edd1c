"""The notes scan: dates from paths, titles from H1s, every bad file reported."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from dairly.config import Settings
from dairly.errors import InputError
from dairly.notes.note import find_title
from dairly.notes.scan import WorkTree, scan_notes

from .conftest import note_text, write

TODAY = datetime.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("notes/202203/0307.md", datetime.date(2022, 3, 7)),
        ("notes/202110/1016.md", datetime.date(2021, 10, 16)),
        ("notes/202105/05010.md", "is not a note path"),
        ("notes/202302/0230.md", "is not a valid date (2023-02-30)"),
        ("notes/202105/0610.md", "wrong month folder; move it to notes/202106/0610.md"),
        ("notes/0307.md", "is not a note path"),
        ("notes/202203/images/x.md", "is not a note path"),
    ],
)
def test_date_from_path(path: str, expected):
    got = Settings().pattern.date(path)
    if isinstance(expected, str):
        assert isinstance(got, str) and expected in got
    else:
        assert got == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# 标题（2022.3.7）\n\nbody", ("标题（2022.3.7）", 1)),
        ("\n\n#   spaced title  ##\n", ("spaced title", 3)),
        ("```\n# not a title\n```\n# real\n", ("real", 4)),
        ("## only h2\n", ("only h2", 1)),
        ("#hashtag\n", None),
        ("", None),
        ("# T\r\nbody\r\n", ("T", 1)),
    ],
)
def test_find_title(text: str, expected):
    assert find_title(text) == expected


def test_scan_reports_every_bad_file(tmp_path: Path):
    write(tmp_path, "notes/202203/0307.md", note_text("好（2022.3.7）"))
    write(tmp_path, "notes/202105/05010.md", note_text("坏"))
    write(tmp_path, "notes/202302/0230.md", note_text("坏"))
    write(tmp_path, "notes/202105/0610.md", note_text("坏"))
    write(tmp_path, "notes/202203/0308.md", "no title here\n")
    write(tmp_path, "notes/202203/0309.md", "---\ndraft: true\n---\n# 草稿\n")
    write(tmp_path, "notes/202203/0310.md", note_text("未来"))
    write(tmp_path, "notes/202203/images/pic.png", "not markdown, ignored")
    (tmp_path / "notes/202203/0311.md").mkdir()
    os.symlink("/etc/hostname", tmp_path / "notes/202203/0312.md")
    scan = scan_notes(WorkTree(str(tmp_path)), Settings(), datetime.date(2022, 3, 9))
    assert [str(p) for p in scan.problems] == [
        "notes/202105/05010.md: is not a note path: notes are named notes/YYYYMM/MMDD.md",
        "notes/202105/0610.md: is filed in the wrong month folder; move it to notes/202106/0610.md",
        "notes/202203/0310.md: warning: is dated in the future (2022-03-10)",
        "notes/202203/0311.md: is a directory named like a note",
        "notes/202203/0312.md: is a symbolic link; dairly does not follow links under notes/",
        "notes/202302/0230.md: is not a valid date (2023-02-30)",
    ]
    # a note with no heading goes by its date (its title is the preset's title for the day)
    assert [n.path for n in scan.indexed] == ["notes/202203/0307.md", "notes/202203/0308.md", "notes/202203/0310.md"]
    assert [n.path for n in scan.notes if n.draft] == ["notes/202203/0309.md"]


def test_non_utf8_note_is_an_input_error(tmp_path: Path):
    (tmp_path / "notes/202203").mkdir(parents=True)
    (tmp_path / "notes/202203/0307.md").write_bytes("# 标题\n".encode("gbk"))
    with pytest.raises(InputError, match=r"notes/202203/0307.md: is not UTF-8 \(byte 0xb1 at offset 2\)"):
        scan_notes(WorkTree(str(tmp_path)), Settings(), TODAY)


def test_bad_front_matter_names_the_note(tmp_path: Path):
    write(tmp_path, "notes/202203/0307.md", "---\ndraft: [unclosed\n---\n# T\n")
    with pytest.raises(InputError, match=r"notes/202203/0307.md: invalid front matter"):
        scan_notes(WorkTree(str(tmp_path)), Settings(), TODAY)


def test_front_matter_title_line_counts_the_front_matter(tmp_path: Path):
    write(tmp_path, "notes/202203/0307.md", "---\ntags: [a, b]\n---\n\n# Title\n")
    (only,) = scan_notes(WorkTree(str(tmp_path)), Settings(), TODAY).notes
    assert (only.title, only.title_line, only.draft) == ("Title", 5, False)


@pytest.mark.parametrize("size", [(1 << 16) - 1, 1 << 16, (1 << 16) + 1, 3 << 20])
def test_a_large_note_is_read_whole(tmp_path: Path, size: int):
    """Notes are read in one 64 KB read when they fit, then in 1 MB reads: a byte past any
    of those boundaries is still read (here, the invalid one that must be reported)."""
    head = "# 很长的笔记\n".encode()
    body = b"x" * (size - len(head) - 1)
    write(tmp_path, "notes/202203/0306.md", "# 短\n")
    (tmp_path / "notes/202203/0307.md").write_bytes(head + body + b"\n")
    scan = scan_notes(WorkTree(str(tmp_path)), Settings(), TODAY)
    assert [n.title for n in scan.notes] == ["短", "很长的笔记"]
    (tmp_path / "notes/202203/0307.md").write_bytes(head + body + b"\xff")
    with pytest.raises(InputError, match=rf"notes/202203/0307.md: is not UTF-8 \(byte 0xff at offset {size - 1}\)"):
        scan_notes(WorkTree(str(tmp_path)), Settings(), TODAY)
