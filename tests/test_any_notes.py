"""Notes as other authors write them: titles at any level or none, no highlights heading,
bulleted entries, footers under their own heading, and the word TODO in their own text."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .conftest import README_SKELETON, make_repo, write

TREE_LINE = re.compile(r'<a href="([^"]+)" target="_blank">(.*?)</a>')


def tree(root: Path) -> list[tuple[str, str]]:
    return TREE_LINE.findall((root / "README.md").read_text(encoding="utf-8"))


def highlights(root: Path) -> str:
    readme = (root / "README.md").read_text(encoding="utf-8")
    return readme.split("## :paperclip:  今日要点\n", 1)[1].split("## :paperclip:  历史更新", 1)[0]


SECTION = "## :paperclip:  今日要点\n\n1. [An article](https://example.com/a)  :star:\n"


def test_a_title_is_the_first_heading_github_shows_as_plain_text(tmp_path: Path, dairly) -> None:
    make_repo(tmp_path, [])
    write(tmp_path, "notes/201901/0101.md", f"# [2019-01-01 精选博文推荐](https://e.com/x)\n\n{SECTION}")
    write(tmp_path, "notes/201901/0102.md", f"## 第二天的 **笔记** & `code`\n\n{SECTION}")
    write(tmp_path, "notes/201901/0103.md", f"学习 <b>笔记</b> ![图](a.png)\n===\n\n{SECTION}")
    write(tmp_path, "notes/201901/0104.md", f"intro text, no heading\n\n{SECTION}")
    write(tmp_path, "notes/201901/0105.md", f"#\n\n{SECTION}")
    result = dairly(tmp_path, "publish", "--no-commit")
    assert result.code == 0, result
    assert tree(tmp_path) == [
        ("notes/201901/0101.md", "2019-01-01 精选博文推荐"),
        ("notes/201901/0102.md", "第二天的 笔记 &amp; code"),
        ("notes/201901/0103.md", "学习 笔记 图"),
        ("notes/201901/0104.md", "公众号内容拓展学习笔记（2019.1.4）"),
        ("notes/201901/0105.md", "公众号内容拓展学习笔记（2019.1.5）"),
    ]
    assert dairly(tmp_path, "check").code == 0
    exported = [json.loads(line) for line in dairly(tmp_path, "export").out.splitlines()]
    titles = {line["path"]: line["title"] for line in exported if line["type"] == "note"}
    assert titles["notes/201901/0102.md"] == "第二天的 笔记 & code"
    assert titles["notes/201901/0104.md"] == "公众号内容拓展学习笔记（2019.1.4）"


BODY_NOTE = (
    "## 2022.1.10 推荐\n"
    "\n"
    "* [Vue 3 的新特性](https://e.com/vue) (掘金)\n"
    "* [Flask-RESTful 快速构建 TODO 应用](https://e.com/flask) (博客)\n"
    "  - Tips: 一步一步来\n"
    "\n"
    "## 关注我们\n"
    "\n"
    "1. 回复「1024」获取资料\n"
    "2. 回复「加群」进群\n"
)


def test_promote_body_promotes_the_list_under_the_title_and_counts_its_bullets(tmp_path: Path, dairly) -> None:
    make_repo(tmp_path, [])
    write(tmp_path, "dairly.toml", 'promote = "body"\n')
    write(tmp_path, "notes/202201/0110.md", BODY_NOTE)
    result = dairly(tmp_path, "publish", "--no-commit")
    assert (result.code, result.err) == (0, "")
    assert highlights(tmp_path) == (
        "\n* [Vue 3 的新特性](https://e.com/vue) (掘金)\n"
        "* [Flask-RESTful 快速构建 TODO 应用](https://e.com/flask) (博客)\n"
        "  - Tips: 一步一步来\n\n"
    )
    assert tree(tmp_path) == [("notes/202201/0110.md", "2022.1.10 推荐")]
    assert dairly(tmp_path, "check").code == 0
    assert json.loads(dairly(tmp_path, "stats", "--json").out)["entries"] == 2
    found = json.loads(dairly(tmp_path, "search", "Vue", "--json").out)
    assert [(m["title"], m["url"]) for m in found] == [("Vue 3 的新特性", "https://e.com/vue")]
    assert dairly(tmp_path, "search", "1024").out == "no entries match '1024'\n"  # the footer is no entry
    entries = [e for e in map(json.loads, dairly(tmp_path, "export").out.splitlines()) if e["type"] == "entry"]
    assert [(e["number"], e["title"], e["url"]) for e in entries] == [
        (1, "Vue 3 的新特性", "https://e.com/vue"),
        (2, "Flask-RESTful 快速构建 TODO 应用", "https://e.com/flask"),
    ]
    assert [(f["name"], f["value"]) for f in entries[1]["fields"]] == [("Tips", "一步一步来")]


def test_no_highlights_heading_names_the_promote_setting(tmp_path: Path, dairly) -> None:
    make_repo(tmp_path, [])
    write(tmp_path, "notes/202201/0110.md", BODY_NOTE)
    result = dairly(tmp_path, "publish", "--no-commit")
    assert result.code == 1
    assert result.out == (
        "notes/202201/0110.md: has no '## 今日要点' section to promote; to promote the body under its title"
        ' instead, set promote = "body" in dairly.toml\n'
    )
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == README_SKELETON


def test_bulleted_entries_count_and_a_footer_under_its_own_heading_does_not(tmp_path: Path, dairly) -> None:
    make_repo(tmp_path, [])
    note = (
        "# 笔记（2022.1.10）\n\n## :paperclip:  今日要点\n\n"
        "* [Vue 3 的新特性](https://e.com/vue) (掘金)\n"
        "* [第二篇](https://e.com/2) (博客)\n\n"
        "### 关注我们\n\n1. 回复「1024」获取资料\n"
    )
    write(tmp_path, "notes/202201/0110.md", note)
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    stats = json.loads(dairly(tmp_path, "stats", "--json").out)
    assert stats["entries"] == 2
    assert json.loads(dairly(tmp_path, "search", "Vue", "--json").out)[0]["line"] == 5
    lint = dairly(tmp_path, "lint")
    assert "has no link" not in lint.out and "is empty" not in lint.out


def test_todo_in_the_authors_own_text_is_not_a_placeholder(tmp_path: Path, dairly) -> None:
    make_repo(tmp_path, [])
    note = (
        "# 笔记（2022.1.10）\n\n## :paperclip:  今日要点\n\n"
        "1. [Flask-RESTful 快速构建 TODO 应用](https://e.com/flask)  :star:\n"
        "   - Tips: TODO list 的增删改查\n"
    )
    write(tmp_path, "notes/202201/0110.md", note)
    result = dairly(tmp_path, "publish", "--no-commit")
    assert (result.code, result.err) == (0, "")
    assert tree(tmp_path) == [("notes/202201/0110.md", "笔记（2022.1.10）")]
    assert "TODO 应用" in highlights(tmp_path)
    assert dairly(tmp_path, "lint").code == 0
    found = json.loads(dairly(tmp_path, "search", "Flask", "--json").out)
    assert [m["note"] for m in found] == ["notes/202201/0110.md"]
    assert json.loads(dairly(tmp_path, "stats", "--json").out)["entries"] == 1


def test_a_placeholder_line_dairly_new_wrote_still_holds_the_note_back(tmp_path: Path, dairly) -> None:
    make_repo(tmp_path, ["2022-01-09"])
    assert dairly(tmp_path, "new", "--date", "2022-01-10").code == 0
    path = tmp_path / "notes/202201/0110.md"
    text = path.read_text(encoding="utf-8")
    # the entry filled in, one of its field lines left as `dairly new` wrote it
    path.write_text(
        text.replace("[TODO article title](https://TODO)", "[A TODO app](https://e.com/t)")
        .replace("   - Abstract: TODO\n", "   - Abstract: 写完了\n")
        .replace("[TODO paper title](https://arxiv.org/abs/TODO)", "[p](https://arxiv.org/abs/1)")
        .replace("[https://github.com/TODO](https://github.com/TODO)", "[c](https://github.com/c)"),
        encoding="utf-8",
    )
    result = dairly(tmp_path, "publish", "--no-commit")
    assert result.err == (
        "notes/202201/0110.md: warning: is unfinished: line 13 still holds the placeholder TODO from"
        " `dairly new`; it stays out of the README until it is filled in\n"
    )
    lint = dairly(tmp_path, "lint")
    assert [ln for ln in lint.out.splitlines() if "0110" in ln] == [
        "notes/202201/0110.md:13: the Tips of entry 1 still holds the placeholder TODO from dairly new; fill it in",
        "notes/202201/0110.md:19: this line still holds the placeholder TODO from dairly new; fill it in",
    ]
    assert dairly(tmp_path, "search", "TODO app").out == "no entries match 'TODO app'\n"  # unfinished
