"""`dairly hook install|uninstall`: a plain git pre-commit hook running
`dairly check --staged`, for repositories that do not use the pre-commit framework.
`install` also registers the README's merge driver (`dairly merge-readme`)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from dairly import output
from dairly.errors import OK, PROBLEMS, GitError
from dairly.fsio import atomic_write
from dairly.workspace import Workspace

MARKER = "# dairly-hook: written by `dairly hook install`; `dairly hook uninstall` removes it"


def hook_script(root_from_top: str) -> str:
    # Prefer the interpreter dairly was installed with (a virtualenv is often not on
    # PATH when git runs hooks), and fall back to whatever `dairly` is on PATH. Git runs
    # hooks at the top of the work tree; the notes repository may be a folder below it,
    # named with --root (changing into it would not do: dairly finds the repository from
    # the work tree holding the current directory, which is the same from any folder).
    # At the top, the command is exactly `check --staged`, the form cli.main runs fast.
    python = shlex.quote(sys.executable)
    command = "check --staged" if root_from_top == "." else f"--root {shlex.quote(root_from_top)} check --staged"
    return (
        "#!/bin/sh\n"
        f"{MARKER}\n"
        f"if [ -x {python} ] && {python} -c 'import dairly' 2>/dev/null; then\n"
        f"    exec {python} -m dairly {command}\n"
        "fi\n"
        f"exec dairly {command}\n"
    )


def _hook_path(ws: Workspace) -> tuple[Path, str]:
    from dairly import gitrepo

    notes_repo = gitrepo.open_repo(ws, purpose="hooks need a git repository")
    return gitrepo.hooks_dir(notes_repo) / "pre-commit", notes_repo.prefix or "."


def install(ws: Workspace, *, force: bool = False) -> int:
    path, root = _hook_path(ws)
    if path.exists() and MARKER not in path.read_text(encoding="utf-8", errors="replace") and not force:
        raise GitError(f"{path} exists and was not written by dairly; use --force to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, hook_script(root))
    path.chmod(0o755)
    output.say(f"installed {path}")
    from dairly import gitrepo

    # Each clone needs the driver in its own git config: config is never cloned, and
    # installing the hook is the one step every clone of a notes repository takes.
    changes = gitrepo.register_merge_driver(ws)
    for change in changes:
        output.say(f"registered the README merge driver: {change}")
    if not changes:
        output.say("the README merge driver is registered already")
    elif any(".gitattributes" in change for change in changes):
        output.say("commit .gitattributes, so merges on every clone use the driver")
    return OK


def uninstall(ws: Workspace) -> int:
    path, _root = _hook_path(ws)
    if not path.exists():
        output.say(f"no hook at {path}; nothing to do")
        return OK
    if MARKER not in path.read_text(encoding="utf-8", errors="replace"):
        output.error(f"{path} was not written by dairly; left alone")
        return PROBLEMS
    path.unlink()
    output.say(f"removed {path}")
    return OK
