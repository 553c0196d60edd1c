"""The command reference, docs/commands.md, is every command's current --help, verbatim."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from dairly.app import app

PROJECT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("commands_doc", PROJECT / "tools" / "commands_doc.py")
assert _spec and _spec.loader
commands_doc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(commands_doc)

CALLBACKS = [c.callback for c in app.registered_commands] + [
    c.callback for g in app.registered_groups for c in g.typer_instance.registered_commands
]


def test_the_command_reference_is_the_current_help(dairly):
    def help_text(args: list[str]) -> str:
        result = dairly(PROJECT, *args, "--help", env_extra={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
        assert result.code == 0, result.err
        return result.out

    expected = commands_doc.render(help_text)
    actual = commands_doc.DOC.read_text(encoding="utf-8")
    assert actual == expected, "docs/commands.md is out of date: run `python tools/commands_doc.py`"


def test_the_reference_names_every_command():
    text = commands_doc.DOC.read_text(encoding="utf-8")
    for args in commands_doc.commands():
        assert f"## `{' '.join(['dairly', *args])}`\n" in text


def test_every_command_has_an_example():
    for callback in CALLBACKS:
        assert "Example: dairly" in (callback.__doc__ or ""), callback.__name__


def test_the_readme_points_at_every_command():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    for args in commands_doc.commands()[1:]:
        if len(args) == 1:
            assert f"`dairly {args[0]}`" in readme, args
