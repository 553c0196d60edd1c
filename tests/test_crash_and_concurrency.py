"""Interrupted and concurrent publishes: the README is always the old one or the new
one, temporary files never trip the next run, and two runs act like one."""

from __future__ import annotations

import datetime
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

from dairly.lock import repository_lock
from dairly.workspace import Workspace

from .conftest import DAIRLY, README_SKELETON, commit_all, write


def big_repo(root: Path, count: int) -> Path:
    write(root, "README.md", README_SKELETON)
    day = datetime.date(2000, 1, 1)
    body = "".join(
        f"{i}. [文章 {i}](https://example.com/{i})         :star:\n   - Tips: {'字' * 80}\n" for i in range(1, 6)
    )
    for _ in range(count):
        rel = f"notes/{day.year}{day.month:02d}/{day.month:02d}{day.day:02d}.md"
        write(root, rel, f"# 笔记（{day.year}.{day.month}.{day.day}）\n\n## 今日要点\n\n{body}\n## Others\n")
        day += datetime.timedelta(days=1)
    return root


def test_kill_9_at_random_moments_leaves_old_or_new_readme(tmp_path: Path, env, dairly):
    repo = big_repo(tmp_path / "repo", 3000)
    old = (repo / "README.md").read_bytes()
    reference = tmp_path / "reference"
    shutil.copytree(repo, reference)
    started = time.monotonic()
    assert dairly(reference, "publish", "--no-commit").code == 0
    duration = time.monotonic() - started
    new = (reference / "README.md").read_bytes()
    assert new != old

    rng = random.Random(20221111)
    outcomes = {"old": 0, "new": 0}
    for _ in range(15):
        (repo / "README.md").write_bytes(old)
        proc = subprocess.Popen([DAIRLY, "publish", "--no-commit"], cwd=repo, env=env)
        time.sleep(rng.uniform(0.0, duration * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        current = (repo / "README.md").read_bytes()
        assert current in (old, new), "README torn by a kill -9"
        outcomes["old" if current == old else "new"] += 1

    after = dairly(repo, "publish", "--no-commit")
    assert after.code == 0, after.err
    assert (repo / "README.md").read_bytes() == new
    assert list(repo.glob(".dairly-tmp-*")) == []
    assert outcomes["old"] > 0  # the kills did land mid-run


def test_two_publishes_at_once_make_one_commit(tmp_path: Path, env, git):
    repo = big_repo(tmp_path, 400)
    commit_all(repo, git)
    procs = [
        subprocess.Popen(
            [DAIRLY, "publish"], cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]
    assert [code for code, _, _ in results] == [0, 0], results
    assert git(repo, "log", "--format=%s") == "20010203\nstart\n"  # the 400th day from 2000-01-01
    outputs = sorted(out for _, out, _ in results)
    assert outputs[0] == "README.md is already up to date\nnothing to commit\n"
    assert outputs[1].startswith("README.md: published notes/200102/0203.md\n")
    assert git(repo, "status", "--porcelain") == ""


def test_a_held_lock_makes_publish_wait_then_stop_clearly(tmp_path: Path, dairly):
    repo = big_repo(tmp_path, 3)
    before = (repo / "README.md").read_bytes()
    with repository_lock(Workspace.open(repo)):  # held by this process; the dairly below is another
        result = dairly(repo, "publish", "--no-commit", env_extra={"DAIRLY_LOCK_TIMEOUT": "0.5"})
    assert result.code == 4
    assert "waiting for another dairly run on this repository" in result.err
    assert "another dairly run held the lock" in result.err and "for 0s; try again" in result.err
    assert (repo / "README.md").read_bytes() == before
