"""One search: with the notes index and without it, `dairly search` finds the same entries,
with one notion of what is published (not a draft, not unfinished: a placeholder line of
`dairly new`'s skeleton left as written; the word TODO in the author's own text is none)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tests.conftest import README_SKELETON, note_text, write

NOTES = {
    "2024-03-01": note_text(
        "学习笔记（2024.3.1）",
        "1. [Rotary embeddings 旋转位置编码](https://example.com/rope)  :star:\n"
        "   - Abstract: relative positions through rotation\n"
        "   - Tips: Flask-RESTful 快速构建 TODO 应用\n",  # TODO in the author's text: published
    ),
    "2024-03-02": "---\ndraft: true\n---\n"
    + note_text("草稿（2024.3.2）", "1. [Rotary draft](https://example.com/draft)\n   - Tips: rotary\n"),
    "2024-03-03": note_text(
        "学习笔记（2024.3.3）",
        # A placeholder `dairly new` wrote, left as written: unfinished.
        "1. [Rotary, half done](https://example.com/half)  :star:\n   - Abstract: TODO\n",
    ),
    "2024-03-04": "---\ntags: [nlp, attention]\n---\n"
    + note_text(
        "学习笔记（2024.3.4）",
        "1. [FlashAttention](https://arxiv.org/abs/2205.14135)  :star::star:\n"
        "   - Abstract: IO-aware exact attention, rotary-friendly\n"
        "   - Code: [https://github.com/Dao-AILab/flash-attention](https://github.com/Dao-AILab/flash-attention)\n"
        "2. [注意力的计算量](https://example.com/cost)\n"
        "   - Tips: 长文本 rotary 外推\n",
    ),
    "2024-03-05": note_text(
        "学习笔记（2024.3.5）",
        "- [A bulleted entry on ROTARY](https://example.com/bullet) (blog)\n"
        "- [Another, on attention](https://example.com/other) (paper)\n",
    ),
    "2024-03-06": note_text("学习笔记（2024.3.6）", "1. [No match](https://example.com/none)\n   - Tips: nothing\n"),
    # The skeleton's `- TODO` left under Others, outside what is promoted: published.
    "2024-03-07": note_text(
        "学习笔记（2024.3.7）", "1. [Rotary in the footer's note](https://example.com/footer)\n   - Tips: rotary\n"
    ).replace("- footer\n", "- TODO\n"),
}

QUERIES = [
    {"text": "rotary"},
    {"text": "ROTARY"},
    {"text": "todo"},
    {"text": "attention"},
    {"text": "注意力"},
    {"text": "外推"},
    {"text": "github.com"},
    {"text": "rotary", "field": "tips"},
    {"text": "rotary", "field": "title"},
    {"text": "attention", "tag": "NLP"},
    {"text": "rotary", "since": datetime.date(2024, 3, 4)},
    {"text": "rotary", "until": datetime.date(2024, 3, 3)},
    {"text": "ro"},  # shorter than a trigram: the index reads every candidate
    {"text": "half"},
    {"text": "draft"},
]


@pytest.fixture(scope="module")
def repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("agreement")
    write(root, "README.md", README_SKELETON)
    for iso, text in NOTES.items():
        y, m, d = (int(x) for x in iso.split("-"))
        write(root, f"notes/{y}{m:02d}/{m:02d}{d:02d}.md", text)
    return root


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: "-".join(str(v) for v in q.values()))
def test_search_finds_the_same_entries_with_and_without_the_index(repository: Path, query, monkeypatch):
    from dairly.commands import search
    from dairly.notes.index import open_index
    from dairly.workspace import Workspace

    monkeypatch.setenv("DAIRLY_CACHE_DIR", str(repository.parent / "cache"))
    ws = Workspace.open(str(repository))
    q = search.Query(
        query["text"].casefold(),
        query.get("field"),
        query.get("since"),
        query.get("until"),
        query["tag"].casefold() if "tag" in query else None,
    )
    from_notes = search.find_in_notes(ws, q)
    with open_index(ws, progress=False) as index:
        from_index = search.find_in_index(index, q)
    assert from_notes == from_index


def test_the_cases_are_the_ones_meant(repository: Path, monkeypatch):
    """The fixture holds what the agreement is about: a draft and an unfinished note left
    out both ways, the author's own TODO found, bulleted entries found."""
    from dairly.commands import search
    from dairly.workspace import Workspace

    monkeypatch.setenv("DAIRLY_CACHE_DIR", str(repository.parent / "cache"))
    ws = Workspace.open(str(repository))
    found = {(m.note, m.number) for m in search.find_in_notes(ws, search.Query("rotary"))}
    assert found == {
        ("notes/202403/0301.md", 1),
        ("notes/202403/0304.md", 1),
        ("notes/202403/0304.md", 2),
        ("notes/202403/0305.md", 1),
        ("notes/202403/0307.md", 1),
    }
    assert [m.note for m in search.find_in_notes(ws, search.Query("todo"))] == ["notes/202403/0301.md"]
