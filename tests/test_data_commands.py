"""lint, search, stats, feed and export through the installed CLI, on real folders."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import write

ATOM = "{http://www.w3.org/2005/Atom}"


def note(title: str, items: str) -> str:
    return f"# {title}\n\n------\n\n\n\n## :paperclip:  今日要点\n\n{items}\n## :paperclip:  Others\n\n- footer\n"


ITEM_A = "1. [Vision Transformer 入门](https://arxiv.org/abs/2010.11929)  :star::star:\n   - Tips: 图像切块\n"


def lint_repo(root: Path) -> Path:
    write(
        root,
        "notes/202110/1008.md",
        note(
            "笔记（2021.10.8）",
            ITEM_A + "2. A talk without a link\n   - Tips: none\n\n"
            "![ok](./images/ok.png) ![gone](./images/missing.png)\n\n"
            "3. [Paper site](https://example.org/p)\n   - Code: [code](github.com/someone/repo)\n",
        ),
    )
    (root / "notes/202110/images").mkdir()
    (root / "notes/202110/images/ok.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    write(root, "notes/202110/1009.md", note("笔记（2021.10.8）", ITEM_A.replace("Tips: 图像切块", "Tips: again")))
    write(root, "notes/202110/1010.md", note("笔记（2021.10.10）", ""))
    write(root, "notes/202110/1011.md", note("笔记（2021.10.11）", ITEM_A.replace("2010.11929", "2103.14030")))
    return root


def test_lint_reports_every_problem_with_path_and_line(tmp_path: Path, dairly) -> None:
    root = lint_repo(tmp_path)
    result = dairly(root, "lint")
    assert result.code == 1, result
    assert result.out.splitlines() == [
        "notes/202110/1008.md:11: entry 2 ('A talk without a link') has no link",
        "notes/202110/1008.md:14: image './images/missing.png' is broken on GitHub:"
        " notes/202110/images/missing.png does not exist; add that file or correct the path",
        "notes/202110/1008.md:17: link 'github.com/someone/repo' looks like a web address, but GitHub reads it"
        " as the file path notes/202110/github.com/someone/repo; write https://github.com/someone/repo",
        "notes/202110/1009.md:1: the title says 2021.10.8 but the path says 2021.10.9",
        "notes/202110/1009.md:9: entry 1 was already promoted on 2021-10-08 (notes/202110/1008.md:9):"
        " https://arxiv.org/abs/2010.11929",
        "notes/202110/1010.md:7: 今日要点 is empty",
        "6 problems in 3 notes",
    ]
    as_json = dairly(root, "lint", "--json")
    assert as_json.code == 1
    assert json.loads(as_json.out)[0] == {
        "path": "notes/202110/1008.md",
        "line": 11,
        "message": "entry 2 ('A talk without a link') has no link",
    }


def test_lint_passes_on_clean_notes(tmp_path: Path, dairly) -> None:
    write(tmp_path, "notes/202110/1011.md", note("笔记（2021.10.11）", ITEM_A))
    result = dairly(tmp_path, "lint")
    assert (result.code, result.out) == (0, "1 note, no problems\n")


def search_repo(root: Path) -> Path:
    write(root, "notes/202201/0105.md", note("笔记（2022.1.5）", ITEM_A))
    write(
        root,
        "notes/202202/0210.md",
        "---\ntags: [nlp]\n---\n"
        + note(
            "笔记（2022.2.10）",
            "1. [Chinchilla scaling](https://arxiv.org/abs/2203.15556)  :star:\n"
            "   - Abstract: TRANSFORMER language models need more data\n"
            "   - Tips: 数据比参数重要\n",
        ),
    )
    write(root, "notes/202203/0301.md", "---\ndraft: true\n---\n" + note("笔记（2022.3.1）", ITEM_A))
    return root


def test_search_json_is_case_insensitive_and_skips_drafts(tmp_path: Path, dairly) -> None:
    root = search_repo(tmp_path)
    result = dairly(root, "search", "transformer", "--json")
    assert result.code == 0, result
    assert json.loads(result.out) == [
        {
            "date": "2022-01-05",
            "note": "notes/202201/0105.md",
            "number": 1,
            "title": "Vision Transformer 入门",
            "url": "https://arxiv.org/abs/2010.11929",
            "stars": 2,
            "line": 9,
            "matched": ["title"],
            "fields": {"Tips": "图像切块"},
        },
        {
            "date": "2022-02-10",
            "note": "notes/202202/0210.md",
            "number": 1,
            "title": "Chinchilla scaling",
            "url": "https://arxiv.org/abs/2203.15556",
            "stars": 1,
            "line": 12,
            "matched": ["Abstract"],
            "fields": {"Abstract": "TRANSFORMER language models need more data", "Tips": "数据比参数重要"},
        },
    ]


def test_search_filters(tmp_path: Path, dairly) -> None:
    root = search_repo(tmp_path)

    def dates(*args: str) -> list[str]:
        result = dairly(root, "search", *args, "--json")
        return [m["date"] for m in json.loads(result.out)]

    assert dates("数据") == ["2022-02-10"]  # Chinese, in a field
    assert dates("transformer", "--field", "title") == ["2022-01-05"]
    assert dates("transformer", "--field", "abstract") == ["2022-02-10"]
    assert dates("transformer", "--since", "2022-02-01") == ["2022-02-10"]
    assert dates("transformer", "--until", "2022-01-31") == ["2022-01-05"]
    assert dates("transformer", "--tag", "NLP") == ["2022-02-10"]
    nothing = dairly(root, "search", "no such words")
    assert (nothing.code, nothing.out) == (1, "no entries match 'no such words'\n")
    bad = dairly(root, "search", "x", "--since", "2022-13-01")
    assert bad.code == 2 and bad.err == "dairly: error: invalid --since '2022-13-01': there is no month 13\n"


def test_search_piped_prints_one_plain_line_per_entry(tmp_path: Path, dairly) -> None:
    result = dairly(search_repo(tmp_path), "search", "TRANSFORMER")
    assert result.code == 0
    assert result.out.splitlines() == [
        "notes/202201/0105.md:9: Vision Transformer 入门 (title) https://arxiv.org/abs/2010.11929",
        "notes/202202/0210.md:12: Chinchilla scaling (Abstract) https://arxiv.org/abs/2203.15556",
    ]


def stats_repo(root: Path) -> Path:
    for day, count in (("0101", 1), ("0102", 2), ("0103", 1), ("0105", 3)):
        items = "".join(f"{i}. [a{i}](https://e.com/{day}/{i})\n" for i in range(1, count + 1))
        write(root, f"notes/202201/{day}.md", note(f"笔记（2022.1.{int(day[2:])}）", items))
    write(root, "notes/202202/0210.md", note("笔记（2022.2.10）", "1. [b](https://e.com/b)\n"))
    return root


def test_stats_json(tmp_path: Path, dairly) -> None:
    result = dairly(stats_repo(tmp_path), "stats", "--json")
    assert result.code == 0, result
    assert json.loads(result.out) == {
        "notes": 5,
        "entries": 8,
        "first_day": "2022-01-01",
        "last_day": "2022-02-10",
        "current_streak": {"length": 0, "start": None, "end": None},  # the last note is years ago
        "longest_streak": {"length": 3, "start": "2022-01-01", "end": "2022-01-03"},
        "longest_gap": {"length": 35, "start": "2022-01-06", "end": "2022-02-09"},
        "entries_per_month": {"2022-01": 7, "2022-02": 1},
        "on_this_day": [],
    }


def test_stats_text_and_svg_heatmap(tmp_path: Path, dairly) -> None:
    root = stats_repo(tmp_path)
    result = dairly(root, "stats", "--svg", "heatmap.svg")
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert lines[:7] == [
        "notes           5",
        "entries         8",
        "first day       2022-01-01",
        "last day        2022-02-10",
        "current streak  0 days",
        "longest streak  3 days (2022-01-01 to 2022-01-03)",
        "longest gap     35 days (2022-01-06 to 2022-02-09)",
    ]
    assert "  2022-01     7  " + "■" * 40 in lines  # the widest month fills the bar
    assert "  2022-02     1  " + "■" * 6 in lines
    assert lines[-1] == "wrote heatmap.svg"
    svg = ET.parse(root / "heatmap.svg").getroot()
    rects = svg.findall("{http://www.w3.org/2000/svg}rect")
    # 53 weeks Monday..Sunday ending with 2022-02-10 (a Thursday): 3 days of that week are later.
    assert len(rects) == 53 * 7 - 3
    titles = {r.find("{http://www.w3.org/2000/svg}title").text: r.get("fill") for r in rects}
    assert titles["2022-01-05: 3 entries"] == "#216e39"  # the busiest quarter of the days
    assert titles["2022-01-01: 1 entry"] == "#9be9a8"
    assert titles["2022-01-04: no note"] == "#ebedf0"


def feed_repo(root: Path) -> Path:
    for day in ("0101", "0102", "0103"):
        write(root, f"notes/202201/{day}.md", note(f"笔记 <{day}> & co（2022.1.{int(day[2:])}）", ITEM_A))
    write(root, "README.md", "# my reading notes\n")
    return root


def test_feed_parses_back_newest_first(tmp_path: Path, dairly) -> None:
    root = feed_repo(tmp_path)
    result = dairly(root, "feed", "--limit", "2", "--base-url", "https://example.com/notes", "-o", "feed.xml")
    assert (result.code, result.out) == (0, "wrote feed.xml\n")
    feed = ET.parse(root / "feed.xml").getroot()
    assert feed.findtext(f"{ATOM}title") == "my reading notes"
    assert feed.findtext(f"{ATOM}updated") == "2022-01-03T00:00:00+00:00"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "笔记 <0103> & co（2022.1.3）",
        "笔记 <0102> & co（2022.1.2）",
    ]
    assert entries[0].find(f"{ATOM}link").get("href") == "https://example.com/notes/notes/202201/0103.md"
    assert entries[0].findtext(f"{ATOM}content") == (
        '<ol>\n<li><a href="https://arxiv.org/abs/2010.11929">Vision Transformer 入门</a>  ⭐⭐\n<ul>\n'
        "<li>Tips: 图像切块</li>\n</ul>\n</li>\n</ol>\n"
    )
    again = dairly(root, "feed", "--limit", "2", "--base-url", "https://example.com/notes")
    assert again.out.encode("utf-8") == (root / "feed.xml").read_bytes()  # same notes, same feed


def test_feed_base_url_from_github_remote(tmp_path: Path, dairly, git) -> None:
    root = feed_repo(tmp_path)
    outside = dairly(root, "feed")
    assert outside.code == 3 and "is not in a git repository" in outside.err and "--base-url" in outside.err
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", "git@github.com:someone/notes.git")
    result = dairly(root, "feed")
    assert result.code == 0, result
    entry = ET.fromstring(result.out).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}id") == "https://github.com/someone/notes/blob/main/notes/202201/0103.md"
    git(root, "remote", "set-url", "origin", "https://gitlab.com/someone/notes.git")
    other = dairly(root, "feed")
    assert other.code == 2 and "--base-url is needed" in other.err


def test_export_json_lines_and_json(tmp_path: Path, dairly) -> None:
    root = search_repo(tmp_path)
    result = dairly(root, "export")
    assert result.code == 0
    rows = [json.loads(line) for line in result.out.splitlines()]
    assert [(r["type"], r["date"]) for r in rows] == [
        ("note", "2022-01-05"),
        ("entry", "2022-01-05"),
        ("note", "2022-02-10"),
        ("entry", "2022-02-10"),
        ("note", "2022-03-01"),
        ("entry", "2022-03-01"),
    ]
    assert rows[2]["meta"] == {"tags": ["nlp"]} and rows[4]["meta"] == {"draft": True}
    assert rows[3]["fields"][1] == {"name": "Tips", "value": "数据比参数重要", "links": [], "line": 14}
    whole = json.loads(dairly(root, "export", "--json").out)
    assert [n["date"] for n in whole] == ["2022-01-05", "2022-02-10", "2022-03-01"]
    assert whole[1]["entries"][0]["title"] == "Chinchilla scaling"


def test_index_lives_in_git_dir_and_follows_edits(tmp_path: Path, dairly, git) -> None:
    root = search_repo(tmp_path)
    git(root, "init", "-q")
    assert dairly(root, "search", "cache-word", "--json").code == 1
    index = root / ".git/dairly/index.sqlite3"
    assert not index.exists()  # search reads the notes directly until an index exists
    assert dairly(root, "stats").code == 0
    assert index.is_file()
    assert git(root, "status", "--porcelain", "--ignored", ".git") == ""
    path = root / "notes/202201/0105.md"
    path.write_text(path.read_text(encoding="utf-8").replace("图像切块", "cache-word 图像切块"), encoding="utf-8")
    found = dairly(root, "search", "cache-word", "--json")
    assert [m["date"] for m in json.loads(found.out)] == ["2022-01-05"]
    for leftover in root.glob(".git/dairly/index.sqlite3*"):
        leftover.unlink()
    index.write_bytes(b"\x00damaged")  # a damaged index is rebuilt, never trusted
    assert [m["date"] for m in json.loads(dairly(root, "search", "cache-word", "--json").out)] == ["2022-01-05"]
    with sqlite3.connect(index) as conn:
        assert [p for (p,) in conn.execute("SELECT path FROM notes ORDER BY path")] == [
            "notes/202201/0105.md",
            "notes/202202/0210.md",
            "notes/202203/0301.md",
        ]
    # lint reads the note-wide links from the cache too: same verdict cold and warm.
    write(
        root, "notes/202201/0107.md", note("笔记（2022.1.7）", ITEM_A.replace("Tips: 图像切块", "Tips: ![x](gone.png)"))
    )
    cold = dairly(root, "lint")
    assert "notes/202201/0107.md:10: image 'gone.png' is broken on GitHub" in cold.out
    assert dairly(root, "lint").out == cold.out


def test_a_rewrite_that_keeps_the_size_and_the_time_is_still_seen(tmp_path: Path, dairly, git) -> None:
    # Two saves within one tick of the file system's clock leave the size and the
    # modification time as they were: the index must not trust a stamp that young.
    root = search_repo(tmp_path)
    git(root, "init", "-q")
    assert dairly(root, "stats").code == 0
    path = root / "notes/202201/0105.md"
    before = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace("图像切块", "图像分块"), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    found = dairly(root, "search", "图像分块", "--json")
    assert [m["date"] for m in json.loads(found.out)] == ["2022-01-05"], found
    with sqlite3.connect(root / ".git/dairly/index.sqlite3") as conn:
        stamps = dict(conn.execute("SELECT path, mtime_ns FROM files"))
    assert stamps["notes/202201/0105.md"] == -1  # read again next time, until its stamp is old enough


def test_cache_outside_git_goes_to_user_cache_dir(tmp_path: Path, dairly, env) -> None:
    root = search_repo(tmp_path / "plain")
    assert dairly(root, "export").code == 0
    indexes = list((Path(env["HOME"]) / ".cache/dairly").glob("index-*.sqlite3"))
    assert len(indexes) == 1
    assert not any(p.name.startswith("index") for p in root.rglob("*"))


def test_non_utf8_note_is_a_clear_error(tmp_path: Path, dairly) -> None:
    root = search_repo(tmp_path)
    (root / "notes/202201/0106.md").write_bytes(b"# \xff\xfe title\n")
    result = dairly(root, "search", "x")
    assert result.code == 2
    assert result.err == "dairly: error: notes/202201/0106.md: is not UTF-8 (byte 0xff at offset 2)\n"


def test_closed_pipe_ends_quietly(tmp_path: Path, env) -> None:
    import subprocess

    from tests.conftest import DAIRLY

    root = search_repo(tmp_path)
    for day in range(1, 29):  # enough output to outlast the pipe buffer
        write(root, f"notes/202204/04{day:02d}.md", note(f"笔记（2022.4.{day}）", ITEM_A * 30))
    proc = subprocess.Popen([DAIRLY, "export"], cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().startswith(b'{"type": "note"')
    proc.stdout.close()  # like `dairly export | head -1`
    assert proc.wait(timeout=60) == 141
    assert proc.stderr.read() == b""


def test_cold_parse_of_many_notes_shows_a_progress_bar_on_a_terminal(tmp_path: Path, env) -> None:
    import shlex
    import shutil
    import subprocess

    import pytest

    from tests.conftest import DAIRLY

    if shutil.which("script") is None:
        pytest.skip("needs util-linux `script` to give dairly a terminal")
    import datetime

    start = datetime.date(2020, 1, 1)
    for i in range(250):
        d = start + datetime.timedelta(days=i)
        write(tmp_path, f"notes/{d:%Y%m}/{d:%m%d}.md", note(f"笔记（{d.year}.{d.month}.{d.day}）", ITEM_A))
    command = f"{shlex.quote(DAIRLY)} stats --json"
    tty_env = {**env, "TERM": "xterm"}
    cold = subprocess.run(["script", "-qec", command, "/dev/null"], cwd=tmp_path, env=tty_env, capture_output=True)
    assert b"indexing 250 notes" in cold.stdout
    warm = subprocess.run(["script", "-qec", command, "/dev/null"], cwd=tmp_path, env=tty_env, capture_output=True)
    assert b"indexing" not in warm.stdout and b'"notes": 250' in warm.stdout
    cold_env = {**env, "DAIRLY_CACHE_DIR": str(tmp_path / "fresh-cache")}
    piped = subprocess.run([DAIRLY, "stats"], cwd=tmp_path, env=cold_env, capture_output=True)
    assert piped.stderr == b""  # cold again, but no bar where no one watches
    assert list((tmp_path / "fresh-cache").glob("index-*.sqlite3"))


def test_feed_is_well_formed_with_absolute_pictures_and_links(tmp_path: Path, dairly) -> None:
    import feedparser

    body = (
        "1. [A paper \x0b with a control character](https://arxiv.org/abs/2401.00001)  :star:\n"
        "   - Tips: see [yesterday](../202112/1231.md) and ![chart](./images/chart.png)\n\n"
        '<div align=center><img src="images/big.png"></div>\n'
    )
    write(tmp_path, "notes/202201/0101.md", note("新年（2022.1.1）", body))
    write(tmp_path, "notes/202112/1231.md", note("年末（2021.12.31）", ITEM_A))
    base = "https://github.com/someone/notes/blob/main/"
    first = dairly(tmp_path, "feed", "--base-url", base)
    assert first.code == 0, first.err
    parsed = feedparser.parse(first.out.encode("utf-8"))
    assert parsed.bozo == 0, parsed.bozo_exception
    assert [e.title for e in parsed.entries] == ["新年（2022.1.1）", "年末（2021.12.31）"]
    html = parsed.entries[0].content[0].value
    assert "\x0b" not in first.out
    assert f'href="{base}notes/202112/1231.md"' in html
    assert f'src="{base}notes/202201/images/chart.png?raw=true"' in html
    assert f'src="{base}notes/202201/images/big.png?raw=true"' in html
    assert "⭐" in html and ":star:" not in html
    second = dairly(tmp_path, "feed", "--base-url", base)
    assert second.out == first.out  # nothing changed: the same feed, `updated` included
    assert parsed.entries[0].updated == "2022-01-01T00:00:00+00:00"


def test_export_sqlite_opens_in_sqlite_utils_with_search(tmp_path: Path, dairly) -> None:
    import sqlite_utils

    root = search_repo(tmp_path / "r")
    result = dairly(root, "export", "--sqlite", str(tmp_path / "notes.db"))
    assert (result.code, result.err) == (0, f"wrote {tmp_path / 'notes.db'}\n")
    db = sqlite_utils.Database(tmp_path / "notes.db")
    assert {"notes", "entries", "local_links", "findings"} <= set(db.table_names())
    assert "files" not in db.table_names()  # the index's bookkeeping stays out
    assert db["entries"].detect_fts() == "entries_fts"
    found = [(row["date"], row["title"]) for row in db["entries"].search("数据比参数")]
    assert found == [("2022-02-10", "Chinchilla scaling")]
    assert db["notes"].count == 3


def test_stats_counts_the_entries_the_author_numbered(tmp_path: Path, dairly) -> None:
    body = (
        "1. [One](https://e.com/1)\n- Abstract: a field at column 0, not an entry\n- Tips: another\n"
        '<div align=center><img src="https://e.com/p.png">\n</div>\n'
        "2. [Two, glued to the div](https://e.com/2)\n"
    )
    write(tmp_path, "notes/202201/0101.md", note("笔记（2022.1.1）", body))
    result = dairly(tmp_path, "stats", "--json")
    assert json.loads(result.out)["entries"] == 2


def test_search_shows_the_same_entries_on_a_terminal_in_a_pipe_and_as_json(tmp_path: Path, env) -> None:
    import shlex
    import shutil
    import subprocess

    import pytest

    from tests.conftest import DAIRLY

    if shutil.which("script") is None:
        pytest.skip("needs util-linux `script` to give dairly a terminal")
    root = search_repo(tmp_path)
    as_json = subprocess.run(
        [DAIRLY, "search", "transformer", "--json"], cwd=root, env=env, capture_output=True, text=True
    )
    piped = subprocess.run([DAIRLY, "search", "transformer"], cwd=root, env=env, capture_output=True, text=True)
    command = f"{shlex.quote(DAIRLY)} search transformer"
    terminal = subprocess.run(
        ["script", "-qec", command, "/dev/null"], cwd=root, env={**env, "TERM": "xterm"}, capture_output=True, text=True
    )
    titles = [m["title"] for m in json.loads(as_json.stdout)]
    assert titles == ["Vision Transformer 入门", "Chinchilla scaling"]
    assert [line.split(": ", 1)[1].split(" (")[0] for line in piped.stdout.splitlines()] == titles
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", terminal.stdout)  # the colours and highlights
    assert [title for title in titles if title in screen] == titles
    assert "2 entries matching 'transformer'" in screen


def test_search_narrows_entries_by_the_full_text_index_before_it_looks_at_notes(tmp_path: Path, git) -> None:
    # A query plan that visits every note and then its entries made a warm search over
    # 10,000 notes take half a second; bench/run.py times it, this pins the plan.
    from dairly.notes.index import open_index
    from dairly.workspace import Workspace

    root = search_repo(tmp_path)
    git(root, "init", "-q")
    index = open_index(Workspace.open(root), progress=False)
    statements: list[str] = []
    index.conn.set_trace_callback(statements.append)
    assert len(index.candidate_entries("transformer", None, None)) == 2  # the draft's is left out
    (query,) = [s for s in statements if "entries_fts MATCH" in s]
    plan = [row[3] for row in index.conn.execute("EXPLAIN QUERY PLAN " + query)]
    assert plan[0] == "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)", plan
    assert any(step.startswith("SEARCH n USING INDEX sqlite_autoindex_notes_1") for step in plan), plan


def test_an_index_whose_tables_differ_from_its_stamp_is_rebuilt(tmp_path: Path, dairly, git) -> None:
    # The stamp says the index is current, but a table is not what dairly wrote: any error
    # reading it rebuilds it from the notes, once.
    root = search_repo(tmp_path)
    git(root, "init", "-q")
    counted = dairly(root, "stats", "--json")  # search alone reads the notes until an index exists
    assert counted.code == 0
    expected = dairly(root, "search", "数据比参数", "--json")
    assert expected.code == 0
    with sqlite3.connect(root / ".git/dairly/index.sqlite3") as conn:
        conn.execute("DROP TABLE files")
        conn.execute("CREATE TABLE files (path TEXT)")
    for _ in range(2):
        again = dairly(root, "search", "数据比参数", "--json")
        assert (again.code, again.out, again.err) == (0, expected.out, "")
    with sqlite3.connect(root / ".git/dairly/index.sqlite3") as conn:
        conn.execute("ALTER TABLE notes RENAME COLUMN title TO heading")
    stats = dairly(root, "stats", "--json")
    assert (stats.code, stats.out, stats.err) == (0, counted.out, "")


def test_export_sqlite_replaces_the_previous_export_only_once_the_new_one_is_complete(
    tmp_path: Path, dairly, monkeypatch
) -> None:
    root = search_repo(tmp_path / "r")
    target = tmp_path / "notes.db"
    assert dairly(root, "export", "--sqlite", str(target)).code == 0
    before = target.read_bytes()
    # A failure half-way (a full disk) leaves the previous export as it was, and no temporary file.
    from dairly.notes import index

    def full() -> bool:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(index, "has_trigram", full)  # asked once the copy is made
    failed = dairly(root, "export", "--sqlite", str(target))
    assert (failed.code, failed.out) == (5, "")
    assert failed.err == f"dairly: error: {target}: cannot be written: database or disk is full\n"
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db", "r"]


def test_export_sqlite_to_a_folder_or_a_missing_folder_is_an_input_error(tmp_path: Path, dairly) -> None:
    root = search_repo(tmp_path / "r")
    (tmp_path / "out").mkdir()
    folder = dairly(root, "export", "--sqlite", str(tmp_path / "out"))
    assert (folder.code, folder.out) == (2, "")
    assert folder.err == (
        f"dairly: error: invalid --sqlite '{tmp_path / 'out'}': it is a folder; name the database file to write\n"
    )
    missing = dairly(root, "export", "--sqlite", "nowhere/notes.db")
    assert (missing.code, missing.out) == (2, "")
    assert missing.err == "dairly: error: invalid --sqlite 'nowhere/notes.db': there is no folder 'nowhere'\n"
    assert list((tmp_path / "out").iterdir()) == []


def test_the_index_stamp_covers_every_python_file_of_the_package(tmp_path: Path) -> None:
    # The rows keep what the parser and lint said: a change to any module they run makes
    # the stamp differ, so no index keeps findings of an older rule. No list of modules
    # is kept: every .py file of the package counts, the row builders' among them.
    from dairly.notes.index_stamp import PACKAGE, source_files, source_stamp
    from tests.test_layout import PACKAGE as SOURCE

    assert Path(PACKAGE) == SOURCE
    expected = sorted(p.relative_to(SOURCE).as_posix() for p in SOURCE.rglob("*.py") if "__pycache__" not in p.parts)
    assert sorted(source_files(PACKAGE)) == expected
    assert {"notes/rules.py", "notes/traps.py", "gfm.py", "notes/index_rows.py"} <= set(expected)
    copy = tmp_path / "dairly"
    for name in expected:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes((SOURCE / name).read_bytes())
    (copy / "notes/__pycache__").mkdir()
    (copy / "notes/__pycache__/rules.cpython-311.pyc").write_bytes(b"compiled")
    first = source_stamp(str(copy))
    assert source_stamp(str(copy)) == first  # the same files: the same stamp
    (copy / "notes/__pycache__/rules.cpython-311.pyc").write_bytes(b"compiled again")
    assert source_stamp(str(copy)) == first  # compiled files are not source
    rules = copy / "notes/rules.py"
    info = rules.stat()
    rules.write_bytes(rules.read_bytes().replace(b"def ", b"def  ", 1))  # one byte more
    os.utime(rules, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert source_stamp(str(copy)) != first
    changed = source_stamp(str(copy))
    os.utime(rules, ns=(info.st_atime_ns, info.st_mtime_ns + 1))  # saved again, the same size
    assert source_stamp(str(copy)) not in (first, changed)
    (copy / "notes/new_rule.py").write_text("", encoding="utf-8")
    assert len({first, changed, source_stamp(str(copy))}) == 3


def test_a_change_to_a_lint_rule_rebuilds_the_index(tmp_path: Path, dairly, git, monkeypatch) -> None:
    from dairly.notes import index_stamp

    root = lint_repo(tmp_path)
    git(root, "init", "-q")
    before = dairly(root, "lint")
    assert "has no link" in before.out
    with sqlite3.connect(root / ".git/dairly/index.sqlite3") as conn:
        conn.execute("UPDATE findings SET message = 'a finding of an older rule'")
    assert "a finding of an older rule" in dairly(root, "lint").out  # the same code: the rows are trusted
    # Another source for one of the modules (here: rules.py with a comment added).
    copy = tmp_path / "package"
    source = Path(index_stamp.PACKAGE)
    for name in index_stamp.source_files(str(source)):
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / name, copy / name)  # with its modification time
    monkeypatch.setattr(index_stamp, "PACKAGE", str(copy))
    assert "a finding of an older rule" in dairly(root, "lint").out  # the same files as they were: no change
    (copy / "notes/rules.py").write_bytes((copy / "notes/rules.py").read_bytes() + b"# changed\n")
    after = dairly(root, "lint")
    assert (after.code, after.out) == (before.code, before.out)


def test_an_empty_search_is_an_input_error(tmp_path: Path, dairly) -> None:
    root = search_repo(tmp_path)
    for query in ("", "  "):
        result = dairly(root, "search", query)
        assert (result.code, result.out) == (2, "")
        assert result.err == (
            f"dairly: error: invalid QUERY {query!r}: give the text to find (every entry would match an empty one)\n"
        )


def test_the_search_table_never_breaks_a_link(tmp_path: Path, monkeypatch) -> None:
    import io

    from rich.console import Console

    from dairly import output
    from dairly.commands import search
    from dairly.workspace import Workspace

    long_url = "https://example.com/" + "/".join(f"part-{n}" for n in range(4)) + "?query=transformer"
    title = "A transformer entry with a long title that has to wrap somewhere on a narrow terminal"
    write(tmp_path, "notes/202201/0105.md", note("笔记（2022.1.5）", f"1. [{title}]({long_url})\n   - Tips: x\n"))
    write(tmp_path, "notes/202201/0106.md", note("笔记（2022.1.6）", ITEM_A))
    matches = search.find(Workspace.open(str(tmp_path)), "transformer")
    assert len(long_url) > 100 // 4  # more than an even share of the columns would give it
    for width in (100, 160):
        screen = io.StringIO()
        console = Console(file=screen, width=width, color_system=None, emoji=False, highlight=False)
        monkeypatch.setattr(output, "table_console", lambda console=console: console)
        search._table(matches, "transformer")
        text = screen.getvalue()
        assert long_url in text and "https://arxiv.org/abs/2010.11929" in text, text


def test_a_note_titled_with_control_characters_alone_is_named_by_its_path_in_the_feed(tmp_path: Path, dairly) -> None:
    # XML cannot hold the title: the entry needs one all the same (found by test_no_tracebacks).
    write(tmp_path, "README.md", "")
    (tmp_path / "notes/202203").mkdir(parents=True)
    (tmp_path / "notes/202203/0307.md").write_bytes(b"\x08\n=====")
    result = dairly(tmp_path, "feed", "--base-url", "https://example.com/notes/")
    assert (result.code, result.err) == (0, "")
    assert "<title>notes/202203/0307.md</title>" in result.out


@pytest.mark.parametrize(
    "command", [["feed", "--base-url", "https://x.org/", "-o"], ["stats", "--svg"], ["export", "--sqlite"]]
)
def test_an_output_fifo_or_device_is_written_into_never_replaced(tmp_path: Path, dairly, command):
    import stat
    import threading

    from .conftest import make_repo

    root = make_repo(tmp_path / "r", ["2022-01-09"])
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = dairly(root, *command, str(fifo), env_extra={"DAIRLY_NOW": "2022-01-10"})
    reader.join(timeout=60)
    assert result.code == 0, result
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got and got[0].startswith((b"<?xml", b"<svg", b"SQLite format 3\0"))
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    assert dairly(root, *command, str(link), env_extra={"DAIRLY_NOW": "2022-01-10"}).code == 0
    assert os.readlink(link) == os.devnull and stat.S_ISCHR(os.stat(os.devnull).st_mode)
    if os.path.exists("/dev/full"):
        full = dairly(root, *command, "/dev/full", env_extra={"DAIRLY_NOW": "2022-01-10"})
        assert (full.code, full.err) == (5, "dairly: error: /dev/full: the disk is full\n")
        assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_first_build_merges_its_write_ahead_log(tmp_path: Path, git) -> None:
    # A process that ends without closing the index leaves the -wal file beside it; after a
    # first build it would hold a second copy of the whole index.
    from dairly.notes.index import open_index
    from dairly.workspace import Workspace

    root = search_repo(tmp_path)
    git(root, "init", "-q")
    index = open_index(Workspace.open(root), progress=False)
    try:
        assert index.note_count() > 0
        assert (root / ".git/dairly/index.sqlite3-wal").stat().st_size == 0
    finally:
        index.conn.close()


def test_a_changed_notes_old_full_text_rows_match_no_entry_until_the_index_is_made_again(
    tmp_path: Path, git, dairly
) -> None:
    # The full-text table keeps no text, and a row is taken out only given the text it
    # indexed, which the index does not keep either (the notes hold it). A changed note's
    # old rows stay under ids no entry is given again, so search never sees them; once they
    # outnumber the entries, every note is read again and the table holds only live rows.
    from dairly.notes.index import open_index
    from dairly.workspace import Workspace

    root = search_repo(tmp_path)
    git(root, "init", "-q")

    def matching(trigram: str) -> list[str | None]:
        """The notes of the entries the full-text table holds this trigram of (None: of an
        entry no longer there)."""
        with open_index(Workspace.open(root), progress=False) as index:
            assert index.fts
            query = "SELECT e.note FROM entries_fts f LEFT JOIN entries e ON e.id = f.rowid WHERE entries_fts MATCH ?"
            return [note for (note,) in index.conn.execute(query, (f'"{trigram}"',))]

    def rows() -> tuple[int, int]:
        """(full-text rows, entries)."""
        with open_index(Workspace.open(root), progress=False) as index:
            fts = index.conn.execute("SELECT COUNT(*) FROM entries_fts").fetchone()[0]
            return fts, index.conn.execute("SELECT COUNT(*) FROM entries").fetchone()[0]

    assert matching("比参数") == ["notes/202202/0210.md"]
    assert rows() == (3, 3)
    note = root / "notes/202202/0210.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("数据比参数", "参数比数据"), encoding="utf-8")
    assert matching("比参数") == [None]
    assert matching("比数据") == ["notes/202202/0210.md"]
    assert dairly(root, "search", "数据比参数").code == 1
    assert rows() == (4, 3)
    for edit in range(3):  # an old row each time: four, more than the three entries
        note.write_text(text.replace("数据比参数", f"参数比数据{edit}"), encoding="utf-8")
        assert rows() == (5 + edit, 3)
    assert rows() == (3, 3)  # the next opening finds them outnumbering the entries
    assert matching("比参数") == []
    note.unlink()
    assert matching("chi") == [None]
    assert dairly(root, "search", "chinchilla").code == 1


def test_the_index_keeps_no_copy_of_what_the_notes_hold(tmp_path: Path, git, dairly) -> None:
    # An entry's Markdown, field values and pictures, a note's front matter and links are
    # read from the note files: no table of the index holds them (its full-text table
    # keeps trigrams, no text), while the export's tables do.
    import sqlite3

    root = search_repo(tmp_path)
    git(root, "init", "-q")
    assert dairly(root, "stats").code == 0
    index = sqlite3.connect(root / ".git/dairly/index.sqlite3")
    columns = {
        table: [c for _cid, c, *_ in index.execute(f'PRAGMA table_info("{table}")')] for table in ("notes", "entries")
    }
    assert columns == {
        "notes": ["path", "date", "title", "draft", "unfinished", "tags", "entries"],
        "entries": ["id", "note", "date", "position", "number", "title", "url", "stars", "line", "url_key"],
    }
    copies = ["TRANSFORMER language models", "数据比参数重要", "Abstract:", "- Tips", "arxiv.org/abs/2010.11929)"]
    tables = [name for (name,) in index.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    held = [
        (table, copy)
        for table in tables
        for row in index.execute(f'SELECT * FROM "{table}"')
        for cell in row
        for copy in copies
        if isinstance(cell, (str, bytes)) and (copy if isinstance(cell, str) else copy.encode()) in cell
    ]
    index.close()
    assert held == []
    assert dairly(root, "export", "--sqlite", str(tmp_path / "out.db")).code == 0
    export = sqlite3.connect(tmp_path / "out.db")
    (markdown, fields) = export.execute(
        "SELECT markdown, fields FROM entries WHERE note = 'notes/202202/0210.md'"
    ).fetchone()
    export.close()
    assert "   - Tips: 数据比参数重要" in markdown
    assert fields == '[["Abstract","TRANSFORMER language models need more data",[],13],["Tips","数据比参数重要",[],14]]'
