"""`dairly resolve`: finish a README that git left in conflict, from any state git stops
in (a merge or pull, a rebase, a cherry-pick, a stash pop) or a file holding conflict
markers alone.

The sides come from the README's own conflict markers (so what a person already edited
outside them is kept), the base from the markers' diff3 part or the index's stage 1 (two
ways when neither exists); the hand-written text is merged by git's line merge with the
parts dairly owns held aside (dairly.readme.merge), then those parts are regenerated
from the notes in the work tree, as `publish` writes them. A README with no markers left
while git still holds it as conflicted was resolved by hand: only its owned parts are
regenerated. Clean, it is written and staged, and the git command that finishes the
operation is named; when hand edits conflict, they are left marked (the owned parts
regenerated) and nothing is staged.
"""

from __future__ import annotations

import datetime
import os
import shlex

from dairly import output
from dairly.errors import OK, PROBLEMS, GitError
from dairly.fsio import atomic_write, decode_utf8, refusal
from dairly.workspace import Workspace


def run(ws: Workspace, *, today: datetime.date) -> int:
    from dairly import gitrepo, mergedriver
    from dairly.conflicts import conflict_lines, conflict_sides
    from dairly.notes.scan import WorkTree
    from dairly.readme.merge import merge_readme
    from dairly.readme.plan import compute

    notes_repo = gitrepo.open_repo(ws, purpose="there is no merge conflict to resolve")
    name = ws.settings.readme
    top = notes_repo.top_path(name)
    readme_file = os.path.realpath(ws.readme_file)
    stages = mergedriver.conflict_stages(notes_repo, top)
    if stages and (2 not in stages or 3 not in stages):
        raise GitError(
            f"was deleted on one side and changed on the other; keep it with `git add {shlex.quote(top)}`"
            f" or delete it with `git rm {shlex.quote(top)}`",
            path=name,
        )
    try:
        with open(readme_file, "rb") as f:
            text = decode_utf8(f.read(), name)
    except OSError as exc:
        raise refusal(exc, name) from None
    sides = conflict_sides(text)
    if sides is None and not stages:
        output.say(f"{name} has no merge conflict to resolve", "green")
        return OK
    source = WorkTree(ws.root)
    if sides is None:  # resolved by hand, not yet staged: its owned parts are regenerated
        merged_text, clean = text, True
    else:
        base, ours, theirs = sides
        if base is None and 1 in stages:
            base = decode_utf8(stages[1], name)

        def line_merge(ours: str, base: str, theirs: str) -> tuple[str, bool]:
            out, clean = mergedriver.merge_file(
                notes_repo,
                ours.encode("utf-8"),
                base.encode("utf-8"),
                theirs.encode("utf-8"),
                ("ours", "base", "theirs"),
            )
            return decode_utf8(out, name), clean

        merged = merge_readme(base, ours, theirs, ws.settings, line_merge, source, today)
        merged_text, clean = merged.text, merged.clean
    plan = compute(source, merged_text, ws.settings, today)
    if plan.blocking or plan.new_text is None:
        for problem in plan.problems:
            output.say(str(problem))
        output.warn(
            f"{output.plural(len(plan.blocking), 'problem')} in the notes; fix them and resolve again; nothing written",
            style="red",
        )
        return PROBLEMS
    atomic_write(readme_file, plan.new_text, name)
    if not clean:
        lines = ", ".join(map(str, conflict_lines(plan.new_text)))
        output.say(
            f"{name}: the parts dairly owns are regenerated from the notes, but hand edits conflict (lines {lines});"
            f" edit them, then `git add {shlex.quote(top)}`",
            "red",
        )
        return PROBLEMS
    notes_repo.git("add", "--", top)
    output.say(
        f"{name}: resolved; the parts dairly owns are regenerated from"
        f" {output.plural(len(plan.scan.indexed), 'note')}, and it is staged",
        "green",
    )
    left = [p for p in mergedriver.unmerged_paths(notes_repo) if p != top]
    finish = mergedriver.finish_command(notes_repo)
    if left:
        shown = ", ".join(left[:5]) + (f" and {len(left) - 5} more" if len(left) > 5 else "")
        output.say(f"still in conflict: {shown}; resolve them and `git add` them, then `{finish or 'git commit'}`")
    else:  # nothing in progress (a stash pop): publish commits the README with its notes
        output.say(f"next: {finish or 'dairly publish'}")
    if not mergedriver.driver_registered(ws):
        output.say("so that git merges the README itself from now on: dairly hook install --driver-only")
    return OK
