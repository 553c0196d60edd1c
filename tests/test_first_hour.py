"""The first hour of a new user, trap by trap (issue 19): from `dairly init` in an empty
folder or on a README of one's own, through the first days of `new` and `publish`, to a
clone that passes `dairly check` in CI. Real temp folders and real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from dairly.config import Settings
from dairly.readme.starter import add_missing_parts

from .conftest import write

EN_README = "# notes\n\nLast updated: \n\n## Today\n\n## History\n\n## Others\n"


def _fresh(tmp_path: Path, git) -> Path:
    root = tmp_path / "notes-repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    return root


# -- 1. clones pass `check` --------------------------------------------------------------


def test_init_commits_what_it_wrote_so_a_clone_passes_check(tmp_path: Path, dairly, git):
    root = _fresh(tmp_path, git)
    result = dairly(root, "init", "--preset", "en", "--no-hook")
    assert result.code == 0, result.err
    sha = git(root, "rev-parse", "--short", "HEAD").strip()
    assert f"committed {sha} 'dairly init': dairly.toml, README.md, .gitattributes\n" in result.out
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "log", "--format=%s") == "dairly init\n"
    git(tmp_path, "clone", "-q", str(root), "clone")
    check = dairly(tmp_path / "clone", "check")
    assert (check.code, check.out, check.err) == (0, "README.md is in sync with 0 notes\n", "")


def test_init_commits_only_its_own_files(tmp_path: Path, dairly, git):
    root = _fresh(tmp_path, git)
    write(root, "todo.txt", "mine\n")
    git(root, "add", "todo.txt")
    write(root, "scratch.txt", "also mine\n")
    assert dairly(root, "init", "--no-hook").code == 0
    assert git(root, "show", "--name-only", "--format=", "HEAD") == ".gitattributes\nREADME.md\n"
    assert git(root, "status", "--porcelain") == "A  todo.txt\n?? scratch.txt\n"


def test_init_leaves_a_readme_with_uncommitted_edits_and_says_what_to_commit(tmp_path: Path, dairly, git):
    root = _fresh(tmp_path, git)
    write(root, "README.md", "# mine\n")
    git(root, "add", "README.md")
    git(root, "commit", "-q", "-m", "mine")
    write(root, "README.md", "# mine\n\nan edit not committed yet\n")
    result = dairly(root, "init", "--preset", "zh", "--no-hook")
    assert result.code == 0, result.err
    assert "committed" in result.out and "'dairly init': .gitattributes\n" in result.out
    assert result.out.endswith(
        "commit what init wrote, so that clones and CI read it too: git add README.md && git commit -m 'dairly init'\n"
    )
    assert git(root, "status", "--porcelain") == " M README.md\n"


def test_init_that_cannot_commit_says_what_to_commit(tmp_path: Path, dairly, git, env):
    root = _fresh(tmp_path, git)
    no_identity = {k: "" for k in env if k.startswith("GIT_AUTHOR") or k.startswith("GIT_COMMITTER")}
    result = dairly(root, "init", "--preset", "en", "--no-hook", env_extra={**no_identity, "EMAIL": ""})
    assert result.code == 0, result.err
    assert "not committed: git has no user identity" in result.out
    assert result.out.endswith(
        "commit what init wrote, so that clones and CI read it too:"
        " git add dairly.toml README.md .gitattributes && git commit -m 'dairly init'\n"
    )


def test_check_names_the_missing_settings_file(tmp_path: Path, dairly):
    write(tmp_path, "README.md", EN_README)
    result = dairly(tmp_path, "check")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        "dairly: error: README.md: no '## 今日要点' heading (the newest note's highlights) found;"
        " the README's headings match the en preset: is dairly.toml missing or not committed?\n"
    )


# -- 2. adopting a README of one's own ---------------------------------------------------

MINE = (
    "# reading log\n"
    "[![ci](https://example.com/badge.svg)](https://example.com/ci)\n"
    "\n"
    "What I read, by day.\n"
    "\n"
    "## Links\n"
    "\n"
    "- [my site](https://example.com)\n"
)


def test_publish_right_after_adopting_needs_no_force(tmp_path: Path, dairly, git):
    root = _fresh(tmp_path, git)
    write(root, "README.md", MINE)
    write(root, "notes/202403/0305.md", "# Day one\n\n## 今日要点\n\n1. [Read](https://example.com/r)\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "mine")
    assert dairly(root, "init", "--preset", "zh", "--no-hook").code == 0
    publish = dairly(root, "publish")
    assert publish.code == 0, publish.err
    assert git(root, "status", "--porcelain") == ""
    assert dairly(root, "check").code == 0
    text = (root / "README.md").read_text(encoding="utf-8")
    assert text.startswith(MINE[: MINE.index("## Links")] + "更新今日时间：2024.3.5\n\n## Links\n")


@pytest.mark.parametrize(
    ("readme", "expected"),
    [
        (MINE, MINE.replace("## Links", "更新今日时间：\n\n## Links")),
        ("# T\n\nOne.\n\nTwo.\n\n- a list\n", "# T\n\nOne.\n\nTwo.\n\n更新今日时间：\n\n- a list\n"),
        ("# T\nA setext\n---\n", "# T\n\n更新今日时间：\n\nA setext\n---\n"),  # never under the title's line
        ("# T\n\n```\n## code\n```\n", "# T\n\n更新今日时间：\n\n```\n## code\n```\n"),
        ("# T", "# T\n\n更新今日时间：\n"),
        ("no title\n", "更新今日时间：\n\nno title\n"),
    ],
)
def test_the_date_line_goes_after_the_opening_block(readme: str, expected: str):
    sections = "\n## :paperclip:  今日要点\n\n## :paperclip:  历史更新\n"
    assert add_missing_parts(readme, Settings()) == expected + sections


# -- Issue 20, 13: init in a folder of a larger repository -----------------------------------


def test_init_in_a_subfolder_writes_nothing_and_says_why(tmp_path: Path, dairly, git):
    root = _fresh(tmp_path, git)
    write(root, "README.md", "# a project of its own\n")
    (root / "journal").mkdir()
    result = dairly(root / "journal", "init", "--no-hook")
    assert result.code == 2
    assert result.err == (
        f"dairly: error: this folder is inside the git repository at {root}, and dairly commands run anywhere"
        " in it work on its top level; to make the top level a notes repository, run `dairly init` there;"
        " to keep the notes in this folder, run `dairly --root . init` here and give every dairly command"
        " `--root journal` from the top\n"
    )
    assert sorted(p.name for p in root.iterdir()) == [".git", "README.md", "journal"]
    assert list((root / "journal").iterdir()) == []
    here = dairly(root / "journal", "--root", ".", "init", "--no-hook")
    assert here.code == 0, here.err
    assert sorted(p.name for p in (root / "journal").iterdir()) == ["README.md", "notes"]
    assert git(root, "show", "--name-only", "--format=", "HEAD") == ".gitattributes\njournal/README.md\n"


# -- 3, 4. nothing published is never success --------------------------------------------


def _en_repo(tmp_path: Path, dairly, git) -> Path:
    root = _fresh(tmp_path, git)
    assert dairly(root, "init", "--preset", "en", "--no-hook").code == 0
    return root


def _fill(root: Path, rel: str) -> None:
    """Fill in the highlights `dairly new` left, and leave the `- TODO` under Others."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    head, others = text.split("## Others")
    path.write_text(head.replace("TODO", "done") + "## Others" + others, encoding="utf-8")


def test_publishing_a_fresh_skeleton_fails_and_commits_nothing(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    now = {"DAIRLY_NOW": "2024-03-05T10:00"}
    assert dairly(root, "new", env_extra=now).code == 0
    readme = (root / "README.md").read_bytes()
    result = dairly(root, "publish", env_extra=now)
    assert (result.code, result.out) == (1, "")
    assert result.err == (  # the refusal alone: no warning repeating its note and line
        "dairly: error: notes/202403/0305.md:5: nothing published: the newest note is unfinished (this line"
        " still holds the placeholder TODO from `dairly new`); fill in its Today and publish again\n"
    )
    assert git(root, "log", "--format=%s") == "dairly init\n"
    assert (root / "README.md").read_bytes() == readme


def test_a_placeholder_outside_the_highlights_holds_nothing_back(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    now = {"DAIRLY_NOW": "2024-03-05T10:00"}
    assert dairly(root, "new", env_extra=now).code == 0
    _fill(root, "notes/202403/0305.md")
    result = dairly(root, "publish", env_extra=now)
    assert result.code == 0, result.err
    assert result.err == ""
    assert result.out.startswith("README.md: published notes/202403/0305.md\n")
    assert git(root, "log", "-1", "--format=%s") == "20240305\n"
    lint = dairly(root, "lint")
    assert "notes/202403/0305.md:13: this line still holds the placeholder TODO from dairly new" in lint.out


def test_a_newer_unfinished_note_is_named_when_nothing_else_changes(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    assert dairly(root, "new", "--date", "2024-03-05").code == 0
    _fill(root, "notes/202403/0305.md")
    assert dairly(root, "publish").code == 0
    assert dairly(root, "new", "--date", "2024-03-06").code == 0
    result = dairly(root, "publish")
    assert result.code == 1
    assert "notes/202403/0306.md:5: nothing published: the newest note is unfinished" in result.err
    assert git(root, "log", "--format=%s") == "20240305\ndairly init\n"


def test_an_empty_highlights_section_is_not_published(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    write(root, "notes/202403/0305.md", "# Day one\n\n## Today\n\n1. [Read](https://example.com/r)\n")
    assert dairly(root, "publish").code == 0
    readme = (root / "README.md").read_bytes()
    write(root, "notes/202403/0306.md", "# Day two\n\n## Today\n\n\n## Others\n\n- a link\n")
    result = dairly(root, "publish")
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        "dairly: error: notes/202403/0306.md:3: nothing published: the newest note's Today section is empty;"
        " write the day's highlights under it and publish again\n"
    )
    assert (root / "README.md").read_bytes() == readme
    assert git(root, "log", "--format=%s") == "20240305\ndairly init\n"


def test_no_commit_is_named_after_a_day_with_no_note(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    write(root, "notes/202403/images/a.txt", "a picture to be\n")
    result = dairly(root, "publish", env_extra={"DAIRLY_NOW": "2024-03-05T10:00"})
    assert result.code == 0, result.err
    assert git(root, "log", "-1", "--format=%s") == "dairly publish: no note published yet\n"


# -- 5. bad environment values are input errors ------------------------------------------

NOW_FORMS = "use ISO 8601, such as 2024-03-05, 2024-03-05T09:30 or 2024-03-05T09:30+08:00"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("yesterday", ""),
        ("2024-13-01", " (month must be in 1..12)"),
        ("2024-02-30T10:00", " (day is out of range for month)"),
    ],
)
@pytest.mark.parametrize("command", [["new"], ["publish"], ["check"], ["stats"], ["config"]])
def test_a_malformed_dairly_now_is_an_input_error(tmp_path: Path, dairly, value: str, reason: str, command):
    write(tmp_path, "README.md", "# n\n\n更新今日时间：\n\n## 今日要点\n\n## 历史更新\n")
    result = dairly(tmp_path, *command, env_extra={"DAIRLY_NOW": value})
    assert (result.code, result.out) == (2, "")
    assert result.err == f"dairly: error: DAIRLY_NOW={value!r} is not a date and time{reason}; {NOW_FORMS}\n"


def test_config_shows_dairly_now_when_set(tmp_path: Path, dairly):
    plain = dairly(tmp_path, "config")
    assert "DAIRLY_NOW" not in plain.out
    result = dairly(tmp_path, "config", env_extra={"DAIRLY_NOW": "2024-03-05T12:00:00+00:00"})
    assert result.code == 0
    assert result.out.endswith("DAIRLY_NOW          '2024-03-05T12:00:00+00:00'  (environment: today is 2024-03-05)\n")
    as_json = dairly(tmp_path, "config", "--json", env_extra={"DAIRLY_NOW": "2024-03-05"})
    shown = '"DAIRLY_NOW": {\n    "value": "2024-03-05",\n    "from": "environment: today is 2024-03-05"\n  }'
    assert shown in as_json.out


def test_a_malformed_lock_timeout_is_an_input_error(tmp_path: Path, dairly):
    write(tmp_path, "README.md", "# n\n\n更新今日时间：\n\n## 今日要点\n\n## 历史更新\n")
    result = dairly(tmp_path, "publish", "--no-commit", env_extra={"DAIRLY_LOCK_TIMEOUT": "soon"})
    assert (result.code, result.err) == (
        2,
        "dairly: error: DAIRLY_LOCK_TIMEOUT='soon' is not a number of seconds; use a number such as 60 or 2.5\n",
    )


# -- 6. merge-conflict markers -------------------------------------------------------------


def _day(root: Path, day: int) -> None:
    write(root, f"notes/202403/03{day:02d}.md", f"# Day {day}\n\n## Today\n\n1. [Read](https://example.com/{day})\n")


def test_a_readme_left_in_conflict_is_named_as_one(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    git(root, "config", "--remove-section", "merge.dairly-readme")  # as in a clone: git config is not cloned
    _day(root, 5)
    assert dairly(root, "publish").code == 0
    git(root, "checkout", "-q", "-b", "other")
    _day(root, 6)
    assert dairly(root, "publish").code == 0
    git(root, "checkout", "-q", "main")
    _day(root, 7)
    assert dairly(root, "publish").code == 0
    git(root, "merge", "-q", "other", check=False)
    for command in ("check", "publish"):
        result = dairly(root, command)
        assert (result.code, result.out) == (2, "")
        assert result.err == (
            "dairly: error: README.md:3: merge conflict: git left conflict markers on lines 3, 9, 15, 22, 24 and 26;"
            " run `dairly resolve`: it regenerates the parts dairly owns from the notes and stages README.md"
            " (or edit it by hand: keep what each side should keep and delete the marker lines)\n"
        ), command
    # The driver, once registered, merges it again by hand too: git stopped, MERGE_HEAD says with what.
    assert dairly(root, "hook", "install", "--driver-only").code == 0
    git(root, "checkout", "-m", "README.md")
    check = dairly(root, "check")
    assert (check.code, check.out, check.err) == (0, "README.md is in sync with 3 notes\n", "")


def test_a_note_left_in_conflict_is_named_as_one(tmp_path: Path, dairly):
    write(tmp_path, "README.md", "# n\n\n更新今日时间：\n\n## 今日要点\n\n## 历史更新\n")
    write(
        tmp_path,
        "notes/202403/0305.md",
        "# Day\n\n## 今日要点\n\n<<<<<<< HEAD\n1. [A](https://e.com/a)\n"
        "=======\n1. [B](https://e.com/b)\n>>>>>>> other\n",
    )
    result = dairly(tmp_path, "check")
    assert (result.code, result.err) == (
        2,
        "dairly: error: notes/202403/0305.md:5: merge conflict: git left conflict markers on lines 5, 7 and 9;"
        " edit it by hand: keep what each side should keep and delete the marker lines, or take one side whole"
        " with `git checkout --ours notes/202403/0305.md` (or --theirs)\n",
    )


@pytest.mark.parametrize(
    "text",
    [
        "# T\n\nA title\n=======\n",  # a setext underline alone
        "```\n<<<<<<< HEAD\na\n=======\nb\n>>>>>>> x\n```\n",  # an example in a code block
        "<<<<<<< HEAD\nnever closed\n",
        "x <<<<<<< HEAD\n=======\n>>>>>>> x\n",  # not at column 0
    ],
)
def test_what_is_not_a_conflict(text: str):
    from dairly.conflicts import conflict_lines

    assert conflict_lines(text) == []


def test_a_diff3_conflict_names_its_base_line():
    from dairly.conflicts import conflict_lines

    assert conflict_lines("a\r\n<<<<<<< ours\r\nx\r\n||||||| base\r\ny\r\n=======\r\nz\r\n>>>>>>> theirs\r\n") == [
        2,
        4,
        6,
        8,
    ]


# -- 7. not a notes repository yet ---------------------------------------------------------


@pytest.mark.parametrize("command", ["publish", "check"])
def test_an_empty_folder_points_to_init(tmp_path: Path, dairly, git, command: str):
    root = _fresh(tmp_path, git)
    result = dairly(root, command)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"dairly: error: {root}: not a notes repository yet (no README.md, no settings, no notes/): run `dairly init`\n"
    )


def test_a_missing_readme_beside_notes_is_still_named(tmp_path: Path, dairly):
    _day(tmp_path, 5)
    result = dairly(tmp_path, "check")
    assert (result.code, result.err) == (
        2,
        "dairly: error: README.md: not found (set `readme` in dairly.toml if it lives elsewhere)\n",
    )


# -- 8. the pre-commit framework -------------------------------------------------------------

PROJECT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("README.md", True),
        ("notes/202403/0305.md", True),
        ("notes/202403/images/a.png", True),
        ("dairly.toml", True),  # a new date_format changes the README
        ("pyproject.toml", True),  # [tool.dairly]
        ("docs/README.md", False),
        ("src/dairly.toml.bak", False),
        ("CHANGELOG.md", False),
    ],
)
def test_the_pre_commit_hook_runs_when_the_settings_change(path: str, runs: bool):
    import re

    import yaml

    (hook,) = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert bool(re.search(hook["files"], path)) is runs  # as pre-commit matches it


def test_the_readme_recommends_an_immutable_pin():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    assert "pre-commit autoupdate --freeze" in readme
    assert "survive into a clone of main here" not in readme  # our situation, not the user's


# -- 10. the smaller things -------------------------------------------------------------------


def test_init_says_what_it_wrote_before_asking_about_the_hook(tmp_path: Path, git, env, monkeypatch, capsys):
    from dairly.commands import init
    from dairly.workspace import Workspace

    root = _fresh(tmp_path, git)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(root)
    asked: list[str] = []

    def answer(question: str) -> str:
        asked.append(capsys.readouterr().out)
        return "y"

    monkeypatch.setattr("builtins.input", answer)
    assert init.run(Workspace.open(None), preset=None, hook=True, ask=True, here=str(root)) == 0
    (before,) = asked
    assert before.startswith("wrote README.md\ncreated notes/\nregistered the README merge driver: ")
    assert "'dairly init': README.md, .gitattributes\n" in before
    after = capsys.readouterr().out
    assert after.startswith(f"installed {root}/.git/hooks/pre-commit\n")
    assert "  dairly hook install" not in after


def test_publish_says_what_it_updated(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    _day(root, 5)
    result = dairly(root, "publish")
    assert result.out.splitlines()[1:4] == [
        "  updated: README.md:3: Last updated is (empty), but the newest note is March 5, 2024 (notes/202403/0305.md)",
        "  updated: README.md:5: Today does not match notes/202403/0305.md, the note being published",
        "  updated: notes/202403/0305.md: is missing from the History tree in README.md",
    ]
    assert "fixed" not in result.out


def test_feed_without_a_remote_says_so(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    _day(root, 5)
    result = dairly(root, "feed")
    assert (result.code, result.err) == (
        2,
        "dairly: error: --base-url is needed: there is no `origin` remote to find the notes' address from;"
        " pass --base-url https://github.com/OWNER/REPO/blob/main/ (or wherever they are published)\n",
    )
    git(root, "remote", "add", "origin", "https://gitlab.com/me/notes.git")
    other = dairly(root, "feed")
    assert other.err == "dairly: error: --base-url is needed: the `origin` remote is not a GitHub repository\n"


def test_the_en_starter_readme_ends_with_its_history(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    text = (root / "README.md").read_text(encoding="utf-8")
    assert text == "# notes-repo\n\nLast updated:\n\n## Today\n\n## History\n"


def test_new_raises_for_a_note_already_there(tmp_path: Path):
    import datetime

    from dairly.commands import new
    from dairly.errors import NotesError
    from dairly.workspace import Workspace

    _day(tmp_path, 5)
    ws = Workspace.open(tmp_path)
    with pytest.raises(NotesError) as raised:
        new.run(ws, date=datetime.date(2024, 3, 5))
    assert raised.value.exit_code == 1
    assert raised.value.message == "already exists; nothing written"


def test_the_readme_tells_how_to_install_completion():
    assert "dairly --install-completion" in (PROJECT / "README.md").read_text(encoding="utf-8")


def test_check_names_settings_that_choose_another_preset(tmp_path: Path, dairly):
    write(tmp_path, "dairly.toml", 'preset = "en"\n')
    write(tmp_path, "README.md", "# n\n\n更新今日时间：\n\n## :paperclip:  今日要点\n\n## :paperclip:  历史更新\n")
    result = dairly(tmp_path, "check")
    assert (result.code, result.err) == (
        2,
        "dairly: error: README.md: no '## Today' heading (the newest note's highlights) found;"
        " the README's headings match the zh preset, but the settings choose en\n",
    )
