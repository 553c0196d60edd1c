"""Property-based tests over generated note sets and READMEs (hypothesis)."""

from __future__ import annotations

import datetime
import html
from html.parser import HTMLParser

from hypothesis import assume, given
from hypothesis import strategies as st

from dairly.config import Settings
from dairly.markdown import split_lines
from dairly.notes.paths import NotePattern
from dairly.notes.scan import Listed
from dairly.readme.drift import grouped_tree_links
from dairly.readme.layout import locate
from dairly.readme.plan import Plan, compute

TODAY = datetime.date(2030, 1, 1)
SETTINGS = Settings()

# Text without characters that would make a line a heading, a fence or a line break, and
# without an HTML comment's opening (an unclosed one hides the rest of the file from GitHub;
# tests/test_all_or_nothing.py has those cases).
plain = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="#`~\r\n\u2028\u2029\x85"),
    max_size=40,
).filter(lambda s: "<!--" not in s and "TODO" not in s)  # the placeholder word: see mixed_note_sets
# nor a line opening an HTML block that only its end tag closes (<pre>, <textarea>, ...):
# GitHub shows everything after it as raw HTML, owned headings included (tests/test_cmark_readme.py)
plain = plain.filter(
    lambda s: not s.lstrip(" ").lower().startswith(("<pre", "<script", "<style", "<textarea", "<?", "<!"))
)
title = plain.map(str.strip).filter(bool)
link = st.sampled_from(["[x](./images/a.png)", "![f](images/b.png)", '<img src="./c.png">', "[u](https://e.com/)", ""])
body_line = st.builds(lambda a, b: (a + " " + b).strip() or "x", plain, link)


class MemorySource:
    """A NoteSource over an in-memory tree of files (the protocol, not a mock)."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self.files = files

    def listing(self, pattern: NotePattern) -> tuple[list[str], list[Listed]]:
        return [p for p in self.files if pattern.holds(p) and p.endswith(".md")], []

    def read(self, path: str) -> bytes:
        return self.files[path]

    def markdown(self) -> list[str]:
        return sorted(p for p in self.files if p.endswith(".md"))


@st.composite
def note_sets(draw):
    dates = draw(
        st.lists(st.dates(datetime.date(2019, 1, 1), datetime.date(2025, 12, 31)), min_size=1, max_size=25, unique=True)
    )
    files = {}
    expected = []
    for d in sorted(dates):
        path = f"notes/{d.year}{d.month:02d}/{d.month:02d}{d.day:02d}.md"
        t = draw(title)
        lines = draw(st.lists(body_line, min_size=1, max_size=4))
        nl = draw(st.sampled_from(["\n", "\r\n"]))
        text = f"# {t}\n\n## :paperclip:  今日要点\n\n" + "\n".join(lines) + "\n\n## Others\n- x\n"
        files[path] = text.replace("\n", nl).encode("utf-8")
        expected.append((path, shown_title(t) or SETTINGS.title_template.format(year=d.year, month=d.month, day=d.day)))
    return files, expected


class _Text(HTMLParser):
    """The text a reader sees in cmark-gfm's HTML: character data and pictures' descriptions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.parts.append(dict(attrs).get("alt") or "")


def shown_title(title: str) -> str:
    """What GitHub shows of `# title`: the tree holds that text, not the Markdown."""
    import cmarkgfm

    parser = _Text()
    parser.feed(cmarkgfm.github_flavored_markdown_to_html(f"# {title}\n"))
    return "".join(parser.parts).strip()


@st.composite
def readmes(draw):
    """A README in the seed shape with random user text around and inside it."""
    user = [draw(st.lists(plain, max_size=3).map(lambda xs: "".join(x + "\n" for x in xs))) for _ in range(4)]
    old = [draw(st.lists(body_line, min_size=1, max_size=3).map("\n".join)) + "\n" for _ in range(2)]
    blank = [draw(st.sampled_from(["", "\n", "\n\n\n"])) for _ in range(4)]
    # A heading right under an HTML line is raw text to GitHub: an owned one is then missing
    # (tests/test_cmark_readme.py has those READMEs), so one blank line keeps each in view.
    blank[1] = blank[1] or "\n"
    blank[3] = blank[3] or "\n"
    text = (
        "# my notes\n"
        + user[0]
        + "更新今日时间：2000.1.1\n"
        + user[1]
        + "\n"
        + "## :paperclip:  今日要点\n"
        + blank[0]
        + old[0]
        + blank[1]
        + "## :paperclip:  历史更新\n"
        + blank[2]
        + old[1]
        + blank[3]
        + "## :paperclip:  Others\n"
        + user[2]
        + user[3].rstrip("\n") * draw(st.booleans())
    )
    nl = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return bom + text.replace("\n", nl)


def planned(files: dict[str, bytes], readme: str, settings: Settings = SETTINGS) -> Plan:
    """The plan, for notes publish does not refuse. The one refusal these notes can meet: a
    highlights section leaving an element open (`<OL [x](…)`), which GitHub would let
    swallow the rest of the README (tests/test_cmark_readme.py holds that refusal)."""
    plan = compute(MemorySource(files), readme, settings, TODAY)
    if plan.new_text is None:
        assert [p.message for p in plan.problems if " open, which on GitHub would swallow " in p.message]
        assume(False)
    return plan


def publish(files: dict[str, bytes], readme: str) -> str:
    new_text = planned(files, readme).new_text
    assert new_text is not None
    return new_text


def empty_sections(text: str) -> tuple[bool, bool]:
    """Which of the README's two owned sections hold no content yet."""
    layout = locate(text, SETTINGS, "README.md")
    return (not layout.highlights.content, not layout.history.content)


def outside_owned(text: str, filled: tuple[bool, bool] = (False, False)) -> str:
    """The README with the three owned parts cut out. Where a section was empty (`filled`:
    publish put content into it), the line ends at the cut are left out on both sides:
    the spacing around content put into an empty section is publish's to choose."""
    layout = locate(text, SETTINGS, "README.md")
    spans = [(*layout.date_span, False)]
    for section, was_empty in zip((layout.highlights, layout.history), filled, strict=True):
        content = section.content
        if content:
            spans.append((content[0].start, content[-1].end, was_empty))
        else:
            at = section.body[0].start if section.body else section.heading.line.end
            spans.append((at, at, was_empty))
    out, pos = [], 0
    for start, end, loose in sorted(spans):
        piece = text[pos:start]
        out.append(piece.rstrip("\r\n") + "|" if loose else piece)
        pos = end
        if loose:
            pos = len(text) - len(text[pos:].lstrip("\r\n"))
    return "".join(out) + text[pos:]


@given(note_sets(), readmes())
def test_publish_is_idempotent_and_check_passes_after_it(notes, readme):
    files, _ = notes
    once = publish(files, readme)
    assert publish(files, once) == once
    assert compute(MemorySource(files), once, SETTINGS, TODAY).in_sync


@given(note_sets(), readmes())
def test_every_byte_outside_the_owned_parts_is_kept(notes, readme):
    files, _ = notes
    once = publish(files, readme)
    filled = empty_sections(readme)
    assert outside_owned(once, filled) == outside_owned(readme, filled)
    assert once.startswith("\ufeff") == readme.startswith("\ufeff")
    assert ("\r\n" in once) == ("\r\n" in readme)


@given(note_sets(), readmes())
def test_the_tree_parses_back_to_the_notes(notes, readme):
    files, expected = notes
    once = publish(files, readme)
    layout = locate(once, SETTINGS, "README.md")
    assert [(href, t) for _, href, t, _group in grouped_tree_links(layout)] == expected
    assert all(html.escape(t) in once for _, t in expected)


@st.composite
def mixed_note_sets(draw):
    """Notes of which some are drafts or still hold a placeholder from `dairly new`."""
    files, _expected = draw(note_sets())
    for path in list(files):
        kind = draw(st.sampled_from(["plain", "plain", "draft", "unfinished"]))
        if kind == "draft":
            files[path] = b"---\ndraft: true\n---\n" + files[path]
        elif kind == "unfinished":
            files[path] = files[path].replace(b"## Others", b"- Tips: TODO\n\n## Others")
    return files


@given(mixed_note_sets(), readmes(), st.data())
def test_whatever_publish_writes_check_accepts(files, readme, data):
    from dairly.commands.publish import refuse_older_promotion, refuse_unstable
    from dairly.errors import DairlyError

    days = [SETTINGS.pattern.date(p) for p in sorted(files)]
    date = data.draw(st.one_of(st.none(), st.sampled_from(days), st.dates(datetime.date(2019, 1, 1))))
    plan = planned(files, readme)
    assert plan.new_text is not None
    try:
        refuse_older_promotion(plan, date)
        refuse_unstable(plan)
    except DairlyError:
        return  # refused before anything is written
    after = compute(MemorySource(files), plan.new_text, SETTINGS, TODAY)
    assert after.in_sync, [str(p) for p in after.problems]


@given(note_sets(), readmes())
def test_a_sections_body_taken_from_the_whole_split_is_its_own_split(notes, readme):
    # locate() splits the README once and hands each section its lines: the same lines
    # as splitting the section alone (Section.body's own way).
    files, _ = notes
    for text in (readme, publish(files, readme)):
        layout = locate(text, SETTINGS, "README.md")
        for section in (layout.highlights, layout.history):
            assert section.body == split_lines(text, section.start, section.end, section.heading.line.number + 1)
