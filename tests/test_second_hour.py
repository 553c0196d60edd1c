"""The second hour (issue 27): adopting, merging and hooking as people really do. Real
temp folders and real git repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import write

PROJECT = Path(__file__).resolve().parent.parent


def _en_repo(tmp_path: Path, dairly, git) -> Path:
    root = tmp_path / "notes-repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    assert dairly(root, "init", "--preset", "en", "--no-hook").code == 0
    return root


def _day(root: Path, day: int, extra: str = "") -> str:
    rel = f"notes/202403/03{day:02d}.md"
    write(root, rel, f"# Day {day}\n\n## Today\n\n1. [Read](https://example.com/{day}){extra}\n\n## Others\n\n- x\n")
    return rel


# -- 9. the smaller things ----------------------------------------------------------------


def test_the_plain_hook_is_quiet_on_success_and_says_why_on_failure(tmp_path: Path, dairly, git, env):
    root = _en_repo(tmp_path, dairly, git)
    assert dairly(root, "hook", "install").code == 0
    _day(root, 5)
    assert dairly(root, "publish", "--no-commit").code == 0
    git(root, "add", "-A")
    ok = subprocess.run(["git", "commit", "-q", "-m", "day 5"], cwd=root, capture_output=True, text=True, env=env)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")
    _day(root, 6)
    git(root, "add", "-A")
    refused = subprocess.run(["git", "commit", "-q", "-m", "day 6"], cwd=root, capture_output=True, text=True, env=env)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert "notes/202403/0306.md: is missing from the History tree in README.md\n" in refused.stderr


def test_a_fresh_readme_has_no_trailing_space_and_publish_fills_the_date_in(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    readme = root / "README.md"
    assert readme.read_text(encoding="utf-8") == "# notes-repo\n\nLast updated:\n\n## Today\n\n## History\n"
    _day(root, 5)
    assert dairly(root, "publish").code == 0
    assert readme.read_text(encoding="utf-8").startswith("# notes-repo\n\nLast updated: March 5, 2024\n\n")
    assert dairly(root, "check").code == 0


def test_the_pre_commit_snippet_keeps_its_comment_off_the_rev_line():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    (rev,) = [line for line in snippet.splitlines() if line.strip().startswith("rev:")]
    assert rev.strip() == "rev: main"  # `autoupdate --freeze` rewrites this line; a comment on it would lie


@pytest.mark.parametrize("value", ["2024-3-5", "5/3/2024", "20240305x"])
def test_a_malformed_date_names_both_accepted_forms(tmp_path: Path, dairly, value: str):
    result = dairly(tmp_path, "new", "--date", value)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"dairly: error: invalid --date {value!r}: use YYYY-MM-DD or YYYYMMDD\n"


@pytest.mark.parametrize("value", ["notaurl", "github.com/me/notes/", "ftp://example.com/notes/", "https:///x/"])
def test_feed_refuses_a_base_url_that_is_not_a_web_address(tmp_path: Path, dairly, git, value: str):
    root = _en_repo(tmp_path, dairly, git)
    _day(root, 5)
    result = dairly(root, "feed", "--base-url", value)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"dairly: error: invalid --base-url {value!r}: use an http:// or https:// address,"
        " such as https://github.com/OWNER/REPO/blob/main/\n"
    )


def test_new_refuses_a_malformed_dairly_now_even_with_a_date(tmp_path: Path, dairly):
    result = dairly(tmp_path, "new", "--date", "2024-01-01", env_extra={"DAIRLY_NOW": "yesterday"})
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("dairly: error: DAIRLY_NOW='yesterday' is not a date and time; use ISO 8601")
    assert not (tmp_path / "notes").exists()


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_dairly_workers_is_unset(tmp_path: Path, dairly, git, value: str):
    root = _en_repo(tmp_path, dairly, git)
    _day(root, 5)
    result = dairly(root, "stats", "--json", env_extra={"DAIRLY_WORKERS": value})
    assert (result.code, result.err) == (0, "")


@pytest.mark.parametrize(
    "command", [["stats"], ["lint"], ["search", "Read"], ["export"], ["feed", "--base-url", "https://e.com/"]]
)
def test_no_wal_or_shm_file_is_left_beside_the_index(tmp_path: Path, dairly_process, git, dairly, command):
    root = _en_repo(tmp_path, dairly, git)
    _day(root, 5)
    result = dairly_process(root, *command)
    assert result.code == 0, result.err
    if command[0] == "search":  # search reads the notes until an index exists: make one, then search it
        assert dairly_process(root, "stats").code == 0
        assert dairly_process(root, *command).code == 0
    assert sorted(p.name for p in (root / ".git" / "dairly").iterdir()) == ["index.sqlite3"]


def test_a_merge_keeps_a_bare_date_line_and_takes_the_published_one():
    import datetime

    from dairly.config import settings_from_mapping
    from dairly.readme.merge import merge_readme

    settings, _ = settings_from_mapping({"preset": "en"}, "dairly.toml")
    bare = "# n\n\nLast updated:\n\n## Today\n\n## History\n\n## Mine\n"
    published = bare.replace("Last updated:", "Last updated: March 5, 2024")

    def line_merge(ours: str, base: str, theirs: str) -> tuple[str, bool]:
        assert ours == base  # the date line reads alike, bare or not
        return theirs, True

    today = datetime.date(2024, 3, 6)
    assert merge_readme(bare, bare, bare, settings, line_merge, None, today).text == bare
    assert merge_readme(bare, bare, published, settings, line_merge, None, today).text == published
