"""`dairly init`: make a folder a notes repository dairly keeps, or adopt one.

It writes a README with the parts dairly keeps, or adds only the missing parts to the
README there (every byte of it is kept); creates notes/; writes dairly.toml only for a
preset other than the default; in git, registers the README merge driver, commits what it
wrote, and offers the pre-commit hook. A second run changes nothing.

What it wrote is committed, so that a clone (and CI) reads the same settings and README:
`check` in a clone without dairly.toml would read the README with the default headings.
Only files that were absent or committed as they stood are committed, in a commit of
their own; a file holding the person's uncommitted edits is left for them to commit, and
the last line says so.
"""

from __future__ import annotations

import json
import os
import shlex
import sys

from dairly import output
from dairly.config import PRESETS, Settings, load_settings_with_sources, settings_from_mapping
from dairly.conflicts import refuse_conflicts
from dairly.errors import OK, GitError, InputError
from dairly.fsio import atomic_write, decode_utf8, refusal
from dairly.readme.starter import add_missing_parts, new_readme
from dairly.workspace import Workspace

COMMIT_MESSAGE = "dairly init"


def run(ws: Workspace, *, preset: str | None, hook: bool, ask: bool | None = None, here: str | None = None) -> int:
    """`ask`: whether to offer the hook with a question (default: when stdin is a terminal).
    `here`: the folder init was run in when no --root named the repository."""
    if here is not None:
        refuse_subfolder(ws, here)
    done: list[str] = []
    written: list[str] = []  # repository-relative paths init wrote
    settings, sources = load_settings_with_sources(ws.root)
    if preset is not None and preset not in PRESETS:
        raise InputError(f"--preset must be one of {', '.join(PRESETS)}, not {preset!r}")
    notes_repo = None
    dirty: set[str] = set()  # top-of-work-tree paths holding the person's uncommitted edits
    if ws.work_tree is not None:
        from dairly import gitrepo

        notes_repo = gitrepo.open_repo(ws, purpose="init needs a usable git repository")
        wanted = [notes_repo.top_path(settings.readme), ".gitattributes", notes_repo.top_path("dairly.toml")]
        changed = gitrepo.status(notes_repo).changed
        dirty = {path for path in wanted if path in changed}
    files = sorted({s for s in sources.values() if s != "default" and not s.startswith("preset ")})
    toml: list[str] = []  # the lines dairly.toml gets
    if preset is not None and preset != settings.preset:
        if files:  # the person's own settings file: theirs to change, not ours to overwrite
            raise InputError(f'set preset = "{preset}" in {files[0]} to use the {preset} preset')
        toml.append(f'preset = "{preset}"')
    note_path, found = find_layout(ws, settings, sources)
    done += found
    if note_path is not None:
        line = f"note_path = {json.dumps(note_path, ensure_ascii=False)}"
        if files and files[0] != "dairly.toml":  # a [tool.dairly] table: the person's file
            raise InputError(f"the notes follow another layout; set {line} in [tool.dairly] of {files[0]}")
        toml.append(line)
    if toml:
        settings_file = ws.file("dairly.toml")
        before = ""
        if os.path.exists(settings_file):
            with open(settings_file, "rb") as f:
                before = decode_utf8(f.read(), "dairly.toml")
            if before and not before.endswith("\n"):
                before += "\n"
        new_toml = before + "".join(f"{line}\n" for line in toml)
        settings, _ = settings_from_mapping(_toml_values(new_toml), "dairly.toml")
        atomic_write(settings_file, new_toml, "dairly.toml")
        done.append(f"{'added to' if before else 'wrote'} dairly.toml ({', '.join(toml)})")
        written.append("dairly.toml")
    ws = ws._replace(settings=settings)

    readme = ws.readme_file
    name = settings.readme
    if os.path.lexists(readme):
        try:
            with open(readme, "rb") as f:
                text = decode_utf8(f.read(), name)
        except OSError as exc:
            raise refusal(exc, name) from None
        refuse_conflicts(text, name, readme=True)
        completed = add_missing_parts(text, settings)
        if completed != text:
            atomic_write(os.path.realpath(readme), completed, name)
            done.append(f"added the missing parts to {name}")
            written.append(name)
    else:
        atomic_write(readme, new_readme(settings, os.path.basename(ws.root) or "notes"), name)
        done.append(f"wrote {name}")
        written.append(name)

    notes = ws.file(settings.notes_dir)
    if settings.notes_dir and not os.path.isdir(notes):
        try:
            os.makedirs(notes)
        except OSError as exc:
            raise refusal(exc, settings.notes_dir) from None
        done.append(f"created {settings.notes_dir}/")

    left: list[str] = []  # top-of-work-tree paths init wrote and did not commit
    if notes_repo is not None:
        from dairly import gitrepo, mergedriver

        registered = mergedriver.register_merge_driver(ws)
        if registered:
            done.append("registered the README merge driver: " + ", ".join(registered))
        ours = [notes_repo.top_path(p) for p in written]
        if any(".gitattributes" in change for change in registered):
            ours.append(".gitattributes")
        to_commit = [p for p in ours if p not in dirty]
        left = [p for p in ours if p in dirty]
        if to_commit:
            try:
                sha = gitrepo.commit(notes_repo, to_commit, COMMIT_MESSAGE)
            except GitError as exc:
                done.append(f"not committed: {exc}")
                left += to_commit
            else:
                if sha is not None:
                    done.append(f"committed {sha[:7]} {COMMIT_MESSAGE!r}: {', '.join(to_commit)}")

    for line in done:
        output.say(line)
    if not done:
        output.say(f"{ws.root} is already set up; nothing to do")

    hook_hint = False
    if ws.work_tree is not None and hook:
        if ask is None:
            ask = sys.stdin.isatty()
        if ask and _yes("Install the pre-commit hook that runs `dairly check --staged` on every commit? [Y/n] "):
            from dairly.commands import hook as hook_command

            hook_command.install(ws, force=False)
        else:
            hook_hint = True

    output.say("")
    output.say("Next:")
    output.say("  dairly new            # write today's note")
    output.say("  dairly publish        # put it in the README and commit")
    if hook_hint:
        output.say("  dairly hook install   # check the README on every commit")
    output.say("  dairly check          # what CI runs: the README is what publish would write")
    if left:
        assert ws.work_tree is not None
        shown = " ".join(shlex.quote(os.path.relpath(os.path.join(ws.work_tree, p))) for p in left)
        output.say(
            f"commit what init wrote, so that clones and CI read it too: git add {shown} && git commit -m"
            f" {shlex.quote(COMMIT_MESSAGE)}"
        )
    return OK


def find_layout(ws: Workspace, settings: Settings, sources: dict[str, str]) -> tuple[str | None, list[str]]:
    """(the note_path the notes already there follow, when it is not the setting's; the
    lines that say so and name the Markdown files that follow no layout). None when the
    person set note_path, or notes follow it. Markdown files in the notes' folder, none
    of which is dated, are an input error naming a few and the pattern expected."""
    from dairly.notes.detect import detect
    from dairly.notes.scan import WorkTree, none_follow

    if sources["note_path"] != "default" or sources["notes_dir"] != "default":
        return None, []  # the person's own layout
    pattern = settings.pattern
    paths = [p for p in WorkTree(ws.root).markdown() if p != settings.readme]
    if any(not isinstance(pattern.date(p), str) for p in paths):
        return None, []
    found = detect(paths)
    if found is None:
        under = [p for p in paths if pattern.holds(p)]
        if under:
            raise InputError(none_follow(pattern, under), path=pattern.folder or ".")
        return None, []
    lines = [
        f"found the notes' layout: {found.pattern.shown} (note_path = {found.pattern.text!r}),"
        f" followed by {output.plural(len(found.notes), 'note')}"
    ]
    if found.others:
        more = f" and {len(found.others) - 10} more" if len(found.others) > 10 else ""
        lines.append(f"not following it: {', '.join(found.others[:10])}{more}")
    return found.pattern.text, lines


def _toml_values(text: str) -> dict[str, object]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 in CI
        import tomli as tomllib
    try:
        values: dict[str, object] = tomllib.loads(text)
        return values
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"invalid TOML: {exc}", path="dairly.toml") from None


def refuse_subfolder(ws: Workspace, here: str) -> None:
    """Refuse, before writing anything, to set up a repository's top level when init was run
    in a folder below it: every dairly command run anywhere in a git work tree works on its
    top level (unless --root says otherwise), so that is where init would write."""
    here = os.path.realpath(here)
    if ws.work_tree is None or here == ws.root:
        return
    folder = os.path.relpath(here, ws.root)
    raise InputError(
        f"this folder is inside the git repository at {ws.root}, and dairly commands run anywhere in it"
        f" work on its top level; to make the top level a notes repository, run `dairly init` there;"
        f" to keep the notes in this folder, run `dairly --root . init` here and give every dairly command"
        f" `--root {folder}` from the top"
    )


def _yes(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("", "y", "yes")
