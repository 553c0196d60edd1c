"""The real pre-commit framework runs this repository's `dairly-check` hook."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import make_repo, note_text, write

PROJECT = Path(__file__).resolve().parent.parent
PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is a test extra: pip install '.[test]'")
def test_pre_commit_try_repo_blocks_unpublished_notes(tmp_path: Path, env, git, dairly, tmp_path_factory):
    if not (PROJECT / ".git").exists():
        pytest.skip("try-repo needs this project as a git checkout")
    repo = tmp_path / "notes-repo"
    make_repo(repo, ["2022-01-09"])
    git(repo, "init", "-q", "-b", "main")
    assert dairly(repo, "publish").code == 0

    write(repo, "notes/202201/0110.md", note_text("笔记（2022.1.10）"))
    git(repo, "add", "notes")
    run_env = {**env, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [PRE_COMMIT, "try-repo", str(PROJECT), "dairly-check", "--verbose"],
            cwd=repo,
            env=run_env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    blocked = try_repo()
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "notes/202201/0110.md: is missing from the 历史更新 tree in README.md" in blocked.stdout

    assert dairly(repo, "publish", "--no-commit").code == 0
    git(repo, "add", "README.md")
    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "dairly check" in passed.stdout and "Passed" in passed.stdout
