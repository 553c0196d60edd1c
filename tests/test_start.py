"""Anyone can start a notes repository: `dairly init` in an empty folder, an empty git
repository and an existing one; the en preset; settings and where they come from; the
user's own day; the command line's habits."""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import DAIRLY, write

NEXT_STEPS = (
    "\nNext:\n"
    "  dairly new            # write today's note\n"
    "  dairly publish        # put it in the README and commit\n"
    "  dairly hook install   # check the README on every commit\n"
    "  dairly check          # what CI runs: the README is what publish would write\n"
)


def test_init_in_an_empty_folder(tmp_path: Path, dairly):
    root = tmp_path / "my_notes"
    root.mkdir()
    result = dairly(root, "init")
    assert result.code == 0, result.err
    assert result.out == "wrote README.md\ncreated notes/\n" + NEXT_STEPS.replace(
        "  dairly hook install   # check the README on every commit\n", ""
    ).replace(
        "Next:\n",
        "Next:\n  git init              # publish commits: make this a git repository, then `dairly init` again\n",
    )
    assert (root / "README.md").read_text(encoding="utf-8") == (
        "# my_notes\n\n更新今日时间：\n\n## :paperclip:  今日要点\n\n## :paperclip:  历史更新\n"
    )
    assert sorted(p.name for p in root.iterdir()) == ["README.md", "notes"]  # no dairly.toml for the default
    check = dairly(root, "check")
    assert (check.code, check.out) == (0, "README.md is in sync with 0 notes\n")
    publish = dairly(root, "publish", "--no-commit")
    assert (publish.code, publish.out) == (0, "README.md is already up to date\n")
    again = dairly(root, "init")
    assert again.out.startswith(f"{root} is already set up; nothing to do\n")
    assert (root / "README.md").read_text(encoding="utf-8").count("今日要点") == 1


def test_init_in_an_empty_git_repository_registers_the_merge_driver(tmp_path: Path, dairly, git):
    git(tmp_path, "init", "-q", "-b", "main")
    result = dairly(tmp_path, "init", "--no-hook")
    assert result.code == 0, result.err
    assert "wrote README.md\ncreated notes/\n" in result.out
    assert "merge" in result.out  # what was registered, in the driver's own words
    assert "README.md merge=dairly-readme" in (tmp_path / ".gitattributes").read_text(encoding="utf-8")
    assert git(tmp_path, "config", "merge.dairly-readme.driver").strip()
    assert dairly(tmp_path, "check").code == 0
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".git/" not in str(p)}
    assert dairly(tmp_path, "init", "--no-hook").code == 0
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file() and ".git/" not in str(p)} == before


def test_init_adopts_an_existing_readme_keeping_every_byte(tmp_path: Path, dairly, git):
    mine = "# reading log\r\n\r\nWhat I read, by day.\r\n\r\n## Others\r\n\r\n- [my site](https://example.com)\r\n"
    write(tmp_path, "README.md", mine)
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "mine")
    result = dairly(tmp_path, "init", "--preset", "zh", "--no-hook")
    assert result.code == 0, result.err
    assert "added the missing parts to README.md\n" in result.out
    text = (tmp_path / "README.md").read_bytes().decode("utf-8")
    assert text == (
        "# reading log\r\n\r\nWhat I read, by day.\r\n\r\n更新今日时间：\r\n\r\n## Others\r\n\r\n"
        "- [my site](https://example.com)\r\n\r\n## :paperclip:  今日要点\r\n\r\n## :paperclip:  历史更新\r\n"
    )
    assert dairly(tmp_path, "check").code == 0
    assert git(tmp_path, "status", "--porcelain") == ""  # init committed what it wrote
    write(tmp_path, "notes/202203/0307.md", "# A day\n\n## 今日要点\n\n1. [Read](https://example.com/r)\n")
    assert dairly(tmp_path, "publish").code == 0
    assert dairly(tmp_path, "check").code == 0
    assert git(tmp_path, "status", "--porcelain") == ""


def test_the_en_preset_writes_no_chinese(tmp_path: Path, dairly, git):
    git(tmp_path, "init", "-q", "-b", "main")
    result = dairly(tmp_path, "init", "--preset", "en", "--no-hook")
    assert result.code == 0, result.err
    assert (tmp_path / "dairly.toml").read_text(encoding="utf-8") == 'preset = "en"\n'
    new = dairly(tmp_path, "new", "--date", "2022-03-07")
    assert new.out == "notes/202203/0307.md\n"
    note = (tmp_path / "notes/202203/0307.md").read_text(encoding="utf-8")
    assert note.startswith("# Notes of March 7, 2022\n\n## Today\n")
    (tmp_path / "notes/202203/0307.md").write_text(note.replace("TODO", "done"), encoding="utf-8")
    write(tmp_path, "notes/202204/0401.md", "# April fools\n\n## Today\n\n1. [A joke](https://example.com/j)\n")
    publish = dairly(tmp_path, "publish")
    assert publish.code == 0, publish.err
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "Last updated: April 1, 2022\n" in readme
    assert "<pre><details><summary>2022</summary>\n<details><summary>March</summary>\n" in readme
    assert "<details><summary>April</summary>\n" in readme
    assert not re.search(r"[\u3000-\u9fff\uff00-\uffef]", readme)
    assert not re.search(r"[\u3000-\u9fff\uff00-\uffef]", publish.out + publish.err)
    assert dairly(tmp_path, "check").code == 0


def test_config_names_where_each_setting_comes_from(tmp_path: Path, dairly):
    write(tmp_path, "dairly.toml", 'preset = "en"\ntimezone = "Asia/Shanghai"\n')
    result = dairly(tmp_path, "config")
    assert result.code == 0
    lines = dict(line.split(None, 1) for line in result.out.splitlines())
    assert lines["preset"] == "'en'  (dairly.toml)"
    assert lines["history_heading"] == "'History'  (preset en)"
    assert lines["notes_dir"] == "'notes'  (default)"
    assert lines["timezone"] == "'Asia/Shanghai'  (dairly.toml)"
    assert lines["skeleton"] == "'# {title}' ...  (preset en)"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('history_headng = "x"\n', "dairly.toml: unknown setting 'history_headng'; did you mean 'history_heading'?"),
        ('preset = "fr"\n', "dairly.toml: setting 'preset' must be one of zh, en, not 'fr'"),
        ('timezone = "Mars/Olympus"\n', "dairly.toml: setting 'timezone': no time zone named 'Mars/Olympus'"),
        ('day_starts_at = "25:00"\n', "dairly.toml: setting 'day_starts_at' must be a time such as 04:00"),
    ],
)
def test_bad_settings_are_named(tmp_path: Path, dairly, toml: str, message: str):
    write(tmp_path, "dairly.toml", toml)
    result = dairly(tmp_path, "config")
    assert result.code == 2 and message in result.err


def test_an_empty_heading_prefix_drops_the_decoration(tmp_path: Path, dairly):
    write(tmp_path, "dairly.toml", 'heading_prefix = ""\n')
    assert dairly(tmp_path, "init").code == 0
    assert "\n## 今日要点\n" in (tmp_path / "README.md").read_text(encoding="utf-8")
    assert dairly(tmp_path, "new", "--date", "2022-03-07").code == 0
    assert "\n## 今日要点\n" in (tmp_path / "notes/202203/0307.md").read_text(encoding="utf-8")


# -- the user's day ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "now", "expected"),
    [
        ('timezone = "Asia/Shanghai"\n', "2022-03-07T16:30:00+00:00", "notes/202203/0308.md"),  # 00:30 next day there
        ('timezone = "Asia/Shanghai"\nday_starts_at = "04:00"\n', "2022-03-07T16:30:00+00:00", "notes/202203/0307.md"),
        ('timezone = "America/New_York"\n', "2022-03-08T03:00:00+00:00", "notes/202203/0307.md"),
        ('timezone = "UTC"\nday_starts_at = "04:00"\n', "2022-03-08T04:00:00+00:00", "notes/202203/0308.md"),
    ],
)
def test_new_writes_the_users_day(tmp_path: Path, dairly, toml: str, now: str, expected: str):
    write(tmp_path, "dairly.toml", toml)
    result = dairly(tmp_path, "new", env_extra={"DAIRLY_NOW": now})
    assert (result.code, result.out) == (0, expected + "\n")


def test_check_gives_the_same_verdict_at_any_hour(tmp_path: Path, dairly):
    write(tmp_path, "dairly.toml", 'timezone = "Asia/Shanghai"\n')
    assert dairly(tmp_path, "init").code == 0
    write(tmp_path, "notes/202203/0307.md", "# A day\n\n## 今日要点\n\n1. [Read](https://example.com/r)\n")
    assert dairly(tmp_path, "publish", "--no-commit", env_extra={"DAIRLY_NOW": "2022-03-07T12:00:00+08:00"}).code == 0
    for now in ("2022-03-06T20:00:00+00:00", "2022-03-07T01:00:00+08:00", "2030-01-01T00:00:00+00:00"):
        result = dairly(tmp_path, "check", env_extra={"DAIRLY_NOW": now})
        assert result.code == 0, (now, result.out + result.err)


def test_the_streak_is_not_broken_before_the_day_is_over(tmp_path: Path, dairly):
    write(tmp_path, "dairly.toml", 'timezone = "Asia/Shanghai"\nday_starts_at = "04:00"\n')
    for day in ("0305", "0306"):
        write(tmp_path, f"notes/202203/{day}.md", f"# {day}\n\n## 今日要点\n\n1. [R](https://example.com/{day})\n")
    # 02:00 on the 8th in Shanghai is still the 7th's night: yesterday's streak goes on.
    late = dairly(tmp_path, "stats", "--json", env_extra={"DAIRLY_NOW": "2022-03-07T18:00:00+00:00"})
    assert '"current_streak": {\n    "length": 2' in late.out
    later = dairly(tmp_path, "stats", "--json", env_extra={"DAIRLY_NOW": "2022-03-07T21:00:00+00:00"})
    assert '"current_streak": {\n    "length": 0' in later.out


# -- command-line habits -------------------------------------------------------------------


def test_help_version_and_no_command(tmp_path: Path, dairly):
    short, long = dairly(tmp_path, "-h"), dairly(tmp_path, "--help")
    assert short.code == long.code == 0 and short.out == long.out
    assert short.out.startswith("Usage: dairly [OPTIONS] COMMAND [ARGS]...")
    assert dairly(tmp_path, "publish", "-h").out == dairly(tmp_path, "publish", "--help").out
    assert dairly(tmp_path, "-V").out == dairly(tmp_path, "--version").out == "dairly 0.1.0\n"
    bare = dairly(tmp_path)
    assert (bare.code, bare.out) == (0, long.out)
    assert "--install-completion" in long.out


@pytest.mark.parametrize("command", [["stats"], ["export"], ["search", "e"], ["lint"]])
def test_a_closed_pipe_has_one_exit_code(tmp_path: Path, env, command):
    for i in range(1, 29):
        body = "".join(
            f"{n}. [Entry {n} of day {i}](https://e.com/{i}/{n})\n   - Tips: {'x' * 200}\n" for n in range(1, 9)
        )
        write(tmp_path, f"notes/202202/02{i:02d}.md", f"# Day {i}\n\n## 今日要点\n\n{body}")
        write(tmp_path, f"notes/202202/images/{i}.md".replace(".md", ".txt"), "")
    write(tmp_path, "notes/202202/0201.md", "# Day\n\n## 今日要点\n\n" + "1. [x](./missing.png)\n" * 400)
    # Two hundred years of months: stats prints a line for each.
    write(tmp_path, "notes/182202/0201.md", "# An old day\n\n## 今日要点\n\n1. [old](https://e.com/old)\n")
    # A pipe of one page, and more output than two pages: dairly is still writing when
    # the reader closes it, however the two processes are scheduled.
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen([DAIRLY, *command], cwd=tmp_path, env=env, stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    assert proc.stderr is not None
    with open(read_end, "rb") as stdout:
        stdout.readline()  # like `dairly ... | head -1`
    assert proc.wait(timeout=60) == 141
    assert proc.stderr.read() == b""


def closed(root: Path, env: dict[str, str], stream: str, *args: str) -> subprocess.CompletedProcess[str]:
    """dairly run by a shell with its stdout (`>&-`) or stderr (`2>&-`) closed."""
    redirect = {"stdout": ">&-", "stderr": "2>&-"}[stream]
    return subprocess.run(
        ["sh", "-c", f'exec "$0" "$@" {redirect}', DAIRLY, *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_a_closed_stream_never_changes_a_verdict(tmp_path: Path, env, git, stream):
    from tests.conftest import committed_repo

    root = committed_repo(tmp_path, git, "2022-01-09")
    for command, verdict in ((["check"], 1), (["check", "--diff"], 1), (["stats"], 0), (["search", "nowhere"], 1)):
        assert closed(root, env, stream, *command).returncode == verdict, command
    published = closed(root, env, stream, "publish")
    assert published.returncode == 0, published.stdout + published.stderr
    assert git(root, "log", "--format=%s", "-1") == "20220109\n"
    for command in (["check"], ["check", "--staged"], ["check", "--diff"], ["stats"], ["lint"], ["search", "article"]):
        result = closed(root, env, stream, *command)
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr and "internal error" not in result.stderr
