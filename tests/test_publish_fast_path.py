"""`dairly publish` and `dairly publish --no-commit`, written exactly so, skip the Typer app
(dairly.cli): they must behave exactly as the same command lines through it, in what they
print, the exit code, the README written and the commit made."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Result, commit_all, make_repo, note_text, write
from tests.test_hook_fast_path import imported_modules

# Both runs commit at the same instant, so the same tree gives the same commit id.
SAME_TIME = {"GIT_AUTHOR_DATE": "2022-01-20T12:00:00Z", "GIT_COMMITTER_DATE": "2022-01-20T12:00:00Z"}


@pytest.fixture
def dairly(dairly_process):
    """Every test here is about the executable's own path: run it as a process."""
    return dairly_process


def _typer(cwd: Path, env: dict[str, str], *args: str) -> Result:
    """The same command line through the Typer app, which the executable skips for it."""
    proc = subprocess.run(
        [sys.executable, "-c", "from dairly.app import app; app(prog_name='dairly')", *args],
        cwd=cwd,
        env={**env, **SAME_TIME},
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def _twins(tmp_path: Path, git, env: dict[str, str], make) -> tuple[Path, Path]:
    """Two copies of one repository (its commits too): one for each path."""
    fast, typer = tmp_path / "fast", tmp_path / "typer"
    make(fast, git)
    if make is _unfinished_newest_note:  # the README shows the note before it
        subprocess.run([sys.executable, "-m", "dairly", "publish"], cwd=fast, env=env, check=True, capture_output=True)
        write(
            fast,
            "notes/202201/0111.md",
            note_text("笔记（2022.1.11）", "1. [TODO article title](https://TODO)  :star::star:\n"),
        )
    shutil.copytree(fast, typer, symlinks=True)
    return fast, typer


def _new_note_to_publish(root: Path, git) -> None:
    commit_all(make_repo(root, ["2022-01-09"]), git)
    write(root, "notes/202201/0110.md", note_text("笔记（2022.1.10）"))


def _unfinished_newest_note(root: Path, git) -> None:
    _new_note_to_publish(root, git)  # published, then a note still unfinished (_twins)


def _other_paths_staged(root: Path, git) -> None:
    _new_note_to_publish(root, git)
    write(root, "other.txt", "staged, not a note\n")
    git(root, "add", "other.txt")


def _hand_edited_readme(root: Path, git) -> None:
    _new_note_to_publish(root, git)
    with (root / "README.md").open("a", encoding="utf-8") as f:
        f.write("\nmy own words\n")


def _note_without_title(root: Path, git) -> None:
    _new_note_to_publish(root, git)
    write(root, "notes/202201/0111.md", "no title here\n")


def _not_a_repository(root: Path, git) -> None:
    make_repo(root, ["2022-01-09"])


def _bad_settings(root: Path, git) -> None:
    _new_note_to_publish(root, git)
    write(root, "dairly.toml", "notes_dir = [\n")


CASES = {  # how both repositories are made; the exit code with the commit, and with --no-commit (no git asked)
    "commits a new note": (_new_note_to_publish, 0, 0),
    "refuses an unfinished newest note": (_unfinished_newest_note, 1, 1),
    "refuses other staged paths": (_other_paths_staged, 3, 0),
    "refuses to sweep hand edits into the commit": (_hand_edited_readme, 3, 0),
    "reports a note's problem and writes nothing": (_note_without_title, 1, 1),
    "needs a git repository to commit": (_not_a_repository, 3, 0),
    "reports unreadable settings": (_bad_settings, 2, 2),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("args", [["publish"], ["publish", "--no-commit"]])
def test_plain_publish_matches_the_typer_app(tmp_path: Path, dairly, env, git, case, args):
    make, code, code_without_commit = CASES[case]
    fast_root, typer_root = _twins(tmp_path, git, env, make)
    fast = dairly(fast_root, *args, env_extra=SAME_TIME)
    plain = _typer(typer_root, env, *args)
    assert (fast.code, fast.out, fast.err.replace(str(fast_root), "ROOT")) == (
        plain.code,
        plain.out,
        plain.err.replace(str(typer_root), "ROOT"),
    )
    assert fast.code == (code if args == ["publish"] else code_without_commit), fast.err
    assert (fast_root / "README.md").read_bytes() == (typer_root / "README.md").read_bytes()
    if (fast_root / ".git").exists():
        heads = [git(root, "log", "--format=%H %s", "--name-status") for root in (fast_root, typer_root)]
        assert heads[0] == heads[1]
        statuses = [git(root, "status", "--porcelain") for root in (fast_root, typer_root)]
        assert statuses[0] == statuses[1]


def test_the_commit_is_reported_as_made(tmp_path: Path, dairly, git):
    # The success case above, seen from outside: what the fast path's commit holds.
    _new_note_to_publish(tmp_path, git)
    result = dairly(tmp_path, "publish", env_extra=SAME_TIME)
    assert result.code == 0, result.err
    sha = git(tmp_path, "rev-parse", "--short=7", "HEAD").strip()
    assert result.out.endswith(f"committed {sha} '20220110': README.md, notes/202201/0110.md\n")
    assert git(tmp_path, "status", "--porcelain") == ""


def test_only_the_plain_forms_skip_typer(tmp_path: Path, dairly, git):
    commit_all(make_repo(tmp_path, ["2022-01-09"]), git)
    forms = [
        (["publish", "--no-commit"], False),
        (["publish"], False),
        (["publish", "--dry-run"], True),
        (["publish", "--no-commit", "--force"], True),
        (["--root", ".", "publish", "--no-commit"], True),
        (["publish", "--no-commit", "--no-commit"], True),
    ]
    for args, typer_loaded in forms:
        result = dairly(tmp_path, *args, env_extra={"PYTHONPROFILEIMPORTTIME": "1"})
        assert result.code == 0, (args, result.err)
        assert ("typer" in imported_modules(result.err)) is typer_loaded, args
    help_text = dairly(tmp_path, "publish", "--help")
    assert help_text.code == 0 and help_text.out.startswith("Usage: dairly publish [OPTIONS]")
