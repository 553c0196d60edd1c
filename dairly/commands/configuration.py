"""`dairly config`: the settings in force and where each one came from."""

from __future__ import annotations

from dairly import output
from dairly.config import load_settings_with_sources
from dairly.errors import OK
from dairly.workspace import Workspace


def _shown(value: str) -> str:
    """A value on one line: a multi-line template shows its first line."""
    first, newline, _rest = value.partition("\n")
    return repr(first) + (" ..." if newline else "")


def run(ws: Workspace, *, as_json: bool = False) -> int:
    settings, sources = load_settings_with_sources(ws.root)
    if as_json:
        output.print_json({name: {"value": value, "from": sources[name]} for name, value in settings._asdict().items()})
        return OK
    width = max(map(len, settings._fields))
    for name, value in settings._asdict().items():
        output.say(f"{name:<{width}}  {_shown(value)}  ({sources[name]})")
    return OK
