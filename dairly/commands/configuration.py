"""`dairly config`: the settings in force and where each one came from, and DAIRLY_NOW
when it stands in for the clock (it decides the day `new`, `publish` and `stats` use)."""

from __future__ import annotations

import os

from dairly import output
from dairly.config import fixed_now, load_settings_with_sources
from dairly.errors import OK
from dairly.workspace import Workspace

NOW = "DAIRLY_NOW"


def _shown(value: str | int) -> str:
    """A value on one line: a multi-line template shows its first line."""
    if isinstance(value, int):
        return str(value)
    first, newline, _rest = value.partition("\n")
    return repr(first) + (" ..." if newline else "")


def run(ws: Workspace, *, as_json: bool = False) -> int:
    settings, sources = load_settings_with_sources(ws.root)
    values: dict[str, str | int] = settings._asdict()
    fixed = fixed_now()  # a bad value is an error here too
    if fixed is not None:
        values[NOW] = os.environ[NOW]
        sources = {**sources, NOW: f"environment: today is {settings.today(fixed).isoformat()}"}
    if as_json:
        output.print_json({name: {"value": value, "from": sources[name]} for name, value in values.items()})
        return OK
    width = max(map(len, values))
    for name, value in values.items():
        output.say(f"{name:<{width}}  {_shown(value)}  ({sources[name]})")
    return OK
