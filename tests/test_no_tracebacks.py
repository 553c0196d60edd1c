"""No command prints a traceback, whatever the notes and the README hold: control
characters, every kind of heading, HTML blocks, huge lines, empty files, bad bytes. A
failure is an exit code with a message, never a crash (exit 70) or a Python traceback.

The commands run in-process through the Typer app (the same functions the executable
calls), so hypothesis can try many repositories; tests/test_cli.py runs the executable.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.main import get_command

from dairly.app import app
from dairly.errors import CRASH

# Built once: Typer builds the click command from the app's signatures on every call,
# which cost nine tenths of this file's time (typer.testing.CliRunner calls it per run).
APP = get_command(app)

CONTROL = st.sampled_from(["\x00", "\x08", "\x0b", "\x0c", "\x1f", "\x7f", "\ufeff", "\u2028", "\ud7ff", "\ufffe"])
PIECES = [
    "# Title",
    "#",
    "Setext title",
    "=====",
    "-----",
    "## :paperclip:  今日要点",
    "## 今日要点",
    "## :paperclip:  历史更新",
    "## Others",
    "### deeper",
    "```",
    "~~~",
    "<div align=center><img src='./images/a.png'>",
    "</div>",
    "<details><summary>more</summary>",
    "</details>",
    "<!--",
    "-->",
    "1. [An article](https://example.com/a)  :star::star:",
    "2. [[a wiki link]]",
    "3) no link at all :star:",
    "- Abstract: something",
    "   - Tips: nested",
    "- Code: [me@example.com](me@example.com)",
    "[ref]: ./elsewhere.md",
    "更新今日时间：2022.3.7",
    "更新今日时间：",
    "---",
    "draft: true",
    "tags: [a, b",
    "TODO",
    "",
    "   ",
]
piece = st.one_of(
    st.sampled_from(PIECES),
    st.text(max_size=30),
    CONTROL,
    st.just("x" * 20000),  # a huge line
)
markdown = st.lists(piece, max_size=14).map("\n".join)


@st.composite
def repositories(draw):
    """(README text, {note path: bytes})."""
    readme = draw(markdown)
    if draw(st.booleans()):  # usually a README with the owned parts, so the commands get going
        readme = (
            "# notes\n更新今日时间：2021.1.1\n## 今日要点\n"
            + draw(markdown)
            + "\n## 历史更新\n"
            + draw(markdown)
            + "\n"
        )
    paths = draw(
        st.lists(
            st.sampled_from(
                ["notes/202203/0307.md", "notes/202203/0308.md", "notes/202204/0401.md", "notes/202203/03x.md"]
            ),
            max_size=3,
            unique=True,
        )
    )
    notes = {}
    for path in paths:
        text = draw(markdown)
        data = text.encode("utf-8", errors="surrogatepass")
        if draw(st.integers(0, 9)) == 0:
            data = data + b"\xff\xfe"  # not UTF-8
        notes[path] = data
    return readme, notes


COMMANDS = [
    ["check"],
    ["check", "--diff"],
    ["publish", "--no-commit"],
    ["publish", "--dry-run"],
    ["new", "--date", "2022-03-09"],
    ["lint"],
    ["lint", "--json"],
    ["search", "a"],
    ["search", "example", "--json"],
    ["stats"],
    ["stats", "--json"],
    ["feed", "--base-url", "https://example.com/notes/"],
    ["export"],
    ["export", "--json"],
]


def build(root: Path, readme: str, notes: dict[str, bytes]) -> None:
    (root / "README.md").write_bytes(readme.encode("utf-8", errors="surrogatepass"))
    for path, data in notes.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)
@given(repositories())
def test_no_command_crashes(repo):
    readme, notes = repo
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        build(root, readme, notes)
        env = {"DAIRLY_CACHE_DIR": str(root / ".cache"), "NO_COLOR": "1", "COLUMNS": "120"}
        for args in COMMANDS:
            result = runner.invoke(APP, ["--root", str(root), *args], env=env)
            shown = result.output
            assert result.exit_code != CRASH, (args, shown)
            assert "Traceback" not in shown, (args, shown)
            assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
            if result.exit_code != 0:
                assert shown.strip(), (args, "failed without a message")


@pytest.mark.parametrize("control", ["\x0b", "\x1f", "\x08", "\x00"])
def test_feed_and_export_carry_control_characters(tmp_path: Path, control: str):
    note = (
        f"# A title with {control} in it\n\n## 今日要点\n\n"
        f"1. [An entry {control}](https://example.com/a)\n   - Tips: text {control} here\n"
    )
    build(tmp_path, "# notes\n", {"notes/202203/0307.md": note.encode("utf-8")})
    env = {"DAIRLY_CACHE_DIR": str(tmp_path / ".cache")}
    runner = CliRunner()
    feed = runner.invoke(APP, ["--root", str(tmp_path), "feed", "--base-url", "https://e.com/"], env=env)
    assert feed.exit_code == 0, feed.output
    import xml.etree.ElementTree as ET

    entry = ET.fromstring(feed.stdout_bytes).find("{http://www.w3.org/2005/Atom}entry")
    assert entry is not None
    assert entry.findtext("{http://www.w3.org/2005/Atom}title") == "A title with  in it"
    export = runner.invoke(APP, ["--root", str(tmp_path), "export", "--json"], env=env)
    assert export.exit_code == 0
    (record,) = json.loads(export.stdout)
    assert record["title"] == f"A title with {control} in it"
    assert record["entries"][0]["fields"][0]["value"] == f"text {control} here"


def test_a_bug_is_reported_as_one_with_the_version_and_no_traceback(capsys, monkeypatch):
    from dairly import __version__
    from dairly.guard import run_guarded

    monkeypatch.setattr("sys.argv", ["dairly", "stats"])
    monkeypatch.delenv("DAIRLY_DEBUG", raising=False)
    assert run_guarded(lambda: {}["missing"]) == CRASH
    err = capsys.readouterr().err
    assert err == (
        "dairly: error: internal error: KeyError: 'missing'\n"
        f"  This is a bug in dairly {__version__} (running `dairly stats`). Please report it at"
        " https://github.com/dairly/dairly/issues with this message; DAIRLY_DEBUG=1 shows the traceback.\n"
    )
    monkeypatch.setenv("DAIRLY_DEBUG", "1")
    assert run_guarded(lambda: {}["missing"]) == CRASH
    assert "Traceback (most recent call last)" in capsys.readouterr().err


def test_an_interrupt_while_dairly_starts_shows_no_traceback(tmp_path: Path, env):
    """Ctrl-C in the first milliseconds (dairly loading the command, Typer's import): a
    quiet exit, as one later is; the merge driver's command line too. (One that comes
    while Python itself starts, before any of dairly runs, is Python's to report.)"""
    import signal
    import subprocess
    import time

    from .conftest import DAIRLY

    assert DAIRLY
    seen = []
    for step in range(12):
        args = [DAIRLY, "merge-readme", "a", "b", "c"] if step % 2 else [DAIRLY, "stats"]
        proc = subprocess.Popen(args, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.025 * step)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        seen.append((proc.returncode, err))
    package = str(Path(__file__).parent.parent / "dairly") + "/"
    assert [err for _code, err in seen if package in err] == []


def test_control_characters_in_paths_and_titles_are_printed_escaped(tmp_path: Path, dairly):
    from .conftest import make_repo, note_text, write

    root = make_repo(tmp_path / "r", ["2022-01-09"])
    write(root, "notes/202201/a\x1b[31mb\nc.md", "x")
    write(root, "notes/202201/0110.md", note_text("title", "1. [x\x00y\x1bz](https://x.org)\n"))
    check = dairly(root, "check")
    assert "notes/202201/a\\x1b[31mb\\nc.md: is not a note path" in check.out
    search = dairly(root, "search", "x")
    assert "\x00" not in search.out and "\x1b" not in search.out
    assert "notes/202201/0110.md:9: x\\x00y\\x1bz (title, url) https://x.org\n" in search.out


def test_an_unreadable_note_is_the_filesystem_exit_in_every_command(tmp_path: Path, dairly, monkeypatch):
    """Exit 5, as the README's table gives for "permission denied": check and publish
    said 5, lint, stats, search, feed and export said 2."""
    from dairly.notes.scan import WorkTree

    from .conftest import make_repo

    root = make_repo(tmp_path / "r", ["2022-01-09"])
    real = WorkTree.read

    def read(self, path: str) -> bytes:
        if path.endswith("0109.md"):
            raise PermissionError(13, "Permission denied")
        return real(self, path)

    monkeypatch.setattr(WorkTree, "read", read)
    for command in (["check"], ["publish", "--no-commit"], ["lint"], ["stats"], ["search", "a"], ["export"]):
        result = dairly(root, *command)
        assert (result.code, result.err) == (5, "dairly: error: notes/202201/0109.md: permission denied\n"), command
