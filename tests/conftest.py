"""Shared test fixtures: hermetic environments, and runs of the CLI in this process or as the
installed executable."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

# The installed console script beside this interpreter: end-to-end tests run the real thing.
DAIRLY = shutil.which("dairly", path=str(Path(sys.executable).parent)) or shutil.which("dairly")

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.com",
}


# The user's own folders, as they were before any test ran: tests/test_hermetic.py holds
# every test away from them.
REAL_HOME = os.path.expanduser("~")
REAL_CACHE = os.environ.get("XDG_CACHE_HOME") or os.path.join(REAL_HOME, ".cache")


def home_folders(home: Path) -> dict[str, str]:
    """HOME and the XDG folders, all inside `home`: what a test may write as "the user's"."""
    return {
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
    }


def hermetic_env(home: Path, **extra: str) -> dict[str, str]:
    """No user or system git config, no colour, a fixed terminal width, and HOME and the
    cache folders inside `home`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "DAIRLY_"))}
    env.update(
        **home_folders(home),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(home / ".gitconfig-none"),
        NO_COLOR="1",
        TERM="dumb",
        COLUMNS="200",
        LC_ALL="C.UTF-8",
        PYTHONUTF8="1",
    )
    env.update(extra)
    return env


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture(autouse=True)
def own_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own HOME and XDG folders, in this process and in every process
    it starts: nothing a test runs reads or writes the user's (~/.cache/dairly above
    all, where the index of a folder outside git lives), and DAIRLY_CACHE_DIR is unset."""
    home = tmp_path_factory.mktemp("home")
    for key, value in home_folders(home).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("DAIRLY_CACHE_DIR", raising=False)
    return home


@pytest.fixture
def env(own_home: Path) -> dict[str, str]:
    return hermetic_env(own_home, **GIT_IDENTITY)


@pytest.fixture
def dairly(env: dict[str, str]):
    """Run a dairly command line in this process, in a folder: dairly(cwd, "check", "--diff").

    It goes through the Typer app as the executable does (Click's test runner gives it
    its own stdin, stdout and stderr), with the folder as the current directory and the
    environment as the only one, both put back afterwards. Tests of the process itself
    (the hook's fast path, exit codes at exit, closed pipes, signals) use dairly_process."""
    from click.testing import CliRunner
    from typer.main import get_command

    from dairly import output
    from dairly.app import app

    def run(cwd: Path, *args: str, env_extra: dict[str, str] | None = None, input: str | None = None) -> Result:
        # Help fills the repository's labels into the command's texts, in place: a fresh
        # command for it. Every other run shares one (Typer builds it from the app's
        # signatures, which cost more than most commands).
        wants_help = not args or "--help" in args or "-h" in args
        command = get_command(app) if wants_help else _shared_command()
        saved_env, saved_cwd, saved_argv = dict(os.environ), os.getcwd(), sys.argv
        os.environ.clear()
        os.environ.update({**env, **(env_extra or {})})
        os.chdir(cwd)
        sys.argv = ["dairly", *args]
        output._console.cache_clear()  # consoles made for another run's streams
        output.table_console.cache_clear()
        try:
            result = CliRunner().invoke(
                command, list(args) or ["--help"], input=input, prog_name="dairly", catch_exceptions=False
            )
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            os.chdir(saved_cwd)
            sys.argv = saved_argv
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


@functools.cache
def _shared_command():
    from typer.main import get_command

    from dairly.app import app

    return get_command(app)


@pytest.fixture
def dairly_process(env: dict[str, str]):
    """Run the installed `dairly` executable in a folder, for tests of the process itself:
    dairly_process(cwd, "check", "--staged")."""
    assert DAIRLY, "the dairly console script is not installed in this environment"

    def run(cwd: Path, *args: str, env_extra: dict[str, str] | None = None, input: str | None = None) -> Result:
        proc = subprocess.run(
            [DAIRLY, *args],
            cwd=cwd,
            env={**env, **(env_extra or {})},
            capture_output=True,
            text=True,
            encoding="utf-8",
            input=input,
            timeout=120,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def hermetic(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process git calls see the same environment as the CLI runs."""
    for key in list(os.environ):
        if key.startswith(("GIT_", "DAIRLY_")):
            monkeypatch.delenv(key)
    for key, value in env.items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def git(env: dict[str, str]):
    """Run git in a folder with the hermetic environment; returns stdout."""

    def run(cwd: Path, *args: str, check: bool = True) -> str:
        proc = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8")
        if check and proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout

    return run


def write(root: Path, rel: str, text: str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def note_text(title: str, body: str = "1. [An article](https://example.com/a)         :star:\n   - Tips: x\n") -> str:
    return f"# {title}\n\n------\n\n\n\n## :paperclip:  今日要点\n\n{body}\n## :paperclip:  Others\n\n- footer\n"


README_SKELETON = (
    "# my_notes\n"
    "主要内容：示例\n"
    "\n"
    "更新开始时间：2021.9.1\n"
    "\n"
    "更新今日时间：2021.9.1\n"
    "\n"
    "------\n"
    "\n"
    "## :paperclip:  今日要点\n"
    "\n"
    "old highlights\n"
    "\n"
    "## :paperclip:  历史更新\n"
    "\n"
    "old tree\n"
    "\n"
    "## :paperclip:  Others\n"
    "\n"
    "- keep this line\n"
)


def make_repo(root: Path, dates: list[str], readme: str = README_SKELETON) -> Path:
    """A notes repo with one note per ISO date and the skeleton README."""
    write(root, "README.md", readme)
    for iso in dates:
        y, m, d = (int(x) for x in iso.split("-"))
        write(root, f"notes/{y}{m:02d}/{m:02d}{d:02d}.md", note_text(f"学习笔记（{y}.{m}.{d}）"))
    return root


def add_note(root: Path, iso: str) -> None:
    """One more note, for the ISO date, titled as the day's notes are."""
    y, m, d = (int(x) for x in iso.split("-"))
    write(root, f"notes/{y}{m:02d}/{m:02d}{d:02d}.md", note_text(f"笔记（{y}.{m}.{d}）"))


def commit_all(root: Path, git, message: str = "start") -> Path:
    """Make `root` a git repository on `main` with everything in it committed."""
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return root


def committed_repo(root: Path, git, *dates: str) -> Path:
    """make_repo (one note on 2022-01-09 unless dates are given), committed on main."""
    return commit_all(make_repo(root, list(dates or ["2022-01-09"])), git)


# Hypothesis: quick locally, larger in CI (.ci/run sets HYPOTHESIS_PROFILE=ci).
from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("ci", max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# The longest tests first: under `pytest -n auto` they then run beside the others instead
# of after them (each a worker's longest stretch: 100,000-character runs through every
# command, kills at random moments of a 3,000-note publish, cmark-gfm asked of many notes).
SLOW_FIRST = ("test_hostile_text.py", "test_crash_and_concurrency.py", "test_cmark_plain.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: item.path.name not in SLOW_FIRST)  # a stable sort: the rest keep their order
