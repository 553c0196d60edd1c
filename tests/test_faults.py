"""Faults during publish and hostile things under notes/: interrupts on each side of the
commit, a held index.lock, a read-only .git, a full disk, files made while publish runs,
ignored, hidden and linked files, a rejected push, GIT_DIR/GIT_WORK_TREE setups."""

from __future__ import annotations

import datetime
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from dairly import gitrepo
from dairly.commands import publish
from dairly.errors import GitError
from dairly.workspace import Workspace

from .conftest import DAIRLY, add_note, commit_all, committed_repo, make_repo, note_text, write

NOTE = "notes/202201/0110.md"
TODAY = datetime.date(2022, 1, 10)


def state(root: Path, git) -> tuple[bytes, str, str, str]:
    """The README's bytes, HEAD, what is staged, and the work tree's status."""
    return (
        (root / "README.md").read_bytes(),
        git(root, "rev-parse", "HEAD"),
        git(root, "diff", "--cached", "--name-status"),
        git(root, "status", "--porcelain", "--untracked-files=all"),
    )


def hook(root: Path, name: str, body: str) -> None:
    path = root / ".git/hooks" / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)


def interrupted_publish(
    root: Path, env: dict[str, str], marker: Path, *, group: bool, sig: int = signal.SIGINT
) -> subprocess.CompletedProcess:
    """`dairly publish`, sent `sig` once a hook has touched `marker`: to dairly alone, or
    (`group`) to its whole process group, as a terminal's Ctrl-C is."""
    assert DAIRLY
    proc = subprocess.Popen(
        [DAIRLY, "publish"], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=group,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert marker.exists(), proc.communicate()
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def test_an_interrupt_after_the_commit_keeps_it_and_rolls_nothing_back(tmp_path: Path, env, git):
    root = committed_repo(tmp_path / "r", git)
    add_note(root, "2022-01-10")
    marker = tmp_path / "post-commit-ran"
    hook(root, "post-commit", f"touch {marker}\nsleep 5")  # wide enough under load
    result = interrupted_publish(root, env, marker, group=False)
    assert result.returncode == 130, result
    assert result.stdout.endswith("committed " + git(root, "rev-parse", "--short=7", "HEAD").strip()
                                  + " '20220110': README.md, notes/202201/0110.md\n")  # fmt: skip
    assert git(root, "log", "-1", "--format=%s") == "20220110\n"
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""  # index and README as committed


def test_an_interrupt_before_the_commit_puts_everything_back(tmp_path: Path, env, git):
    root = committed_repo(tmp_path / "r", git)
    add_note(root, "2022-01-10")
    git(root, "add", NOTE)  # the user staged the note: it stays staged
    marker = tmp_path / "pre-commit-ran"
    hook(root, "pre-commit", f"touch {marker}\nsleep 30")
    before = state(root, git)
    result = interrupted_publish(root, env, marker, group=True)
    assert result.returncode == 130, result
    assert (result.stdout, result.stderr) == ("", "")
    assert state(root, git) == before


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_before_the_commit_put_everything_back_as_ctrl_c_does(tmp_path: Path, env, git, sig):
    root = committed_repo(tmp_path / "r", git)
    add_note(root, "2022-01-10")
    marker = tmp_path / "pre-commit-ran"
    hook(root, "pre-commit", f"touch {marker}\nsleep 30")  # `timeout 1 dairly publish` with a slow hook
    before = state(root, git)
    result = interrupted_publish(root, env, marker, group=False, sig=sig)  # to dairly alone, as `timeout` sends
    assert (result.returncode, result.stdout, result.stderr) == (128 + sig, "", "")
    assert state(root, git) == before
    assert list((root / ".git").glob("dairly-*")) == [] and list(root.glob(".dairly-*")) == []


def failing_commit(fault):
    """The real commit, with `fault` met just before it."""
    real = gitrepo.commit

    def commit(notes_repo: gitrepo.NotesRepo, staged: gitrepo.Staged, message: str) -> str | None:
        fault(notes_repo)
        return real(notes_repo, staged, message)

    return commit


def test_a_held_index_lock_after_the_commit_is_said_with_the_commit(tmp_path: Path, git, dairly):
    root = committed_repo(tmp_path / "r", git)
    add_note(root, "2022-01-10")
    lock = root / ".git/index.lock"
    # Another git command takes git's index between the commit and publish's update of it.
    result = dairly(root, "publish", env_extra=racing_git(tmp_path, root, "rev-list", f"touch {lock}"))
    sha = git(root, "rev-parse", "--short=7", "HEAD").strip()
    assert result.code == 3
    assert result.out.endswith(f"committed {sha} '20220110': README.md, notes/202201/0110.md\n")
    assert result.err.startswith(f"dairly: error: committed {sha}, but git's index could not be updated (")
    assert result.err.endswith(
        "): it may show the committed files as staged to be undone; run"
        " `git reset --quiet -- README.md notes/202201/0110.md`\n"
    )
    lock.unlink()
    git(root, "reset", "--quiet", "--", "README.md", NOTE)
    assert git(root, "status", "--porcelain", "--untracked-files=all") == ""


def mount(*args: str) -> None:
    result = subprocess.run(["mount", *args], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount here ({result.stderr.strip() or 'mount failed'}); needs root in a mount namespace")


def test_a_read_only_git_folder_at_the_commit_puts_the_readme_back(tmp_path: Path, git, hermetic, monkeypatch, capsys):
    root = committed_repo(tmp_path / "r", git)
    add_note(root, "2022-01-10")
    before = state(root, git)
    dot_git = str(root / ".git")
    mounted: list[str] = []

    def read_only(_repo: gitrepo.NotesRepo) -> None:
        mount("--bind", dot_git, dot_git)
        mounted.append(dot_git)
        mount("-o", "remount,ro,bind", dot_git)

    monkeypatch.setattr(gitrepo, "commit", failing_commit(read_only))
    try:
        with pytest.raises(GitError) as raised:
            publish.run(Workspace.open(root), today=TODAY)
    finally:
        for folder in mounted:
            subprocess.run(["umount", folder], check=True)
    left = f"{dot_git}/dairly-commit.index"
    assert str(raised.value).startswith("git commit failed: ") and "Read-only file system" in str(raised.value)
    assert capsys.readouterr().err == f"{left} is left over from the commit publish did not make: remove it\n"
    assert state(root, git) == before
    assert os.path.exists(left)


def test_a_full_disk_at_the_commit_never_tears_the_readme(tmp_path: Path, git, dairly):
    disk = tmp_path / "disk"
    disk.mkdir()
    mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk))
    try:
        root = make_repo(disk / "r", ["2022-01-09"])
        with (root / "README.md").open("a") as f:  # long hand-written parts: 240 KB
            f.write("".join(f"- 第 {i} 行，手写的内容不能丢。\n" for i in range(8000)))
        commit_all(root, git)
        add_note(root, "2022-01-10")
        before = state(root, git)
        fill = f"head -c 2000000 /dev/zero > {disk}/filler 2>/dev/null; true"
        result = dairly(root, "publish", env_extra=racing_git(tmp_path, root, "commit", fill))
        assert result.code == 3, result
        assert result.err.startswith("dairly: error: git commit failed: ")
        (disk / "filler").unlink()
        assert state(root, git) == before
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_read_only_git_folder_before_the_commit_changes_nothing(tmp_path: Path, git, dairly):
    root = committed_repo(tmp_path / "r", git)
    add_note(root, "2022-01-10")
    before = state(root, git)
    dot_git = str(root / ".git")
    mount("--bind", dot_git, dot_git)
    try:
        mount("-o", "remount,ro,bind", dot_git)
        result = dairly(root, "publish")
    finally:
        subprocess.run(["umount", dot_git], check=True)
    assert result.code == 3 and "Read-only file system" in result.err and "internal error" not in result.err
    assert state(root, git) == before


def racing_git(tmp_path: Path, root: Path, when: str, script: str) -> dict[str, str]:
    """A `git` first on PATH that runs `script` in `root` just before `git WHEN` runs."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "git"
    wrapper.write_text(
        f'#!/bin/sh\nif [ "$1" = {when} ]; then (cd {root} && {script}); fi\nexec {shutil.which("git")} "$@"\n'
    )
    wrapper.chmod(0o755)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def test_files_made_while_publish_runs_are_not_committed(tmp_path: Path, git, dairly):
    root = committed_repo(tmp_path / "r", git)
    add_note(root, "2022-01-10")
    # Between the scan and git's look at the repository: `dairly new` makes tomorrow's
    # skeleton, a draft appears, a picture is saved.
    made = (
        "printf '# TODO\\n' > notes/202201/0111.md; printf -- '---\\ndraft: true\\n---\\n# d\\n' > notes/202201/0112.md"
    )
    path_env = racing_git(tmp_path, root, "status", made + "; printf png > notes/202201/pic.png")
    result = dairly(root, "publish", env_extra=path_env)
    assert result.code == 0, result
    assert git(root, "show", "--name-only", "--format=", "HEAD") == "README.md\nnotes/202201/0110.md\n"
    assert git(root, "status", "--porcelain", "--untracked-files=all") == (
        "?? notes/202201/0111.md\n?? notes/202201/0112.md\n?? notes/202201/pic.png\n"
    )


def test_a_note_git_ignores_is_never_promoted(tmp_path: Path, git, dairly):
    root = committed_repo(tmp_path / "r", git)
    write(root, ".gitignore", "notes/202201/0110.md\n")
    git(root, "add", ".gitignore")
    git(root, "commit", "-q", "-m", "ignore")
    add_note(root, "2022-01-10")
    before = state(root, git)
    result = dairly(root, "publish")
    assert result.code == 1
    assert result.err == (
        "dairly: error: git ignores notes/202201/0110.md (a .gitignore or .git/info/exclude names it), so"
        " publish cannot commit it and the README must not show it; stop ignoring it, or mark it a draft"
        " (front matter `draft: true`), or use --no-commit\n"
    )
    assert state(root, git) == before


def test_hidden_and_editor_files_are_never_committed_nor_block(tmp_path: Path, git, dairly):
    root = committed_repo(tmp_path / "r", git)
    add_note(root, "2022-01-10")
    write(root, "notes/202201/.0110.md.swp", "swap")
    write(root, "notes/.DS_Store", "finder")
    write(root, "notes/.env", "KEY=secret\n")
    write(root, "notes/202201/0110.md~", "backup")
    write(root, "notes/202201/pic.png", "png")
    (root / "notes/202201/.#0110.md").symlink_to("user@host.1234:1700000000")  # Emacs's lock: dangling
    check = dairly(root, "check")
    assert check.code == 1 and "notes/202201/0110.md: is missing from the 历史更新 tree" in check.out
    assert ".#0110.md" not in check.out
    result = dairly(root, "publish")
    assert result.code == 0, result
    assert git(root, "show", "--name-only", "--format=", "HEAD") == (
        "README.md\nnotes/202201/0110.md\nnotes/202201/pic.png\n"
    )
    assert dairly(root, "check").code == 0


def test_a_case_variant_of_md_is_reported_by_check_and_stops_publish(tmp_path: Path, git, dairly):
    root = committed_repo(tmp_path / "r", git)
    write(root, "notes/202201/0110.MD", note_text("笔记（2022.1.10）"))
    result = dairly(root, "check")
    assert result.code == 1
    assert "notes/202201/0110.MD: is not a note path: rename it to end in .md (lower case)" in result.out
    assert dairly(root, "publish").code == 1


def test_a_linked_month_folder_is_never_followed(tmp_path: Path, git, dairly):
    root = committed_repo(tmp_path / "r", git)
    outside = tmp_path / "outside"
    write(outside, "0201.md", note_text("secret（2000.2.1）", "1. [leaked words](https://example.com/x)\n"))
    (root / "notes/200002").symlink_to(outside)
    before = state(root, git)
    check = dairly(root, "check")
    assert check.code == 1
    assert "notes/200002: is a symbolic link; dairly does not follow links under notes/" in check.out
    assert dairly(root, "publish").code == 1
    assert state(root, git) == before
    search = dairly(root, "search", "leaked")
    assert "0201" not in search.out and "no entries match 'leaked'" in search.out + search.err
    stats = dairly(root, "stats")
    assert "2000" not in stats.out


def test_a_rejected_push_says_the_commit_exists_and_how_to_push_it(tmp_path: Path, git, dairly):
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    root = committed_repo(tmp_path / "r", git)
    git(root, "remote", "add", "origin", str(remote))
    git(root, "push", "-q", "-u", "origin", "main")
    (remote / "hooks/pre-receive").write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    (remote / "hooks/pre-receive").chmod(0o755)
    add_note(root, "2022-01-10")
    result = dairly(root, "publish", "--push")
    assert result.code == 3
    sha = git(root, "rev-parse", "--short=7", "HEAD").strip()
    assert f"committed {sha} '20220110': README.md, notes/202201/0110.md\n" in result.out
    assert result.err.startswith(f"dairly: error: committed {sha}, but did not push it: git push failed: ")
    assert result.err.endswith("; push it with `git push origin HEAD:main`\n")
    assert git(root, "status", "--porcelain") == ""


def test_git_dir_and_git_work_tree_are_honoured(tmp_path: Path, git, dairly, env):
    work = make_repo(tmp_path / "work", ["2022-01-09"])
    git_dir = tmp_path / "elsewhere.git"
    git(tmp_path, "--git-dir", str(git_dir), "--work-tree", str(work), "init", "-q", "-b", "main")
    both = {"GIT_DIR": str(git_dir), "GIT_WORK_TREE": str(work)}
    result = dairly(work, "publish", env_extra=both)
    assert result.code == 0, result
    assert "committed" in result.out
    only_dir = dairly(work, "check", "--staged", env_extra={"GIT_DIR": str(git_dir)})  # the work tree is "."
    assert (only_dir.code, only_dir.out) == (0, "README.md is in sync with 1 note\n")


def test_the_index_stamps_skip_links_hidden_files_and_case_variants(tmp_path: Path, git):
    from dairly.config import Settings
    from dairly.notes.scan import WorkTree

    root = commit_all(make_repo(tmp_path / "r", ["2022-01-09"]), git)
    outside = tmp_path / "outside"
    write(outside, "0201.md", note_text("x"))
    (root / "notes/200002").symlink_to(outside)
    write(root, "notes/202201/.#0109.md", "lock")
    write(root, "notes/.hidden/0101.md", note_text("x"))
    write(root, "notes/202201/0110.MD", note_text("x"))
    assert [path for path, _stamp in WorkTree(str(root)).note_stamps(Settings().pattern)] == ["notes/202201/0109.md"]


def test_an_init_stopped_before_its_commit_is_named_by_the_next_init(tmp_path: Path, env, git, dairly):
    assert DAIRLY
    root = tmp_path / "r"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    marker = tmp_path / "pre-commit-ran"
    hook(root, "pre-commit", f"touch {marker}\nsleep 30")
    proc = subprocess.Popen([DAIRLY, "init", "--preset", "en", "--no-hook"], cwd=root, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=60) == 143
    assert git(root, "status", "--porcelain") == "?? .gitattributes\n?? README.md\n?? dairly.toml\n"
    (root / ".git/hooks/pre-commit").unlink()
    again = dairly(root, "init", "--no-hook")
    assert again.code == 0, again
    assert again.out.endswith(
        "commit what init wrote, so that clones and CI read it too:"
        " git add README.md dairly.toml .gitattributes && git commit -m 'dairly init'\n"
    )


def test_git_dir_naming_another_repository_is_the_one_read_staged_and_committed(tmp_path: Path, git, dairly):
    here = committed_repo(tmp_path / "here", git)
    there = tmp_path / "there"
    git(tmp_path, "clone", "-q", str(here), str(there))
    add_note(here, "2022-01-10")
    result = dairly(here, "publish", env_extra={"GIT_DIR": str(there / ".git")})  # as `git commit` here would
    assert result.code == 0, result
    assert git(here, "log", "--format=%s") == "start\n"
    assert git(there, "log", "--format=%s") == "20220110\nstart\n"
    assert git(there, "show", "--name-only", "--format=", "HEAD") == f"README.md\n{NOTE}\n"
