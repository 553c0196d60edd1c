"""The GitHub Action at the repository root: action.yml's shape, and its script run for real
in temporary git repositories, wired exactly as action.yml wires it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from dairly import __version__

from .conftest import GIT_IDENTITY, Result, add_note, commit_all, committed_repo, make_repo, write

PROJECT = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((PROJECT / "action.yml").read_text(encoding="utf-8"))
SCRIPT = PROJECT / ".github/actions/run.sh"
BOT = "github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>"
CHECK_FAILED = "::error::dairly check failed with exit code 1\n"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the action's script is a bash script")


def run_action(cwd: Path, env: dict[str, str], inputs: dict[str, str] | None = None, python: str = sys.executable):
    """Run action.yml's steps as the runner would: the inputs' defaults, then `inputs`; the
    setup-python step stands for its output, `python`; the script step's `env` evaluated
    and its `run` given to `bash --noprofile --norc -eo pipefail`, GitHub's `shell: bash`."""
    unknown = set(inputs or {}) - set(ACTION["inputs"])
    assert not unknown, f"action.yml has no input {unknown}"
    context = {f"inputs.{name}": str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    context.update({f"inputs.{name}": value for name, value in (inputs or {}).items()})

    def evaluate(text: str) -> str:
        def value(match: re.Match[str]) -> str:
            assert match.group(1) in context, f"action.yml uses {match.group(0)}, which the test runner lacks"
            return context[match.group(1)]

        return EXPRESSION.sub(value, text)

    result = None
    for step in ACTION["runs"]["steps"]:
        if step.get("uses", "").startswith("actions/setup-python@"):
            context[f"steps.{step['id']}.outputs.python-path"] = python
            continue
        assert step.get("shell") == "bash" and "run" in step, f"the test runner cannot run the step {step}"
        step_env = {name: evaluate(str(value)) for name, value in step.get("env", {}).items()}
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", evaluate(step["run"])],
            cwd=cwd,
            env={**env, **step_env, "GITHUB_ACTION_PATH": str(PROJECT)},
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=300,
        )
        result = Result(proc.returncode, proc.stdout, proc.stderr)
        if result.code != 0:
            break
    assert result is not None, "action.yml runs no script"
    return result


def ready(python: str = sys.executable) -> str:
    """What the script prints when the interpreter already has this version of dairly."""
    return f"dairly {__version__} is already installed for {python}\n"


def without_identity(env: dict[str, str]) -> dict[str, str]:
    """A fresh runner's environment: no git identity anywhere (the hermetic env has no config)."""
    return {name: value for name, value in env.items() if name not in GIT_IDENTITY}


# action.yml


def test_action_yml_is_a_composite_action_with_its_inputs_and_defaults():
    assert ACTION["runs"]["using"] == "composite"
    assert {name: spec["default"] for name, spec in ACTION["inputs"].items()} == {
        "command": "check",
        "python-version": "3.12",
        "push": "false",
        "args": "",
        "root": "",
    }
    assert all(spec["description"] and spec["required"] is False for spec in ACTION["inputs"].values())


def test_action_yml_sets_up_python_then_calls_the_script_with_every_input():
    setup, script = ACTION["runs"]["steps"]
    assert setup["uses"] == "actions/setup-python@v5"
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"
    assert script["run"] == 'bash "$GITHUB_ACTION_PATH/.github/actions/run.sh"'
    assert "${{" not in script["run"], "inputs reach the script through env only, never pasted into the shell"
    assert script["env"] == {
        "INPUT_COMMAND": "${{ inputs.command }}",
        "INPUT_PUSH": "${{ inputs.push }}",
        "INPUT_ARGS": "${{ inputs.args }}",
        "INPUT_ROOT": "${{ inputs.root }}",
        "PYTHON": f"${{{{ steps.{setup['id']}.outputs.python-path }}}}",
    }


def test_the_script_is_strict_bash_and_executable():
    text = SCRIPT.read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "\nset -euo pipefail\n" in text
    assert os.access(SCRIPT, os.X_OK)


# check


def test_check_passes_on_an_in_sync_repository_by_default(tmp_path: Path, env, git, dairly):
    committed_repo(tmp_path, git)
    assert dairly(tmp_path, "publish").code == 0
    direct = dairly(tmp_path, "check")
    assert direct.code == 0
    result = run_action(tmp_path, env)
    assert (result.code, result.out, result.err) == (0, ready() + "dairly check\n" + direct.out, "")
    assert direct.out == "README.md is in sync with 1 note\n"


def test_check_fails_with_dairlys_message_and_exit_code_on_a_stale_readme(tmp_path: Path, env, git, dairly):
    committed_repo(tmp_path, git)
    add_note(tmp_path, "2022-01-10")
    direct = dairly(tmp_path, "check")
    assert direct.code == 1
    assert "notes/202201/0110.md: is missing from the 历史更新 tree in README.md\n" in direct.out
    result = run_action(tmp_path, env, {"command": "check"})
    assert (result.code, result.err) == (1, direct.err)
    assert result.out == ready() + "dairly check\n" + direct.out + CHECK_FAILED


def test_check_args_are_passed_on(tmp_path: Path, env, git, dairly):
    committed_repo(tmp_path, git)
    add_note(tmp_path, "2022-01-10")
    direct = dairly(tmp_path, "check", "--diff")
    assert direct.code == 1 and "+++ " in direct.out
    result = run_action(tmp_path, env, {"args": "--diff"})
    assert result.code == 1
    assert result.out == ready() + "dairly check --diff\n" + direct.out + CHECK_FAILED


# publish


def test_publish_commits_as_the_bot_with_the_date_as_message(tmp_path: Path, env, git, dairly):
    committed_repo(tmp_path, git)
    add_note(tmp_path, "2022-01-10")
    result = run_action(tmp_path, without_identity(env), {"command": "publish"})
    assert result.code == 0, result.out + result.err
    assert result.out.startswith(ready() + "dairly publish\nREADME.md: published notes/202201/0110.md\n")
    assert git(tmp_path, "log", "-1", "--format=%s|%an <%ae>|%cn <%ce>") == f"20220110|{BOT}|{BOT}\n"
    assert git(tmp_path, "show", "--name-only", "--format=", "HEAD").split() == ["README.md", "notes/202201/0110.md"]
    assert git(tmp_path, "status", "--porcelain") == ""
    assert dairly(tmp_path, "check").code == 0


def test_publish_keeps_an_identity_the_workflow_set_in_the_environment(tmp_path: Path, env, git):
    committed_repo(tmp_path, git)
    add_note(tmp_path, "2022-01-10")
    result = run_action(tmp_path, env, {"command": "publish"})
    assert result.code == 0, result.out + result.err
    assert git(tmp_path, "log", "-1", "--format=%s|%an <%ae>|%cn <%ce>") == (
        "20220110|Test Author <author@example.com>|Test Committer <committer@example.com>\n"
    )


def test_publish_keeps_an_identity_the_workflow_set_with_git_config(tmp_path: Path, env, git):
    committed_repo(tmp_path, git)
    git(tmp_path, "config", "user.name", "Notes Keeper")
    git(tmp_path, "config", "user.email", "keeper@example.com")
    add_note(tmp_path, "2022-01-10")
    result = run_action(tmp_path, without_identity(env), {"command": "publish"})
    assert result.code == 0, result.out + result.err
    assert git(tmp_path, "log", "-1", "--format=%s|%an <%ae>|%cn <%ce>") == (
        "20220110|Notes Keeper <keeper@example.com>|Notes Keeper <keeper@example.com>\n"
    )


def test_publish_with_push_true_pushes_to_the_upstream(tmp_path: Path, env, git):
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    work = committed_repo(tmp_path / "work", git)
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "-q", "-u", "origin", "main")
    add_note(work, "2022-01-10")
    result = run_action(work, without_identity(env), {"command": "publish", "push": "true"})
    assert result.code == 0, result.out + result.err
    assert result.out.startswith(ready() + "dairly publish --push\n")
    assert result.out.endswith("pushed to origin/main\n")
    assert git(remote, "log", "-1", "--format=%s|%an <%ae>", "main") == f"20220110|{BOT}\n"
    assert git(remote, "rev-parse", "main") == git(work, "rev-parse", "HEAD")


def test_publish_refusal_keeps_dairlys_exit_code(tmp_path: Path, env, git, dairly):
    committed_repo(tmp_path, git)
    add_note(tmp_path, "2022-01-10")
    direct = dairly(tmp_path, "publish", "--push")  # refused before writing: nothing changes
    assert direct.code == 3
    assert "branch main has no upstream to push to" in direct.err
    head = git(tmp_path, "rev-parse", "HEAD")
    result = run_action(tmp_path, env, {"command": "publish", "push": "true"})
    assert (result.code, result.err) == (3, direct.err)
    assert result.out == ready() + "dairly publish --push\n::error::dairly publish failed with exit code 3\n"
    assert git(tmp_path, "rev-parse", "HEAD") == head


def test_publish_args_are_split_like_a_shell_command_line(tmp_path: Path, env, git):
    committed_repo(tmp_path, git, "2022-01-09", "2022-01-10")
    result = run_action(tmp_path, env, {"command": "publish", "args": "--date 2022-01-10 -m 'notes of the day'"})
    assert result.code == 0, result.out + result.err
    assert result.out.startswith(ready() + "dairly publish --date 2022-01-10 -m notes\\ of\\ the\\ day\n")
    assert git(tmp_path, "log", "-1", "--format=%s") == "notes of the day\n"
    assert "更新今日时间：2022.1.10\n" in git(tmp_path, "show", "HEAD:README.md")


def test_root_names_a_notes_repository_below_the_checkout(tmp_path: Path, env, git):
    write(tmp_path, "code/app.py", "print('hi')\n")
    make_repo(tmp_path / "journal", ["2022-01-09"])
    commit_all(tmp_path, git)
    add_note(tmp_path / "journal", "2022-01-10")
    result = run_action(tmp_path, env, {"command": "publish", "root": "journal"})
    assert result.code == 0, result.out + result.err
    assert result.out.startswith(ready() + "dairly --root journal publish\n")
    assert git(tmp_path, "show", "--name-only", "--format=%s", "HEAD").split() == [
        "20220110",
        "journal/README.md",
        "journal/notes/202201/0110.md",
    ]


# bad inputs


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"command": "deploy"}, "input 'command' must be 'check' or 'publish', not 'deploy'"),
        ({"command": "Check"}, "input 'command' must be 'check' or 'publish', not 'Check'"),
        ({"command": "100%\nsure"}, "input 'command' must be 'check' or 'publish', not '100%25%0Asure'"),
        ({"command": "publish", "push": "yes"}, "input 'push' must be 'true' or 'false', not 'yes'"),
        ({"push": "true"}, "input 'push: true' needs 'command: publish'; 'check' never commits"),
        (
            {"command": "publish", "args": "-m 'unclosed"},
            "input 'args' is not a valid command line (No closing quotation): -m 'unclosed",
        ),
    ],
    ids=["unknown-command", "command-case", "escaped", "push-not-boolean", "push-with-check", "args-unclosed-quote"],
)
def test_bad_inputs_fail_with_an_error_annotation_before_anything_runs(tmp_path: Path, env, git, inputs, message):
    committed_repo(tmp_path, git)
    add_note(tmp_path, "2022-01-10")
    before = (tmp_path / "README.md").read_bytes(), git(tmp_path, "rev-parse", "HEAD")
    result = run_action(tmp_path, env, inputs)
    assert (result.code, result.out, result.err) == (2, f"::error::dairly action: {message}\n", "")
    assert ((tmp_path / "README.md").read_bytes(), git(tmp_path, "rev-parse", "HEAD")) == before


def test_a_missing_interpreter_is_an_error_annotation(tmp_path: Path, env, git):
    committed_repo(tmp_path, git)
    result = run_action(tmp_path, env, python=str(tmp_path / "no-python"))
    assert (result.code, result.err) == (2, "")
    assert result.out == f"::error::dairly action: no Python interpreter at '{tmp_path / 'no-python'}'\n"


# install


def test_an_interpreter_without_dairly_installs_it_from_the_action(tmp_path: Path, env, git):
    """A fresh runner's Python has no dairly, so the action installs its own checkout with pip.
    Offline (no index, no configuration) that install cannot get its build backend: the
    attempt shows, and its failure is an annotation and pip's exit code; nothing else ran."""
    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=False)
    python = str(fresh / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))
    # pip, and only pip, from this interpreter: what `with_pip=True` installs, without
    # running ensurepip (most of this test's time). dairly stays out of reach.
    import pip

    only_pip = tmp_path / "only-pip"
    only_pip.mkdir()
    (only_pip / "pip").symlink_to(Path(pip.__file__).parent, target_is_directory=True)
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "only-pip.pth").write_text(f"{only_pip}\n", encoding="utf-8")
    repo = committed_repo(tmp_path / "repo", git)
    offline = {name: value for name, value in env.items() if not name.startswith("PIP_")}
    offline.update(PIP_NO_INDEX="1", PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    before = (repo / "README.md").read_bytes()
    result = run_action(repo, offline, python=python)
    assert result.code == 1, result.out + result.err
    assert result.out.startswith(f"::group::Install dairly {__version__} from {PROJECT}\n")
    assert result.out.endswith(
        f"::endgroup::\n::error::dairly action: could not install dairly {__version__} from {PROJECT}"
        " (pip exited with 1)\n"
    )
    assert "setuptools>=77" in result.err  # pip got as far as pyproject.toml's build backend
    assert "dairly check" not in result.out
    assert (repo / "README.md").read_bytes() == before
