"""All notes as records, through a parse cache.

Parsing a note with mistune costs about a millisecond; over 10,000 notes that is the
whole budget of `search`. Records are cached keyed by path, size and modification time,
in the git directory (never committed) or, outside git, the user's cache directory, so
a warm run only stats the files and reads one JSON file.
"""

from __future__ import annotations

import marshal
import os
import sys
from pathlib import Path

from dairly import __version__
from dairly.config import Settings
from dairly.fsio import atomic_write_bytes, git_dir, root_digest
from dairly.notes import WorkTree, date_from_path
from dairly.records import NoteRecord, parse_note

CACHE_FORMAT = 2
PROGRESS_MIN = 200  # a cold parse of fewer notes is over before a bar would be seen


def cache_path(root: Path) -> Path:
    override = os.environ.get("DAIRLY_CACHE_DIR")
    if override:
        folder = Path(override)
    else:
        git = git_dir(root)
        if git is not None:
            return git / "dairly" / "records.cache"
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        folder = Path(base) / "dairly"
    return folder / f"records-{root_digest(root)}.cache"


def _stamp(settings: Settings) -> str:
    # A new dairly or a different heading may parse the same bytes differently.
    return f"{CACHE_FORMAT}:{__version__}:{settings.highlights_heading}"


def _load_cache(path: Path, stamp: str) -> dict:
    # marshal, not JSON or pickle: it loads 10,000 records several times faster than JSON
    # and, unlike pickle, cannot run code from a tampered file; any damage means a rebuild.
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(data, dict) or data.get("stamp") != stamp or not isinstance(data.get("notes"), dict):
        return {}
    return data["notes"]


def load_records(root: Path, settings: Settings, *, links: bool = False, progress: bool = True) -> list[NoteRecord]:
    """Every note at a valid note path, oldest first (drafts included). Records from the
    cache carry their `links` only when asked for (lint); freshly parsed ones always do."""
    source = WorkTree(root)
    notes_dir = settings.notes_dir.strip("/")
    wanted = []
    files, _others = source.listing(notes_dir)  # symlinks and folders named like notes: `check` reports them
    for path in files:
        date = date_from_path(path, notes_dir)
        if not isinstance(date, str):
            wanted.append((date, path))
    wanted.sort()

    stamp = _stamp(settings)
    where = cache_path(root)
    cached = _load_cache(where, stamp)
    fresh: dict[str, list] = {}
    records: list[NoteRecord | None] = []
    misses: list[tuple[int, str, object, tuple]] = []
    for date, path in wanted:
        st = os.stat(source.prefix + path)
        key = (st.st_size, st.st_mtime_ns)
        hit = cached.get(path)
        if hit is not None and hit[0] == key[0] and hit[1] == key[1]:
            try:
                record = NoteRecord.from_tuple(hit[2], links=links)
            except (TypeError, ValueError):  # damaged entry: parse the note again
                misses.append((len(records), path, date, key))
                records.append(None)
                continue
            fresh[path] = hit
            records.append(record)
        else:
            misses.append((len(records), path, date, key))
            records.append(None)

    for index, path, date, key in _with_progress(misses, progress):
        record = parse_note(path, date, source.read(path), settings.highlights_heading)  # type: ignore[arg-type]
        records[index] = record
        fresh[path] = (*key, record.to_tuple())

    if misses or len(fresh) != len(cached):
        _save_cache(where, stamp, fresh)
    return [r for r in records if r is not None]


def _with_progress(misses: list, progress: bool):
    if not progress or len(misses) < PROGRESS_MIN or not sys.stderr.isatty():
        yield from misses
        return
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task(f"parsing {len(misses)} notes", total=len(misses))
        for miss in misses:
            yield miss
            bar.advance(task)


def _save_cache(where: Path, stamp: str, notes: dict) -> None:
    try:
        where.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(where, marshal.dumps({"stamp": stamp, "notes": notes}))
    except OSError:
        pass  # a cache we cannot write only costs speed
