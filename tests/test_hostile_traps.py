"""The traps lint reads from a paragraph's lines are linear in the note: 50,000-character
runs of what each of their patterns looks for, as one line and as many, go through
find_traps() and fix_note() without hanging. The guard is the timeout, not a measured
time (speed is bench/run.py's): a pattern or a search that is quadratic in a run takes
minutes on these, and the timeout fails it."""

from __future__ import annotations

import pytest

from dairly.notes.fixes import fix_note
from dairly.notes.traps import find_traps

RUN = 50_000
# Each new pattern's worst case: openers that never close, near misses, many matches.
RUNS = [
    "[a] (",  # a link written apart, never closed
    "[a] (/x) ",  # a link written apart, many of them
    "x.__a__",  # double underscores, one word
    "__a_a_a",  # an identifier that never closes
    " ",  # a hard line break's spaces
    "-->",  # comment ends
    "<!-- -->**a** ",
    "##a",
    "[^1]",
    "Abstract:",
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("run", RUNS)
def test_long_runs_of_what_the_new_traps_look_for_are_linear(run: str) -> None:
    line = (run * (RUN // len(run) + 1))[:RUN]
    for text in (
        f"# 标题\n\n段落 text\n{line}\n",  # one line, in a paragraph
        "# 标题\n\n" + "\n".join([f"段落 {run}"] * (RUN // (len(run) + 4))) + "\n",  # many lines
        f"# 标题\n\n<!-- 注\n-->{line}\n",
    ):
        fix_note(text)
        find_traps(text)
