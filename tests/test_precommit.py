"""The real pre-commit framework runs this repository's `dairly-check` hook: the manifest
(.pre-commit-hooks.yaml) is one pre-commit accepts, and the hook it declares, run by
pre-commit on a commit, blocks unpublished notes and passes a published README.

Offline and without building an environment: pre-commit validates the manifest itself,
then runs the hook it declares (its id, name, entry, files and pass_filenames, as
declared) from a `repo: local` config with `language: system`, the installed dairly.
Installing the hook from a clone of this repository (`language: python`) is pip
installing this project, which .ci/run does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import make_repo, note_text, write

PROJECT = Path(__file__).resolve().parent.parent
PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")


def local_config() -> str:
    """A `repo: local` config running the hook .pre-commit-hooks.yaml declares, as declared."""
    (hook,) = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["language"] == "python"  # what a clone installs; here the installed dairly runs it
    local = {**hook, "language": "system"}
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}, sort_keys=False)


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is a test extra: pip install '.[test]'")
def test_pre_commit_runs_the_declared_hook_and_blocks_unpublished_notes(tmp_path: Path, env, git, dairly):
    run_env = {
        **env,
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),  # the installed dairly
    }

    def pre_commit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([PRE_COMMIT, *args], cwd=cwd, env=run_env, capture_output=True, text=True, timeout=120)

    manifest = pre_commit("validate-manifest", str(PROJECT / ".pre-commit-hooks.yaml"), cwd=tmp_path)
    assert manifest.returncode == 0, manifest.stdout + manifest.stderr

    repo = tmp_path / "notes-repo"
    make_repo(repo, ["2022-01-09"])
    git(repo, "init", "-q", "-b", "main")
    write(repo, ".pre-commit-config.yaml", local_config())
    assert pre_commit("validate-config", ".pre-commit-config.yaml", cwd=repo).returncode == 0
    assert dairly(repo, "publish").code == 0

    write(repo, "notes/202201/0110.md", note_text("笔记（2022.1.10）"))
    git(repo, "add", "notes")
    blocked = pre_commit("run", "--verbose", cwd=repo)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    assert "notes/202201/0110.md: is missing from the 历史更新 tree in README.md" in blocked.stdout

    assert dairly(repo, "publish", "--no-commit").code == 0
    git(repo, "add", "README.md")
    passed = pre_commit("run", "--verbose", cwd=repo)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "dairly check" in passed.stdout and "Passed" in passed.stdout

    write(repo, "notes/202201/0111.md", note_text("笔记（2022.1.11）"))  # untracked: not in the commit, not judged
    untracked = pre_commit("run", "--verbose", cwd=repo)
    assert untracked.returncode == 0, untracked.stdout + untracked.stderr
