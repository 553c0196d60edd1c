"""The executable's fast path for `check` and `publish` must behave exactly like Typer's commands."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dairly.entry import fast_path
from tests.conftest import make_repo


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check"], ("check", None, set())),
        (["check", "--staged"], ("check", None, {"--staged"})),
        (["check", "--diff", "--staged"], ("check", None, {"--staged", "--diff"})),
        (["--root", "x", "check"], ("check", "x", set())),
        (["--root=x", "check", "--diff"], ("check", "x", {"--diff"})),
        (["publish"], ("publish", None, set())),
        (["--root", "x", "publish", "--no-commit"], ("publish", "x", {"--no-commit"})),
        (["publish", "--dry-run", "--force", "--push"], ("publish", None, {"--dry-run", "--force", "--push"})),
        (["check", "--help"], None),  # help and errors are Typer's
        (["check", "--staged", "--staged"], None),
        (["check", "extra"], None),
        (["check", "--no-commit"], None),  # another command's flag: Typer's error
        (["publish", "--staged"], None),
        (["publish", "--date", "2022-01-05"], None),  # options with values go to Typer
        (["publish", "-m", "x"], None),
        (["--root"], None),
        (["new"], None),
        ([], None),
        (["--version"], None),
    ],
)
def test_fast_path_recognises_only_plain_check_and_publish(argv, expected):
    found = fast_path(argv)
    assert (found if found is None else (found[0], found[1], set(found[2]))) == expected


def _typer(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """The same command through Typer's path, which the executable skips for these forms."""
    return subprocess.run(
        [sys.executable, "-c", "import sys; from dairly.cli import app; sys.argv[0] = 'dairly'; app()", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )


def test_fast_path_and_typer_give_the_same_verdict(tmp_path: Path, dairly, env):
    root = make_repo(tmp_path / "r", ["2022-01-05", "2022-01-06"])
    fast = dairly(tmp_path, "--root", str(root), "check", "--diff")
    # Typer's path for the same command: an unusual spelling the fast path leaves alone.
    typer_run = _typer(tmp_path, env, "--root", str(root), "check", "--diff")
    assert fast.code == typer_run.returncode == 1
    assert fast.out == typer_run.stdout and fast.err == typer_run.stderr
    assert "notes/202201/0106.md: is missing from the 历史更新 tree in README.md" in fast.out
    help_text = dairly(tmp_path, "check", "--help")
    assert help_text.code == 0 and help_text.out.startswith("Usage: dairly check [OPTIONS]")


def test_publish_fast_path_and_typer_write_the_same_readme(tmp_path: Path, dairly, env):
    fast_root = make_repo(tmp_path / "fast", ["2022-01-05", "2022-01-06"])
    typer_root = make_repo(tmp_path / "typer", ["2022-01-05", "2022-01-06"])
    fast = dairly(tmp_path, "--root", str(fast_root), "publish", "--no-commit")
    typer_run = _typer(tmp_path, env, "--root", str(typer_root), "publish", "--no-commit")
    assert fast.code == typer_run.returncode == 0
    assert fast.err == typer_run.stderr
    assert fast.out == typer_run.stdout
    assert fast.out.startswith("README.md: published notes/202201/0106.md\n")
    assert (fast_root / "README.md").read_bytes() == (typer_root / "README.md").read_bytes()
    assert "notes/202201/0106.md" in (fast_root / "README.md").read_text(encoding="utf-8")
    again = dairly(tmp_path, "--root", str(fast_root), "publish", "--dry-run")
    assert (again.code, again.out, again.err) == (0, "", "README.md is already up to date\n")


# What `dairly check` must not import: it runs on every commit (bench/run.py has the numbers).
HEAVY = {"typing", "pathlib", "typer", "click", "rich", "git", "mistune", "frontmatter", "yaml"}
HEAVY |= {"tempfile", "difflib", "hashlib", "dataclasses", "inspect", "logging", "filelock"}


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
    # --diff on a stale README still needs no Typer, though it does need difflib.
    (root / "notes/202201/0107.md").write_text("# 学习笔记（2022.1.7）\n\n## 今日要点\n\n- x\n", encoding="utf-8")
    stale = dairly(root, "check", "--diff", env_extra={"PYTHONPROFILEIMPORTTIME": "1"})
    assert stale.code == 1 and "+++ b/README.md" in stale.out
    assert (imported_modules(stale.err) - at_start) & HEAVY == {"difflib"}
