"""`dairly hook install|uninstall`: a plain git pre-commit hook running
`dairly check --staged`, for repositories that do not use the pre-commit framework.
`install` also registers the README's merge driver (`dairly merge-readme`)."""

from __future__ import annotations

import os
import shlex

from dairly import output
from dairly.errors import OK, GitError, NotesError
from dairly.fsio import atomic_write, refusal
from dairly.workspace import Workspace

MARKER = "# dairly-hook: written by `dairly hook install`; `dairly hook uninstall` removes it"


def hook_script(root_from_top: str) -> str:
    # Git runs hooks at the top of the work tree; the notes repository may be a folder
    # below it, named with --root (changing into it would not do: dairly finds the
    # repository from the work tree holding the current directory, which is the same from
    # any folder). At the top, the command is exactly `check --staged`, the form cli.main
    # runs fast. The command line is built as the merge driver's is (gitrepo.dairly_command);
    # without dairly the commit stops and says why.
    from dairly.gitrepo import dairly_command

    # Quiet on success, as hooks are: the check's words are kept and shown, on stderr,
    # only when it fails.
    command = "check --staged" if root_from_top == "." else f"--root {shlex.quote(root_from_top)} check --staged"
    missing = "echo 'dairly: not found; install it, or remove this hook' >&2; exit 127"
    return (
        f"#!/bin/sh\n{MARKER}\n"
        f"said=$({dairly_command(command, missing=missing)} 2>&1)\n"
        "status=$?\nif [ $status -ne 0 ]; then printf '%s\\n' \"$said\" >&2; fi\nexit $status\n"
    )


def _hook_path(ws: Workspace) -> tuple[str, str]:
    from dairly import gitrepo

    notes_repo = gitrepo.open_repo(ws, purpose="hooks need a git repository")
    return os.path.join(gitrepo.hooks_dir(notes_repo), "pre-commit"), notes_repo.prefix or "."


def _ours(path: str) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return MARKER in f.read()
    except OSError as exc:
        raise refusal(exc, path) from None


def install(ws: Workspace, *, force: bool = False, driver_only: bool = False) -> int:
    path, root = _hook_path(ws)
    if not driver_only:
        if os.path.exists(path) and not _ours(path) and not force:
            raise GitError(
                f"{path} exists and was not written by dairly; use --force to replace it, or --driver-only"
                " to register the README merge driver and leave the hook as it is"
            )
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            atomic_write(path, hook_script(root))
            os.chmod(path, 0o755)
        except OSError as exc:
            raise refusal(exc, path) from None
        output.say(f"installed {path}")
    register_driver(ws)
    return OK


def register_driver(ws: Workspace) -> None:
    """Register the README merge driver and say what changed. Each clone needs it in its
    own git config (config is never cloned), whatever runs its pre-commit hook."""
    from dairly import mergedriver

    changes = mergedriver.register_merge_driver(ws)
    for change in changes:
        output.say(f"registered the README merge driver: {change}")
    if not changes:
        output.say("the README merge driver is registered already")
    elif any(".gitattributes" in change for change in changes):
        output.say("commit .gitattributes, so merges on every clone use the driver")


def uninstall(ws: Workspace) -> int:
    path, _root = _hook_path(ws)
    if not os.path.exists(path):
        output.say(f"no hook at {path}; nothing to do")
        return OK
    if not _ours(path):
        raise NotesError(f"{path} was not written by dairly; left alone")
    try:
        os.unlink(path)
    except OSError as exc:
        raise refusal(exc, path) from None
    output.say(f"removed {path}")
    return OK
