"""`dairly init`: make a folder a notes repository dairly keeps, or adopt one.

It writes a README with the parts dairly keeps, or adds only the missing parts to the
README there (every byte of it is kept); creates notes/; writes dairly.toml only for a
preset other than the default; in git, registers the README merge driver and offers the
pre-commit hook. A second run changes nothing. Right after it, `dairly check` passes.
"""

from __future__ import annotations

import os
import sys

from dairly import output
from dairly.config import PRESETS, load_settings_with_sources, settings_from_mapping
from dairly.errors import OK, InputError
from dairly.fsio import atomic_write, decode_utf8, refusal
from dairly.readme.starter import add_missing_parts, new_readme
from dairly.workspace import Workspace


def run(ws: Workspace, *, preset: str | None, hook: bool, ask: bool | None = None) -> int:
    """`ask`: whether to offer the hook with a question (default: when stdin is a terminal)."""
    done: list[str] = []
    settings, sources = load_settings_with_sources(ws.root)
    if preset is not None and preset not in PRESETS:
        raise InputError(f"--preset must be one of {', '.join(PRESETS)}, not {preset!r}")
    if preset is not None and preset != settings.preset:
        files = sorted({s for s in sources.values() if s != "default" and not s.startswith("preset ")})
        if files:  # the person's own settings file: theirs to change, not ours to overwrite
            raise InputError(f'set preset = "{preset}" in {files[0]} to use the {preset} preset')
        settings, _ = settings_from_mapping({"preset": preset}, "dairly.toml")
        atomic_write(ws.file("dairly.toml"), f'preset = "{preset}"\n', "dairly.toml")
        done.append(f'wrote dairly.toml (preset = "{preset}")')
    ws = ws._replace(settings=settings)

    readme = ws.readme_file
    name = settings.readme
    if os.path.lexists(readme):
        try:
            with open(readme, "rb") as f:
                text = decode_utf8(f.read(), name)
        except OSError as exc:
            raise refusal(exc, name) from None
        completed = add_missing_parts(text, settings)
        if completed != text:
            atomic_write(os.path.realpath(readme), completed, name)
            done.append(f"added the missing parts to {name}")
    else:
        atomic_write(readme, new_readme(settings, os.path.basename(ws.root) or "notes"), name)
        done.append(f"wrote {name}")

    notes = ws.file(settings.notes_dir)
    if not os.path.isdir(notes):
        try:
            os.makedirs(notes)
        except OSError as exc:
            raise refusal(exc, settings.notes_dir) from None
        done.append(f"created {settings.notes_dir}/")

    hook_hint = False
    if ws.work_tree is not None:
        from dairly import mergedriver

        registered = mergedriver.register_merge_driver(ws)
        if registered:
            done.append("registered the README merge driver: " + ", ".join(registered))
        if hook:
            if ask is None:
                ask = sys.stdin.isatty()
            if ask and _yes("Install the pre-commit hook that runs `dairly check --staged` on every commit? [Y/n] "):
                from dairly.commands import hook as hook_command

                hook_command.install(ws, force=False)
            else:
                hook_hint = True

    for line in done:
        output.say(line)
    if not done:
        output.say(f"{ws.root} is already set up; nothing to do")
    output.say("")
    output.say("Next:")
    output.say("  dairly new            # write today's note")
    output.say("  dairly publish        # put it in the README and commit")
    if hook_hint:
        output.say("  dairly hook install   # check the README on every commit")
    output.say("  dairly check          # what CI runs: the README is what publish would write")
    return OK


def _yes(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("", "y", "yes")
