"""Every ref the README tells users to pin exists in this repository.

A pin that names nothing (a tag that was never pushed, a branch since renamed) breaks every
repository that copies the README's example. The pins are the pre-commit `rev:` of this
repository's hook, `uses: OWNER/dairly@REF` and `.../dairly@REF` in pip and git URLs; each
must resolve with `git rev-parse --verify --quiet REF^{commit}` in the repository root. CI
runs on a fresh clone of main, where `main` exists and tags may not: hence the README pins
`main` (or a commit), never a tag.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import NamedTuple

import pytest

PROJECT = Path(__file__).resolve().parent.parent
README = PROJECT / "README.md"

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)")
CLOSING_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*$")
REPO_KEY = re.compile(r"^\s*(?:-\s+)?repo:\s*['\"]?(?P<repo>[^\s'\"#]+)")
REV_KEY = re.compile(r"^\s*(?:-\s+)?rev:\s*['\"]?(?P<ref>[^\s'\"#]+)")
USES = re.compile(r"\buses:\s*['\"]?[\w.-]+/dairly(?:/[\w./-]*)?@(?P<ref>[^\s'\"#]+)")
URL = re.compile(r"\b(?:git\+)?(?:https?|ssh|git)://[^\s'\"]*?/dairly(?:\.git)?@(?P<ref>[^\s'\"#)\]>`]+)")
DAIRLY_REPO = re.compile(r"/dairly(?:\.git)?/?$")


class Pin(NamedTuple):
    line: int
    kind: str
    ref: str

    def __str__(self) -> str:
        return f"README.md:{self.line}: {self.kind} {self.ref}"


def _closes(line: str, fence: str) -> bool:
    """CommonMark: a code block ends at a fence of its opening character, at least as long."""
    closing = CLOSING_FENCE.match(line)
    return closing is not None and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence)


def collect_pins(markdown: str) -> list[Pin]:
    """The refs a Markdown text tells users to pin, in order: `rev:` in YAML code blocks (of
    this repository's hook, or of no named repository), `uses:` of a dairly action and
    `dairly@REF` in URLs anywhere."""
    pins: list[Pin] = []
    fence: str | None = None  # the open code block's fence, if any
    language = ""
    repo: str | None = None  # the last `repo:` seen in the open YAML block
    for number, line in enumerate(markdown.splitlines(), start=1):
        if fence is None:
            if opened := FENCE.match(line):
                fence, language, repo = opened.group(1), opened.group(2).lower(), None
                continue
        elif _closes(line, fence):
            fence = None
            continue
        if fence is not None and language in ("yaml", "yml"):
            if found := REPO_KEY.match(line):
                repo = found.group("repo")
            elif (found := REV_KEY.match(line)) and (repo is None or DAIRLY_REPO.search(repo)):
                pins.append(Pin(number, "pre-commit rev:", found.group("ref")))
        pins += [Pin(number, "uses: OWNER/dairly@", found.group("ref")) for found in USES.finditer(line)]
        pins += [Pin(number, "URL .../dairly@", found.group("ref")) for found in URL.finditer(line)]
    return pins


def test_collect_pins_finds_every_form_and_nothing_else():
    markdown = "\n".join(
        [
            "Pin `rev: v9` in prose is not a config.",  # 1
            "```yaml",  # 2
            "repos:",  # 3
            "  - repo: https://github.com/dairly/dairly",  # 4
            "    rev: v0.1.0",  # 5
            "    hooks:",  # 6
            "      - id: dairly-check",  # 7
            "  - repo: https://github.com/astral-sh/ruff-pre-commit",  # 8
            "    rev: v0.6.9",  # 9: another project's hook
            "  - repo: https://github.com/someone/dairly.git",  # 10
            "    rev: 'abc1234'  # a fork, pinned by commit",  # 11
            "  - repo: local",  # 12
            "```",  # 13
            "```yaml",  # 14
            "      - uses: actions/checkout@v4",  # 15
            "      - uses: dairly/dairly@main",  # 16
            "      - uses: 'me/dairly@feature/x'",  # 17
            '      - run: pip install "dairly @ git+https://github.com/dairly/dairly@0123abc"',  # 18
            "```",  # 19
            "```text",  # 20
            "rev: not-yaml",  # 21
            "```",  # 22
            "```bash",  # 23
            "pip install git+ssh://git@github.com/dairly/dairly.git@dev#egg=dairly",  # 24
            "```",  # 25
            "Or [the zip](https://github.com/dairly/dairly@v2), or `https://github.com/dairly/dairly/issues`.",  # 26
        ]
    )
    assert collect_pins(markdown) == [
        Pin(5, "pre-commit rev:", "v0.1.0"),
        Pin(11, "pre-commit rev:", "abc1234"),
        Pin(16, "uses: OWNER/dairly@", "main"),
        Pin(17, "uses: OWNER/dairly@", "feature/x"),
        Pin(18, "URL .../dairly@", "0123abc"),
        Pin(24, "URL .../dairly@", "dev"),
        Pin(26, "URL .../dairly@", "v2"),
    ]


def test_a_longer_fence_holds_a_shorter_one():
    markdown = "````markdown\n```yaml\nrev: inside\n```\n````\n```yaml\nrev: outside\n```\n"
    assert [pin.ref for pin in collect_pins(markdown)] == ["outside"]


def _git_work_tree_root() -> Path | None:
    if shutil.which("git") is None:
        return None
    proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=PROJECT, capture_output=True, text=True)
    top = Path(proc.stdout.strip()).resolve() if proc.returncode == 0 else None
    return top if top == PROJECT else None


def resolves(ref: str, repo: Path, env: dict[str, str]) -> bool:
    """`ref` names a commit here: as given (a branch, tag or SHA of this clone), or as the
    remote-tracking branch of origin (a pull request's checkout has no local `main`)."""
    if ref.startswith("-"):
        return False
    for candidate in (ref, f"refs/remotes/origin/{ref}"):
        proc = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode == 0:
            return True
    return False


def test_resolves_branches_commits_and_origins_branches_but_no_missing_tag(tmp_path: Path, env, git):
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    git(upstream, "init", "-q", "-b", "main")
    git(upstream, "commit", "-q", "--allow-empty", "-m", "first")
    sha = git(upstream, "rev-parse", "HEAD").strip()
    git(upstream, "branch", "dev")
    git(upstream, "tag", "-a", "v0.2.0", "-m", "a tag")
    assert [resolves(ref, upstream, env) for ref in ("main", sha, sha[:7], "v0.2.0")] == [True] * 4
    assert [resolves(ref, upstream, env) for ref in ("v0.1.0", "0" * 40, "--all", "main~1")] == [False] * 4
    # A pull request's checkout: a detached HEAD, no local main, origin's branches fetched.
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--no-tags", str(upstream), str(clone))
    git(clone, "checkout", "-q", "--detach")
    git(clone, "branch", "-q", "-D", "main")
    assert [resolves(ref, clone, env) for ref in ("main", "dev", sha, "v0.2.0")] == [True, True, True, False]


def test_every_ref_the_readme_pins_exists_in_this_repository(env):
    if _git_work_tree_root() is None:
        pytest.skip(f"{PROJECT} is not the root of a git work tree, so the README's refs cannot be resolved")
    missing = []
    for doc in [README, *sorted((PROJECT / "docs").glob("*.md"))]:
        pins = collect_pins(doc.read_text(encoding="utf-8"))
        name = doc.relative_to(PROJECT).as_posix()
        missing += [str(pin).replace("README.md", name, 1) for pin in pins if not resolves(pin.ref, PROJECT, env)]
    assert not missing, (
        "the README or docs/ tell users to pin refs that do not exist in this repository (tags do not survive"
        " into a clone of main; pin `main` or a commit SHA):\n  " + "\n  ".join(missing)
    )
