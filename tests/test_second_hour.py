"""The second hour (issue 27): adopting, merging and hooking as people really do. Real
temp folders and real git repositories."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import write

PROJECT = Path(__file__).resolve().parent.parent


def _en_repo(tmp_path: Path, dairly, git) -> Path:
    root = tmp_path / "notes-repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    assert dairly(root, "init", "--preset", "en", "--no-hook").code == 0
    return root


def _day(root: Path, day: int, extra: str = "") -> str:
    rel = f"notes/202403/03{day:02d}.md"
    write(root, rel, f"# Day {day}\n\n## Today\n\n1. [Read](https://example.com/{day}){extra}\n\n## Others\n\n- x\n")
    return rel


# -- 9. the smaller things ----------------------------------------------------------------


def test_the_plain_hook_is_quiet_on_success_and_says_why_on_failure(tmp_path: Path, dairly, git, env):
    root = _en_repo(tmp_path, dairly, git)
    assert dairly(root, "hook", "install").code == 0
    _day(root, 5)
    assert dairly(root, "publish", "--no-commit").code == 0
    git(root, "add", "-A")
    ok = subprocess.run(["git", "commit", "-q", "-m", "day 5"], cwd=root, capture_output=True, text=True, env=env)
    assert (ok.returncode, ok.stdout, ok.stderr) == (0, "", "")
    _day(root, 6)
    git(root, "add", "-A")
    refused = subprocess.run(["git", "commit", "-q", "-m", "day 6"], cwd=root, capture_output=True, text=True, env=env)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert "notes/202403/0306.md: is missing from the History tree in README.md\n" in refused.stderr


def test_a_fresh_readme_has_no_trailing_space_and_publish_fills_the_date_in(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    readme = root / "README.md"
    assert readme.read_text(encoding="utf-8") == "# notes-repo\n\nLast updated:\n\n## Today\n\n## History\n"
    _day(root, 5)
    assert dairly(root, "publish").code == 0
    assert readme.read_text(encoding="utf-8").startswith("# notes-repo\n\nLast updated: March 5, 2024\n\n")
    assert dairly(root, "check").code == 0


def test_the_pre_commit_snippet_keeps_its_comment_off_the_rev_line():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    (rev,) = [line for line in snippet.splitlines() if line.strip().startswith("rev:")]
    assert rev.strip() == "rev: main"  # `autoupdate --freeze` rewrites this line; a comment on it would lie


@pytest.mark.parametrize("value", ["2024-3-5", "5/3/2024", "20240305x"])
def test_a_malformed_date_names_both_accepted_forms(tmp_path: Path, dairly, value: str):
    result = dairly(tmp_path, "new", "--date", value)
    assert (result.code, result.out) == (2, "")
    assert result.err == f"dairly: error: invalid --date {value!r}: use YYYY-MM-DD or YYYYMMDD\n"


@pytest.mark.parametrize("value", ["notaurl", "github.com/me/notes/", "ftp://example.com/notes/", "https:///x/"])
def test_feed_refuses_a_base_url_that_is_not_a_web_address(tmp_path: Path, dairly, git, value: str):
    root = _en_repo(tmp_path, dairly, git)
    _day(root, 5)
    result = dairly(root, "feed", "--base-url", value)
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"dairly: error: invalid --base-url {value!r}: use an http:// or https:// address,"
        " such as https://github.com/OWNER/REPO/blob/main/\n"
    )


def test_new_refuses_a_malformed_dairly_now_even_with_a_date(tmp_path: Path, dairly):
    result = dairly(tmp_path, "new", "--date", "2024-01-01", env_extra={"DAIRLY_NOW": "yesterday"})
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("dairly: error: DAIRLY_NOW='yesterday' is not a date and time; use ISO 8601")
    assert not (tmp_path / "notes").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["lint"],
        ["search", "Read"],
        ["export"],
        ["feed", "--base-url", "https://e.com/"],
        ["review", "--date", "2024-03-06"],
    ],
)
def test_no_wal_or_shm_file_is_left_beside_the_index(tmp_path: Path, dairly_process, git, dairly, command):
    root = _en_repo(tmp_path, dairly, git)
    _day(root, 5)
    result = dairly_process(root, *command)
    assert result.code == 0, result.err
    if command[0] == "search":  # search reads the notes until an index exists: make one, then search it
        assert dairly_process(root, "stats").code == 0
        assert dairly_process(root, *command).code == 0
    assert sorted(p.name for p in (root / ".git" / "dairly").iterdir()) == ["index.sqlite3"]


def test_a_merge_keeps_a_bare_date_line_and_takes_the_published_one():
    import datetime

    from dairly.config import settings_from_mapping
    from dairly.readme.merge import merge_readme

    settings, _ = settings_from_mapping({"preset": "en"}, "dairly.toml")
    bare = "# n\n\nLast updated:\n\n## Today\n\n## History\n\n## Mine\n"
    published = bare.replace("Last updated:", "Last updated: March 5, 2024")

    def line_merge(ours: str, base: str, theirs: str) -> tuple[str, bool]:
        assert ours == base  # the date line reads alike, bare or not
        return theirs, True

    today = datetime.date(2024, 3, 6)
    assert merge_readme(bare, bare, bare, settings, line_merge, None, today).text == bare
    assert merge_readme(bare, bare, published, settings, line_merge, None, today).text == published


# -- 2. conflicts: the message's way out, from every state git stops in -------------------


def _diverged(tmp_path: Path, dairly, git) -> Path:
    """main and `other` each published a note since day 5, in a clone without the merge
    driver (git config is not cloned); `other` also added a hand-written section."""
    root = _en_repo(tmp_path, dairly, git)
    git(root, "config", "--remove-section", "merge.dairly-readme")
    _day(root, 5)
    assert dairly(root, "publish").code == 0
    git(root, "checkout", "-q", "-b", "other")
    with (root / "README.md").open("a", encoding="utf-8") as f:
        f.write("\n## Links\n\n- mine\n")
    git(root, "commit", "-q", "-am", "links")
    _day(root, 6)
    assert dairly(root, "publish").code == 0
    git(root, "checkout", "-q", "main")
    _day(root, 7)
    assert dairly(root, "publish").code == 0
    return root


MESSAGE = (
    "dairly: error: README.md:{line}: merge conflict: git left conflict markers on lines {lines};"
    " run `dairly resolve`: it regenerates the parts dairly owns from the notes and stages README.md"
    " (or edit it by hand: keep what each side should keep and delete the marker lines)\n"
)
RESOLVED = "README.md: resolved; the parts dairly owns are regenerated from 3 notes, and it is staged\n"


def _follow_the_message(root: Path, dairly, git, finish: str, notes: int = 3, day: int = 7) -> None:
    """`dairly check` names the conflict and `dairly resolve`; resolve stages the README
    and names what finishes the operation, which then goes through the pre-commit hook."""
    refused = dairly(root, "check")
    assert refused.code == 2
    assert "run `dairly resolve`: it regenerates the parts dairly owns" in refused.err
    assert dairly(root, "hook", "install").code == 0  # the hook judges the commit that finishes it
    result = dairly(root, "resolve")
    assert (result.code, result.err) == (0, "")
    assert result.out == RESOLVED.replace("3 notes", f"{notes} notes") + f"next: {finish}\n"
    if finish.startswith("git "):
        git(root, *finish.split()[1:])
    else:
        assert dairly(root, *finish.split()[1:]).code == 0
    assert git(root, "status", "--porcelain") == ""
    check = dairly(root, "check")
    assert (check.code, check.out) == (0, f"README.md is in sync with {notes} notes\n")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.endswith("## Links\n\n- mine\n")
    assert f"Last updated: March {day}, 2024\n" in readme


@pytest.fixture
def no_editor(env: dict[str, str]) -> None:
    env["GIT_EDITOR"] = "true"  # `git commit` and `--continue` keep git's message


def test_a_conflicted_merge_is_resolved_by_following_the_message(tmp_path: Path, dairly, git, no_editor):
    root = _diverged(tmp_path, dairly, git)
    git(root, "merge", "-q", "other", check=False)
    assert git(root, "diff", "--name-only", "--diff-filter=U") == "README.md\n"
    result = dairly(root, "check")
    assert result.err == MESSAGE.format(line=3, lines="3, 9, 15, 22, 24 and 26")
    _follow_the_message(root, dairly, git, "git commit")
    assert git(root, "log", "-1", "--format=%P").count(" ") == 1  # a merge commit


def test_a_conflicted_rebase_is_resolved_by_following_the_message(tmp_path: Path, dairly, git, no_editor):
    root = _diverged(tmp_path, dairly, git)
    git(root, "checkout", "-q", "other")
    git(root, "rebase", "-q", "main", check=False)
    assert git(root, "diff", "--name-only", "--diff-filter=U") == "README.md\n"
    _follow_the_message(root, dairly, git, "git rebase --continue")
    assert git(root, "log", "--format=%s", "-3") == "20240306\nlinks\n20240307\n"


def test_a_conflicted_cherry_pick_is_resolved_by_following_the_message(tmp_path: Path, dairly, git, no_editor):
    root = _diverged(tmp_path, dairly, git)
    git(root, "cherry-pick", "other~1", check=False)  # the hand-written section
    git(root, "cherry-pick", "other", check=False)  # day 6: its README conflicts
    assert git(root, "diff", "--name-only", "--diff-filter=U") == "README.md\n"
    _follow_the_message(root, dairly, git, "git cherry-pick --continue")


def test_a_conflicted_stash_pop_is_resolved_by_following_the_message(tmp_path: Path, dairly, git, no_editor):
    root = _diverged(tmp_path, dairly, git)
    git(root, "merge", "-q", "--no-edit", "-X", "theirs", "other")  # as the driver would have, by hand
    git(root, "checkout", "-q", "other", "--", "README.md")
    assert dairly(root, "publish", "--force").code == 0  # the README back in sync: 3 notes, the links
    _day(root, 8)
    assert dairly(root, "publish", "--no-commit").code == 0  # day 8 shown, not committed
    git(root, "stash", "-q", "-u")
    _day(root, 7, " more")  # meanwhile, day 7 is changed and published
    assert dairly(root, "publish").code == 0
    git(root, "stash", "pop", check=False)
    assert git(root, "diff", "--name-only", "--diff-filter=U") == "README.md\n"
    _follow_the_message(root, dairly, git, "dairly publish", notes=4, day=8)


def test_a_readme_with_markers_alone_is_resolved_by_following_the_message(tmp_path: Path, dairly, git, no_editor):
    root = _diverged(tmp_path, dairly, git)
    git(root, "merge", "-q", "other", check=False)
    git(root, "add", "README.md")  # the markers staged: git no longer holds it as conflicted
    assert git(root, "diff", "--name-only", "--diff-filter=U") == ""
    _follow_the_message(root, dairly, git, "git commit")


def test_resolve_keeps_hand_edits_that_conflict_marked_and_stages_nothing(tmp_path: Path, dairly, git):
    root = _diverged(tmp_path, dairly, git)
    with (root / "README.md").open("a", encoding="utf-8") as f:
        f.write("\n## Links\n\n- yours\n")
    git(root, "commit", "-q", "-am", "links on main")
    git(root, "merge", "-q", "other", check=False)
    result = dairly(root, "resolve")
    assert result.code == 1
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "Last updated: March 7, 2024\n" in readme
    assert readme.endswith("## Links\n\n<<<<<<< ours\n- yours\n=======\n- mine\n>>>>>>> theirs\n")
    assert result.out == (
        "README.md: the parts dairly owns are regenerated from the notes, but hand edits conflict (lines"
        f" {', '.join(str(n) for n in range(len(readme.splitlines()) - 4, len(readme.splitlines()) + 1, 2))});"
        " edit them, then `git add README.md`\n"
    )
    assert git(root, "diff", "--name-only", "--diff-filter=U") == "README.md\n"


def test_resolve_with_nothing_to_resolve_says_so(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    result = dairly(root, "resolve")
    assert (result.code, result.out) == (0, "README.md has no merge conflict to resolve\n")


def test_resolve_says_how_to_register_the_driver(tmp_path: Path, dairly, git):
    root = _diverged(tmp_path, dairly, git)
    git(root, "merge", "-q", "other", check=False)
    result = dairly(root, "resolve")
    assert result.out == (
        RESOLVED + "next: git commit\n"
        "so that git merges the README itself from now on: dairly hook install --driver-only\n"
    )


# -- 5. outside git -------------------------------------------------------------------------


def test_new_before_init_points_to_init_and_writes_nothing(tmp_path: Path, dairly):
    result = dairly(tmp_path, "new", "--date", "2024-03-05")
    assert (result.code, result.out) == (2, "")
    assert result.err == (
        f"dairly: error: {tmp_path}: not a notes repository yet (no README.md, no settings, no notes/):"
        " run `dairly init`\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_plain_folder_is_a_notes_repository_and_git_comes_next(tmp_path: Path, dairly, git):
    root = tmp_path / "plain"
    root.mkdir()
    init = dairly(root, "init", "--preset", "en")
    assert init.code == 0, init.err
    assert init.out == (
        'wrote dairly.toml (preset = "en")\nwrote README.md\ncreated notes/\n\nNext:\n'
        "  git init              # publish commits: make this a git repository, then `dairly init` again\n"
        "  dairly new            # write today's note\n"
        "  dairly publish        # put it in the README and commit\n"
        "  dairly check          # what CI runs: the README is what publish would write\n"
    )
    new = dairly(root, "new", "--date", "2024-03-05")  # notes need no git
    assert (new.code, new.out) == (0, "notes/202403/0305.md\n")
    _day(root, 5)  # filled in
    for args, why in [
        (["publish"], "run `git init` first, or use --no-commit to only write the README"),
        (["check", "--staged"], "--staged reads the git index: run `git init` first, or check without --staged"),
        (["hook", "install"], "hooks live in one: run `git init` first"),
        (["hook", "install", "--driver-only"], "hooks live in one: run `git init` first"),
        (["resolve"], "there is no merge conflict to resolve"),
    ]:
        result = dairly(root, *args)
        assert (result.code, result.out) == (3, ""), args
        assert result.err == f"dairly: error: {root} is not in a git repository; {why}\n", args

    git(root, "init", "-q", "-b", "main")
    again = dairly(root, "init", "--no-hook")
    assert again.code == 0, again.err
    assert again.out.endswith(
        "commit what init wrote, so that clones and CI read it too: git add README.md dairly.toml && git commit -m"
        " 'dairly init'\n"
    )
    assert "  git init" not in again.out


# -- 4. the merge driver for every hook setup -------------------------------------------------

PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
LOCAL_HOOK = f"""repos:
  - repo: local
    hooks:
      - id: dairly-check
        name: dairly check
        entry: {sys.executable} -m dairly check --staged
        language: system
        pass_filenames: false
        files: ^(README\\.md|notes/.*|dairly\\.toml|pyproject\\.toml)$
"""


@pytest.mark.skipif(PRE_COMMIT is None, reason="pre-commit is a test extra: pip install '.[test]'")
def test_pre_commit_framework_users_register_the_driver_on_its_own(tmp_path: Path, dairly, git, env):
    root = tmp_path / "notes-repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, ".pre-commit-config.yaml", LOCAL_HOOK)
    run_env = {**env, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    installed = subprocess.run([PRE_COMMIT, "install"], cwd=root, env=run_env, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    init = dairly(root, "init", "--preset", "en")
    assert init.code == 0, init.err
    assert "registered the README merge driver: merge.dairly-readme.name in the local git config" in init.out
    assert "hook" not in init.out.split("Next:")[1]  # pre-commit runs dairly-check already
    git(root, "add", ".pre-commit-config.yaml")
    git(root, "commit", "-q", "-m", "pre-commit")

    git(tmp_path, "clone", "-q", str(root), "clone")  # a clone: no driver in its git config
    clone = tmp_path / "clone"
    assert subprocess.run([PRE_COMMIT, "install"], cwd=clone, env=run_env, capture_output=True).returncode == 0
    hook = (clone / ".git" / "hooks" / "pre-commit").read_bytes()
    refused = dairly(clone, "hook", "install")
    assert (refused.code, refused.out) == (3, "")
    assert refused.err == (
        f"dairly: error: {clone}/.git/hooks/pre-commit exists and was not written by dairly; use --force to replace"
        " it, or --driver-only to register the README merge driver and leave the hook as it is\n"
    )
    driver = dairly(clone, "hook", "install", "--driver-only")
    assert (driver.code, driver.err) == (0, "")
    assert driver.out == (
        "registered the README merge driver: merge.dairly-readme.name in the local git config\n"
        "registered the README merge driver: merge.dairly-readme.driver in the local git config\n"
    )
    assert (clone / ".git" / "hooks" / "pre-commit").read_bytes() == hook
    assert git(clone, "config", "merge.dairly-readme.name").startswith("dairly: merge the README")

    _day(clone, 5)  # the framework's hook judges each commit
    git(clone, "add", "-A")
    blocked = subprocess.run(["git", "commit", "-q", "-m", "day 5"], cwd=clone, env=run_env, capture_output=True)
    assert blocked.returncode == 1
    assert b"notes/202403/0305.md: is missing from the History tree in README.md" in blocked.stdout + blocked.stderr
    assert dairly(clone, "publish").code == 0


@pytest.mark.parametrize(
    ("hook", "config", "line"),
    [
        (None, None, "  dairly hook install   # check the README on every commit\n"),
        (
            "#!/bin/sh\nexec make lint\n",
            None,
            "  add `dairly check --staged` to your pre-commit hook   # check the README",
        ),
        ("#!/bin/sh\n# File generated by pre-commit: https://pre-commit.com\n", None, "  add the dairly-check hook to"),
        (None, "repos: []\n", "  add the dairly-check hook to .pre-commit-config.yaml   # check the README on every"),
        (None, LOCAL_HOOK, None),
    ],
)
def test_init_next_matches_the_hook_setup(tmp_path: Path, dairly, git, hook, config, line):
    root = tmp_path / "notes-repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    if hook is not None:
        write(root, ".git/hooks/pre-commit", hook)
    if config is not None:
        write(root, ".pre-commit-config.yaml", config)
    result = dairly(root, "init")
    assert result.code == 0, result.err
    steps = result.out.split("Next:\n")[1]
    hook_lines = [ln for ln in steps.splitlines(keepends=True) if "hook" in ln]
    assert hook_lines == ([] if line is None else [ln for ln in hook_lines if ln.startswith(line)])
    assert len(hook_lines) == (0 if line is None else 1)
    if hook is not None:
        assert (root / ".git/hooks/pre-commit").read_text(encoding="utf-8") == hook  # theirs, untouched


# -- 3. publish reports GitHub's view of what it promotes ----------------------------------

PICTURE = '<div align=center><img src="https://example.com/p.png"></div>'


def test_a_heading_github_swallows_stops_publish_and_check(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    rel = "notes/202403/0305.md"
    write(root, rel, f"# Day 5\n\n## Today\n\n1. [Read](https://example.com/5)\n\n{PICTURE}\n## Others\n\n- footer\n")
    before = (root / "README.md").read_bytes()
    problem = (
        f"{rel}:8: GitHub shows the heading '## Others' as raw text inside the HTML block above, so its Today"
        " section runs on past it and publish would copy what follows into the README;"
        " run `dairly lint --fix` (add a blank line after"
        " </div>)\n"
    )
    for args in (["publish"], ["publish", "--dry-run"], ["publish", "--no-commit"]):
        result = dairly(root, *args)
        assert (result.code, result.out) == (1, problem), args
        assert result.err == "1 problem in the notes; nothing written\n"
        assert (root / "README.md").read_bytes() == before
    check = dairly(root, "check")
    assert check.code == 1
    assert check.out.startswith(problem)
    assert dairly(root, "lint", "--fix").out.startswith(f"fixed {rel}:9: added a blank line after </div>, so GitHub")
    assert dairly(root, "publish").code == 0
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "footer" not in readme and PICTURE in readme
    assert dairly(root, "check").code == 0


def test_publish_prints_each_rendering_finding_in_what_it_promotes(tmp_path: Path, dairly, git):
    root = _en_repo(tmp_path, dairly, git)
    rel = "notes/202403/0305.md"
    write(root, rel, f"# Day 5\n\n## Today\n\n{PICTURE}\n1. [Read](https://example.com/5)\n\n## Others\n\n<div>\n- x\n")
    warning = (
        f"{rel}:6: warning: GitHub shows entry 1 as raw text inside the HTML block above;"
        " add a blank line after </div>\n"
    )
    result = dairly(root, "publish")
    assert result.code == 0, result.err
    assert result.err == warning  # the finding under Others is not promoted: lint's alone
    check = dairly(root, "check")
    assert (check.code, check.err) == (0, warning)
