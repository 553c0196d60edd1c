"""The hook's fast path (`dairly check`, `dairly check --staged`) must behave exactly like
the Typer app's check, and import nothing heavy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_repo


@pytest.fixture
def dairly(dairly_process):
    """Every test here is about the executable's own path: run it as a process."""
    return dairly_process


def _typer(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """The same command through Typer's path, which the executable skips for these forms."""
    return subprocess.run(
        [sys.executable, "-c", "from dairly.app import app; app(prog_name='dairly')", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


@pytest.mark.parametrize("published", [False, True])
def test_fast_path_and_typer_give_the_same_verdict(tmp_path: Path, dairly, env, published):
    root = make_repo(tmp_path / "r", ["2022-01-05", "2022-01-06"])
    if published:
        assert dairly(root, "publish", "--no-commit").code == 0
    fast = dairly(root, "check")
    typer_run = _typer(root, env, "check")
    assert fast.code == typer_run.returncode == (0 if published else 1)
    assert fast.out == typer_run.stdout and fast.err == typer_run.stderr
    expected = "README.md is in sync with 2 notes" if published else "is missing from the 历史更新 tree"
    assert expected in fast.out


def test_staged_fast_path_and_typer_give_the_same_verdict(tmp_path: Path, dairly, env, git):
    root = make_repo(tmp_path / "r", ["2022-01-05", "2022-01-06"])
    git(root, "init", "-q")
    git(root, "add", "-A")
    fast = dairly(root, "check", "--staged")
    typer_run = _typer(root, env, "check", "--staged")
    assert fast.code == typer_run.returncode == 1
    assert fast.out == typer_run.stdout and fast.err == typer_run.stderr
    assert "notes/202201/0106.md: is missing from the 历史更新 tree in README.md" in fast.out


@pytest.mark.parametrize(
    "args", [["export"], ["stats", "--json"], ["lint"], ["search", "Tips"], ["publish", "--no-commit"], ["nope"]]
)
def test_commands_through_typer_end_as_the_interpreter_would_end_them(tmp_path: Path, dairly, env, args):
    # The executable leaves without the interpreter's teardown (exit_now) after Typer too:
    # nothing printed may be lost, and the exit code must be Typer's.
    roots = [make_repo(tmp_path / name, [f"2022-01-{day:02d}" for day in range(1, 29)]) for name in "ab"]
    fast = dairly(roots[0], *args)
    plain = _typer(roots[1], env, *args)
    assert (fast.code, fast.out, fast.err) == (plain.returncode, plain.stdout, plain.stderr)
    assert fast.out or fast.err


def test_only_the_hook_forms_skip_typer(tmp_path: Path, dairly):
    root = make_repo(tmp_path / "r", ["2022-01-05"])
    for args, typer_loaded in ((["check"], False), (["check", "--diff"], True), (["--root", ".", "check"], True)):
        result = dairly(root, *args, env_extra={"PYTHONPROFILEIMPORTTIME": "1"})
        assert ("typer" in imported_modules(result.err)) is typer_loaded, args
    help_text = dairly(root, "check", "--help")
    assert help_text.code == 0 and help_text.out.startswith("Usage: dairly check [OPTIONS]")


# What `dairly check` must not import: it runs on every commit (bench/run.py has the numbers).
HEAVY = {"pathlib", "typer", "click", "rich", "git", "frontmatter", "yaml"}
HEAVY |= {"tempfile", "difflib", "hashlib", "dataclasses", "inspect", "logging", "sqlite3", "json"}
# lint's traps: the promoted note laid out as `dairly new` lays one out is answered without
# them (dairly.notes.plain), as these tests' notes are
HEAVY |= {"dairly.notes.traps", "urllib.parse"}


def imported_modules(stderr: str) -> set[str]:
    """The modules named by PYTHONPROFILEIMPORTTIME's report ("import time: self | total | name")."""
    found = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            found.add(line.rsplit("|", 1)[1].strip())
    return found


def test_check_imports_nothing_heavy(tmp_path: Path, dairly, env):
    # What the interpreter imports before any dairly code (an editable install's import
    # hook brings pathlib, for one) is not check's doing.
    floor = subprocess.run(
        [sys.executable, "-c", "pass"], env={**env, "PYTHONPROFILEIMPORTTIME": "1"}, capture_output=True, text=True
    )
    at_start = imported_modules(floor.stderr)
    assert "site" in at_start
    root = make_repo(tmp_path / "r", ["2022-01-05", "2022-01-06"])
    assert dairly(root, "publish", "--no-commit").code == 0
    result = dairly(root, "check", env_extra={"PYTHONPROFILEIMPORTTIME": "1"})
    assert result.code == 0 and result.out == "README.md is in sync with 2 notes\n"
    modules = imported_modules(result.err)
    assert {"dairly.commands.check", "re", "datetime"} <= modules  # the report was read
    assert (modules - at_start) & HEAVY == set()
    # A stale README is explained without Typer too.
    (root / "notes/202201/0107.md").write_text("# 学习笔记（2022.1.7）\n\n## 今日要点\n\n- x\n", encoding="utf-8")
    stale = dairly(root, "check", env_extra={"PYTHONPROFILEIMPORTTIME": "1"})
    assert stale.code == 1 and "notes/202201/0107.md: is missing from the 历史更新 tree" in stale.out
    assert (imported_modules(stale.err) - at_start) & HEAVY == set()


@pytest.mark.parametrize("notes_there", [True, False])
def test_check_staged_in_another_layout_imports_nothing_heavy(tmp_path: Path, dairly, env, git, notes_there):
    """Notes beside the README (note_path in dairly.toml), or none in the notes' area while
    dated notes follow another layout (the check that names it): still a light hook."""
    floor = subprocess.run(
        [sys.executable, "-c", "pass"], env={**env, "PYTHONPROFILEIMPORTTIME": "1"}, capture_output=True, text=True
    )
    at_start = imported_modules(floor.stderr)
    root = make_repo(tmp_path / "r", [])
    if notes_there:  # else the default note_path, notes/YYYYMM/MMDD.md, and notes/ empty
        (root / "dairly.toml").write_text('note_path = "{year}-{month:02d}-{day:02d}.md"\n', encoding="utf-8")
    for day in (5, 6):
        (root / f"2022-01-0{day}.md").write_text(f"# 笔记（2022.1.{day}）\n\n## 今日要点\n\n- x\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    for args in (["check"], ["check", "--staged"]):
        result = dairly(root, *args, env_extra={"PYTHONPROFILEIMPORTTIME": "1"})
        modules = imported_modules(result.err)
        assert "dairly.commands.check" in modules  # the report was read
        heavy = HEAVY - {"hashlib"} if "--staged" in args else HEAVY  # --staged hashes files, in any layout
        assert (modules - at_start) & heavy == set(), args
        if notes_there:
            assert "2022-01-06.md: is missing from the 历史更新 tree in README.md" in result.out
        else:
            assert "holds no note, but 2 Markdown files follow YYYY-MM-DD.md" in result.out
