"""Refresh the `--help` blocks in README.md from the installed `dairly`.

Run after changing a command's options or docstring: `python tools/readme_help.py`.
Each "### `dairly ...`" heading under "## Commands" is followed by a ```text block that
this script rewrites; a command without a heading yet gets one, in command order, before
the first non-command paragraph. tests/test_docs.py fails until the README is refreshed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


def commands() -> list[list[str]]:
    from dairly.app import app

    found: list[list[str]] = [[]]
    found += [[c.name or c.callback.__name__] for c in app.registered_commands]
    for group in app.registered_groups:
        found.append([group.name])
        found += [[group.name, c.name or c.callback.__name__] for c in group.typer_instance.registered_commands]
    return found


def help_text(args: list[str]) -> str:
    exe = [sys.executable, "-m", "dairly", *args, "--help"]
    text = subprocess.run(exe, capture_output=True, text=True, env=ENV, check=True).stdout
    return text.replace("Usage: python -m dairly", "Usage: dairly")


def main() -> None:
    readme = README.read_text(encoding="utf-8")
    start = readme.index("## Commands\n")
    end = readme.index("\n## ", start + 1)
    section = readme[start:end]
    blocks = []
    for args in commands():
        name = " ".join(["dairly", *args])
        blocks.append(f"### `{name}`\n\n```text\n{help_text(args)}```\n")
    # The section keeps its intro (up to the first ###) and its outro (after the last block).
    intro = section[: section.index("### `dairly")]
    last = [m.end() for m in re.finditer(r"### `dairly[^`]*`\n\n```text\n.*?```\n", section, re.S)][-1]
    outro = section[last:]
    README.write_text(readme[:start] + intro + "\n".join(blocks) + outro + readme[end:], encoding="utf-8")


if __name__ == "__main__":
    main()
