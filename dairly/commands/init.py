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

import contextlib
import json
import os
import shlex
import sys
from typing import Any

from dairly import output
from dairly.config import PRESETS, Settings, load_settings_with_sources, settings_from_mapping
from dairly.conflicts import refuse_conflicts
from dairly.errors import OK, GitError, InputError
from dairly.fsio import atomic_write, decode_utf8, refusal
from dairly.notes.paths import NotePattern, compile_pattern
from dairly.readme.starter import add_missing_parts, new_readme, preset_of_notes, read_adopted
from dairly.workspace import Workspace

COMMIT_MESSAGE = "dairly init"


def run(ws: Workspace, *, preset: str | None, hook: bool, ask: bool | None = None, here: str | None = None) -> int:
    """`ask`: whether to offer the hook with a question (default: when stdin is a terminal).
    `here`: the folder init was run in when no --root named the repository."""
    ws.refuse_bare()
    if here is not None:
        refuse_subfolder(ws, here)
    done: list[str] = []
    written: list[str] = []  # repository-relative paths init wrote
    settings, sources = load_settings_with_sources(ws.root)
    if preset is not None and preset not in PRESETS:
        raise InputError(f"--preset must be one of {', '.join(PRESETS)}, not {preset!r}")
    notes_repo = None
    dirty: set[str] = set()  # top-of-work-tree paths holding the person's uncommitted edits
    unstaged: set[str] = set()  # ... and the settings file, when it is not committed
    if ws.work_tree is not None:
        from dairly import gitrepo

        notes_repo = gitrepo.open_repo(ws, purpose="init needs a usable git repository")
        wanted = [notes_repo.top_path(settings.readme), ".gitattributes", notes_repo.top_path("dairly.toml")]
        state = gitrepo.status(notes_repo)
        changed = state.changed
        dirty = {path for path in wanted if path in changed}
        unstaged = {path for path in [notes_repo.top_path("dairly.toml")] if path in changed}
    readme = ws.readme_file
    name = settings.readme
    text = _read_readme(readme, name) if os.path.lexists(readme) else None
    own = sorted({s for s in sources.values() if s != "default" and not s.startswith("preset ")})
    chosen: dict[str, str] = {}  # the settings init writes: the preset, the adopted sections' level
    if preset is not None and preset != settings.preset:
        if own:  # the person's own settings file: theirs to change, not ours to overwrite
            raise InputError(f'set preset = "{preset}" in {own[0]} to use the {preset} preset')
        chosen["preset"] = preset
        settings, _ = settings_from_mapping({"preset": preset}, "dairly.toml")
    note_path, found = find_layout(ws, settings, sources)
    done += found
    if note_path is not None:
        if own and own[0] != "dairly.toml":  # a [tool.dairly] table: the person's file
            line = f"note_path = {json.dumps(note_path, ensure_ascii=False)}"
            raise InputError(f"the notes follow another layout; set {line} in [tool.dairly] of {own[0]}")
        chosen["note_path"] = note_path
    if text is not None:
        choose = preset is None and not own
        note_texts = _newest_notes(ws, compile_pattern(chosen.get("note_path", settings.note_path))) if choose else []
        settings = _adopt(text, settings, chosen, own, choose=choose, ask=ask, said=done, notes=note_texts)
    if chosen:
        written.append(_write_settings(ws, chosen, own, done))
        # What was written, read back as every command will read it (note_path moves notes_dir).
        settings, _ = load_settings_with_sources(ws.root)
    ws = ws._replace(settings=settings)

    if text is not None:
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
        # Written by an earlier init outside git (then `git init`): never committed yet,
        # so a clone would lack them; they are left for the person to commit, named below.
        # (An init stopped before its commit leaves them so too, .gitattributes with them.)
        for path in (settings.readme, "dairly.toml", *([] if notes_repo.prefix else [".gitattributes"])):
            top_path = notes_repo.top_path(path)
            if (
                top_path not in ours
                and top_path in dirty | unstaged
                and os.path.isfile(ws.file(path))
                and gitrepo.head_text(notes_repo, path) is None
            ):
                left.append(top_path)
        if to_commit:
            try:
                sha = gitrepo.commit(notes_repo, gitrepo.stage_files(notes_repo, state, to_commit), COMMIT_MESSAGE)
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

    from dairly.commands import hook as hook_command

    setup = hook_command.hook_setup(ws) if ws.work_tree is not None else None
    hook_hint = False
    if ws.work_tree is not None and hook and setup is None:  # a hook of theirs is theirs: never offered over it
        if ask is None:
            ask = sys.stdin.isatty()
        if ask and _yes("Install the pre-commit hook that runs `dairly check --staged` on every commit? [Y/n] "):
            hook_command.install(ws, force=False)
        else:
            hook_hint = True

    output.say("")
    output.say("Next:")
    for line in next_steps(ws, setup, hook_hint):
        output.say(line)
    if left:
        assert ws.work_tree is not None
        shown = " ".join(shlex.quote(os.path.relpath(os.path.join(ws.work_tree, p))) for p in left)
        output.say(
            f"commit what init wrote, so that clones and CI read it too: git add {shown} && git commit -m"
            f" {shlex.quote(COMMIT_MESSAGE)}"
        )
    return OK


def _read_readme(readme: str, name: str) -> str:
    try:
        with open(readme, "rb") as f:
            text = decode_utf8(f.read(), name)
    except OSError as exc:
        raise refusal(exc, name) from None
    refuse_conflicts(text, name, readme=True)
    return text


def _adopt(
    text: str,
    settings: Settings,
    chosen: dict[str, str],
    own: list[str],
    *,
    choose: bool,
    ask: bool | None,
    said: list[str],
    notes: list[str],
) -> Settings:
    """The settings for the README a person already has: the preset its headings match
    (when no --preset nor settings file chose one), else the one the notes' own headings
    match, else asked on a terminal, and the level of its own sections; `chosen` gets what
    must be written."""
    adoption = read_adopted(text, settings, choose_preset=choose)
    said.extend(adoption.said)
    by_notes = preset_of_notes(notes) if choose and adoption.preset is None else None
    if adoption.preset is not None and adoption.preset != settings.preset:
        chosen["preset"] = adoption.preset
    elif by_notes is not None:
        if by_notes != settings.preset:
            chosen["preset"] = by_notes
        said.append(f"{settings.readme} has none of dairly's headings; the notes' headings match the {by_notes} preset")
    elif choose and adoption.preset is None:
        if sys.stdin.isatty() if ask is None else ask:
            answer = _ask_preset(settings.readme)
            if answer != settings.preset:
                chosen["preset"] = answer
        else:  # no one to ask, and the headings of a language the person may not read are no default
            ways = " or ".join(f"`dairly init --preset {name}`" for name in PRESETS)
            raise InputError(
                f"{settings.readme} has none of dairly's headings, so which language to add them in is"
                f" unknown; run {ways}"
            )
    if adoption.level is not None and adoption.level != settings.level:
        if own and own[0] != "dairly.toml":
            raise InputError(
                f"{settings.readme}'s own sections are level-{adoption.level} headings:"
                f' set section_level = "{adoption.level}" in {own[0]} and run `dairly init` again'
            )
        chosen["section_level"] = str(adoption.level)
    if not chosen:
        return settings
    mapping: dict[str, object] = dict(chosen)
    if own:  # dairly.toml: its own settings stand, with the level added
        levelled: dict[str, Any] = dict(chosen)  # str values, typed for _replace's mixed fields
        return settings._replace(**levelled)
    return settings_from_mapping(mapping, "dairly.toml")[0]


def _newest_notes(ws: Workspace, pattern: NotePattern, count: int = 20) -> list[str]:
    """The text of the newest notes already there (a few are enough to tell their language)."""
    from dairly.notes.scan import WorkTree

    dated = sorted((p for p in WorkTree(ws.root).markdown() if not isinstance(pattern.date(p), str)), reverse=True)
    texts = []
    for path in dated[:count]:
        try:
            with open(ws.file(path), "rb") as f:
                texts.append(f.read().decode("utf-8", "replace"))
        except OSError:
            continue  # a note init cannot read tells nothing; check names it
    return texts


def _ask_preset(readme: str) -> str:
    """The preset a person picks for a README whose headings match none."""
    names = "/".join(PRESETS)
    while True:
        try:
            answer = input(f"{readme} has none of dairly's headings yet; add them in which language? [{names}] ")
        except EOFError:
            answer = ""
        answer = answer.strip().lower() or next(iter(PRESETS))
        if answer in PRESETS:
            return answer


def _write_settings(ws: Workspace, chosen: dict[str, str], own: list[str], said: list[str]) -> str:
    """Write what init chose to dairly.toml: a new file, or lines added to the person's own
    (every byte of it kept). Returns the path written."""
    # JSON's string escapes are TOML's: a value with a quote or a backslash is written whole.
    lines = "".join(f"{key} = {json.dumps(value, ensure_ascii=False)}\n" for key, value in chosen.items())
    shown = ", ".join(f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in chosen.items())
    path = ws.file("dairly.toml")
    if own:
        with open(path, "rb") as f:
            old = f.read().decode("utf-8")
        nl = "\r\n" if "\r\n" in old else "\n"
        atomic_write(path, old + ("" if not old or old.endswith("\n") else nl) + lines.replace("\n", nl), "dairly.toml")
        said.append(f"added to dairly.toml: {shown}")
    else:
        atomic_write(path, lines, "dairly.toml")
        said.append(f"wrote dairly.toml ({shown})")
    return "dairly.toml"


def undo(ws: Workspace) -> int:
    """`dairly init --undo`: take back init's commit (the files it wrote, as they were
    before it) and its registrations (the merge driver in the git config, its pre-commit
    hook), only while HEAD is still init's commit and those files hold no later edits."""
    from dairly import gitrepo
    from dairly.mergedriver import MERGE_DRIVER

    if ws.work_tree is None:
        raise InputError("init --undo undoes init's commit, and this folder is not in a git repository")
    notes_repo = gitrepo.open_repo(ws, purpose="init --undo needs a usable git repository")
    _status, out = gitrepo.run_git(["log", "-1", "--format=%H%x00%s%x00%P"], notes_repo.top, ok=(0, 128))
    sha, _, rest = out.decode("utf-8", "replace").rstrip("\n").partition("\0")
    subject, _, parents = rest.partition("\0")
    if subject != COMMIT_MESSAGE:
        head = f"HEAD is {sha[:7]} {subject!r}" if sha else "there is no commit yet"
        raise InputError(
            f"{head}, not init's commit {COMMIT_MESSAGE!r}, so init --undo changes nothing; to undo init by hand:"
            f" `git revert` its commit, then `git config --local --remove-section merge.{MERGE_DRIVER}`"
        )
    listed = notes_repo.git("diff-tree", "--no-commit-id", "--name-status", "-r", "--root", "-z", "HEAD")
    fields = listed.decode("utf-8").split("\0")
    changes = list(zip(fields[0:-1:2], fields[1::2], strict=True))
    paths = [path for _kind, path in changes]
    busy = sorted(set(paths) & gitrepo.status(notes_repo).changed)
    if busy:
        raise InputError(
            f"{', '.join(busy)} changed since init's commit; commit or undo those edits, then run"
            " `dairly init --undo` again"
        )
    for kind, path in changes:
        full = os.path.join(notes_repo.top, path)
        if kind == "A":
            try:
                os.unlink(full)
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise refusal(exc, path) from None
        else:
            atomic_write(full, notes_repo.git("show", f"HEAD~1:{path}"), path)
    if parents:
        notes_repo.git("reset", "-q", "--soft", "HEAD~1")
        notes_repo.git("reset", "-q", "HEAD", "--", *paths)
    else:  # init's commit was the first: the branch goes back to having none
        notes_repo.git("update-ref", "-d", "HEAD")
        notes_repo.git("rm", "-q", "--cached", "--", *paths)
    output.say(f"took back {sha[:7]} {COMMIT_MESSAGE!r}: {', '.join(paths)}")
    status, _ = gitrepo.run_git(
        ["config", "--local", "--remove-section", f"merge.{MERGE_DRIVER}"], notes_repo.top, ok=(0, 128)
    )
    if status == 0:
        output.say(f"removed the README merge driver (merge.{MERGE_DRIVER}) from the local git config")
    from dairly.commands import hook as hook_command

    hook_path = hook_command._hook_path(ws)[0]
    if os.path.exists(hook_path) and hook_command._ours(hook_path):  # init offered it; another hook stays
        hook_command.uninstall(ws)
    notes = ws.file(ws.settings.notes_dir)
    with contextlib.suppress(OSError):  # a folder with anything in it stays
        os.rmdir(notes)
        output.say(f"removed the empty {ws.settings.notes_dir}/")
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


def next_steps(ws: Workspace, setup: str | None, hook_hint: bool) -> list[str]:
    """What to do after init, as things stand: outside git, a git repository first
    (publish commits); a pre-commit hook to add where none runs dairly yet."""
    steps = []
    if ws.work_tree is None:
        steps.append("  git init              # publish commits: make this a git repository, then `dairly init` again")
    steps.append("  dairly new            # write today's note")
    steps.append("  dairly publish        # put it in the README and commit")
    if hook_hint:
        steps.append("  dairly hook install   # check the README on every commit")
    elif setup == "pre-commit":
        from dairly.commands.hook import PRE_COMMIT_CONFIG, pre_commit_runs_dairly

        if not pre_commit_runs_dairly(ws):
            steps.append(f"  add the dairly-check hook to {PRE_COMMIT_CONFIG}   # check the README on every commit")
    elif setup == "other":
        steps.append("  add `dairly check --staged` to your pre-commit hook   # check the README on every commit")
    steps.append("  dairly check          # what CI runs: the README is what publish would write")
    return steps


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
