"""`dairly lint` says where GitHub shows a note otherwise than its author meant, with the
fix; `dairly lint --fix` makes the mechanical fixes, byte for byte, and only those."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dairly.notes.fixes import Fixed, fix_note, no_worse
from dairly.notes.traps import Trap, find_traps, web_address
from tests.conftest import write

NOTE = "notes/202203/0307.md"
TITLE = "# 学习笔记（2022.3.7）"
PICTURE = ["<div align=center><img src=\"https://img.example.org/p/1.png\" style='zoom:80%'>", "</div>"]


def note(*body: str, eol: str = "\n") -> str:
    """A note whose 今日要点 body is `body`, one line each: the body starts on line 5."""
    lines = [TITLE, "", "## :paperclip:  今日要点", "", *body]
    return eol.join(lines) + eol


def lint(dairly, root: Path, *args: str) -> tuple[int, list[str]]:
    result = dairly(root, "lint", *args)
    assert result.err == "", result.err
    return result.code, result.out.splitlines()


# -- one note per trap, end to end -----------------------------------------------------


def test_entry_glued_to_div_is_raw_text(tmp_path: Path, dairly) -> None:
    write(
        tmp_path,
        NOTE,
        note(
            "1. [Sparse windows](https://example.org/sparse)  :star:",  # 5
            "   - Tips: keep the window small",
            "",
            *PICTURE,  # 8, 9
            "2. [Merging tokens](https://example.org/merge)  :star::star:",  # 10
            "- Tips: merge the tokens that look alike",
        ),
    )
    assert lint(dairly, tmp_path) == (
        1,
        [
            f"{NOTE}:10: GitHub shows entry 2 as raw text inside the HTML block above; add a blank line after </div>",
            "1 problem in 1 note",
        ],
    )


def test_heading_glued_to_div_is_raw_text(tmp_path: Path, dairly) -> None:
    write(
        tmp_path,
        NOTE,
        note(
            "1. [Sparse windows](https://example.org/sparse)  :star:",
            "",
            *PICTURE,  # 7, 8
            "## :paperclip:  Others",  # 9
            "",
            "- a footer line",
        ),
    )
    assert lint(dairly, tmp_path) == (
        1,
        [
            f"{NOTE}:9: GitHub shows the heading '## :paperclip:  Others' as raw text inside the HTML block above;"
            " add a blank line after </div>",
            "1 problem in 1 note",
        ],
    )


def test_markdown_in_details_without_blank_line(tmp_path: Path, dairly) -> None:
    write(
        tmp_path,
        NOTE,
        note(
            "1. [Sparse windows](https://example.org/sparse)  :star:",
            "",
            "<details>",  # 7
            "<summary>Reading list</summary>",
            "- **first**: [the survey](https://example.org/survey)",  # 9
            "- second",
            "</details>",
            "",
            "<div align=center>",  # 13
            "![the curve](https://img.example.org/p/curve.png)",  # 14
            "</div>",
            "",
            "<div align=center>**centred, but raw**</div>",  # 17
        ),
    )
    assert lint(dairly, tmp_path) == (
        1,
        [
            f"{NOTE}:9: GitHub shows '- **first**: [the survey](https://exampl' as raw text inside <details>;"
            " add a blank line after </summary>",
            f"{NOTE}:14: GitHub shows '![the curve](https://img.example.org/p/c' as raw text inside <div>;"
            " add a blank line after <div align=center>",
            f"{NOTE}:17: GitHub shows '<div align=center>**centred, but raw**</' as raw text inside <div>;"
            " put the Markdown on a line of its own, between blank lines",
            "3 problems in 1 note",
        ],
    )


def test_unclosed_details_and_div(tmp_path: Path, dairly) -> None:
    write(
        tmp_path,
        NOTE,
        note(
            "1. [Sparse windows](https://example.org/sparse)  :star:",
            "",
            "<details><summary>More</summary>",  # 7
            "",
            "the rest",
            "",
            "<div align=center>",  # 11
            "",
            "centred text",
            "",
            "<div>closed</div>",
            "",
            "a paragraph with `<div>` in code",
        ),
    )
    assert lint(dairly, tmp_path) == (
        1,
        [
            f"{NOTE}:7: GitHub shows everything after this <details> folded inside it, since it is never closed;"
            " add </details> where it should end",
            f"{NOTE}:11: GitHub shows everything after this <div> inside it, since it is never closed;"
            " add </div> where it should end",
            "2 problems in 1 note",
        ],
    )


def test_email_and_bare_domain_links(tmp_path: Path, dairly) -> None:
    write(
        tmp_path,
        NOTE,
        note(
            "1. [Sparse windows](https://example.org/sparse)  :star:",
            "   - Tips: ask [the author](author@lab.example.org)",  # 6
            "   - Code: [code](github.com/someone/windows)",  # 7
            '   - Demo: <a href="www.demo-site.example">demo</a>',  # 8
            "   - Paper: [a real file](./paper.pdf)",
        ),
    )
    (tmp_path / "notes/202203/paper.pdf").write_bytes(b"%PDF-1.4\n")
    assert lint(dairly, tmp_path) == (
        1,
        [
            f"{NOTE}:6: link 'author@lab.example.org' looks like an e-mail address, but GitHub reads it as the file"
            " path notes/202203/author@lab.example.org; write mailto:author@lab.example.org",
            f"{NOTE}:7: link 'github.com/someone/windows' looks like a web address, but GitHub reads it as the file"
            " path notes/202203/github.com/someone/windows; write https://github.com/someone/windows",
            f"{NOTE}:8: link 'www.demo-site.example' looks like a web address, but GitHub reads it as the file"
            " path notes/202203/www.demo-site.example; write https://www.demo-site.example",
            "3 problems in 1 note",
        ],
    )


def test_wiki_links(tmp_path: Path, dairly) -> None:
    write(
        tmp_path,
        NOTE,
        note(
            "1. [Sparse windows](https://example.org/sparse)  :star:",
            "   - Tips: see [[Attention basics]] and [[Windows|the window notes]]",  # 6
            "   - Paper: [[1]](https://example.org/ref-one) is a link, `[[code]]` is code",
            "",
            "```",
            "[[inside a fence]]",
            "```",
        ),
    )
    assert lint(dairly, tmp_path) == (
        1,
        [
            f"{NOTE}:6: GitHub shows '[[Attention basics]]' as plain text: it has no wiki links;"
            " write a Markdown link, [Attention basics](the page's path or URL)",
            f"{NOTE}:6: GitHub shows '[[Windows|the window notes]]' as plain text: it has no wiki links;"
            " write a Markdown link, [Windows|the window notes](the page's path or URL)",
            "2 problems in 1 note",
        ],
    )


def test_missing_relative_image(tmp_path: Path, dairly) -> None:
    write(
        tmp_path,
        NOTE,
        note(
            "1. [Sparse windows](https://example.org/sparse)  :star:",
            "",
            "![here](./images/here.png) ![gone](./images/gone.png)",  # 7
            "",
            '<div align=center><img src="./images/also-gone.png"></div>',  # 9
        ),
    )
    (tmp_path / "notes/202203/images").mkdir()
    (tmp_path / "notes/202203/images/here.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    assert lint(dairly, tmp_path) == (
        1,
        [
            f"{NOTE}:7: image './images/gone.png' is broken on GitHub: notes/202203/images/gone.png does not exist;"
            " add that file or correct the path",
            f"{NOTE}:9: image './images/also-gone.png' is broken on GitHub: notes/202203/images/also-gone.png does"
            " not exist; add that file or correct the path",
            "2 problems in 1 note",
        ],
    )


def test_placeholders_left_by_dairly_new(tmp_path: Path, dairly) -> None:
    (tmp_path / "notes").mkdir()
    assert dairly(tmp_path, "new", "--date", "2022-03-07").code == 0
    tail = "still holds the placeholder TODO from dairly new; fill it in"
    assert lint(dairly, tmp_path) == (
        1,
        [
            f"{NOTE}:9: entry 1 {tail}",
            f"{NOTE}:10: the Abstract of entry 1 {tail}",
            f"{NOTE}:11: the Paper of entry 1 {tail}",
            f"{NOTE}:12: the Code of entry 1 {tail}",
            f"{NOTE}:13: the Tips of entry 1 {tail}",
            f"{NOTE}:19: this line {tail}",
            "6 problems in 1 note",
        ],
    )
    # --fix cannot write an article for the author: nothing changes, everything is still reported.
    before = (tmp_path / NOTE).read_bytes()
    code, out = lint(dairly, tmp_path, "--fix")
    assert (code, len(out), out[-1]) == (1, 7, "6 problems in 1 note")
    assert (tmp_path / NOTE).read_bytes() == before


def test_html_the_author_wrote_well_is_no_problem(tmp_path: Path, dairly) -> None:
    write(
        tmp_path,
        NOTE,
        note(
            "1. [Sparse windows](https://example.org/sparse)  :star:",
            "   - Tips: keep the window small",
            "",
            *PICTURE,
            "",
            "2. [Merging tokens](https://example.org/merge)  :star::star:",
            "   - Tips: merge the tokens that look alike",
            "",
            '   <div align=center><img src="https://img.example.org/p/2.png">',
            "   </div>",
            "3. [Inside the list item above, a new item](https://example.org/three)",
            "",
            "<details>",
            "<summary>Reading list</summary>",
            "",
            "- **first**",
            "</details>",
            "",
            "<!-- <div> a comment",
            "4. [commented out](https://example.org/four)",
            "-->",
            "",
            "## :paperclip:  Others",
            "",
            "- mail [me](mailto:me@example.org), see `[[not a link]]`",
        ),
    )
    result = dairly(tmp_path, "lint")
    assert (result.code, result.out) == (0, "1 note, no problems\n")


# -- lint --fix ------------------------------------------------------------------------

BEFORE = [
    TITLE,  # 1
    "",
    "## :paperclip:  今日要点",
    "",
    "1. [Sparse windows](https://example.org/sparse)  :star:",  # 5
    "   - Tips: write to [the author](author@lab.example.org)",  # 6
    "",
    *PICTURE,  # 8, 9
    "2. [Merging tokens](github.com/someone/merge)  :star::star:",  # 10
    "- Tips: see [[Token notes]]",  # 11
    "",
    "<details>",  # 13
    "<summary>More</summary>",
    "- **bold** in a fold",  # 15
    "",
    *PICTURE,  # 17, 18
    "## :paperclip:  Others",  # 19
    "",
    "- a footer line",
]
AFTER = [
    TITLE,
    "",
    "## :paperclip:  今日要点",
    "",
    "1. [Sparse windows](https://example.org/sparse)  :star:",
    "   - Tips: write to [the author](mailto:author@lab.example.org)",  # 6
    "",
    *PICTURE,  # 8, 9
    "",
    "2. [Merging tokens](https://github.com/someone/merge)  :star::star:",  # 11
    "- Tips: see [[Token notes]]",  # 12
    "",
    "<details>",  # 14
    "<summary>More</summary>",
    "",
    "- **bold** in a fold",  # 17
    "",
    *PICTURE,  # 19, 20
    "",
    "## :paperclip:  Others",  # 22
    "",
    "- a footer line",
]
FIXED = [
    f"fixed {NOTE}:6: link 'author@lab.example.org' is now mailto:author@lab.example.org",
    f"fixed {NOTE}:11: link 'github.com/someone/merge' is now https://github.com/someone/merge",
    f"fixed {NOTE}:11: added a blank line after </div>, so GitHub renders entry 2",
    f"fixed {NOTE}:17: added a blank line after </summary>, so GitHub renders '- **bold** in a fold'",
    f"fixed {NOTE}:22: added a blank line after </div>, so GitHub renders the heading '## :paperclip:  Others'",
]
LEFT = [
    f"{NOTE}:12: GitHub shows the bullets from here as a list of their own, not inside entry 2: they start at"
    " column 0; indent them by 3 spaces, under the entry's text",
    f"{NOTE}:12: GitHub shows '[[Token notes]]' as plain text: it has no wiki links;"
    " write a Markdown link, [Token notes](the page's path or URL)",
    f"{NOTE}:14: GitHub shows everything after this <details> folded inside it, since it is never closed;"
    " add </details> where it should end",
    "3 problems in 1 note",
]


@pytest.mark.parametrize("eol", ["\n", "\r\n"], ids=["LF", "CRLF"])
def test_fix_changes_exactly_the_mechanical_bytes(tmp_path: Path, dairly, eol: str) -> None:
    path = write(tmp_path, NOTE, eol.join(BEFORE) + eol)
    code, out = lint(dairly, tmp_path)
    assert code == 1 and out[-1] == "7 problems in 1 note"
    assert lint(dairly, tmp_path, "--fix") == (1, FIXED + LEFT)
    assert path.read_bytes() == (eol.join(AFTER) + eol).encode("utf-8")
    # Idempotent: nothing left to fix, the same problems left.
    assert lint(dairly, tmp_path, "--fix") == (1, LEFT)
    assert path.read_bytes() == (eol.join(AFTER) + eol).encode("utf-8")
    assert lint(dairly, tmp_path) == (1, LEFT)


def test_fix_keeps_a_bom_and_a_last_line_without_ending(tmp_path: Path, dairly) -> None:
    lines = [TITLE, "", "## :paperclip:  今日要点", "", "1. [a](https://example.org/a)", "", *PICTURE, "2. [b](x.org)"]
    path = write(tmp_path, NOTE, "\ufeff" + "\r\n".join(lines))
    assert lint(dairly, tmp_path, "--fix") == (
        0,
        [
            f"fixed {NOTE}:10: link 'x.org' is now https://x.org",
            f"fixed {NOTE}:10: added a blank line after </div>, so GitHub renders entry 2",
            "1 note, no problems",
        ],
    )
    fixed = [*lines[:-1], "", "2. [b](https://x.org)"]
    assert path.read_bytes() == ("\ufeff" + "\r\n".join(fixed)).encode("utf-8")


def test_fix_with_json_keeps_stdout_json(tmp_path: Path, dairly) -> None:
    path = write(tmp_path, NOTE, "\n".join(BEFORE) + "\n")
    result = dairly(tmp_path, "lint", "--fix", "--json")
    assert result.code == 1
    assert result.err.splitlines() == FIXED
    assert [(p["path"], p["line"], p["message"]) for p in json.loads(result.out)] == [
        (NOTE, int(line.split(":")[1]), line.split(": ", 1)[1]) for line in LEFT[:-1]
    ]
    assert path.read_bytes() == ("\n".join(AFTER) + "\n").encode("utf-8")


def test_fix_leaves_clean_notes_and_real_files_alone(tmp_path: Path, dairly) -> None:
    clean = write(tmp_path, NOTE, note("1. [a](https://example.org/a)", "", *PICTURE, ""))
    other = note("1. [b](https://example.org/b)", "   - Tips: [slides](talk.io)").replace("3.7", "3.8")
    linked = write(tmp_path, "notes/202203/0308.md", other)
    (tmp_path / "notes/202203/talk.io").write_bytes(b"slides\n")  # a file that happens to look like a domain
    stamps = (clean.stat().st_mtime_ns, linked.stat().st_mtime_ns)
    result = dairly(tmp_path, "lint", "--fix")
    assert (result.code, result.out, result.err) == (0, "2 notes, no problems\n", "")
    assert (clean.stat().st_mtime_ns, linked.stat().st_mtime_ns) == stamps


# -- the pure functions ------------------------------------------------------------------


def test_web_address() -> None:
    assert web_address("someone@example.org") == ("an e-mail address", "mailto:")
    assert web_address("github.com/someone/repo") == ("a web address", "https://")
    assert web_address("www.some-site.example/page") == ("a web address", "https://")
    assert web_address("example.org:8080/x") == ("a web address", "https://")
    for path in ("./images/a.png", "notes.md", "../202202/0201.md", "a@b", "figure.svg"):
        assert web_address(path) is None, path


def test_traps_are_named_by_the_author_numbering() -> None:
    text = note("7. [x](https://example.org/x)", "", *PICTURE, "8. [y](https://example.org/y)")
    assert find_traps(text) == [
        Trap(
            9,
            "GitHub shows entry 8 as raw text inside the HTML block above",
            "add a blank line after </div>",
            "added a blank line after </div>, so GitHub renders entry 8",
        )
    ]
    # The index passes the record's entries: a numbered line outside them is quoted.
    quoted = "GitHub shows '8. [y](https://example.org/y)' as raw text inside the HTML block above"
    assert find_traps(text, {5: 7})[0].shown == quoted


def test_a_lone_tag_under_a_list_item_opens_an_html_block() -> None:
    # In a paragraph a line holding only <img ...> is inline; under a list item at column 0
    # cmark-gfm (GitHub) opens an HTML block with it, which swallows the entry below.
    glued = note("1. [x](https://example.org/x)", '<img src="https://img.example.org/1.png">', "2. [y](y.org)")
    assert [t.message for t in find_traps(glued)] == [
        "GitHub shows entry 2 as raw text inside the HTML block above; add a blank line after <img ...>"
    ]
    inline = note("words", '<img src="https://img.example.org/1.png">', "2. [y](y.org)")
    assert [t.message for t in find_traps(inline)] == [  # the picture is inline: entry 2 is paragraph text
        "GitHub shows entry 2 as a line of the paragraph above: only a list item numbered 1 can start right"
        " under a paragraph; add a blank line above it"
    ]
    apart = note("1. [x](https://example.org/x)", "", '<img src="https://img.example.org/1.png">', "2. [y](y.org)")
    assert [t.message for t in find_traps(apart)] == [
        "GitHub shows entry 2 as raw text inside the HTML block above; add a blank line after <img ...>"
    ]


def test_front_matter_is_not_markdown() -> None:
    text = "---\ntitle: <div> [[x]]\n---\n" + note("1. [x](https://example.org/x)")
    assert find_traps(text) == []


def test_fix_note_inserts_every_blank_line_a_chain_needs_at_once() -> None:
    text = note(
        "1. [x](https://example.org/x)",
        "",
        *PICTURE,
        "2. [y](https://example.org/y)",
        *PICTURE,
        "3. [z](https://example.org/z)",
    )
    fixed, changes = fix_note(text)
    assert fixed == note(
        "1. [x](https://example.org/x)",
        "",
        *PICTURE,
        "",
        "2. [y](https://example.org/y)",
        *PICTURE,
        "",
        "3. [z](https://example.org/z)",
    )
    assert changes == [
        Fixed(10, "added a blank line after </div>, so GitHub renders entry 2"),
        Fixed(14, "added a blank line after </div>, so GitHub renders entry 3"),
    ]
    assert fix_note(fixed) == (fixed, [])


# Lines hand-written notes are made of, HTML and Markdown, glued in any order.
PARTS = [
    "",
    "1. [x](https://example.org/x)  :star:",
    "2. [y](https://example.org/y)",
    "- Tips: column 0",
    "   - Tips: indented **bold**",
    "## :paperclip:  Others",
    '<div align=center><img src="https://img.example.org/1.png">',
    "</div>",
    '<img src="a.png">',
    "<details>",
    "<summary>More</summary>",
    "</details>",
    "<!-- a comment",
    "-->",
    "```",
    "plain words",
    "------",
    "<p>**raw**</p>",
]


@given(st.lists(st.sampled_from(PARTS), max_size=30), st.sampled_from(["\n", "\r\n"]))
def test_fix_note_adds_only_blank_lines_and_is_a_fixpoint(parts: list[str], eol: str) -> None:
    text = eol.join([TITLE, "", *parts]) + eol
    fixed, changes = fix_note(text)
    assert fix_note(fixed) == (fixed, [])
    # What is left of the blank-line fixes is what cmark-gfm says would make the note worse.
    assert not [t for t in find_traps(fixed) if t.done and no_worse(fixed, t.line)]
    # Dropping the inserted blank lines gives the original back, byte for byte.
    lines = fixed.split(eol)
    inserted = {change.line for change in changes}
    assert eol.join(ln for i, ln in enumerate(lines, 1) if i + 1 not in inserted) == text
    assert all(lines[line - 2] == "" for line in inserted)


def test_fix_note_gives_the_scheme_only_to_the_targets_named() -> None:
    text = (
        'a [m](<me@mail.example.org>) [d](example.com/a?b=1&c=2 "t") [same](example.com/a?b=1&c=2)\n'
        "[ref]: www.site.example/x\n"
        '<a href="example.org/a&amp;b">x</a> `[c](me@mail.example.org)` [kept](github.com/kept)\n'
    )
    web_links = [(1, "me@mail.example.org"), (1, "example.com/a?b=1&c=2"), (2, "www.site.example/x")]
    fixed, changes = fix_note(text, [*web_links, (3, "example.org/a&b"), (9, "github.com/kept")])
    assert fixed == (
        'a [m](<mailto:me@mail.example.org>) [d](https://example.com/a?b=1&c=2 "t")'
        " [same](https://example.com/a?b=1&c=2)\n"
        "[ref]: https://www.site.example/x\n"
        '<a href="https://example.org/a&amp;b">x</a> `[c](me@mail.example.org)` [kept](github.com/kept)\n'
    )
    assert changes == [
        Fixed(1, "link 'me@mail.example.org' is now mailto:me@mail.example.org"),
        Fixed(1, "link 'example.com/a?b=1&c=2' is now https://example.com/a?b=1&c=2"),
        Fixed(1, "link 'example.com/a?b=1&c=2' is now https://example.com/a?b=1&c=2"),
        Fixed(2, "link 'www.site.example/x' is now https://www.site.example/x"),
        Fixed(3, "link 'example.org/a&b' is now https://example.org/a&b"),
    ]
    assert fix_note(fixed, web_links) == (fixed, [])


def test_fix_leaves_a_note_an_editor_saved_meanwhile_as_saved(tmp_path: Path, dairly, monkeypatch) -> None:
    from dairly.notes import fixes

    path = write(tmp_path, NOTE, "\n".join(BEFORE) + "\n")
    typed = ("\n".join(BEFORE) + "\ntyped while lint ran\n").encode("utf-8")
    real = fixes.fix_note

    def fix_while_an_editor_saves(*args, **kwargs):
        path.write_bytes(typed)  # the editor's save lands between lint's read and its write
        return real(*args, **kwargs)

    monkeypatch.setattr(fixes, "fix_note", fix_while_an_editor_saves)
    result = dairly(tmp_path, "lint", "--fix")
    assert result.err == f"{NOTE}: changed on disk while lint --fix worked on it; left as it is now, not fixed\n"
    assert path.read_bytes() == typed
    assert not result.out.startswith("fixed ")
