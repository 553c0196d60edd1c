"""The installed `dairly` command, run as a user runs it, in real temporary folders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import make_repo, note_text, write


def test_new_creates_the_note_skeleton(tmp_path: Path, dairly):
    (tmp_path / "notes").mkdir()  # a notes repository, as init leaves one (no git needed)
    result = dairly(tmp_path, "new", "--date", "2022-03-07")
    assert (result.code, result.out, result.err) == (0, "notes/202203/0307.md\n", "")
    assert (tmp_path / "notes/202203/0307.md").read_text(encoding="utf-8") == (
        "# 公众号内容拓展学习笔记（2022.3.7）\n"
        "\n"
        "------\n"
        "\n\n\n"
        "## :paperclip:  今日要点\n"
        "\n"
        "1. [TODO article title](https://TODO)         :star::star:\n"
        "   - Abstract: TODO\n"
        "   - Paper: [TODO paper title](https://arxiv.org/abs/TODO)\n"
        "   - Code: [https://github.com/TODO](https://github.com/TODO)\n"
        "   - Tips: TODO\n"
        "\n\n\n"
        "## :paperclip:  Others\n"
        "\n"
        "- TODO\n"
    )


def test_new_refuses_to_overwrite(tmp_path: Path, dairly):
    write(tmp_path, "notes/202203/0307.md", "mine\n")
    result = dairly(tmp_path, "new", "--date", "2022-03-07")
    assert result.code == 1
    assert result.err == "dairly: error: notes/202203/0307.md: already exists; nothing written\n"
    assert (tmp_path / "notes/202203/0307.md").read_text() == "mine\n"


def test_new_edit_opens_the_editor(tmp_path: Path, dairly):
    (tmp_path / "notes").mkdir()
    editor = write(tmp_path, "editor.py", "import sys\nopen(sys.argv[1], 'a').write('edited\\n')\n")
    result = dairly(
        tmp_path, "new", "--date", "2022-03-07", "--edit", env_extra={"EDITOR": f"{sys.executable} {editor}"}
    )
    assert result.code == 0
    assert (tmp_path / "notes/202203/0307.md").read_text(encoding="utf-8").endswith("- TODO\nedited\n")


def test_new_uses_the_configured_title(tmp_path: Path, dairly):
    write(tmp_path, "dairly.toml", 'title_template = "Reading {year}-{month:02d}-{day:02d}"\n')
    assert dairly(tmp_path, "new", "--date", "2023-01-05").code == 0
    assert (tmp_path / "notes/202301/0105.md").read_text(encoding="utf-8").startswith("# Reading 2023-01-05\n")


def test_publish_then_check_round_trip(tmp_path: Path, dairly):
    make_repo(tmp_path, ["2021-09-28", "2021-10-03", "2022-01-09"])
    before = dairly(tmp_path, "check")
    assert before.code == 1
    assert before.out.splitlines() == [
        "README.md:6: 更新今日时间 is 2021.9.1, but the newest note is 2022.1.9 (notes/202201/0109.md)",
        "README.md:10: 今日要点 does not match notes/202201/0109.md, the note being published",
        "notes/202109/0928.md: is missing from the 历史更新 tree in README.md",
        "notes/202110/1003.md: is missing from the 历史更新 tree in README.md",
        "notes/202201/0109.md: is missing from the 历史更新 tree in README.md",
        "5 problems; run `dairly publish` to fix the README",
    ]
    published = dairly(tmp_path, "publish", "--no-commit")
    assert published.code == 0, published.err
    assert published.out.startswith("README.md: published notes/202201/0109.md\n")
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "更新今日时间：2022.1.9\n" in text and text.endswith("- keep this line\n")
    after = dairly(tmp_path, "check")
    assert (after.code, after.out) == (0, "README.md is in sync with 3 notes\n")
    again = dairly(tmp_path, "publish", "--no-commit")
    assert (again.code, again.out) == (0, "README.md is already up to date\n")
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == text


def test_dry_run_prints_a_diff_and_writes_nothing(tmp_path: Path, dairly):
    make_repo(tmp_path, ["2022-01-09"])
    before = (tmp_path / "README.md").read_bytes()
    result = dairly(tmp_path, "publish", "--dry-run")
    assert result.code == 0
    assert "--- a/README.md\n+++ b/README.md\n" in result.out
    assert "-更新今日时间：2021.9.1\n+更新今日时间：2022.1.9\n" in result.out
    assert (tmp_path / "README.md").read_bytes() == before


def test_check_diff_shows_the_fix(tmp_path: Path, dairly):
    make_repo(tmp_path, ["2022-01-09"])
    result = dairly(tmp_path, "check", "--diff")
    assert result.code == 1
    assert "+更新今日时间：2022.1.9" in result.out


def test_publish_date_names_the_note_that_must_be_promoted(tmp_path: Path, dairly):
    make_repo(tmp_path, ["2022-01-09", "2022-01-23"])
    before = (tmp_path / "README.md").read_bytes()
    older = dairly(tmp_path, "publish", "--no-commit", "--date", "2022-01-09")
    assert (older.code, older.out) == (2, "")
    assert older.err == (
        "dairly: error: --date 2022-01-09: the README shows the newest note, notes/202201/0123.md,"
        " and `dairly check` would reject one showing notes/202201/0109.md; to show notes/202201/0109.md,"
        " mark the newer notes as drafts (front matter `draft: true`)\n"
    )
    assert (tmp_path / "README.md").read_bytes() == before
    missing = dairly(tmp_path, "publish", "--no-commit", "--date", "2022-01-10")
    assert (missing.code, missing.err) == (1, "dairly: error: notes/202201/0110.md: no note for 2022-01-10\n")
    assert dairly(tmp_path, "publish", "--no-commit", "--date", "20220123").code == 0
    assert "更新今日时间：2022.1.23\n" in (tmp_path / "README.md").read_text(encoding="utf-8")
    assert dairly(tmp_path, "check").code == 0


def test_root_option_and_python_dash_m(tmp_path: Path, env):
    make_repo(tmp_path / "repo", ["2022-01-09"])
    proc = subprocess.run(
        [sys.executable, "-m", "dairly", "--root", str(tmp_path / "repo"), "publish", "--no-commit"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert "更新今日时间：2022.1.9" in (tmp_path / "repo/README.md").read_text(encoding="utf-8")


def test_default_root_is_the_git_work_tree(tmp_path: Path, dairly, git):
    make_repo(tmp_path, ["2022-01-09"])
    git(tmp_path, "init", "-q")
    result = dairly(tmp_path / "notes/202201", "publish", "--no-commit")
    assert result.code == 0, result.err
    assert "更新今日时间：2022.1.9" in (tmp_path / "README.md").read_text(encoding="utf-8")


def test_publish_refuses_when_notes_need_a_human(tmp_path: Path, dairly):
    make_repo(tmp_path, ["2022-01-09"])
    write(tmp_path, "notes/202105/05010.md", note_text("bad"))
    before = (tmp_path / "README.md").read_bytes()
    result = dairly(tmp_path, "publish", "--no-commit")
    assert result.code == 1
    assert "notes/202105/05010.md: is not a note path" in result.out
    assert (tmp_path / "README.md").read_bytes() == before


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda root: write(root, "README.md", "no headings\n"), "README.md: no '## 今日要点' heading"),
        (
            lambda root: write(root, "README.md", (root / "README.md").read_text() + "## :paperclip:  历史更新\n"),
            "README.md:14: the '## 历史更新' heading appears 2 times (lines 14 and 21); keep one",
        ),
        (
            lambda root: (root / "README.md").write_bytes(b"\xff\xfe bad"),
            "README.md: is not UTF-8 (byte 0xff at offset 0)",
        ),
        (lambda root: (root / "notes/202201/0109.md").write_bytes(b"# \xb1\n"), "notes/202201/0109.md: is not UTF-8"),
        (lambda root: write(root, "dairly.toml", "colour = 1\n"), "dairly.toml: unknown setting 'colour'"),
        (lambda root: (root / "README.md").unlink(), "README.md: not found"),
    ],
)
@pytest.mark.parametrize("command", [["check"], ["publish", "--no-commit"]])
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path: Path, dairly, setup, message, command):
    make_repo(tmp_path, ["2022-01-09"])
    setup(tmp_path)
    readme = tmp_path / "README.md"
    before = readme.read_bytes() if readme.exists() else None
    result = dairly(tmp_path, *command)
    assert result.code == 2
    assert result.err.startswith(f"dairly: error: {message}")
    assert result.err.count("\n") == 1 and "Traceback" not in result.err
    assert (readme.read_bytes() if readme.exists() else None) == before
    assert not list(tmp_path.glob(".dairly-tmp-*"))


def test_bad_date_option_is_a_usage_error(tmp_path: Path, dairly):
    result = dairly(tmp_path, "new", "--date", "2022-13-01")
    assert (result.code, result.err) == (2, "dairly: error: invalid --date '2022-13-01': there is no month 13\n")


def test_help_names_the_parts_by_the_repository_labels(tmp_path: Path, dairly):
    en = tmp_path / "en"
    write(en, "dairly.toml", 'preset = "en"\n')
    zh = make_repo(tmp_path / "zh", ["2022-01-09"])
    nowhere = tmp_path / "empty"
    nowhere.mkdir()
    for command in ("publish", "check", "search", "lint", "new", "init"):
        english = dairly(en, command, "--help").out
        assert "Today" in english and not re.search("今日要点|更新今日时间|历史更新", english), command
        assert dairly(nowhere, "--root", str(en), command, "--help").out == english
        assert re.search(r"\(今日要点[,)]", " ".join(dairly(zh, command, "--help").out.split())), command
        generic = " ".join(dairly(nowhere, command, "--help").out.split())  # as one line: help is wrapped
        assert re.search(r"highlights sections? \(今日要点 by default\)", generic), command
        assert "{" + "highlights}" not in generic
    english = " ".join(dairly(en, "publish", "--help").out.split())
    assert "(Last updated)" in english and "(History)" in english
    assert "highlights sections (Today)" in dairly(en, "--help").out  # the list of commands too


def test_preset_values_complete(tmp_path: Path, dairly):
    def complete(words: str) -> list[str]:
        env = {"_DAIRLY_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": str(len(words.split(" ")) - 1)}
        result = dairly(tmp_path, env_extra=env)
        return result.out.split()

    assert complete("dairly init --preset ") == ["zh", "en"]
    assert complete("dairly init --preset e") == ["en"]
