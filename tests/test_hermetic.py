"""The suite never touches the user's own folders: every test runs with its own HOME and
XDG folders (tests/conftest.py `own_home`), in this process and in the processes it starts."""

from __future__ import annotations

import datetime
import hashlib
import os
from pathlib import Path

from dairly.commands import stats
from dairly.notes.index import index_path
from dairly.workspace import Workspace
from tests.conftest import REAL_CACHE, REAL_HOME, make_repo


def _real_index(root: Path) -> str:
    """Where the index of a folder outside git would be in the user's own cache."""
    digest = hashlib.sha1(os.path.realpath(root).encode("utf-8")).hexdigest()[:16]
    return os.path.join(REAL_CACHE, "dairly", f"index-{digest}.sqlite3")


def test_an_index_outside_git_goes_to_the_tests_own_cache_never_the_users(tmp_path: Path, own_home: Path, capsys):
    root = make_repo(tmp_path / "plain", ["2022-01-09"])  # no git: the index lives in the cache folder
    ws = Workspace.open(root)
    assert stats.run(ws, today=datetime.date(2022, 1, 10), as_json=True) == 0
    capsys.readouterr()
    ours = Path(index_path(ws))
    assert ours.parent == own_home / ".cache" / "dairly"
    assert ours.is_file()
    assert not os.path.exists(_real_index(root))


def test_the_processes_a_test_starts_get_its_home_and_cache(env: dict[str, str], own_home: Path):
    assert os.path.expanduser("~") == str(own_home) != REAL_HOME
    for key in ("HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        assert env[key] == os.environ[key]
        assert Path(env[key]).is_relative_to(own_home) or env[key] == str(own_home)
    assert "DAIRLY_CACHE_DIR" not in env


def test_no_test_asserts_a_wall_clock_time():
    """Speed lives in bench/run.py: a test may only guard against a hang, for 60 s or more."""
    import re

    tests = Path(__file__).parent
    for path in sorted(tests.glob("*.py")):
        if path.name == "test_hermetic.py":
            continue  # this test names what it looks for
        text = path.read_text(encoding="utf-8")
        assert "perf_counter" not in text and "time.time()" not in text, path.name
        for bound in re.findall(r"(?:timeout=|monotonic\(\) \+ |mark\.timeout\()(\d+)", text):
            assert int(bound) >= 60, f"{path.name}: a {bound} s bound is a speed test, not a hang guard"
