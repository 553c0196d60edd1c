"""End to end through the installed `dairly`, on notes repositories rebuilt from the
seed-shaped README fixtures (tests/fixtures/: the real format and its drift, our own prose).

Unless a test says otherwise a repository is built as tests/fixture_repo.py describes: a note
at every tree href that is a valid note path, nothing at drifted hrefs like
notes/202105/05010.md. `refile_drifted=True` adds the drifted entries' notes at the paths
their dates imply (notes/202105/0510.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import commit_all
from tests.fixture_repo import (
    README_FIXTURES,
    build_notes_repo,
    drifted_entries,
    note_date,
    note_paths,
    read_fixture,
    section,
    tree_entries,
    write_note,
)

HIGHLIGHTS = "## :paperclip:  今日要点"
HISTORY = "## :paperclip:  历史更新"
OTHERS = "## :paperclip:  Others"

# The drifted hrefs of readme_2022_05_11.md's tree, and where the notes they mean live.
DRIFTED_2022_05_11 = [f"notes/202105/{name}.md" for name in ("05010", "05011", "05012", "05013")] + [
    f"notes/202105/{name}.md" for name in ("05014", "05015", "05016", "05027")
]
REFILED_2022_05_11 = [f"notes/202105/{name}.md" for name in ("0510", "0511", "0512", "0513")] + [
    f"notes/202105/{name}.md" for name in ("0514", "0515", "0516", "0527")
]

# `dairly check` on readme_2022_05_11.md with a note at every valid href, verbatim.
CHECK_2022_05_11 = (
    "README.md:12: 今日要点 does not match notes/202205/0511.md, the note being published\n"
    "README.md:130: 历史更新 links to notes/202105/05010.md, which does not exist\n"
    "README.md:131: 历史更新 links to notes/202105/05011.md, which does not exist\n"
    "README.md:132: 历史更新 links to notes/202105/05012.md, which does not exist\n"
    "README.md:133: 历史更新 links to notes/202105/05013.md, which does not exist\n"
    "README.md:134: 历史更新 links to notes/202105/05014.md, which does not exist\n"
    "README.md:135: 历史更新 links to notes/202105/05015.md, which does not exist\n"
    "README.md:136: 历史更新 links to notes/202105/05016.md, which does not exist\n"
    "README.md:137: 历史更新 links to notes/202105/05027.md, which does not exist\n"
    "9 problems; run `dairly publish` to fix the README\n"
)

# The 2022 year block publish writes for readme_2022_05_11.md (either layout), verbatim.
TREE_2022 = """\
<pre><details><summary>2022年</summary>
<details><summary>1月</summary>
    1. <a href="notes/202201/0120.md" target="_blank">公众号内容拓展学习笔记（2022.1.20）</a>
</details>
<details><summary>2月</summary>
    1. <a href="notes/202202/0225.md" target="_blank">公众号内容拓展学习笔记（2022.2.25）</a>
    2. <a href="notes/202202/0226.md" target="_blank">公众号内容拓展学习笔记（2022.2.26）</a>
    3. <a href="notes/202202/0227.md" target="_blank">公众号内容拓展学习笔记（2022.2.27）</a>
    4. <a href="notes/202202/0228.md" target="_blank">公众号内容拓展学习笔记（2022.2.28）</a>
</details>
<details><summary>3月</summary>
    1. <a href="notes/202203/0301.md" target="_blank">公众号内容拓展学习笔记（2022.3.1）</a>
    2. <a href="notes/202203/0302.md" target="_blank">公众号内容拓展学习笔记（2022.3.2）</a>
    3. <a href="notes/202203/0303.md" target="_blank">公众号内容拓展学习笔记（2022.3.3）</a>
    4. <a href="notes/202203/0304.md" target="_blank">公众号内容拓展学习笔记（2022.3.4）</a>
    5. <a href="notes/202203/0305.md" target="_blank">公众号内容拓展学习笔记（2022.3.5）</a>
    6. <a href="notes/202203/0306.md" target="_blank">公众号内容拓展学习笔记（2022.3.6）</a>
    7. <a href="notes/202203/0307.md" target="_blank">公众号内容拓展学习笔记（2022.3.7）</a>
    8. <a href="notes/202203/0308.md" target="_blank">公众号内容拓展学习笔记（2022.3.8）</a>
    9. <a href="notes/202203/0309.md" target="_blank">公众号内容拓展学习笔记（2022.3.9）</a>
    10. <a href="notes/202203/0310.md" target="_blank">公众号内容拓展学习笔记（2022.3.10）</a>
    11. <a href="notes/202203/0311.md" target="_blank">公众号内容拓展学习笔记（2022.3.11）</a>
    12. <a href="notes/202203/0312.md" target="_blank">公众号内容拓展学习笔记（2022.3.12）</a>
    13. <a href="notes/202203/0313.md" target="_blank">公众号内容拓展学习笔记（2022.3.13）</a>
    14. <a href="notes/202203/0314.md" target="_blank">公众号内容拓展学习笔记（2022.3.14）</a>
    15. <a href="notes/202203/0316.md" target="_blank">公众号内容拓展学习笔记（2022.3.16）</a>
    16. <a href="notes/202203/0317.md" target="_blank">公众号内容拓展学习笔记（2022.3.17）</a>
    17. <a href="notes/202203/0330.md" target="_blank">公众号内容拓展学习笔记（2022.3.30）</a>
</details>
<details><summary>4月</summary>
    1. <a href="notes/202204/0402.md" target="_blank">公众号内容拓展学习笔记（2022.4.2）</a>
    2. <a href="notes/202204/0414.md" target="_blank">公众号内容拓展学习笔记（2022.4.14）</a>
</details>
<details><summary>5月</summary>
    1. <a href="notes/202205/0505.md" target="_blank">公众号内容拓展学习笔记（2022.5.5）</a>
    2. <a href="notes/202205/0507.md" target="_blank">公众号内容拓展学习笔记（2022.5.7）</a>
    3. <a href="notes/202205/0509.md" target="_blank">公众号内容拓展学习笔记（2022.5.9）</a>
    4. <a href="notes/202205/0510.md" target="_blank">公众号内容拓展学习笔记（2022.5.10）</a>
    5. <a href="notes/202205/0511.md" target="_blank">公众号内容拓展学习笔记（2022.5.11）</a>
</details>
</pre>
"""

# The 2021 5月 block publish writes for readme_2022_05_11.md: the drifted links dropped
# (no note at any of them) ...
MAY_2021_DROPPED = """\
<details><summary>5月</summary>
    1. <a href="notes/202105/0501.md" target="_blank">公众号内容拓展学习笔记（2021.5.1）</a>
    2. <a href="notes/202105/0502.md" target="_blank">公众号内容拓展学习笔记（2021.5.2）</a>
    3. <a href="notes/202105/0503.md" target="_blank">公众号内容拓展学习笔记（2021.5.3）</a>
    4. <a href="notes/202105/0504.md" target="_blank">公众号内容拓展学习笔记（2021.5.4）</a>
    5. <a href="notes/202105/0505.md" target="_blank">公众号内容拓展学习笔记（2021.5.5）</a>
    6. <a href="notes/202105/0506.md" target="_blank">公众号内容拓展学习笔记（2021.5.6）</a>
    7. <a href="notes/202105/0507.md" target="_blank">公众号内容拓展学习笔记（2021.5.7）</a>
    8. <a href="notes/202105/0508.md" target="_blank">公众号内容拓展学习笔记（2021.5.8）</a>
    9. <a href="notes/202105/0509.md" target="_blank">公众号内容拓展学习笔记（2021.5.9）</a>
</details>
<details><summary>9月</summary>
"""

# ... or pointing at the refiled notes.
MAY_2021_REFILED = """\
<details><summary>5月</summary>
    1. <a href="notes/202105/0501.md" target="_blank">公众号内容拓展学习笔记（2021.5.1）</a>
    2. <a href="notes/202105/0502.md" target="_blank">公众号内容拓展学习笔记（2021.5.2）</a>
    3. <a href="notes/202105/0503.md" target="_blank">公众号内容拓展学习笔记（2021.5.3）</a>
    4. <a href="notes/202105/0504.md" target="_blank">公众号内容拓展学习笔记（2021.5.4）</a>
    5. <a href="notes/202105/0505.md" target="_blank">公众号内容拓展学习笔记（2021.5.5）</a>
    6. <a href="notes/202105/0506.md" target="_blank">公众号内容拓展学习笔记（2021.5.6）</a>
    7. <a href="notes/202105/0507.md" target="_blank">公众号内容拓展学习笔记（2021.5.7）</a>
    8. <a href="notes/202105/0508.md" target="_blank">公众号内容拓展学习笔记（2021.5.8）</a>
    9. <a href="notes/202105/0509.md" target="_blank">公众号内容拓展学习笔记（2021.5.9）</a>
    10. <a href="notes/202105/0510.md" target="_blank">公众号内容拓展学习笔记（2021.5.10）</a>
    11. <a href="notes/202105/0511.md" target="_blank">公众号内容拓展学习笔记（2021.5.11）</a>
    12. <a href="notes/202105/0512.md" target="_blank">公众号内容拓展学习笔记（2021.5.12）</a>
    13. <a href="notes/202105/0513.md" target="_blank">公众号内容拓展学习笔记（2021.5.13）</a>
    14. <a href="notes/202105/0514.md" target="_blank">公众号内容拓展学习笔记（2021.5.14）</a>
    15. <a href="notes/202105/0515.md" target="_blank">公众号内容拓展学习笔记（2021.5.15）</a>
    16. <a href="notes/202105/0516.md" target="_blank">公众号内容拓展学习笔记（2021.5.16）</a>
    17. <a href="notes/202105/0527.md" target="_blank">公众号内容拓展学习笔记（2021.5.27）</a>
</details>
<details><summary>9月</summary>
"""


def readme(root: Path) -> str:
    return (root / "README.md").read_bytes().decode("utf-8")


def _content_span(text: str, heading: str) -> tuple[int, int]:
    """Offsets of a section's content: its body less leading and trailing blank lines."""
    start = text.index("\n" + heading + "\n") + len(heading) + 2
    body = section(text, heading)
    lines = re.findall(r"[^\n]*\n|[^\n]+$", body)  # only LF ends a line, as in dairly
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    filled = [i for i, line in enumerate(lines) if line.strip()]
    assert filled, f"{heading} has an empty body"
    return start + offsets[filled[0]], start + offsets[filled[-1] + 1]


def split_section(text: str, heading: str) -> tuple[str, str, str]:
    """(leading blank lines, content, trailing blank lines) of a section's body."""
    start = text.index("\n" + heading + "\n") + len(heading) + 2
    end = start + len(section(text, heading))
    c0, c1 = _content_span(text, heading)
    return text[start:c0], text[c0:c1], text[c1:end]


def owned_spans(text: str) -> list[tuple[int, int]]:
    """The three parts dairly owns, found without dairly: the 更新今日时间 value and the
    contents of 今日要点 and 历史更新, in text order."""
    date = re.search(r"^更新今日时间：(.*)$", text, re.MULTILINE)
    assert date, "no 更新今日时间 line"
    return sorted([date.span(1), _content_span(text, HIGHLIGHTS), _content_span(text, HISTORY)])


def outside_owned(text: str) -> list[str]:
    """The four stretches of the text around the owned parts."""
    cuts = [0] + [offset for span in owned_spans(text) for offset in span] + [len(text)]
    return [text[cuts[i] : cuts[i + 1]] for i in range(0, len(cuts), 2)]


def problem_lines(out: str) -> list[str]:
    """check's problem lines, without its closing summary line."""
    return out.splitlines()[:-1]


def test_check_on_2022_05_11_names_every_05010_style_link(tmp_path: Path, dairly):
    root = build_notes_repo(tmp_path, "readme_2022_05_11.md")
    original = read_fixture("readme_2022_05_11.md")
    assert [href for href, _title in drifted_entries(original)] == DRIFTED_2022_05_11
    assert not any((root / href).exists() for href in DRIFTED_2022_05_11)

    result = dairly(root, "check")
    assert (result.code, result.err) == (1, "")
    assert result.out == CHECK_2022_05_11
    lines = original.split("\n")
    for href in DRIFTED_2022_05_11:
        # Each drifted link is named once, with the line it is on in the README.
        (hit,) = [line for line in result.out.splitlines() if href in line]
        number = next(i for i, line in enumerate(lines, 1) if f'href="{href}"' in line)
        assert hit == f"README.md:{number}: 历史更新 links to {href}, which does not exist"


def test_check_on_2022_05_11_with_refiled_notes_names_links_and_missing_notes(tmp_path: Path, dairly):
    root = build_notes_repo(tmp_path, "readme_2022_05_11.md", refile_drifted=True)
    result = dairly(root, "check")
    assert (result.code, result.err) == (1, "")
    assert all((root / path).is_file() for path in REFILED_2022_05_11)
    assert result.out == (
        CHECK_2022_05_11.replace("9 problems; run `dairly publish` to fix the README\n", "")
        + "".join(f"{path}: is missing from the 历史更新 tree in README.md\n" for path in REFILED_2022_05_11)
        + "17 problems; run `dairly publish` to fix the README\n"
    )


@pytest.mark.parametrize("refile_drifted", [False, True], ids=["drifted-omitted", "drifted-refiled"])
@pytest.mark.parametrize("fixture", README_FIXTURES)
def test_check_fails_publish_fixes_check_passes_publish_again_is_a_no_op(
    tmp_path: Path, dairly, fixture: str, refile_drifted: bool
):
    root = build_notes_repo(tmp_path, fixture, refile_drifted=refile_drifted)
    before = dairly(root, "check")
    assert before.code == 1, before
    assert before.out.endswith(" problems; run `dairly publish` to fix the README\n") or before.out.endswith(
        " problem; run `dairly publish` to fix the README\n"
    )

    published = dairly(root, "publish", "--no-commit")
    assert (published.code, published.err) == (0, ""), published
    newest = max(note_paths(root))
    # publish reports as fixed exactly the problems check named.
    assert published.out.splitlines() == [f"README.md: published {newest}"] + [
        f"  updated: {line}" for line in problem_lines(before.out)
    ]
    after = readme(root)
    assert not after.endswith("\n")  # like the seeds, the README still ends without a newline
    assert not any(note_date(href) is None for href, _title in tree_entries(after))
    assert [href for href, _title in tree_entries(after)] == note_paths(root)

    check = dairly(root, "check")
    assert (check.code, check.out, check.err) == (0, f"README.md is in sync with {len(note_paths(root))} notes\n", "")
    again = dairly(root, "publish", "--no-commit")
    assert (again.code, again.out, again.err) == (0, "README.md is already up to date\n", "")
    assert readme(root) == after


@pytest.mark.parametrize("fixture", README_FIXTURES)
def test_publish_keeps_every_byte_outside_the_owned_parts(tmp_path: Path, dairly, fixture: str):
    root = build_notes_repo(tmp_path, fixture, refile_drifted=True)
    original = read_fixture(fixture)
    assert dairly(root, "publish", "--no-commit").code == 0
    after = readme(root)
    assert after != original
    assert outside_owned(after) == outside_owned(original)

    date_line = original.index("更新今日时间：")
    assert after[:date_line] == original[:date_line]  # H1, 主要内容, 更新开始时间 and the blank lines
    assert after.split("\n")[:2] == original.split("\n")[:2]
    assert after.split("\n")[1].startswith("主要内容：")
    assert after[after.index(OTHERS) :] == original[original.index(OTHERS) :]  # Others, to the last byte


def test_publish_on_2022_05_11_writes_the_exact_tree(tmp_path: Path, dairly):
    root = build_notes_repo(tmp_path, "readme_2022_05_11.md")
    assert dairly(root, "publish", "--no-commit").code == 0
    tree = section(readme(root), HISTORY)
    assert tree.startswith("\n<pre><details><summary>2021年</summary>\n<details><summary>3月</summary>\n")
    assert tree.endswith("</details>\n</pre>\n" + TREE_2022 + "\n\n\n")
    assert MAY_2021_DROPPED in tree
    assert "05010" not in tree
    # 9月 before 10月 inside 2021: months sort by number.
    assert tree.index("<summary>9月</summary>") < tree.index("<summary>10月</summary>") < tree.index("2022年")


def test_publish_on_2022_05_11_relinks_the_refiled_notes(tmp_path: Path, dairly):
    root = build_notes_repo(tmp_path, "readme_2022_05_11.md", refile_drifted=True)
    assert dairly(root, "publish", "--no-commit").code == 0
    tree = section(readme(root), HISTORY)
    assert MAY_2021_REFILED in tree
    assert tree.endswith("</details>\n</pre>\n" + TREE_2022 + "\n\n\n")
    # Apart from the relinked May entries, the hand-kept tree was already what dairly writes.
    original_tree = section(read_fixture("readme_2022_05_11.md"), HISTORY)
    for href, path in zip(DRIFTED_2022_05_11, REFILED_2022_05_11, strict=True):
        original_tree = original_tree.replace(f'"{href}"', f'"{path}"')
    assert tree == original_tree


def test_2021_05_11_stray_empty_heading_ends_the_highlights_and_is_kept(tmp_path: Path, dairly):
    # The seed has a stray "## " line between 今日要点 and 历史更新. dairly reads it as an (empty)
    # H2 heading: 今日要点 ends there, nothing warns about it, and the line and the blank lines
    # around it are the user's bytes, kept as they are.
    original = read_fixture("readme_2021_05_11.md")
    assert "\n</div>\n\n## \n\n\n## :paperclip:  历史更新\n" in original
    root = build_notes_repo(tmp_path, "readme_2021_05_11.md", refile_drifted=True)

    check = dairly(root, "check")
    assert (check.code, check.err) == (1, "")
    assert check.out == (
        "README.md:12: 今日要点 does not match notes/202105/0511.md, the note being published\n"
        "README.md:139: 历史更新 links to notes/202105/05010.md, which does not exist\n"
        "README.md:140: 历史更新 links to notes/202105/05011.md, which does not exist\n"
        "notes/202105/0510.md: is missing from the 历史更新 tree in README.md\n"
        "notes/202105/0511.md: is missing from the 历史更新 tree in README.md\n"
        "5 problems; run `dairly publish` to fix the README\n"
    )
    assert dairly(root, "publish", "--no-commit").code == 0
    after = readme(root)
    start = after.index(HIGHLIGHTS)
    assert after[start : after.index(HISTORY) + len(HISTORY) + 1] == (
        "## :paperclip:  今日要点\n"
        "\n"
        "1. [2021.5.11 的阅读记录](https://example.com/reading/20210511)         :star:\n"
        "   - Abstract: 为测试重建的笔记，只留一条要点\n"
        "   - Tips: 标题取自历史更新里的链接文字\n"
        "\n"
        "## \n"
        "\n"
        "\n"
        "## :paperclip:  历史更新\n"
    )
    assert after[: original.index("更新今日时间：")] == original[: original.index("更新今日时间：")]
    assert "更新今日时间：2021.5.11\n" in after
    assert dairly(root, "check").code == 0


def test_2021_05_11_with_only_valid_links_rolls_the_date_back(tmp_path: Path, dairly):
    # Without notes for the two drifted entries the newest note is 2021.5.9, and check says
    # so first: the date line is part of what publish fixes, whichever way it moves.
    root = build_notes_repo(tmp_path, "readme_2021_05_11.md")
    check = dairly(root, "check")
    assert check.code == 1
    assert check.out.splitlines()[0] == (
        "README.md:6: 更新今日时间 is 2021.5.11, but the newest note is 2021.5.9 (notes/202105/0509.md)"
    )
    assert dairly(root, "publish", "--no-commit").code == 0
    assert "\n更新今日时间：2021.5.9\n" in readme(root)


def test_a_file_at_a_drifted_name_is_reported_and_blocks_publish(tmp_path: Path, dairly):
    # A note saved under the drifted name is never silently taken for 2021.5.10.
    root = build_notes_repo(tmp_path, "readme_2022_05_11.md")
    write_note(root, "notes/202105/05010.md", "# 公众号内容拓展学习笔记（2021.5.10）\n")
    check = dairly(root, "check")
    assert check.code == 1
    assert check.out.splitlines()[:3] == [
        "notes/202105/05010.md: is not a note path: notes are named notes/YYYYMM/MMDD.md",
        "README.md:12: 今日要点 does not match notes/202205/0511.md, the note being published",
        "README.md:130: 历史更新 links to notes/202105/05010.md, which is not a valid note",
    ]
    assert check.out.endswith("\n10 problems; fix the notes, then run `dairly publish`\n")
    published = dairly(root, "publish", "--no-commit")
    assert (published.code, published.out, published.err) == (
        1,
        "notes/202105/05010.md: is not a note path: notes are named notes/YYYYMM/MMDD.md\n",
        "1 problem in the notes; nothing written\n",
    )
    assert readme(root) == read_fixture("readme_2022_05_11.md")


def test_a_note_filed_under_the_wrong_month_is_named(tmp_path: Path, dairly):
    # Hand edits misplace entries too: move 2022.4.14 into the 2月 block of the 2022-04-14 tree.
    root = build_notes_repo(tmp_path, "readme_2022_04_14.md", refile_drifted=True)
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


def _seed_note_repo(root: Path) -> str:
    """readme_2022_05_11.md's repository cut back to 2022.3.7, whose note is the seed-shaped
    note fixture with its picture beside it; returns the note text."""
    build_notes_repo(root, "readme_2022_05_11.md")
    for rel in note_paths(root):
        if rel > "notes/202203/0307.md":
            (root / rel).unlink()
    note = read_fixture("note_2022_03_07.md")
    write_note(root, "notes/202203/0307.md", note)
    (root / "notes/202203/images").mkdir()
    (root / "notes/202203/images/0307.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return note


@pytest.mark.parametrize("how", [[], ["--date", "2022-03-07"]], ids=["newest", "by-date"])
def test_the_seed_shaped_note_is_promoted_verbatim_with_its_images_rebased(tmp_path: Path, dairly, how):
    note = _seed_note_repo(tmp_path)
    original = read_fixture("readme_2022_05_11.md")
    assert note.count("./images/0307.png") == 2
    before = dairly(tmp_path, "check")
    assert before.out.splitlines()[:2] == [
        "README.md:6: 更新今日时间 is 2022.5.11, but the newest note is 2022.3.7 (notes/202203/0307.md)",
        "README.md:12: 今日要点 does not match notes/202203/0307.md, the note being published",
    ]

    result = dairly(tmp_path, "publish", "--no-commit", *how)
    assert result.code == 0, result
    assert result.out.startswith("README.md: published notes/202203/0307.md\n")
    after = readme(tmp_path)

    # The note's 今日要点 content, every byte, with the two relative references rebased.
    note_content = note[slice(*_content_span(note, HIGHLIGHTS))]
    expected = note_content.replace("](./images/0307.png)", "](notes/202203/images/0307.png)").replace(
        'src="./images/0307.png"', 'src="notes/202203/images/0307.png"'
    )
    assert expected.count("notes/202203/images/0307.png") == 2 and "./images" not in expected
    assert after[slice(*_content_span(after, HIGHLIGHTS))] == expected
    assert "\n![注意力计算量](notes/202203/images/0307.png)\n" in after
    assert "\n<div align=center><img src=\"notes/202203/images/0307.png\" style='zoom:100%'>\n</div>\n" in after
    # The blank lines around the content are the README's, as they were.
    lead, _old, trail = split_section(original, HIGHLIGHTS)
    assert (lead, trail) == ("\n", "\n\n\n")
    assert split_section(after, HIGHLIGHTS) == (lead, expected, trail)
    assert "\n更新今日时间：2022.3.7\n" in after
    assert outside_owned(after) == outside_owned(original)
    assert dairly(tmp_path, "check").code == 0


def test_publish_commits_the_readme_and_the_notes_in_a_new_git_repository(tmp_path: Path, dairly, git):
    # A repository with no commit yet: the first publish commits the README and every note.
    root = build_notes_repo(tmp_path, "readme_2022_05_11.md")
    git(root, "init", "-q", "-b", "main")

    result = dairly(root, "publish")
    assert (result.code, result.err) == (0, ""), result
    assert git(root, "log", "--format=%s|%an <%ae>|%cn <%ce>") == (
        "20220511|Test Author <author@example.com>|Test Committer <committer@example.com>\n"
    )
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == ["README.md", *note_paths(root)]
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(root, "show", "HEAD:README.md") == readme(root)
    sha = git(root, "rev-parse", "HEAD")
    assert result.out.splitlines()[-1] == (
        f"committed {sha[:7]} '20220511': " + ", ".join(["README.md", *note_paths(root)])
    )

    again = dairly(root, "publish")
    assert (again.code, again.out, again.err) == (0, "README.md is already up to date\nnothing to commit\n", "")
    assert git(root, "rev-parse", "HEAD") == sha
    assert dairly(root, "check", "--staged").code == 0


def test_publish_commits_a_new_note_with_its_picture_in_an_imported_repository(tmp_path: Path, dairly, git):
    root = build_notes_repo(tmp_path, "readme_2022_05_11.md", refile_drifted=True)
    commit_all(root, git, "import the hand-kept repository")
    note = read_fixture("note_2022_03_07.md").replace("2022.3.7", "2022.5.12").replace("0307.png", "0512.png")
    write_note(root, "notes/202205/0512.md", note)
    (root / "notes/202205/images").mkdir()
    (root / "notes/202205/images/0512.png").write_bytes(b"\x89PNG\r\n\x1a\n")

    result = dairly(root, "publish")
    assert (result.code, result.err) == (0, ""), result
    assert git(root, "log", "--format=%s") == "20220512\nimport the hand-kept repository\n"
    assert git(root, "show", "--name-only", "--format=", "HEAD").split() == [
        "README.md",
        "notes/202205/0512.md",
        "notes/202205/images/0512.png",
    ]
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    assert '<img src="notes/202205/images/0512.png"' in readme(root)

    again = dairly(root, "publish")
    assert (again.code, again.out) == (0, "README.md is already up to date\nnothing to commit\n")
    assert git(root, "rev-list", "--count", "HEAD") == "2\n"
