"""The executable's fast path for `check` must behave exactly like the Typer command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dairly.entry import check_fast_path
from tests.conftest import make_repo


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check"], (None, False, False)),
        (["check", "--staged"], (None, True, False)),
        (["check", "--diff", "--staged"], (None, True, True)),
        (["--root", "x", "check"], (Path("x"), False, False)),
        (["--root=x", "check", "--diff"], (Path("x"), False, True)),
        (["check", "--help"], None),  # help and errors are Typer's
        (["check", "--staged", "--staged"], None),
        (["check", "extra"], None),
        (["--root"], None),
        (["publish"], None),
        ([], None),
        (["--version"], None),
    ],
)
def test_fast_path_recognises_only_plain_check(argv, expected):
    assert check_fast_path(argv) == expected


def test_fast_path_and_typer_give_the_same_verdict(tmp_path: Path, dairly, env):
    root = make_repo(tmp_path / "r", ["2022-01-05", "2022-01-06"])
    fast = dairly(tmp_path, "--root", str(root), "check", "--diff")
    # Typer's path for the same command: an unusual spelling the fast path leaves alone.
    typer_run = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from dairly.cli import app; sys.argv[0] = 'dairly'; app()",
            "--root",
            str(root),
            "check",
            "--diff",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert fast.code == typer_run.returncode == 1
    assert fast.out == typer_run.stdout and fast.err == typer_run.stderr
    assert "notes/202201/0106.md: is missing from the 历史更新 tree in README.md" in fast.out
    help_text = dairly(tmp_path, "check", "--help")
    assert help_text.code == 0 and help_text.out.startswith("Usage: dairly check [OPTIONS]")
