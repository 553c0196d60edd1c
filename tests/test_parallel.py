"""Reading on every core gives what one process gives: map_slices against work(items), and
check, publish, lint, search and stats run with DAIRLY_WORKERS=1 against several workers."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dairly.parallel import map_slices, workers
from tests.conftest import README_SKELETON, note_text, write

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="notes are read in forked processes on Linux only"
)


@contextlib.contextmanager
def processes(count: int) -> Iterator[None]:
    old = os.environ.get("DAIRLY_WORKERS")
    os.environ["DAIRLY_WORKERS"] = str(count)
    try:
        yield
    finally:
        if old is None:
            del os.environ["DAIRLY_WORKERS"]
        else:
            os.environ["DAIRLY_WORKERS"] = old


def no_children_left() -> bool:
    try:
        os.waitpid(-1, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def describe(part: list[int]) -> list[tuple[int, str, bool, None]]:
    return [(n, f"item {n}", n % 2 == 0, None) for n in part]


@settings(max_examples=40, deadline=None)
@given(items=st.lists(st.integers(-1000, 1000), max_size=40), count=st.integers(1, 5))
def test_the_results_are_those_of_one_process(items: list[int], count: int) -> None:
    with processes(count):
        assert map_slices(describe, items) == describe(items)
    assert no_children_left()


@pytest.mark.parametrize("bad", [{3}, {17}, {3, 17}, {25, 39}])
def test_the_first_failing_item_raises_as_in_one_process(bad: set[int]) -> None:
    def work(part: list[int]) -> list[int]:
        for n in part:
            if n in bad:
                raise ValueError(f"item {n} is bad")
        return part

    with pytest.raises(ValueError) as alone:
        work(list(range(40)))
    with processes(4), pytest.raises(ValueError) as shared:
        map_slices(work, list(range(40)))
    assert str(shared.value) == str(alone.value) == f"item {min(bad)} is bad"
    assert no_children_left()


def test_a_child_that_dies_has_its_slice_done_here() -> None:
    parent = os.getpid()

    def work(part: list[int]) -> list[int]:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return [n * n for n in part]

    with processes(3):
        assert map_slices(work, list(range(30))) == [n * n for n in range(30)]
    assert no_children_left()


def test_the_number_of_processes() -> None:
    with processes(1):
        assert workers(100_000) == 1
    with processes(3):
        assert workers(2) == 2  # never more processes than items
        assert workers(100) == 3
    assert 1 <= workers(10) <= workers(100_000)


def entry(day: int) -> str:
    return f"1. [第 {day} 个条目](https://example.com/{day % 7})  :star:\n   - Tips: 第 {day} 天\n"


def notes_of_every_kind(root: Path) -> Path:
    """A repository whose notes give check, lint and the index something to say."""
    for day in range(1, 21):
        write(root, f"notes/202203/03{day:02d}.md", note_text(f"笔记（2022.3.{day}）", entry(day)))
    write(root, "notes/202203/0321.md", "no title here\n")
    write(root, "notes/202203/0322.md", note_text("笔记（2022.3.22）", entry(22)).replace("footer", "TODO"))
    write(root, "notes/202203/0323.md", "---\ndraft: true\n---\n# 草稿\n")
    write(root, "notes/202203/0431.md", "# no such day\n")
    write(root, "notes/202204/0501.md", "# wrong month\n")
    write(root, "notes/209901/0101.md", "# from the future\n")
    os.symlink("0301.md", root / "notes/202203/0324.md")
    write(root, "README.md", README_SKELETON)
    return root


def same_output(dairly, root: Path, *args: str) -> str:
    one = dairly(root, *args, env_extra={"DAIRLY_WORKERS": "1"})
    for count in ("2", "3"):
        shared = dairly(root, *args, env_extra={"DAIRLY_WORKERS": count})
        assert (shared.code, shared.out, shared.err) == (one.code, one.out, one.err), (args, count)
    return one.out + one.err


def test_check_and_publish_say_the_same_with_any_number_of_processes(tmp_path: Path, dairly) -> None:
    root = notes_of_every_kind(tmp_path)
    said = same_output(dairly, root, "check")
    assert "notes/202203/0321.md: has no title" in said
    assert "notes/202203/0324.md: is a symbolic link" in said
    assert "notes/209901/0101.md: warning: is dated in the future (2099-01-01)" in said
    same_output(dairly, root, "publish", "--dry-run")


def test_an_unreadable_note_is_named_the_same_with_any_number_of_processes(tmp_path: Path, dairly) -> None:
    root = notes_of_every_kind(tmp_path)
    (root / "notes/202203/0305.md").write_bytes(b"# bad \xff bytes\n")
    (root / "notes/202203/0318.md").write_bytes(b"# also bad \xfe\n")
    said = same_output(dairly, root, "check")
    assert "notes/202203/0305.md: is not UTF-8 (byte 0xff at offset 6)" in said


def test_the_index_is_kept_the_same_with_any_number_of_processes(tmp_path: Path, dairly) -> None:
    root = notes_of_every_kind(tmp_path)
    (root / "notes/202203/0321.md").unlink()  # lint and search need every note readable
    for args in (("lint",), ("search", "条目", "--json"), ("stats", "--json")):
        same_output(dairly, root, *args)
    write(root, "notes/202203/0302.md", note_text("笔记（2022.3.2）", entry(2).replace("条目", "改过的条目")))
    (root / "notes/202203/0303.md").unlink()
    for args in (("lint",), ("search", "改过", "--json"), ("stats", "--json")):
        assert same_output(dairly, root, *args)


def test_a_started_child_can_be_cancelled() -> None:
    import time

    from dairly.parallel import start

    with processes(2):
        started = start(partial(time.sleep, 30))
    assert started is not None
    started.cancel()
    assert no_children_left()


def index_rows(root: Path) -> list[object]:
    import sqlite3

    with sqlite3.connect(root / ".git/dairly/index.sqlite3") as conn:
        return [
            conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("notes", "entries", "local_links", "findings")
        ] + [conn.execute("SELECT path, size, blob FROM files ORDER BY path").fetchall()]


def test_changes_found_ahead_are_those_found_in_process(tmp_path: Path, dairly, git) -> None:
    # Two copies of one repository, indexed, then edited alike: one finds the changes in
    # a process started before Typer loads, the other after opening the index.
    roots = []
    for name in ("ahead", "here"):
        root = notes_of_every_kind(tmp_path / name)
        (root / "notes/202203/0321.md").unlink()
        git(root, "init", "-q")
        assert dairly(root, "stats", env_extra={"DAIRLY_WORKERS": "1"}).code == 0
        write(root, "notes/202203/0302.md", note_text("笔记（2022.3.2）", entry(2).replace("条目", "改过的条目")))
        (root / "notes/202203/0303.md").unlink()
        write(root, "notes/202203/0325.md", note_text("笔记（2022.3.25）", entry(25)))
        roots.append(root)
    ahead = dairly(roots[0], "lint", env_extra={"DAIRLY_WORKERS": "2"})
    here = dairly(roots[1], "lint", env_extra={"DAIRLY_WORKERS": "1"})
    assert (ahead.code, ahead.out, ahead.err) == (here.code, here.out, here.err)
    rows = index_rows(roots[0])
    assert rows == index_rows(roots[1])
    paths = [note[0] for note in rows[0]]  # type: ignore[index]
    assert "notes/202203/0325.md" in paths and "notes/202203/0303.md" not in paths
    assert any("改过的条目" in entry[5] for entry in rows[1])  # type: ignore[index, attr-defined]
