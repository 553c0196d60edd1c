"""A README that wraps an owned section in an element of its own (`<details>` around the
history) keeps the wrapper: its opening lines end the section before it, its closing tag
ends the section it encloses, and publish and check agree on that (issue 25, item 8: check
said "run dairly publish", publish said "fix the note", and the planned edit deleted the
person's `</details>`)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import note_text, write

WRAPPED = (
    "# notes\n"
    "\n"
    "更新今日时间：\n"
    "\n"
    "## :paperclip:  今日要点\n"
    "\n"
    "<details>\n"
    "<summary>every note</summary>\n"
    "\n"
    "## :paperclip:  历史更新\n"
    "\n"
    "</details>\n"
    "\n"
    "## Others\n"
)


def test_a_history_wrapped_in_details_is_published_and_the_wrapper_kept(tmp_path: Path, dairly):
    write(tmp_path, "README.md", WRAPPED)
    write(tmp_path, "notes/202403/0305.md", note_text("笔记（2024.3.5）", "1. [A](https://e.com/a)\n"))
    assert dairly(tmp_path, "check").code == 1
    published = dairly(tmp_path, "publish", "--no-commit")
    assert published.code == 0, published.err
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == (
        "# notes\n"
        "\n"
        "更新今日时间：2024.3.5\n"
        "\n"
        "## :paperclip:  今日要点\n"
        "\n"
        "1. [A](https://e.com/a)\n"
        "\n"
        "<details>\n"
        "<summary>every note</summary>\n"
        "\n"
        "## :paperclip:  历史更新\n"
        "\n"
        "<pre><details><summary>2024年</summary>\n"
        "<details><summary>3月</summary>\n"
        '    1. <a href="notes/202403/0305.md" target="_blank">笔记（2024.3.5）</a>\n'
        "</details>\n"
        "</pre>\n"
        "\n"
        "</details>\n"
        "\n"
        "## Others\n"
    )
    check = dairly(tmp_path, "check")
    assert (check.code, check.out) == (0, "README.md is in sync with 1 note\n")
    again = dairly(tmp_path, "publish", "--no-commit")
    assert (again.code, again.out) == (0, "README.md is already up to date\n")


def test_the_persons_closing_tag_after_a_tree_is_theirs_as_a_browser_pairs_tags(tmp_path: Path, dairly):
    """The tree's `</pre>` closes its year's `<details>`: the `</details>` below it closes
    the person's wrapper, so a second note's publish keeps it (counting tags by name took
    it for the tree's own and replaced it)."""
    write(tmp_path, "README.md", WRAPPED)
    write(tmp_path, "notes/202403/0305.md", note_text("笔记（2024.3.5）", "1. [A](https://e.com/a)\n"))
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    write(tmp_path, "notes/202403/0306.md", note_text("笔记（2024.3.6）", "1. [B](https://e.com/b)\n"))
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert text.endswith("笔记（2024.3.6）</a>\n</details>\n</pre>\n\n</details>\n\n## Others\n")
    assert "<details>\n<summary>every note</summary>\n\n## :paperclip:  历史更新\n" in text
    assert dairly(tmp_path, "check").code == 0
