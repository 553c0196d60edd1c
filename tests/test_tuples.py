"""Record is typing.NamedTuple: the records dairly declares behave as named tuples."""

from __future__ import annotations

import pickle

import pytest

from dairly.errors import Problem
from dairly.notes.note import Note
from dairly.tuples import Record


def test_a_record_has_fields_defaults_methods_and_docstring():
    problem = Problem("notes/202201/0101.md", "has no '# title' line (H1)", line=3)
    assert problem == ("notes/202201/0101.md", "has no '# title' line (H1)", 3, False, False)
    assert Problem._fields == ("path", "message", "line", "warning", "drift")
    assert str(problem) == "notes/202201/0101.md:3: has no '# title' line (H1)"
    assert Problem.__doc__ == "One thing wrong, printed as `path:line: message`."
    assert repr(problem._replace(line=None)) == (
        "Problem(path='notes/202201/0101.md', message=\"has no '# title' line (H1)\","
        " line=None, warning=False, drift=False)"
    )
    assert pickle.loads(pickle.dumps(problem)) == problem
    with pytest.raises(AttributeError):
        problem.line = 4  # immutable, and no __dict__ to hide an attribute in
    note = Note("notes/202201/0101.md", None, "t", 1)  # type: ignore[arg-type]
    assert note.folder == "notes/202201" and type(note) is Note and note.draft is False


def test_a_default_before_a_required_field_is_refused():
    with pytest.raises(TypeError, match="cannot follow default field"):

        class Wrong(Record):
            first: int = 1
            second: int
