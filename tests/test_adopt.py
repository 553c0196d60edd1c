"""init adopting the README a person already keeps: the preset its headings choose, its
own sections taken over in place at their level, a date label it uses further down, the
headings it meant and GitHub does not show, and `init --undo`."""

from __future__ import annotations

from pathlib import Path

from .conftest import README_SKELETON, make_repo, write


def _repo(root: Path, git, readme: str, **files: str) -> Path:
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, "README.md", readme)
    for path, text in files.items():
        write(root, path, text)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "mine")
    return root


EN_README = "# Reading\n\nWhat I read.\n\n## Today\n\n## History\n\n## License\n\nMIT\n"


def test_plain_init_picks_the_preset_the_readmes_headings_match(tmp_path: Path, dairly, git) -> None:
    root = _repo(tmp_path / "r", git, EN_README)
    result = dairly(root, "init", "--no-hook")
    assert result.code == 0, result.err
    assert result.out.startswith(
        "README.md's headings '## Today' and '## History' match the en preset\nwrote dairly.toml (preset = \"en\")\n"
    )
    assert (root / "dairly.toml").read_text(encoding="utf-8") == 'preset = "en"\n'
    assert (root / "README.md").read_text(encoding="utf-8") == EN_README.replace(
        "What I read.\n", "What I read.\n\nLast updated:\n"
    )
    write(root, "notes/202403/0305.md", "# Day one\n\n## Today\n\n1. [Read](https://example.com/r)\n")
    assert dairly(root, "publish").code == 0
    assert dairly(root, "check").code == 0


OWN_INDEX = (
    "# 精选博文\n"
    "\n"
    "时间：2019.1.1\n"
    "\n"
    "### 历史汇总\n"
    "\n"
    "- [旧的一篇](notes/201812/1231.md)\n"
    "\n"
    "### 文章列表\n"
    "\n"
    "- [一篇](https://e.com/1)\n"
    "时间：2018-12-01\n"
    "- [二篇](https://e.com/2)\n"
    "时间：2018-12-02\n"
)


def test_init_takes_over_an_index_at_its_own_level_in_place(tmp_path: Path, dairly, git) -> None:
    settings = 'history_heading = "历史汇总"\ndate_label = "时间"\n'
    root = _repo(tmp_path / "r", git, OWN_INDEX, **{"dairly.toml": settings})
    result = dairly(root, "init", "--no-hook")
    assert result.code == 0, result.err
    assert result.out.startswith(
        "adopted README.md's own level-3 sections in place (section_level = 3)\n"
        'added to dairly.toml: section_level = "3"\n'
        "added the missing parts to README.md\n"
    )
    assert (root / "dairly.toml").read_text(encoding="utf-8") == settings + 'section_level = "3"\n'
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme == OWN_INDEX + "\n### :paperclip:  今日要点\n"  # one history section: the author's
    again = dairly(root, "init", "--no-hook")
    assert again.out.startswith(f"{root} is already set up; nothing to do\n")
    write(root, "notes/201901/0101.md", "# 一月一日\n\n## :paperclip:  今日要点\n\n1. [新](https://e.com/n)\n")
    published = dairly(root, "publish")
    assert published.code == 0, published.out + published.err
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.count("### 历史汇总") == 1 and readme.count("今日要点") == 1
    assert readme.startswith("# 精选博文\n\n时间：2019.1.1\n\n### 历史汇总\n\n<pre><details>")
    assert "时间：2018-12-01\n" in readme  # the author's own list stays as it was
    assert dairly(root, "check").code == 0


def test_an_en_readme_with_a_heading_in_another_case_is_named_not_doubled(tmp_path: Path, dairly, git) -> None:
    readme = "# Reading\n\n## Today\n\n## history\n"
    root = _repo(tmp_path / "r", git, readme)
    result = dairly(root, "init", "--no-hook")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "dairly: error: README.md: not adopted: found '## history' on line 5: its title is not 'History'"
        " (case counts); write '## History'; then run `dairly init` again\n"
    )
    assert (root / "README.md").read_text(encoding="utf-8") == readme
    assert not (root / "dairly.toml").exists()


def test_a_glued_heading_is_named_with_its_line(tmp_path: Path, dairly) -> None:
    readme = README_SKELETON.replace("## :paperclip:  今日要点", "##:paperclip:  今日要点")
    make_repo(tmp_path, ["2022-01-09"], readme=readme)
    result = dairly(tmp_path, "check")
    assert result.err == (
        "dairly: error: README.md: no '## 今日要点' heading (the newest note's highlights) found;"
        " found '##:paperclip:  今日要点' on line 10: GitHub shows it as text; write '## :paperclip:  今日要点'\n"
    )


def test_a_note_with_a_glued_highlights_heading_is_named_with_its_line(tmp_path: Path, dairly) -> None:
    make_repo(tmp_path, [])
    write(tmp_path, "notes/202201/0110.md", "# 笔记\n\n##:paperclip:  今日要点\n\n1. [a](https://e.com/a)\n")
    result = dairly(tmp_path, "publish", "--no-commit")
    assert result.out == (
        "notes/202201/0110.md: has no '## 今日要点' section to promote; found '##:paperclip:  今日要点' on line 3:"
        " GitHub shows it as text; write '## :paperclip:  今日要点'\n"
    )


def test_a_readme_heading_in_another_case_is_named_by_check(tmp_path: Path, dairly) -> None:
    readme = "# R\n\nLast updated: \n\n## Today\n\n## history\n"
    make_repo(tmp_path, [], readme=readme)
    write(tmp_path, "dairly.toml", 'preset = "en"\n')
    result = dairly(tmp_path, "check")
    assert result.err == (
        "dairly: error: README.md: no '## History' heading (the history tree) found; found '## history' on"
        " line 7: its title is not 'History' (case counts); write '## History'\n"
    )


def test_init_undo_takes_back_its_commit_and_registrations(tmp_path: Path, dairly, git) -> None:
    root = _repo(tmp_path / "r", git, EN_README.replace("## Today", "## Today's reading"))
    before = git(root, "rev-parse", "HEAD")
    assert dairly(root, "init", "--no-hook").code == 0
    assert git(root, "config", "--local", "--get", "merge.dairly-readme.driver") != ""
    result = dairly(root, "init", "--undo")
    assert result.code == 0, result.err
    assert result.out.startswith("took back ")
    assert git(root, "rev-parse", "HEAD") == before
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""
    assert (root / "README.md").read_text(encoding="utf-8") == EN_README.replace("## Today", "## Today's reading")
    assert not (root / ".gitattributes").exists() and not (root / "notes").exists()
    assert git(root, "config", "--local", "--get-regexp", "merge", check=False) == ""


def test_init_undo_changes_nothing_once_head_moved_on(tmp_path: Path, dairly, git) -> None:
    root = _repo(tmp_path / "r", git, EN_README)
    assert dairly(root, "init", "--no-hook").code == 0
    write(root, "other.txt", "later\n")
    git(root, "add", "other.txt")
    git(root, "commit", "-q", "-m", "later work")
    result = dairly(root, "init", "--undo")
    assert result.code == 2
    assert result.err.startswith("dairly: error: HEAD is ")
    assert result.err.endswith(
        " 'later work', not init's commit 'dairly init', so init --undo changes nothing; to undo init by hand:"
        " `git revert` its commit, then `git config --local --remove-section merge.dairly-readme`\n"
    )
    assert git(root, "log", "--format=%s") == "later work\ndairly init\nmine\n"


MINE = "# Reading\n\nWhat I read.\n\n## Links\n\n- [site](https://e.com)\n"


def test_a_readme_matching_no_preset_is_asked_about_on_a_terminal(tmp_path: Path, git, env, monkeypatch) -> None:
    from dairly.commands import init
    from dairly.workspace import Workspace

    root = _repo(tmp_path / "r", git, MINE)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(root)
    asked: list[str] = []

    def answer(question: str) -> str:
        asked.append(question)
        return "en"

    monkeypatch.setattr("builtins.input", answer)
    assert init.run(Workspace.open(None), preset=None, hook=False, ask=True, here=str(root)) == 0
    assert asked == ["README.md has none of dairly's headings yet; add them in which language? [zh/en] "]
    assert (root / "dairly.toml").read_text(encoding="utf-8") == 'preset = "en"\n'
    assert (
        (root / "README.md").read_text(encoding="utf-8").endswith("- [site](https://e.com)\n\n## Today\n\n## History\n")
    )


def test_off_a_terminal_a_readme_matching_no_preset_is_an_error_naming_both(tmp_path: Path, dairly, git) -> None:
    root = _repo(tmp_path / "r", git, MINE)
    result = dairly(root, "init", "--no-hook")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "dairly: error: README.md has none of dairly's headings, so which language to add them in is unknown;"
        " run `dairly init --preset zh` or `dairly init --preset en`\n"
    )
    assert (root / "README.md").read_text(encoding="utf-8") == MINE  # nothing written
    assert not (root / "dairly.toml").exists() and not (root / ".gitattributes").exists()
    assert git(root, "status", "--porcelain") == ""
    chosen = dairly(root, "init", "--no-hook", "--preset", "en")
    assert chosen.code == 0, chosen.err
    assert (root / "README.md").read_text(encoding="utf-8").endswith("## Today\n\n## History\n")


def test_publish_says_what_hand_edit_in_the_promoted_section_it_replaced(tmp_path: Path, dairly) -> None:
    make_repo(tmp_path, ["2022-01-09"])
    assert dairly(tmp_path, "publish", "--no-commit").code == 0
    readme = tmp_path / "README.md"
    text = readme.read_text(encoding="utf-8")
    readme.write_text(text.replace("   - Tips: x\n", "   - Tips: x\nmy own words\n"), encoding="utf-8")
    result = dairly(tmp_path, "publish", "--no-commit")
    assert result.code == 0
    assert result.out == (
        "README.md: published notes/202201/0109.md\n"
        "  updated: README.md:10: 今日要点 does not match notes/202201/0109.md, the note being published\n"
        "  replaced: README.md:14: 'my own words' was not in notes/202201/0109.md's 今日要点\n"
    )
    assert readme.read_text(encoding="utf-8") == text


def test_an_owned_heading_at_another_level_is_named_with_the_setting(tmp_path: Path, dairly) -> None:
    make_repo(tmp_path, ["2022-01-09"], readme=README_SKELETON.replace("## :paperclip:  历史更新", "### 历史更新"))
    result = dairly(tmp_path, "check")
    assert result.err == (
        "dairly: error: README.md: no '## 历史更新' heading (the history tree) found; found '### 历史更新' on line 14:"
        " a level-3 heading, not level 2; write '## :paperclip:  历史更新'"
        ' or set section_level = "3" in dairly.toml\n'
    )


def test_a_readme_without_headings_takes_the_language_of_the_notes_headings(tmp_path: Path, dairly, git) -> None:
    note = "# March 5\n\n## Today\n\n1. [Read](https://e.com/r)\n"
    root = _repo(tmp_path / "r", git, MINE, **{"notes/202403/0305.md": note})
    result = dairly(root, "init", "--no-hook")
    assert result.code == 0, result.err
    assert result.out.startswith(
        "README.md has none of dairly's headings; the notes' headings match the en preset\n"
        'wrote dairly.toml (preset = "en")\n'
    )
    assert (root / "README.md").read_text(encoding="utf-8").endswith("## Today\n\n## History\n")
    assert dairly(root, "publish").code == 0
    assert dairly(root, "check").code == 0
