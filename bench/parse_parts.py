"""CPU a note of each part of what the index's first build does with a note, in one process:
`python bench/parse_parts.py [--notes N] [--runs R] [--profile]`

Generates N seed-shaped notes (bench/run.py's note_text), then times, with
time.process_time, the best of R passes over all of them of: the whole per-note work of a
first build (decode_note, parse_note, note_problems, note_rows), parse_note, and the
parts of parse_note: splitting a note into lines, finding its links, its promoted section
and body, its entries and fields. `--profile` adds cProfile's view of one pass of
parse_note. Run it with the interpreter dairly is installed in, from the repository root.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import note_text

from dairly.config import Settings
from dairly.links import Link, find_links
from dairly.markdown import split_lines
from dairly.notes.entries import parse_entries
from dairly.notes.index_rows import note_rows
from dairly.notes.note import decode_note, parse_note, promoted_sections, split_front_matter
from dairly.notes.rules import note_problems


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    first = datetime.date(1990, 1, 1)
    notes = []
    for i in range(args.notes):
        day = first + datetime.timedelta(days=i)
        notes.append((f"notes/{day:%Y%m}/{day:%m%d}.md", day, note_text(day, i).encode()))
    texts = [decode_note(data, path) for path, _day, data in notes]
    starts = [split_front_matter(text)[1] for text in texts]
    by_line: list[dict[int, list[Link]]] = []
    for text, start in zip(texts, starts, strict=True):
        lines: dict[int, list[Link]] = {}
        for link in find_links(text, start):
            lines.setdefault(link.line, []).append(link)
        by_line.append(lines)
    bodies = [promoted_sections(text, start, settings)[0].body for text, start in zip(texts, starts, strict=True)]
    records = [parse_note(path, day, text, settings) for (path, day, _data), text in zip(notes, texts, strict=True)]
    problems = [note_problems(record, settings, text) for record, text in zip(records, texts, strict=True)]

    def whole() -> None:
        for path, day, data in notes:
            text = decode_note(data, path)
            record = parse_note(path, day, text, settings)
            note_rows(record, note_problems(record, settings, text))

    parts: dict[str, Callable[[], object]] = {
        "first build's work (decode, parse_note, note_problems, note_rows)": whole,
        "parse_note": lambda: [parse_note(p, d, t, settings) for (p, d, _b), t in zip(notes, texts, strict=True)],
        "  split_lines(text)": lambda: [split_lines(t) for t in texts],
        "  find_links": lambda: [find_links(t, s) for t, s in zip(texts, starts, strict=True)],
        "  promoted_sections and the body": lambda: [
            promoted_sections(t, s, settings)[0].body for t, s in zip(texts, starts, strict=True)
        ],
        "  parse_entries": lambda: [parse_entries(b, lines) for b, lines in zip(bodies, by_line, strict=True)],
        "note_problems": lambda: [note_problems(r, settings, t) for r, t in zip(records, texts, strict=True)],
        "note_rows": lambda: [note_rows(r, p) for r, p in zip(records, problems, strict=True)],
    }
    print(f"{args.notes} notes of {len(notes[0][2]):,} bytes, best of {args.runs} passes, CPU a note:")
    for name, part in parts.items():
        part()  # warm
        best = float("inf")
        for _ in range(args.runs):
            began = time.process_time()
            part()
            best = min(best, time.process_time() - began)
        print(f"  {name:66} {best / args.notes * 1e6:7.0f} µs")
    if args.profile:
        profile = cProfile.Profile()
        profile.enable()
        parts["parse_note"]()
        profile.disable()
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
