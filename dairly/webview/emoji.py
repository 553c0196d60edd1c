"""GitHub's emoji shortcodes (`:star:`, `:paperclip:`), read from the table shipped beside
this module (emoji.tsv: name, tab, the emoji)."""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def shortcodes() -> dict[str, str]:
    """Every shortcode name GitHub shows as a Unicode emoji, and that emoji."""
    text = resources.files(__package__ or "dairly.webview").joinpath("emoji.tsv").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, emoji = line.partition("\t")
            table[name] = emoji
    return table
