"""Every regular expression dairly runs over a user's text does work linear in it.

Python's `re` backtracks: nested or adjacent repetitions over overlapping characters
(`(a+)+`, `\\s*x*\\s*`, a lazy `.*?` before a tail that scans), and a search that from
every start scans to a line's end, cost the square or the cube of a run's length, and a
hostile note or README (`*a ` or `\\[` repeated) then hangs a command. AUDIT names every
`re.compile` (and `re.<function>`) in dairly/: each reads user text (notes, README, front
matter, settings, paths, remotes, options, or HTML rendered from them) and is run here the
way its caller runs it, on runs of hostile pieces of growing length; the work is counted
by tests/regex_work.py's model of `re` (no clock), which is held to `re`'s own answers on
every input. A new pattern in dairly/ fails test_every_pattern_is_audited until it has a
row here.
"""

from __future__ import annotations

import ast
import contextlib
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dairly import conflicts, gfm, links, markdown, mergedriver
from dairly.commands import feed
from dairly.errors import DairlyError
from dairly.markdown import BOM
from dairly.notes import detect, entries, fixes, note, paths, plain, rules, traps
from dairly.readme import drift, layout, merge, render, starter
from dairly.webview import githtml
from tests.regex_work import Counted

ROOT = Path(__file__).resolve().parent.parent
SIZES = (8, 16, 32)  # each run repeated this many times: linear work grows by equal steps
# Runs every pattern is given, beside its own: what Markdown, HTML and links give meaning to.
RUNS = ["`", " ", "*a ", "~~a ", "<!--a", "<a href='", "](", "\\[", "[a](b c", ":star:", "# a ", "<img a", "a."]

Call = Callable[[Counted, str], object]


def match(p: Counted, s: str) -> object:
    return p.match(s)


def fullmatch(p: Counted, s: str) -> object:
    return p.fullmatch(s)


def search(p: Counted, s: str) -> object:
    return p.search(s)


def finditer(p: Counted, s: str) -> object:
    return list(p.finditer(s))


def sub(p: Counted, s: str) -> object:
    return p.sub("", s)


def split(p: Counted, s: str) -> object:
    return p.split(s)


def patched(module: ModuleType, name: str, run: Callable[[str], object]) -> Call:
    """Run the caller with the pattern `module.name` counted: loops that call a pattern
    from position after position are measured as a whole."""

    def call(p: Counted, s: str) -> object:
        original = getattr(module, name)
        setattr(module, name, p)
        try:
            return run(s)
        finally:
            setattr(module, name, original)

    return call


def compiled_in(module: ModuleType, run: Callable[[str], object]) -> Call:
    """Run a function that compiles its pattern as it goes, the pattern it compiles counted
    (the row's `pattern` only stands for it until then)."""

    def call(p: Counted, s: str) -> object:
        shim = SimpleNamespace(compile=lambda *args: p.rebind(re.compile(*args)), escape=re.escape)
        original = module.re  # type: ignore[attr-defined]
        module.re = shim  # type: ignore[attr-defined]
        try:
            return run(s)
        finally:
            module.re = original  # type: ignore[attr-defined]

    return call


Piece = str | tuple[str, str, str]  # a run's unit, or (before, unit, after)


class Over(NamedTuple):
    """A pattern over user text: what it reads, how it is called, its own hostile runs."""

    reads: str
    call: Call
    runs: tuple[Piece, ...] = ()
    pattern: Callable[[], re.Pattern[str]] | None = None  # for one compiled inside a function


class Skipped(NamedTuple):
    why: str


def lines_of(run: Callable[[list[Any]], object]) -> Callable[[str], object]:
    return lambda s: run(markdown.split_lines(s))


def date_line(s: str) -> object:
    with contextlib.suppress(DairlyError):  # no date line: a refusal, after the same work
        return layout._date_line(markdown.split_lines(s), "时间", "README.md", len(s))
    return None


def readme_with_date(s: str) -> object:
    from dairly.config import Settings

    return starter.missing_parts(s + "\n## 今日要点\n", Settings())


def lint(s: str) -> object:
    return traps.rendered_traps(s, 0), fixes.visible_letters(s)


def entry_depth(s: str) -> object:
    return feed._depth(gfm.render(s, unsafe=True))


def images(s: str) -> object:
    return entries._before_last_paren(entries._IMAGE, s)


def first_links(s: str) -> object:
    return entries._before_last_paren(entries._LINK, s), entries._first_link(s)


def preview(s: str) -> object:
    return githtml.render_markdown(s, "", lambda path: False)


def note_pattern() -> re.Pattern[str]:
    return paths.NotePattern("notes/{year}/{month:02d}{day:02d}{tail}.md")._match.__self__  # type: ignore[attr-defined,no-any-return]


def date_label() -> re.Pattern[str]:
    return re.compile(r"[ \t]*" + re.escape("时间") + r"[ \t]*[：:][ \t\u3000]*(.*)")


def start_label() -> re.Pattern[str]:
    return re.compile(r"[ \t]*" + re.escape("时间") + r"[ \t]*[：:]")


AUDIT: dict[str, Over | Skipped] = {
    "dairly/app.py:_DATE": Over("--date and --since", fullmatch, ("2022-", "1")),
    "dairly/commands/feed.py:_GITHUB": Over(
        "the origin remote", fullmatch, (("https://github.com/a/", ".git/", "x"), ("git@github.com:", "a/", ".git"))
    ),
    "dairly/commands/feed.py:_GITHUB_BLOB": Over("--base-url", match, (("https://github.com/", "a/", ""),)),
    "dairly/commands/feed.py:_NOT_XML": Over("titles and entries", sub, ("\x00a",)),
    "dairly/commands/feed.py:_TAG": Over(
        "an entry's HTML", patched(feed, "_TAG", entry_depth), ("<a ", "<a />", "<a<")
    ),
    "dairly/conflicts.py:_START": Over("each line", match, ("<", ("<<<<<<<", " ", "x"))),
    "dairly/conflicts.py:_BASE": Over("each line", match, ("|",)),
    "dairly/conflicts.py:_SEPARATOR": Over("each line", match, ("=", ("=======", " ", "x"))),
    "dairly/conflicts.py:_END": Over("each line", match, (">",)),
    "dairly/gfm.py:EOL": Over("a note or README", patched(markdown, "EOL", markdown.split_lines), ("\r", "\n\r")),
    "dairly/gfm.py:_UNDERLINE": Over("a setext heading's lines", fullmatch, ("=", "- ", "> ", ("=", " ", "x"))),
    "dairly/links.py:_INLINE_LINK": Over(
        "a note",
        patched(links, "_INLINE_LINK", links.target_spans),
        ("[a](", "![a](b(c", ("[", "\\[", "\\](x")),
    ),
    "dairly/links.py:_REFERENCE_DEF": Over(
        "a note", patched(links, "_REFERENCE_DEF", links.target_spans), ("[a]:", ("[", "\\]", "]:"))
    ),
    "dairly/links.py:DEFINITION_LINE": Over(
        "each line", fullmatch, (("[", "\\]", "]:"), ("[a]:", " ", ""), ("[", "a", "]"))
    ),
    "dairly/links.py:_HTML_ATTR": Over(
        "a note's tags",
        patched(links, "_HTML_ATTR", links.target_spans),
        (("<a", " src=", ">"), ("<a", ' href="', ">")),
    ),
    "dairly/links.py:_HTML_TAG": Over("a note", patched(links, "_HTML_TAG", links.target_spans), ("<a", "<a href=")),
    "dairly/links.py:SCHEME": Over("a link or picture target", match, ("a", "a+")),
    "dairly/notes/entries.py:_MARKUP": Over("a field's text", search, ("a", "中")),
    "dairly/markdown.py:_ELEMENT": Over(
        "each line",
        patched(markdown, "_ELEMENT", lambda s: markdown.track_elements(s, 1, [])),
        ("<div ", "</details", "<p<"),
    ),
    "dairly/notes/traps.py:_CONTAINER_PREFIX": Over("each line", match, ("> ", "\t")),
    "dairly/notes/traps.py:_DUNDER": Over("each line's text", finditer, ("__a_", " __a", "__a__", ("__", "a_", "_"))),
    "dairly/notes/traps.py:_FOOTNOTE_DEF": Over("each line", match, (("[^", "a", "]"),)),
    "dairly/notes/traps.py:_FOOTNOTE_ID": Over(
        "a note's HTML", patched(traps, "_FOOTNOTE_ID", lint), ("[^a]\n", "[^a]: b\n")
    ),
    "dairly/notes/traps.py:_FOOTNOTE_REF": Over("each line", finditer, ("[^a", "[^a]:")),
    "dairly/notes/traps.py:_GLUED_HEADING": Over("each line", match, ("#",)),
    "dairly/notes/traps.py:_ITEM_NUMBER": Over(
        "an item's line", lambda p, s: p.match(s.encode("utf-8")), (" ", "1", ("", " ", "1."))
    ),
    "dairly/notes/traps.py:_LINK_APART": Over(
        "each line's text", finditer, ("[a] ", "[a] (", ("[a]", " ", "(#"), ("[a] (", "/", ""))
    ),
    "dairly/notes/traps.py:_NUMBERED_LINE": Over("each line", match, ("1", ("1.", " ", "x"))),
    "dairly/notes/traps.py:_WORD": Over("each line's text", finditer, ("a ", "www. ")),
    "dairly/markdown.py:_FENCE": Over("each line", match, ("`", "~", ("```", "`", "x"))),
    "dairly/markdown.py:_HEADING": Over(
        "each line", fullmatch, ("#", ("# a", " ", "a"), ("# a", " #", "a"), ("#", " a", " #x"))
    ),
    "dairly/markdown.py:_SHORTCODES": Over("a heading's title", sub, (" :a:", ":a", " ")),
    "dairly/markdown.py:_BACKTICKS": Over("each line", finditer, ("a`",)),
    "dairly/markdown.py:_GLUED": Over("each line", fullmatch, ("#", ("##", "a", ""))),
    "dairly/mergedriver.py:_GLOB": Over("a README's path", sub, ("*?",)),
    "dairly/notes/detect.py:_RUN": Over("a path", finditer, ("1a",)),
    "dairly/notes/entries.py:ENTRY_LINE": Over("each line", fullmatch, ("1", ("1.", " ", "x"))),
    "dairly/notes/entries.py:_BULLET": Over("each line", fullmatch, (("", " ", "-"), ("-", " \t", "x"))),
    "dairly/notes/entries.py:_FIELD": Over("a field's text", fullmatch, ("a ", ("a", " ", ":"), ("a", "-", "!"))),
    "dairly/notes/entries.py:_IMAGE": Over(
        "a field's text", patched(entries, "_IMAGE", images), ("![a](b c", "![a](b(c", ("![", "\\[", "](x)"))
    ),
    "dairly/notes/entries.py:_LINK": Over(
        "a field's text", patched(entries, "_LINK", first_links), ("[a](b c", "[a](b(c", "[[a]", ("[", "\\[", "\\](x)"))
    ),
    "dairly/notes/entries.py:_AUTOLINK": Over("a field's text", sub, ("<a:", "<aa:b ")),
    "dairly/notes/entries.py:_TAG": Over(
        "a field's text", patched(entries, "_TAG", entries._without_tags), ("<a", "<a<!--")
    ),
    "dairly/notes/entries.py:_ESCAPE": Over("a field's text", sub, ("\\", "\\a")),
    "dairly/notes/entries.py:_ESCAPED": Over("a field's text", sub, ("\ue0001", "\ue000")),
    "dairly/notes/note.py:_handler.Handler": Over(  # python-frontmatter splits at its second match
        "a note's front matter",
        lambda p, s: p.search("---\n" + s, 4),
        ("---\n", "--- x\n", "...\t"),
        pattern=lambda: note._handler().FM_BOUNDARY,
    ),
    "dairly/notes/paths.py:FIELD": Over("the note_path setting, and ones read from paths", finditer, ("{a", "{}")),
    "dairly/notes/paths.py:NotePattern.__init__": Over(
        "each path", fullmatch, (("notes/2022/0101", "a", ".md"), ("notes/2022/0101", ".md", "x")), pattern=note_pattern
    ),
    "dairly/notes/rules.py:_TITLE_DATE": Over("a note's title", search, ("2022 ", "2022.1 ", "1 ")),
    "dairly/notes/traps.py:_TAG_START": Over("a block's first line", match, (("<", "a", ""),)),
    "dairly/notes/traps.py:_DECLARATION": Over("a block's first line", match, ("<!",)),
    "dairly/notes/traps.py:_TAG": Over("each line", sub, ("<a", "<a ")),
    "dairly/notes/traps.py:_MARKDOWN_BLOCK": Over("each line", match, ("1", "#", ("", " ", "x"))),
    "dairly/notes/traps.py:_MARKDOWN_INLINE": Over("each line", search, ("]", "_a", "~a")),
    "dairly/notes/traps.py:_THEMATIC_BREAK": Over("each line", fullmatch, ("- ", "*\t", ("", "-", "x"))),
    "dairly/notes/traps.py:_WIKI_LINK": Over("each line", finditer, ("[[a", "[[a]]")),
    "dairly/notes/traps.py:_EMAIL": Over("a link target", fullmatch, (("a@", "a.", "1"), ("a@", "a-", "."), "a")),
    "dairly/notes/traps.py:_BARE_DOMAIN": Over("a link target", fullmatch, ("a.", ("www.", "a.", "!"), "a-.")),
    "dairly/notes/traps.py:_TAG_NAME": Over("each line", finditer, ("<a", "</a")),
    "dairly/notes/traps.py:_UNMADE_LINK": Over("a block's text", finditer, ("[a](b", "![a]")),
    "dairly/notes/traps.py:_LONE_TILDE": Over("each line", search, ("~~", "a~~")),
    "dairly/notes/traps.py:HTML_TAG": Over("a block's HTML", patched(traps, "HTML_TAG", lint), ("<a", "<a b")),
    "dairly/notes/traps.py:_CODE_ELEMENT": Over(
        "a block's HTML", patched(traps, "_CODE_ELEMENT", lint), ("<code>", "<code>a<")
    ),
    "dairly/notes/traps.py:_INLINE_MARK": Over("each line", search, ("www", ":/", "a", "W")),
    "dairly/notes/traps.py:_SETEXT_UNDERLINE": Over("each line", fullmatch, ("- ", ("", "-", "x"))),
    "dairly/notes/traps.py:_FENCE_START": Over(
        "a code block's first line", match, ("- ", "1. ", "> ", ("", "- ", "``"))
    ),
    "dairly/notes/traps.py:_CJK": Over("each line", search, ("a",)),
    "dairly/notes/traps.py:_FIELD_ITEM": Over("each line", match, ("a ", ("a", "-", "!"))),
    "dairly/notes/plain.py:_PLAIN_HEADING": Over(
        "each line", fullmatch, (("# ", "[a](http://a)", "<"), ("# ", "[a](", ""))
    ),
    "dairly/notes/plain.py:_PLAIN_RULE": Over("each line", fullmatch, ("-",)),
    "dairly/notes/plain.py:_PLAIN_ENTRY": Over(
        "each line",
        fullmatch,
        (("1. [a](http://a) ", ":star: ", "x"), ("1. [", "a", "](http://a"), ("1. [a](http://", "a", "<")),
    ),
    "dairly/notes/plain.py:_PLAIN_FIELD": Over("each line", fullmatch, (("   - ", "a[a](http://a)", "<"),)),
    "dairly/notes/plain.py:_PLAIN_NESTED": Over("each line", fullmatch, (("     - ", "a[a](http://a)", "<"),)),
    "dairly/notes/plain.py:_PLAIN_BULLET": Over("each line", fullmatch, (("- ", "a[a](http://a)", "<"),)),
    "dairly/notes/plain.py:_PLAIN_PICTURE": Over("each line", fullmatch, (("<div align=center><img ", "a", ""),)),
    "dairly/notes/plain.py:_PLAIN_IMG": Over("each line", fullmatch, (("<img ", "a", ""),)),
    "dairly/notes/plain.py:_PLAIN_LINK": Over("each line", sub, ("[a](http://a", "[a]")),
    "dairly/notes/traps.py:_RAW_OPENING": Over("a block's first line", match, ("<pre",)),
    "dairly/notes/fixes.py:_COMMENTED": Over("a note's HTML", patched(fixes, "_COMMENTED", lint), ("<!--a",)),
    "dairly/notes/fixes.py:_LIST_TAG": Over(
        "a note's HTML", patched(fixes, "_LIST_TAG", lint), ('<ol start="1', "<li")
    ),
    "dairly/notes/fixes.py:_TARGET_ATTRIBUTE": Over(
        "a note's HTML", patched(fixes, "_TARGET_ATTRIBUTE", lint), (" href='", " src=a")
    ),
    "dairly/notes/fixes.py:_LINE_NUMBERS": Over("a finding's words", sub, ("lines 1-", "line ")),
    "dairly/readme/drift.py:_HREF": Over(
        "the README's history", patched(drift, "_HREF", drift.tree_links), ("<a href='", ("<a ", " href ", ">"))
    ),
    "dairly/readme/drift.py:_SUMMARY_OPEN": Over(
        "the README's history", patched(drift, "_SUMMARY_OPEN", drift.summaries), ("<details> ", "<details><summary>")
    ),
    "dairly/readme/drift.py:_A_OPEN": Over(
        "the README's history", patched(drift, "_A_OPEN", drift.tree_links), ("<a ", "<a href=''>")
    ),
    "dairly/readme/drift.py:_A_CLOSE": Over(
        "the README's history", patched(drift, "_A_CLOSE", drift.tree_links), ("<a href=''>",)
    ),
    "dairly/readme/drift.py:_DETAILS": Over(
        "the README's history", patched(drift, "_DETAILS", drift.summaries), ("<details>",)
    ),
    "dairly/readme/drift.py:_SUMMARY_CLOSE": Over(
        "the README's history", patched(drift, "_SUMMARY_CLOSE", drift.summaries), ("<details><summary></summary>",)
    ),
    "dairly/readme/drift.py:_PRE_BEFORE": Over(
        "the README's history",
        patched(drift, "_PRE_BEFORE", drift.summaries),
        ("<pre> <details><summary></summary>", "<pre>"),
    ),
    "dairly/readme/layout.py:_date_line": Over(
        "the README's date line",
        compiled_in(layout, date_line),
        (("时间：a", " ", "b"), ("时间：", "a\u3000", "b"), ("时间", " ", "：")),
        pattern=date_label,
    ),
    "dairly/readme/merge.py:_CONFLICT_MARKER": Over(
        "a merged README", lambda p, s: p.search(s, 0, len(s)), ("<<<<<<\n", "=======x\n")
    ),
    "dairly/readme/render.py:_YEAR_START": Over("the README's history", finditer, ("<pre><details>", "\n<pre>")),
    "dairly/readme/render.py:_BRACKET_RUN": Over(
        "the promoted section", patched(render, "_BRACKET_RUN", render._bracketed), ("[", "\\[", "[a\\]")
    ),
    "dairly/readme/starter.py:missing_parts": Over(
        "the README's lines",
        compiled_in(starter, readme_with_date),
        (("时间", " ", "x"), ("时间", "\n", "：")),
        pattern=start_label,
    ),
    "dairly/readme/starter.py:_NOT_INTRO": Over(
        "the README's opening lines", match, ("- ", "1", ("", "=", "x"), ("", "- ", "x"))
    ),
    "dairly/webview/githtml.py:_TASK": Over(
        "a note's HTML", patched(githtml, "_TASK", preview), ("- [ ] a\n", "- [x] ")
    ),
    "dairly/webview/githtml.py:_TOKEN": Over(
        "a previewed note", patched(githtml, "_TOKEN", preview), ("<a", "<a b='", "\\<a")
    ),
    "dairly/webview/githtml.py:_ATTRIBUTE": Over(
        "a previewed note's tags", patched(githtml, "_ATTRIBUTE", preview), (("<a title='", "a=", "'>"), "<a href=x>")
    ),
    "dairly/webview/githtml.py:_HEADING": Over(
        "a previewed note's tag names", patched(githtml, "_HEADING", preview), ("# a\n", "<h1>")
    ),
    "dairly/webview/githtml.py:_EMOJI": Over(
        "a previewed note's text", patched(githtml, "_EMOJI", preview), (":a", ":a:")
    ),
    "dairly/webview/githtml.py:_ALERT": Over(
        "a previewed note's HTML", patched(githtml, "_ALERT", preview), ("> [!note]\n", "> [!tip]")
    ),
}

_CALLS = {"compile", "match", "fullmatch", "search", "sub", "subn", "finditer", "findall", "split"}


def _pattern_sites() -> list[str]:
    """Every call of re.compile (or re.match and the like) in dairly/, named by the
    module-level name it is assigned to, or by the function it is made in."""
    found = []
    for path in sorted((ROOT / "dairly").rglob("*.py")):

        def visit(node: ast.AST, where: str, path: Path = path) -> None:
            for child in ast.iter_child_nodes(node):
                inner = where
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    inner = f"{where}.{child.name}" if where else child.name
                elif isinstance(child, ast.Assign) and not where and isinstance(child.targets[0], ast.Name):
                    inner = child.targets[0].id
                func = child.func if isinstance(child, ast.Call) else None
                if (
                    isinstance(func, ast.Attribute)
                    and func.attr in _CALLS
                    and isinstance(func.value, ast.Name)
                    and func.value.id == "re"
                ):
                    found.append(f"{path.relative_to(ROOT).as_posix()}:{inner}")
                visit(child, inner)

        visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return found


def test_every_pattern_is_audited() -> None:
    sites = _pattern_sites()
    assert len(sites) == len(set(sites)), "two patterns share a name: give each its own"
    assert sorted(set(sites) - set(AUDIT)) == [], "a pattern with no row in AUDIT: say what it reads and test it"
    assert sorted(set(AUDIT) - set(sites)) == [], "a row in AUDIT for a pattern dairly no longer has"


def _pattern(key: str, row: Over) -> re.Pattern[str]:
    if row.pattern is not None:
        return row.pattern()
    module_path, name = key.split(":")
    module = {m.__name__.replace(".", "/") + ".py": m for m in _MODULES}[module_path]
    pattern = getattr(module, name)
    assert isinstance(pattern, re.Pattern)
    return pattern


_MODULES = (
    conflicts, gfm, links, markdown, mergedriver, feed, detect, entries, fixes, note, paths, plain, rules, traps, drift,
    layout, merge, render, starter, githtml, __import__("dairly.app").app,
)  # fmt: skip


def text_of(piece: Piece, n: int) -> str:
    before, unit, after = ("", piece, "") if isinstance(piece, str) else piece
    return before + unit * n + after


def work(pattern: re.Pattern[str], call: Call, piece: Piece) -> list[int]:
    """The model's steps for the pattern called on the piece repeated SIZES times."""
    steps = []
    for n in SIZES:
        counted = Counted(pattern)
        call(counted, text_of(piece, n))
        steps.append(counted.steps)
    return steps


def grows_linearly(steps: list[int]) -> bool:
    """Doubling the input adds about as much work again as the doubling before it did
    (twice as much: linear); the square adds four times as much, the cube eight."""
    first, second = steps[1] - steps[0], steps[2] - steps[1]
    return second <= 2.5 * max(first, 1)


ROWS = sorted((key, row) for key, row in AUDIT.items() if isinstance(row, Over))


@pytest.mark.parametrize(("key", "row"), ROWS, ids=[key.removeprefix("dairly/") for key, _row in ROWS])
def test_the_work_of_each_pattern_grows_linearly_with_its_input(key: str, row: Over) -> None:
    pattern = _pattern(key, row)
    faster = {
        piece: steps for piece in [*RUNS, *row.runs] if not grows_linearly(steps := work(pattern, row.call, piece))
    }
    assert faster == {}, f"{key}: steps at {SIZES} repetitions"


def test_the_measure_tells_the_square_and_the_cube_from_linear() -> None:
    square = re.compile(r"<!--.*?-->")
    cube = re.compile(r"\s*x*\s*y")
    assert grows_linearly(work(re.compile(r"<!--[^<]*-->"), finditer, "<!--a"))
    assert not grows_linearly(work(square, finditer, "<!--a"))
    assert not grows_linearly(work(cube, finditer, " "))


# The expressions the linear forms replaced, held equal to them.
_OLD_HEADING = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))??(?:[ \t]+#+)?[ \t]*")
_OLD_BRACKETED = re.compile(r"\[((?:[^\[\]\\\n]|\\.)*)\]")
_OLD_DATE = re.compile(r"[ \t]*时间[ \t]*[：:][ \t\u3000]*(.*?)[ \t\u3000]*")
PIECES = ["#", "##", " ", "\t", "a", "\\", "[", "]", "](", "(", ")", "!", "\n", "b c", "\u3000", "时间", "："]
PIECES += [":", "<x>", "\\[", "![", "[a](x)"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_the_linear_forms_match_the_regular_expressions_they_replace(text: str) -> None:
    old, new = _OLD_HEADING.fullmatch(text), markdown._HEADING.fullmatch(text)
    assert (old and old.regs) == (new and new.regs)
    assert render._bracketed(text) == [m.group(1) for m in _OLD_BRACKETED.finditer(text)]
    for pattern in (entries._IMAGE, entries._LINK):
        assert entries._before_last_paren(pattern, text) == pattern.sub(lambda m: m.group(1), text)
    for pattern in (links._INLINE_LINK, entries._LINK):
        for end in (len(text), len(text) // 2):
            assert [m.regs for m in links.link_matches(pattern, text, end)] == [
                m.regs for m in pattern.finditer(text, 0, end)
            ]
    line = markdown.split_lines(text)[0].text if text else ""
    old_date = _OLD_DATE.fullmatch(line.lstrip(BOM))
    if "时间" in line:
        assert _date_span(line) == (old_date.span(1) if old_date else None)


def _date_span(line: str) -> tuple[int, int] | None:
    try:
        _line, span = layout._date_line(markdown.split_lines(line), "时间", "README.md", len(line) + 1)
    except DairlyError:  # no date line: the function's own refusal
        return None
    return span
