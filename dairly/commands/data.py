"""Shared by the notes-as-data commands (lint, search, stats, feed, export)."""

from __future__ import annotations

import json
import sys
from functools import cache

from dairly.commands.common import Workspace
from dairly.records import NoteRecord


def records(ws: Workspace, *, links: bool = False) -> list[NoteRecord]:
    from dairly.corpus import load_records

    return load_records(ws.path, ws.settings, links=links)


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@cache
def console():
    """A rich console for tables and the heatmap; wide enough off a terminal that a table
    piped to a file is not squeezed to 80 columns."""
    from rich.console import Console

    width = None if sys.stdout.isatty() else 160
    return Console(highlight=False, emoji=False, width=width)
