"""The notes index's one worker pool gives what one process gives: the same rows, the same
output and the same errors with DAIRLY_WORKERS=1 as with several workers, whether workers
die, cannot be started (a process limit), or their parent is killed."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dairly.errors import InputError
from dairly.notes import index_parse
from dairly.notes.index import open_index
from dairly.notes.index_parse import worker_count
from dairly.workspace import Workspace
from tests.conftest import DAIRLY, README_SKELETON, note_text, write

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the index forks its workers on Linux only"
)


def children_of(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(child) for child in (task / "children").read_text().split()}
    return found


@contextlib.contextmanager
def no_worker_left() -> Iterator[None]:
    """Every process this process starts within is ended and reaped by the end (other
    tests may have left git processes of their own, which GitPython ends later)."""
    before = children_of(os.getpid())
    yield
    assert children_of(os.getpid()) <= before


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
    """The output of a command on a fresh index, the same with 1, 2 and 3 processes."""
    outputs = []
    for count in ("1", "2", "3"):
        index = root / ".git/dairly/index.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{index}{suffix}").unlink(missing_ok=True)
        result = dairly(root, *args, env_extra={"DAIRLY_WORKERS": count})
        outputs.append((result.code, result.out, result.err))
    assert outputs[1] == outputs[0] and outputs[2] == outputs[0], args
    return outputs[0][1] + outputs[0][2]


def index_rows(root: Path) -> list[object]:
    """Every row, in an order of their own (an entry's id is only the order it was written in)."""
    import sqlite3

    with sqlite3.connect(root / ".git/dairly/index.sqlite3") as conn:
        entry_columns = [row[1] for row in conn.execute("PRAGMA table_info(entries)") if row[1] != "id"]
        return [
            conn.execute("SELECT * FROM notes ORDER BY path").fetchall(),
            conn.execute(f"SELECT {', '.join(entry_columns)} FROM entries ORDER BY note, position").fetchall(),
            conn.execute("SELECT * FROM local_links ORDER BY note, line, kind, url").fetchall(),
            conn.execute("SELECT * FROM findings ORDER BY note, line, message").fetchall(),
            conn.execute("SELECT path, size, blob FROM files ORDER BY path").fetchall(),
            conn.execute("SELECT COUNT(*) FROM entries_fts").fetchall(),
        ]


def built(root: Path, workers: str, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The index's rows after a first build with this many workers."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{root}/.git/dairly/index.sqlite3{suffix}").unlink(missing_ok=True)
    monkeypatch.setenv("DAIRLY_WORKERS", workers)
    with no_worker_left():
        open_index(Workspace.open(str(root)), progress=False).conn.close()
    return index_rows(root)


def indexable(root: Path, git) -> Path:
    notes_of_every_kind(root)
    (root / "notes/202203/0321.md").unlink()  # the index needs every note readable
    git(root, "init", "-q")
    return root


def test_the_number_of_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DAIRLY_WORKERS", raising=False)
    assert worker_count(10) == 1  # too few notes to be worth a process
    assert 1 <= worker_count(100_000) <= index_parse.MAX_WORKERS
    monkeypatch.setenv("DAIRLY_WORKERS", "1")
    assert worker_count(100_000) == 1
    monkeypatch.setenv("DAIRLY_WORKERS", "3")
    assert (worker_count(2), worker_count(100)) == (2, 3)  # never more workers than notes
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv("DAIRLY_WORKERS", bad)
        with pytest.raises(InputError, match="invalid DAIRLY_WORKERS"):
            worker_count(100)


def test_a_bad_dairly_workers_is_an_input_error(tmp_path: Path, dairly, git) -> None:
    root = indexable(tmp_path, git)
    result = dairly(root, "stats", env_extra={"DAIRLY_WORKERS": "many"})
    assert (result.code, result.out) == (2, "")
    assert result.err == ("dairly: error: invalid DAIRLY_WORKERS 'many': use a whole number of processes, 1 or more\n")


def test_the_index_rows_are_the_same_with_any_number_of_workers(
    tmp_path: Path, git, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = indexable(tmp_path, git)
    monkeypatch.setattr(index_parse, "BATCH", 3)  # many batches from each worker
    one = built(root, "1", monkeypatch)
    assert one[0] and one[1] and one[3]  # notes, entries and findings to compare
    for workers in ("2", "3", "8"):
        assert built(root, workers, monkeypatch) == one, workers


def test_a_worker_that_dies_has_its_share_parsed_here(tmp_path: Path, git, monkeypatch: pytest.MonkeyPatch) -> None:
    root = indexable(tmp_path, git)
    one = built(root, "1", monkeypatch)
    parent, parse_one = os.getpid(), index_parse.parse_one

    def dying(root: str, job: tuple[str, str, object], settings: object) -> object:
        if os.getpid() != parent and job[0].endswith(("0307.md", "0315.md")):
            os.kill(os.getpid(), signal.SIGKILL)
        return parse_one(root, job, settings)  # type: ignore[arg-type]

    monkeypatch.setattr(index_parse, "parse_one", dying)
    monkeypatch.setattr(index_parse, "BATCH", 2)
    assert built(root, "3", monkeypatch) == one


def test_workers_that_cannot_start_leave_the_work_to_one_process(
    tmp_path: Path, git, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a process limit (RLIMIT_NPROC) does to fork: EAGAIN, here after one worker.
    root = indexable(tmp_path, git)
    one = built(root, "1", monkeypatch)
    fork, forks = os.fork, []

    def limited() -> int:
        if forks:
            raise BlockingIOError(11, "Resource temporarily unavailable")
        forks.append(1)
        return fork()

    monkeypatch.setattr(os, "fork", limited)
    assert built(root, "3", monkeypatch) == one
    forks.append(1)
    assert built(root, "3", monkeypatch) == one  # not even one worker


def test_an_unreadable_note_is_named_the_same_with_any_number_of_workers(tmp_path: Path, dairly, git) -> None:
    root = indexable(tmp_path, git)
    (root / "notes/202203/0305.md").write_bytes(b"# bad \xff bytes\n")
    (root / "notes/202203/0318.md").write_bytes(b"# also bad \xfe\n")
    with no_worker_left():
        said = same_output(dairly, root, "lint")
    assert said == "dairly: error: notes/202203/0305.md: is not UTF-8 (byte 0xff at offset 6)\n"


def test_the_commands_say_the_same_with_any_number_of_workers(tmp_path: Path, dairly, git) -> None:
    root = indexable(tmp_path, git)
    for args in (("lint",), ("search", "条目", "--json"), ("stats", "--json"), ("export",)):
        assert same_output(dairly, root, *args)
    write(root, "notes/202203/0302.md", note_text("笔记（2022.3.2）", entry(2).replace("条目", "改过的条目")))
    (root / "notes/202203/0303.md").unlink()
    for args in (("lint",), ("search", "改过", "--json"), ("stats", "--json")):
        assert same_output(dairly, root, *args)


def test_killing_the_command_during_the_first_build_leaves_no_worker_behind(tmp_path: Path, env, git) -> None:
    # `$(dairly stats)`: the shell reads the command's stdout until every process holding
    # it has ended. A SIGKILL gives the command no chance to stop its workers itself.
    root = indexable(tmp_path, git)
    body = "".join(entry(day) for day in range(10))
    for day in range(600):
        year, month, mday = 2000 + day // 336, day // 28 % 12 + 1, day % 28 + 1
        write(root, f"notes/{year}{month:02d}/{month:02d}{mday:02d}.md", note_text(f"笔记 {day}", body))
    proc = subprocess.Popen(
        [DAIRLY, "stats"], cwd=root, env={**env, "DAIRLY_WORKERS": "2"}, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            workers = children_of(proc.pid)
            time.sleep(0.005)
        assert len(workers) == 2, "the workers never started"
        proc.kill()
        out, _err = proc.communicate(timeout=60)  # ends only once no worker holds stdout
    finally:
        proc.kill()
        proc.wait()
    assert out == b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in workers):
        time.sleep(0.01)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)
