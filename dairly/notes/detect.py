"""The layout of notes already written: which note_path the dated Markdown files of a
repository follow (`dairly init`, adopting one).

Each dated-looking file proposes the patterns its digits can be read as (a four-digit
run as a year or as month and day, a two-digit one as a month or a day, text after the
date in the file name as {tail}); the pattern under which the most files are valid notes
wins, then the one with fewer digits taken literally, then the earlier proposal (months
before days, padded before not). Only files whose path reads as a real date under a
pattern count for it, so a folder's month must agree with the file's.
"""

from __future__ import annotations

import itertools
import re

from dairly.notes.paths import FIELD, NotePattern, PatternError, compile_pattern
from dairly.tuples import Record

_RUN = re.compile(r"\d+")
MIN_NOTES = 2  # one dated file (docs/2020-01-01-release.md) is no layout
_MAX_READINGS = 256  # of one path: more digit runs than a dated path has are not a date


class Detected(Record):
    pattern: NotePattern
    notes: list[str]  # the paths that follow it, in path order
    others: list[str]  # the dated-looking Markdown files that do not


def _run_readings(run: str) -> list[str]:
    """The fields a run of digits may be, as written in a pattern, most likely first."""
    n = len(run)
    readings = []
    if n == 8:
        readings.append("{year}{month:02d}{day:02d}")
    elif n == 6:
        readings.append("{year}{month:02d}")
    elif n == 4:
        if 1900 <= int(run) <= 2199:
            readings.append("{year}")
        readings.append("{month:02d}{day:02d}")
    elif n == 2:
        readings += ["{month:02d}", "{day:02d}"]
        if run[0] != "0":
            readings += ["{month}", "{day}"]
    elif n == 1 and run != "0":
        readings += ["{month}", "{day}"]
    return [*readings, run]  # the run taken literally last


def _readings(path: str, literal: bool) -> list[str]:
    """The note_path patterns this path's digits can be read as (unchecked), most likely
    first; `literal`: a run of digits may also be the pattern's own text (notes2/)."""
    text = path[: -len(".md")]
    runs = [(m.start(), m.end()) for m in _RUN.finditer(text)]
    options = [_run_readings(text[a:b]) if literal else _run_readings(text[a:b])[:-1] or [text[a:b]] for a, b in runs]
    if not runs or len(runs) > 8:
        return []
    name_at = text.rfind("/") + 1
    found = []
    for choice in itertools.islice(itertools.product(*options), _MAX_READINGS):
        out = []
        at = 0
        last_field_end = -1
        seen = ""
        for (a, b), reading in zip(runs, choice, strict=True):
            if a >= name_at and all(f in seen for f in ("{year", "{month", "{day")) and reading.startswith("{"):
                break  # digits after the date in the file name are the tail's (Top10)
            seen += reading
            out.append(text[at:a])
            out.append(reading)
            at = b
            if reading.startswith("{"):
                last_field_end = len("".join(out))
        else:
            if last_field_end >= 0:
                found.append(_built(text, out, at, last_field_end))
    return [text for text in found if text]


def _built(text: str, out: list[str], at: int, last_field_end: int) -> str:
    """The pattern of one reading: its pieces, then the rest of the path; text after the
    date in the file name becomes {tail} ("" when it starts with a digit: no pattern)."""
    built = "".join(out) + text[at:]
    tail = built[last_field_end:]
    if tail and "/" not in tail:
        if tail[0].isdigit():
            return ""
        built = built[:last_field_end] + "{tail}"
    return built + ".md"


class _Patterns(dict[str, "NotePattern | None"]):
    """Each pattern text compiled once (None: not a usable pattern)."""

    def __missing__(self, text: str) -> NotePattern | None:
        try:
            pattern: NotePattern | None = NotePattern(text)
        except PatternError:
            pattern = None
        self[text] = pattern
        return pattern


def _shape(path: str) -> str:
    return _RUN.sub(lambda m: "#" * len(m.group()), path)


def detect(paths: list[str]) -> Detected | None:
    """The pattern the most of these files follow, or None when fewer than MIN_NOTES do."""
    compiled = _Patterns()
    shapes: dict[str, list[str]] = {}
    for path in paths:
        shapes.setdefault(_shape(path), []).append(path)
    proposed: dict[str, int] = {}  # pattern -> the order it was first proposed in
    dated = []
    for group in shapes.values():
        valid: list[str] = []
        for literal in (False, True):  # a digit taken as the pattern's own text only if needed
            for sample in group[:12]:  # paths alike but for their digits propose alike
                for text in _readings(sample, literal):
                    pattern = compiled[text]
                    if pattern is not None and not isinstance(pattern.date(sample), str):
                        valid.append(text)
            if valid:
                break
        if valid:
            dated += group
            for text in valid:
                proposed.setdefault(text, len(proposed))
    if not proposed:
        return None
    best: tuple[tuple[int, int, int, int], str] | None = None
    for text, order in proposed.items():
        pattern = compiled[text]
        assert pattern is not None
        taken = [path for path in dated if not isinstance(pattern.date(path), str)]
        count = len(taken)
        if "{tail}" in text:
            # A tail is the layout's when most names have one (several notes a day), not
            # because a stray copy (0305-copy.md) has one: that copy is named instead.
            bare = compiled[text.replace("{tail}", "")]
            tailed = sum(1 for path in taken if bare is None or isinstance(bare.date(path), str))
            if 2 * tailed < count:
                count -= tailed
        literal_digits = sum(c.isdigit() for c in FIELD.sub("", text))
        key = (count, -literal_digits, -("{tail}" in text), -order)
        if best is None or key > best[0]:
            best = (key, text)
    assert best is not None
    if best[0][0] < MIN_NOTES:
        return None
    pattern = compile_pattern(best[1])
    notes = [p for p in paths if not isinstance(pattern.date(p), str)]
    taken_paths = set(notes)
    listed = set(dated)
    others = [p for p in paths if p not in taken_paths and (p in listed or pattern.holds(p))]
    return Detected(pattern, notes, others)
