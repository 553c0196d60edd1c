"""Bad and hostile input, one row per case: what the user runs, the exit code, a
fragment of the message, and the README left byte for byte as it was.

Add a case by adding a row: (id, files to write over a good repo, command, code, fragment).
A file value of None deletes it; bytes are written as they are.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .conftest import README_SKELETON, make_repo, note_text, write

NOTE = "notes/202201/0109.md"
GOOD_README = README_SKELETON

# A 300-byte alias bomb expands to 10^9 strings; a circular alias holds itself.
BOMB = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)
YAML_ALIASES = {"bomb": (BOMB, 3), "circular": ("a: &a [*a]\n", 2)}  # and the line of the first alias
ALIASES = "notes/202201/0109.md: invalid front matter: line {}: aliases (*name) are not allowed in front matter"

CASES = [
    # README structure
    (
        "missing-highlights",
        {"README.md": GOOD_README.replace("## :paperclip:  今日要点", "今日要点")},
        "check",
        2,
        "README.md: no '## 今日要点' heading (the newest note's highlights) found",
    ),
    (
        "broken-heading-hint",
        {"README.md": GOOD_README.replace("## :paperclip:  今日要点", "5. - ## :paperclip:  今日要点")},
        "publish",
        2,
        "line 10 looks like a broken one: '5. - ## :paperclip:  今日要点'",
    ),
    (
        "doubled-history",
        {"README.md": GOOD_README + "\n## 历史更新\n"},
        "publish",
        2,
        "README.md:14: the '## 历史更新' heading appears 2 times (lines 14 and 22); keep one",
    ),
    (
        "heading-only-in-code",
        {"README.md": GOOD_README.replace("## :paperclip:  历史更新", "```\n## 历史更新\n```")},
        "check",
        2,
        "no '## 历史更新' heading",
    ),
    (
        "missing-date-line",
        {"README.md": GOOD_README.replace("更新今日时间：2021.9.1\n", "")},
        "publish",
        2,
        "README.md: no '更新今日时间：' date line found",
    ),
    (
        "date-line-inside-section",
        {"README.md": GOOD_README.replace("old tree", "更新今日时间：x").replace("更新今日时间：2021.9.1\n", "")},
        "publish",
        2,
        "is inside the '## 历史更新' section",
    ),
    (
        "readme-not-utf8",
        {"README.md": "更新今日时间：2021.9.1\n".encode("gbk")},
        "check",
        2,
        "README.md: is not UTF-8 (byte 0xb8 at offset 0)",
    ),
    ("readme-missing", {"README.md": None}, "publish", 2, "README.md: not found"),
    # notes
    (
        "note-not-utf8",
        {NOTE: b"# \xff\xfe\n"},
        "publish",
        2,
        "notes/202201/0109.md: is not UTF-8 (byte 0xff at offset 2)",
    ),
    ("binary-note", {"notes/202201/0110.md": bytes(range(256))}, "check", 2, "notes/202201/0110.md: is not UTF-8"),
    ("bad-front-matter", {NOTE: "---\n: [\n---\n# T\n"}, "publish", 2, "notes/202201/0109.md: invalid front matter"),
    *(
        (f"yaml-{kind}-{command.split()[0]}", {NOTE: f"---\n{yaml}---\n# T\n"}, command, 2, ALIASES.format(line))
        for kind, (yaml, line) in YAML_ALIASES.items()
        for command in ("check", "publish", "lint", "stats", "search a", "feed --base-url https://x.org", "export")
    ),
    (
        "bad-name-05010",
        {"notes/202105/05010.md": note_text("x")},
        "publish",
        1,
        "notes/202105/05010.md: is not a note path",
    ),
    (
        "impossible-date",
        {"notes/202302/0230.md": note_text("x")},
        "check",
        1,
        "notes/202302/0230.md: is not a valid date (2023-02-30)",
    ),
    ("wrong-month-folder", {"notes/202105/0610.md": note_text("x")}, "publish", 1, "move it to notes/202106/0610.md"),
    # a note with no heading goes by its date; with no highlights heading the message names the setting
    (
        "empty-note",
        {"notes/202201/0110.md": ""},
        "publish",
        1,
        "notes/202201/0110.md: has no '## 今日要点' section to promote; to promote the body under its title"
        ' instead, set promote = "body" in dairly.toml',
    ),
    (
        "note-without-h1",
        {"notes/202201/0110.md": "## only h2\n"},
        "check",
        1,
        "has no '## 今日要点' section to promote",
    ),
    (
        "newest-without-highlights",
        {"notes/202201/0110.md": "# T\n\n## Others\n"},
        "publish",
        1,
        "notes/202201/0110.md: has no '## 今日要点' section to promote",
    ),
    (
        "draft-by-date",
        {NOTE: "---\ndraft: true\n---\n# T\n"},
        "publish --date 2022-01-09",
        1,
        "notes/202201/0109.md: is a draft",
    ),
    ("no-note-for-date", {}, "publish --date 2022-01-08", 1, "notes/202201/0108.md: no note for 2022-01-08"),
    # settings and options
    ("unknown-setting", {"dairly.toml": "colour = 'red'\n"}, "check", 2, "dairly.toml: unknown setting 'colour'"),
    (
        "bad-template",
        {"pyproject.toml": "[tool.dairly]\ncommit_message = '{when}'\n"},
        "publish",
        2,
        "pyproject.toml: setting 'commit_message' is not a valid template",
    ),
    ("bad-toml", {"dairly.toml": "notes_dir = \n"}, "check", 2, "dairly.toml: invalid TOML"),
    ("bad-date-option", {}, "publish --date 2022-02-30", 2, "invalid --date '2022-02-30': February 2022 has 28 days"),
    ("unknown-option", {}, "publish --frobnicate", 2, "No such option: --frobnicate"),
]


def apply(root: Path, files: dict) -> None:
    for rel, content in files.items():
        path = root / rel
        if content is None:
            path.unlink()
        elif isinstance(content, bytes):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        else:
            write(root, rel, content)


@pytest.mark.parametrize(("files", "command", "code", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input(tmp_path: Path, dairly, files, command, code, fragment):
    make_repo(tmp_path, ["2022-01-09"])
    apply(tmp_path, files)
    readme = tmp_path / "README.md"
    before = readme.read_bytes() if readme.exists() else None
    args = command.split()
    if args[0] == "publish":
        args.append("--no-commit")
    result = dairly(tmp_path, *args)
    assert result.code == code, result.out + result.err
    assert fragment in result.out + result.err
    assert "Traceback" not in result.err
    assert (readme.read_bytes() if readme.exists() else None) == before
    assert not list(tmp_path.glob(".dairly-tmp-*"))


HOSTILE_TITLES = [
    "</details></pre><script>alert(1)</script>",
    "Tom & \"Jerry\" 'quoted' \\ back\\slash $& $1 \\g<0>",
    "长" * 1000,
]


@pytest.mark.parametrize("title", HOSTILE_TITLES, ids=["html", "quotes-and-regex", "long"])
def test_hostile_titles_are_escaped_and_round_trip(tmp_path: Path, dairly, title):
    make_repo(tmp_path, ["2022-01-09"])
    write(tmp_path, NOTE, note_text(title, "1. [$& \\1 \\g<0>](./a.png)\n"))
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "<script>" not in text and "</details></pre><script>" not in text
    assert "1. [$& \\1 \\g<0>](notes/202201/a.png)\n" in text
    assert dairly(tmp_path, "check").code == 0


def test_symlink_outside_the_repo_is_reported_not_followed(tmp_path: Path, dairly):
    make_repo(tmp_path / "repo", ["2022-01-09"])
    secret = write(tmp_path, "secret.md", "# SECRET TITLE\n")
    os.symlink(secret, tmp_path / "repo/notes/202201/0110.md")
    result = dairly(tmp_path / "repo", "check")
    assert result.code == 1
    assert "notes/202201/0110.md: is a symbolic link; dairly does not follow links under notes/" in result.out
    assert "SECRET" not in result.out


def test_directory_named_like_a_note(tmp_path: Path, dairly):
    make_repo(tmp_path, ["2022-01-09"])
    (tmp_path / "notes/202201/0110.md").mkdir()
    result = dairly(tmp_path, "publish", "--no-commit")
    assert result.code == 1
    assert "notes/202201/0110.md: is a directory named like a note" in result.out


def test_future_note_is_a_warning_not_a_failure(tmp_path: Path, dairly):
    make_repo(tmp_path, ["2022-01-09", "2999-01-01"])
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    result = dairly(tmp_path, "check")
    assert result.code == 0
    assert "notes/299901/0101.md: warning: is dated in the future (2999-01-01)" in result.err


def test_drafts_stay_out_of_the_index_and_promotion(tmp_path: Path, dairly):
    make_repo(tmp_path, ["2022-01-09"])
    write(tmp_path, "notes/202201/0110.md", "---\ndraft: true\ntags: [x]\n---\n" + note_text("草稿", "1. DRAFT\n"))
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "0110.md" not in text and "DRAFT" not in text
    assert "更新今日时间：2022.1.9\n" in text


def test_huge_note_and_binary_files(tmp_path: Path, dairly):
    make_repo(tmp_path, ["2022-01-09"])
    big_body = "".join(f"{i}. [item](https://example.com/{i})\n" for i in range(100_000))  # ~3 MB
    write(tmp_path, "notes/202201/0110.md", note_text("大笔记", big_body))
    (tmp_path / "notes/202201/images").mkdir()
    (tmp_path / "notes/202201/images/photo.png").write_bytes(bytes(range(256)) * 100)
    assert os.path.getsize(tmp_path / "notes/202201/0110.md") > 3_000_000
    # Read, rendered and measured whole; refused, since GitHub would show only its first
    # 512,000 bytes (and check would fail on it): nothing written, one line saying why.
    result = dairly(tmp_path, "publish", "--no-commit")
    size = len(README_SKELETON.encode()) - len("old highlights\n") + len(big_body.encode())
    assert result.code == 1
    assert result.out.startswith("README.md: is ")
    assert result.out.endswith(
        f" bytes: GitHub shows only the first 512,000; the 今日要点 of notes/202201/0110.md takes"
        f" {len(big_body.encode()):,} of them; shorten it\n"
    )
    assert int(result.out.split()[2].replace(",", "")) > size
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == README_SKELETON
    assert dairly(tmp_path, "check").out.splitlines()[0] == result.out.splitlines()[0]


def test_crlf_readme_and_notes_stay_crlf(tmp_path: Path, dairly):
    make_repo(tmp_path, ["2022-01-09"], readme="\ufeff" + README_SKELETON.replace("\n", "\r\n"))
    write(tmp_path, NOTE, note_text("笔记", "1. [a](./a.png)\n   - Tips: x\n").replace("\n", "\r\n"))
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    data = (tmp_path / "README.md").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf# my_notes\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"1. [a](notes/202201/a.png)\r\n   - Tips: x\r\n" in data
    assert dairly(tmp_path, "check").code == 0


def test_mixed_line_endings_do_not_crash(tmp_path: Path, dairly):
    mixed = README_SKELETON.replace("\n", "\r\n", 5)
    make_repo(tmp_path, ["2022-01-09"], readme=mixed)
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    assert dairly(tmp_path, "check").code == 0


@pytest.mark.parametrize("command", [["check"], ["publish", "--no-commit"], ["lint"], ["stats"], ["search", "x"]])
def test_a_note_past_the_size_a_note_may_be_is_refused_at_once(tmp_path: Path, dairly, command):
    """Read whole, a 100 MB note took check a minute and gigabytes: past MAX_NOTE_BYTES it
    is an input error naming it, before any of it is parsed, in every command."""
    from dairly.notes.note import MAX_NOTE_BYTES

    make_repo(tmp_path, ["2022-01-09"])
    line = "1. [item](https://example.com/i)\n"
    body = line * (MAX_NOTE_BYTES // len(line) + 1)
    path = write(tmp_path, "notes/202201/0110.md", note_text("太大的笔记", body))
    size = path.stat().st_size
    result = dairly(tmp_path, *command)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"dairly: error: notes/202201/0110.md: is {size:,} bytes, past the {MAX_NOTE_BYTES:,} a note may be"
        " (dairly reads a note whole); split it into notes of its days, or move what is not a note out of the notes\n"
    )
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == README_SKELETON
