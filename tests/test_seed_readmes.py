"""End to end through the installed `dairly` on repositories rebuilt from the seed-shaped
README fixtures (tests/fixtures/readme_*.md: the real format and drift, our own prose)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixture_repo import build_notes_repo, read_fixture, tree_entries

FIXTURES = ["readme_2021_05_06.md", "readme_2021_05_11.md", "readme_2022_04_14.md", "readme_2022_05_11.md"]
DRIFTED = ["05010", "05011", "05012", "05013", "05014", "05015", "05016", "05027"]


def _others(text: str) -> str:
    return text[text.index("## :paperclip:  Others") :]


def _head(text: str) -> str:
    return text[: text.index("更新今日时间：") + len("更新今日时间：")]


@pytest.mark.parametrize("fixture", FIXTURES)
def test_check_fails_publish_fixes_check_passes_second_publish_is_a_no_op(tmp_path: Path, dairly, fixture):
    root = build_notes_repo(tmp_path, fixture)
    original = read_fixture(fixture)
    before = dairly(root, "check")
    assert before.code == 1, before
    assert before.out.endswith("run `dairly publish` to fix the README\n")

    published = dairly(root, "publish", "--no-commit")
    assert published.code == 0, published
    after = (root / "README.md").read_bytes().decode("utf-8")
    # Everything dairly does not own is byte for byte the fixture's.
    assert _head(after) == _head(original)
    assert _others(after) == _others(original)
    assert not after.endswith("\n")  # the seeds end without a newline, and so do we

    notes = len({title for _href, title in tree_entries(original)})
    check = dairly(root, "check")
    assert (check.code, check.out) == (0, f"README.md is in sync with {notes} notes\n")
    again = dairly(root, "publish", "--no-commit")
    assert (again.code, again.out) == (0, "README.md is already up to date\n")
    assert (root / "README.md").read_bytes().decode("utf-8") == after


def test_check_on_2022_05_11_names_every_drifted_link(tmp_path: Path, dairly):
    root = build_notes_repo(tmp_path, "readme_2022_05_11.md")
    result = dairly(root, "check")
    assert result.code == 1
    assert result.err == ""
    expected = ["README.md:12: 今日要点 does not match notes/202205/0511.md, the note being published"]
    expected += [
        f"README.md:{130 + i}: 历史更新 links to notes/202105/{name}.md, which does not exist"
        for i, name in enumerate(DRIFTED)
    ]
    expected += [
        f"notes/202105/{name[:2]}{name[3:]}.md: is missing from the 历史更新 tree in README.md" for name in DRIFTED
    ]
    expected += ["17 problems; run `dairly publish` to fix the README"]
    assert result.out.splitlines() == expected


def test_publish_on_2022_05_11_writes_the_exact_may_2021_block(tmp_path: Path, dairly):
    root = build_notes_repo(tmp_path, "readme_2022_05_11.md")
    assert dairly(root, "publish", "--no-commit").code == 0
    text = (root / "README.md").read_text(encoding="utf-8")
    days = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 27]
    may = "<details><summary>5月</summary>\n" + "".join(
        f'    {i}. <a href="notes/202105/05{d:02d}.md" target="_blank">公众号内容拓展学习笔记（2021.5.{d}）</a>\n'
        for i, d in enumerate(days, 1)
    )
    assert may + "</details>\n<details><summary>9月</summary>\n" in text
    # The year rolls over into a second <pre> block, 9月 before 10月 inside 2021.
    assert text.index("<summary>9月</summary>") < text.index("<summary>10月</summary>")
    assert "</details>\n</pre>\n<pre><details><summary>2022年</summary>\n<details><summary>1月</summary>\n" in text
    assert "05010" not in text


def test_2021_05_11_stray_empty_heading_is_kept_and_ends_the_highlights(tmp_path: Path, dairly):
    # The seed has a stray "## " line between 今日要点 and 历史更新. An empty H2 is a heading,
    # so 今日要点 ends there; the line and the blank lines after it are the user's and stay.
    root = build_notes_repo(tmp_path, "readme_2021_05_11.md")
    assert dairly(root, "publish", "--no-commit").code == 0
    text = (root / "README.md").read_text(encoding="utf-8")
    highlights = text[text.index("## :paperclip:  今日要点\n") : text.index("\n## \n")]
    assert "1. [当天读到的一篇文章" in highlights and "SimCLR" not in highlights
    assert "\n## \n\n\n## :paperclip:  历史更新\n" in text


def test_a_note_filed_under_the_wrong_month_is_named(tmp_path: Path, dairly):
    # Hand edits misplace entries too: move 2022.4.14 into the 2月 block of the 2022-04-14 tree.
    root = build_notes_repo(tmp_path, "readme_2022_04_14.md")
    text = read_fixture("readme_2022_04_14.md")
    entry = '    2. <a href="notes/202204/0414.md" target="_blank">公众号内容拓展学习笔记（2022.4.14）</a>\n'
    february_end = text.index("</details>", text.index("<summary>2月</summary>"))
    moved = text.replace(entry, "")
    moved = moved[:february_end] + entry + moved[february_end:]
    (root / "README.md").write_bytes(moved.encode("utf-8"))
    line = moved[: moved.index(entry)].count("\n") + 1
    result = dairly(root, "check")
    assert result.code == 1
    assert f"README.md:{line}: 历史更新 lists notes/202204/0414.md under 2022年2月; it belongs under 2022年4月" in (
        result.out.splitlines()
    )
    assert dairly(root, "publish", "--no-commit").code == 0
    assert dairly(root, "check").code == 0


def test_promoting_the_seed_shaped_note_rebases_its_images(tmp_path: Path, dairly):
    root = build_notes_repo(tmp_path, "readme_2022_05_11.md")
    note = read_fixture("note_2022_03_07.md")
    (root / "notes/202203/0307.md").write_text(note, encoding="utf-8")
    (root / "notes/202203/images").mkdir()
    (root / "notes/202203/images/0307.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert dairly(root, "publish", "--no-commit", "--date", "2022-03-07").code == 0
    text = (root / "README.md").read_text(encoding="utf-8")
    body = note[
        note.index("## :paperclip:  今日要点\n") + len("## :paperclip:  今日要点\n") : note.index(
            "## :paperclip:  Others"
        )
    ]
    expected = body.strip("\n").replace("](./images/0307.png)", "](notes/202203/images/0307.png)")
    expected = expected.replace('src="./images/0307.png"', 'src="notes/202203/images/0307.png"')
    assert expected.count("notes/202203/images/0307.png") == 2
    readme_body = text[
        text.index("## :paperclip:  今日要点\n") + len("## :paperclip:  今日要点\n") : text.index(
            "## :paperclip:  历史更新"
        )
    ]
    assert readme_body.strip("\n") == expected
    assert "更新今日时间：2022.3.7\n" in text


def test_publish_commits_in_a_real_git_repository(tmp_path: Path, dairly, git):
    root = build_notes_repo(tmp_path, "readme_2022_05_11.md")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "import the hand-kept repository")
    new_note = root / "notes/202205/0512.md"
    new_note.write_text(read_fixture("note_2022_03_07.md").replace("2022.3.7", "2022.5.12"), encoding="utf-8")

    result = dairly(root, "publish")
    assert result.code == 0, result
    assert git(root, "log", "--format=%s") == "20220512\nimport the hand-kept repository\n"
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == ["README.md", "notes/202205/0512.md"]
    assert git(root, "status", "--porcelain") == ""
    again = dairly(root, "publish")
    assert (again.code, again.out) == (0, "README.md is already up to date\nnothing to commit\n")
    assert git(root, "rev-list", "--count", "HEAD") == "2\n"
