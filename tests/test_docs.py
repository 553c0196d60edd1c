"""The README documents every command: its --help text appears there verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from dairly.app import app

README = Path(__file__).resolve().parent.parent / "README.md"
COMMANDS = [[c.name or c.callback.__name__] for c in app.registered_commands]
for group in app.registered_groups:
    COMMANDS.append([group.name])
    COMMANDS += [[group.name, c.name or c.callback.__name__] for c in group.typer_instance.registered_commands]
CALLBACKS = [c.callback for c in app.registered_commands] + [
    c.callback for g in app.registered_groups for c in g.typer_instance.registered_commands
]


def help_text(dairly, *args: str) -> str:
    result = dairly(README.parent, *args, "--help")
    assert result.code == 0, result.err
    return result.out


@pytest.mark.parametrize("command", [[], *COMMANDS], ids=lambda c: " ".join(c) or "dairly")
def test_every_help_text_is_in_the_readme(dairly, command):
    text = help_text(dairly, *command)
    readme = README.read_text(encoding="utf-8")
    assert text in readme, f"README.md lacks the current `dairly {' '.join(command)} --help` output:\n{text}"


def test_every_command_has_an_example():
    for callback in CALLBACKS:
        assert "Example: dairly" in (callback.__doc__ or ""), callback.__name__
