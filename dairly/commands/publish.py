"""`dairly publish`: promote the newest note into the README, regenerate the history
tree, write the README atomically and commit it with the notes being published.

A transaction: everything that can be checked is checked before the README is written
(the notes, the README's layout, that `check` will accept the new README, the file's
permissions, and for a commit the repository's state, looked at once with one `git
status` after the scan). The commit holds exactly what the scan read and decided to
publish. Until HEAD moves, a failure or an interrupt puts the README's bytes back, then
the git index; once HEAD has moved, the commit stands and is reported, whatever comes
next. Nothing is printed until the work is done (or the commit made), so a closed or
unwritable terminal cannot leave it half done.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import shlex
from operator import attrgetter

from dairly import gitrepo, output
from dairly.config import format_date_template
from dairly.errors import OK, PROBLEMS, ChangedError, DairlyError, FileSystemError, GitError, InputError, NotesError
from dairly.fsio import TEMP_PREFIX, atomic_write, refusal, remove_stale_temp_files
from dairly.notes.note import promoted_name
from dairly.notes.scan import WorkTree, is_hidden, stamp_now
from dairly.readme.plan import Plan, compute
from dairly.workspace import Workspace


def is_published(plan: Plan, path: str, readme_target: str) -> bool:
    """Whether a path (notes-repo relative) may be in the publish commit: the README (or
    the file it links to), and what is under notes/ but drafts, unfinished notes, and
    hidden or editor files (dairly.notes.scan's rule)."""
    if path in (plan.readme_path, readme_target) or path in plan.pages:
        return True
    pattern = plan.settings.pattern
    if not pattern.holds(path) or any(is_hidden(part) for part in path[len(pattern.folder) :].split("/")):
        return False
    return path not in {n.path for n in plan.scan.notes if n.draft or n.unfinished}


def commit_paths(plan: Plan, source: WorkTree, changed: set[str], readme_target: str) -> list[str]:
    """The paths (notes-repo relative) the publish commit holds: of those git says differ
    from HEAD (`changed`), the notes the scan read and publishes, the other files its
    listing saw under notes/ (pictures), the tracked files it no longer saw (deleted), and
    the README when publish rewrites it. A file made after the scan is not among them; a
    file git ignores never is, since git lists it as ignored, not as changed."""
    notes = {n.path for n in plan.scan.notes if not n.draft and not n.unfinished}
    seen = set(plan.scan.paths) | set(source.attachments)
    paths = set()
    for path in changed:
        if not is_published(plan, path, readme_target):
            continue
        if path in (plan.readme_path, readme_target) or path in notes or path in source.attachments:
            paths.add(path)
        elif path not in seen and not os.path.lexists(source.prefix + path):
            paths.add(path)  # deleted: a path the scan did not see and that is still gone
        elif path in plan.pages:
            paths.add(path)
    for path in notes - paths:  # unchanged as git saw them: but changed or gone since the scan read them?
        if path in source.stamps and stamp_now(source.prefix + path) != source.stamps[path]:
            paths.add(path)  # committed as the scan read it (git stash -u, reset --hard meanwhile)
    if plan.changed:
        paths.add(readme_target)
    paths.update(plan.stale_pages)  # the past years' pages publish writes
    return sorted(paths)


def refuse_ignored_notes(plan: Plan, state: gitrepo.Status, notes_repo: gitrepo.NotesRepo) -> None:
    """A note git ignores cannot be committed, so the README must not show it."""
    ignored = [n.path for n in plan.scan.indexed if state.is_ignored(notes_repo.top_path(n.path))]
    if ignored:
        shown = ", ".join(ignored[:5]) + (f" and {len(ignored) - 5} more" if len(ignored) > 5 else "")
        raise NotesError(
            f"git ignores {shown} (a .gitignore or .git/info/exclude names it), so publish cannot commit"
            " it and the README must not show it; stop ignoring it, or mark it a draft (front matter"
            " `draft: true`), or use --no-commit"
        )


def refuse_hand_edits(plan: Plan, committed: str | None) -> None:
    """Refuse to sweep uncommitted hand edits of the README into a publish commit.

    Edits only to the parts dairly owns are not hand edits (an earlier `--no-commit`
    run makes those); anything else differing from the committed README is."""
    if committed is None or committed == plan.text:
        return
    try:
        same = plan.rewrite(committed) == plan.new_text
    except DairlyError:
        same = False
    if not same:
        raise GitError(
            "has uncommitted edits outside the parts dairly writes; commit them first,"
            " or use --force to include them in the publish commit",
            path=plan.readme_path,
        )


def refuse_older_promotion(plan: Plan, date: datetime.date | None) -> None:
    """`--date` names the note publish must promote: it must be the one `check` expects,
    the newest published note, or the README would fail the next `check`."""
    if date is None or (plan.promoted is not None and plan.promoted.date == date):
        return
    note = next((n for n in reversed(plan.scan.notes) if n.date == date), None)  # of several, the last by name
    asked = note.path if note is not None else plan.settings.pattern.path(date)
    if note is None:
        raise NotesError(f"no note for {date.isoformat()}", path=asked)
    if note.draft:
        raise NotesError("is a draft (front matter draft: true); drafts are not published", path=asked)
    if note.unfinished is not None:
        raise NotesError(
            f"is unfinished: line {note.unfinished} still holds the placeholder TODO from `dairly new`", path=asked
        )
    if plan.promoted is None:
        raise NotesError("is not in the history tree", path=asked)
    raise InputError(
        f"--date {date.isoformat()}: the README shows the newest note, {plan.promoted.path},"
        f" and `dairly check` would reject one showing {asked}; to show {asked}, mark the newer"
        " notes as drafts (front matter `draft: true`)"
    )


def refuse_nothing_published(plan: Plan, source: WorkTree) -> None:
    """Refuse a publish that would publish nothing because the newest note is not ready:
    unfinished (a placeholder left in its highlights), while the README stays as it is,
    or with an empty highlights section, which would blank the README's. A success
    there would read as "published"; the note and the line to fix are named instead."""
    newest = max((n for n in plan.scan.notes if not n.draft), key=attrgetter("date", "path"), default=None)
    if newest is None:
        return
    heading = promoted_name(plan.settings)
    if newest.unfinished is not None and not plan.changed:
        raise NotesError(
            f"nothing published: the newest note is unfinished (this line still holds the placeholder TODO"
            f" from `dairly new`); fill in its {heading} and publish again",
            path=newest.path,
            line=newest.unfinished,
        )
    if newest == plan.promoted and plan.highlights is not None and not plan.highlights.strip():
        from dairly.notes.note import decode_note, promoted_sections, split_front_matter

        text = decode_note(source.read(newest.path), newest.path).replace("\r\n", "\n").replace("\r", "\n")
        found = promoted_sections(text, split_front_matter(text)[1], plan.settings)
        raise NotesError(
            f"nothing published: the newest note's {heading} section is empty; write the day's highlights under"
            " it and publish again",
            path=newest.path,
            line=max(found[0].heading.line.number, 1) if found else None,
        )


def refuse_unstable(plan: Plan) -> None:
    """Refuse to write a README that `check` would not accept as it stands: the promoted
    text could add a date line, open an HTML comment, or close a tag around a section."""
    assert plan.new_text is not None
    try:
        stable = plan.rewrite(plan.new_text) == plan.new_text
    except DairlyError:
        stable = False
    if not stable:
        source = plan.promoted.path if plan.promoted else "the notes"
        raise InputError(
            f"the {promoted_name(plan.settings)} of {source} would change where the README's parts are"
            " (a date line, an unclosed HTML comment or tag, a heading); fix the note and publish again",
            path=plan.readme_path,
        )


def run(
    ws: Workspace,
    *,
    today: datetime.date,
    date: datetime.date | None = None,
    commit: bool = True,
    dry_run: bool = False,
    message: str | None = None,
    push: bool = False,
    force: bool = False,
) -> int:
    if dry_run:  # reads only: no lock, so it works in a read-only repository too
        return _dry_run(ws, today, date)
    from dairly.lock import repository_lock

    with repository_lock(ws):  # concurrent publishes act one after another
        remove_stale_temp_files(os.path.dirname(ws.readme_file))
        lines, code = _publish(ws, today, date, commit=commit, message=message, push=push, force=force)
    for text, style in lines:
        output.say(text, style)
    return code


def _plan(
    ws: Workspace, today: datetime.date, date: datetime.date | None, *, keep: bool = False
) -> tuple[Plan | None, WorkTree]:
    """The plan, or None (with the problems printed) when the notes need a human first;
    and the work tree as the scan listed it (`keep`: with the bytes it read)."""
    source = WorkTree(ws.root, keep=keep)
    plan = compute(source, ws.read_readme(source), ws.settings, today)
    if not plan.blocking:  # a refusal is the headline: the warnings would only repeat its note
        refuse_older_promotion(plan, date)
        refuse_nothing_published(plan, source)
    for problem in plan.problems:
        if problem.warning:
            output.warn(str(problem))
    if plan.blocking:
        for problem in plan.blocking:
            output.say(str(problem))
        output.warn(f"{output.plural(len(plan.blocking), 'problem')} in the notes; nothing written", style="red")
        return None, source
    return plan, source


def _dry_run(ws: Workspace, today: datetime.date, date: datetime.date | None) -> int:
    plan, _source = _plan(ws, today, date)
    if plan is None:
        return PROBLEMS
    assert plan.new_text is not None
    if plan.changed:
        refuse_unstable(plan)
        output.diff(output.unified_diff(plan.text, plan.new_text, plan.readme_path))
    else:
        output.warn(f"{plan.readme_path} is already up to date", style="green")
    for path in plan.stale_pages:
        output.warn(f"would write {path}")
    return OK


Lines = list[tuple[str, str | None]]  # what to print, and its style


def _publish(
    ws: Workspace,
    today: datetime.date,
    date: datetime.date | None,
    *,
    commit: bool,
    message: str | None,
    push: bool,
    force: bool,
) -> tuple[Lines, int]:
    plan, source = _plan(ws, today, date, keep=commit)
    if plan is None:
        return [], PROBLEMS
    assert plan.new_text is not None
    readme_file = os.path.realpath(ws.readme_file)  # a linked README is written through its link
    readme_target = os.path.relpath(readme_file, ws.root).replace(os.sep, "/")
    if plan.changed:
        refuse_unstable(plan)
        if not os.access(readme_file, os.W_OK):
            raise FileSystemError("is read-only; make it writable to publish", path=plan.readme_path)
    if not commit:
        return _write(plan, readme_file, ws.root), OK

    # The repository is looked at once, after the scan: the commit holds what the scan
    # read and decided, and nothing made since.
    notes_repo = gitrepo.open_repo(ws)
    state = gitrepo.status(notes_repo)
    changed = {rel for p in state.changed if (rel := notes_repo.relative(p)) is not None}
    paths = commit_paths(plan, source, changed, readme_target)
    top_paths = [notes_repo.top_path(p) for p in paths]
    folder = [notes_repo.top_path(plan.settings.notes_dir + "/")] if plan.settings.notes_dir else []
    gitrepo.preflight(notes_repo, state, [*top_paths, *folder], push=push)
    refuse_ignored_notes(plan, state, notes_repo)
    if not force and changed & {plan.readme_path, readme_target}:  # else the README is HEAD's
        refuse_hand_edits(plan, gitrepo.head_text(notes_repo, plan.readme_path))
    others = [
        p for p in state.staged if (rel := notes_repo.relative(p)) is None or not is_published(plan, rel, readme_target)
    ]
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        raise GitError(f"other paths are staged ({shown}); commit or unstage them first, or use --no-commit")

    # Named after the note shown, never after a day with no note published.
    named = format_date_template(plan.settings.commit_message, plan.promoted.date) if plan.promoted else None
    text = message or named or "dairly publish: no note published yet"
    contents, removed, gone = decided(plan, source, paths, readme_target)
    committed = [p for p in paths if p not in gone]
    if not committed:
        return [*_write(plan, readme_file, ws.root), ("nothing to commit", None)], OK
    keeper = _Keeper(plan, readme_file, source.prefix, readme_target)
    staged: gitrepo.Staged | None = None
    lines: Lines = []
    pages_before: dict[str, bytes | None] = {}
    try:
        # Staged by content before the README is written: the commit holds these bytes
        # whatever happens to the files from here on, and a git that cannot stage them
        # (a read-only .git, a full disk) stops publish with nothing written.
        staged = gitrepo.stage(
            notes_repo,
            state.head,
            {notes_repo.top_path(p): data for p, data in contents.items()},
            [notes_repo.top_path(p) for p in removed],
            state.modes,
        )
        keeper.keep()
        try:
            lines = _write(plan, readme_file, ws.root, pages_before)
        except ChangedError:  # refused: the README is another program's, never written
            keeper.drop()
            raise
        sha = gitrepo.commit(notes_repo, staged, text)
    except BaseException as exc:
        # The point of no return is HEAD being the commit made: before it, the README
        # goes back (git's index was never touched); after it, the commit stands.
        if staged is None or staged.sha is None:
            with _no_interrupts():
                _put_pages_back(ws.root, pages_before)
                keeper.put_back(exc, staged.discard() if staged is not None else None)
            raise
        if not lines:
            lines = [(f"{plan.readme_path}: published", "green")]
        for line, style in _committed(lines, staged.sha, text, committed):
            output.say(line, style)
        _after_commit(staged, keeper, contents, gone)
        raise
    lines = _committed(lines, sha, text, committed)
    if sha is not None:
        _after_commit(staged, keeper, contents, gone)
    else:
        keeper.drop()
    if push:
        try:
            lines.append((f"pushed to {gitrepo.push(notes_repo, state)}", None))
        except BaseException as exc:
            for line, style in lines:  # the commit exists: say so before the error
                output.say(line, style)
            if isinstance(exc, GitError) and sha is not None:
                raise GitError(f"committed {sha[:7]}, but did not push it: {exc.message}") from None
            raise
    return lines, OK


def decided(
    plan: Plan, source: WorkTree, paths: list[str], readme_target: str
) -> tuple[dict[str, bytes], list[str], list[str]]:
    """What the commit holds for each path (notes-repo relative): the bytes (the README as
    publish writes it, each note as the scan read it, a picture as it is now), the paths
    removed (tracked files the scan no longer saw), and the pictures gone since the
    scan listed them (left as HEAD has them)."""
    kept = source.kept or {}
    readme = plan.new_text.encode("utf-8") if plan.changed and plan.new_text is not None else kept.get(plan.readme_path)
    contents: dict[str, bytes] = {}
    removed: list[str] = []
    gone: list[str] = []
    attachments = set(source.attachments)
    for path in paths:
        if path == readme_target and readme is not None:
            contents[path] = readme
        elif path in plan.pages:  # a past year's page, as publish writes it
            contents[path] = plan.pages[path].encode("utf-8")
        elif path in kept:
            contents[path] = kept[path]
        elif path in attachments or path == plan.readme_path:
            try:
                contents[path] = _read_now(source.prefix + path)
            except FileNotFoundError:
                gone.append(path)
            except OSError as exc:
                raise refusal(exc, path) from None
        else:
            removed.append(path)
    return contents, removed, gone


def _read_now(path: str) -> bytes:
    """A file's bytes, or a symbolic link's target (as git stores a link)."""
    if os.path.islink(path):
        return os.fsencode(os.readlink(path))
    with open(path, "rb") as f:
        return f.read()


def _after_commit(staged: gitrepo.Staged, keeper: _Keeper, contents: dict[str, bytes], gone: list[str]) -> None:
    """Once the commit is made: the files that changed on disk since publish read or
    wrote them are named, with what the commit holds."""
    keeper.drop()
    for path, data in contents.items():
        if _bytes_or_none(keeper.prefix + path) != data:
            what = "wrote" if path == keeper.target and keeper.plan.changed else "read"
            output.warn(
                f"{path}: changed on disk while publish ran; the commit holds the version publish {what},"
                " and the file is left as it is now"
            )
    for path in gone:
        output.warn(f"{path}: removed while publish ran; not committed (the commit keeps it as it was)")


def _bytes_or_none(path: str) -> bytes | None:
    try:
        return _read_now(path)
    except OSError:
        return None


def _write(plan: Plan, readme_file: str, root: str, before: dict[str, bytes | None] | None = None) -> Lines:
    """Write the past years' pages that are not as they should be (what each held goes
    into `before`, for a roll back), then the new README (when it changes); what to say."""
    assert plan.new_text is not None
    pages: Lines = [(f"  wrote {path}", None) for path in plan.stale_pages]
    for path in plan.stale_pages:
        page = os.path.join(root, *path.split("/"))
        if before is not None:
            try:
                with open(page, "rb") as f:
                    before[path] = f.read()
            except FileNotFoundError:
                before[path] = None
        os.makedirs(os.path.dirname(page), exist_ok=True)
        atomic_write(page, plan.pages[path], path)
    if not plan.changed:
        return [(f"{plan.readme_path} is already up to date", "green"), *pages]
    atomic_write(readme_file, plan.new_text, plan.readme_path, expect=plan.text.encode("utf-8"))
    what = f"published {plan.promoted.path}" if plan.promoted else "updated (no note to promote yet)"
    lines: Lines = [(f"{plan.readme_path}: {what}", "green")]
    lines += [(f"  updated: {p}", None) for p in plan.problems if p.drift and p.path not in plan.pages]
    return lines + [(f"  replaced: {edit}", None) for edit in hand_edits(plan)] + pages


def hand_edits(plan: Plan) -> list[str]:
    """The lines a person wrote by hand into the promoted section, which publish replaces:
    those of the README's section that are not the note's, while the README still shows
    that note (its date line says so) and the section is mostly the note's. At most three,
    each with its line."""
    promoted, layout = plan.promoted, plan.layout
    if promoted is None or plan.highlights is None or layout is None:
        return []
    if plan.text[slice(*layout.date_span)] != plan.settings.date_text(promoted.date):
        return []  # another note is shown: publish brings the new one in, nothing of the person's
    wanted = set(plan.highlights.splitlines())
    shown = [ln for ln in layout.highlights.content if ln.text.strip()]
    edited = [ln for ln in shown if ln.text not in wanted]
    if len(edited) * 2 > len(shown):
        return []  # mostly other text: another version of the section, not an edit of this one
    where = f"{plan.readme_path}:{{}}: {{!r}} was not in {promoted.path}'s {promoted_name(plan.settings)}"
    return [where.format(ln.number, ln.text.strip()) for ln in edited[:3]]


def _put_pages_back(root: str, before: dict[str, bytes | None]) -> None:
    """The past years' pages as they were before a publish that failed."""
    for path, data in before.items():
        page = os.path.join(root, *path.split("/"))
        if data is None:
            with contextlib.suppress(FileNotFoundError):
                os.remove(page)
        else:
            atomic_write(page, data, path)


def _committed(lines: Lines, sha: str | None, text: str, paths: list[str]) -> Lines:
    if sha is None:
        return [*lines, ("nothing to commit", None)]
    return [*lines, (f"committed {sha[:7]} {text!r}: {', '.join(paths)}", None)]


class _no_interrupts:
    """Defer SIGINT, SIGTERM and SIGHUP while the outcome is decided and put back (a second
    Ctrl-C must not stop a rollback half way); one is raised when the block ends, if it came."""

    def __enter__(self) -> None:
        import signal

        self.old = (
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
            if hasattr(signal, "pthread_sigmask")
            else None
        )

    def __exit__(self, *exc: object) -> None:
        import signal

        if self.old is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, self.old)


class _Keeper:
    """The README as it was, kept beside it until the commit is made (a hard link, which
    needs no room on the disk, or else a copy, made before anything is written): putting
    it back is a rename, which a full disk allows, so a failed commit never leaves it
    torn."""

    def __init__(self, plan: Plan, readme_file: str, prefix: str, target: str) -> None:
        self.plan = plan
        self.file = readme_file
        self.prefix = prefix  # the notes repository's folder, with a trailing separator
        self.target = target  # the README's path in the notes repository, through a link
        self.before = plan.text.encode("utf-8")
        folder, name = os.path.split(readme_file)
        self.kept = os.path.join(folder, f"{TEMP_PREFIX}kept-{name}")
        self.written = False

    def keep(self) -> None:
        if not self.plan.changed:
            return
        _remove(self.kept)
        try:
            os.link(self.file, self.kept)
        except OSError:  # a file system without hard links: a copy
            try:
                fd = os.open(self.kept, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as f:
                    f.write(self.before)
                    f.flush()
                    os.fsync(f.fileno())
            except OSError as exc:
                _remove(self.kept)
                raise refusal(exc, self.plan.readme_path) from None
        self.written = True  # from here on, put_back decides by the README's bytes

    def drop(self) -> None:
        self.written = False
        _remove(self.kept)

    def put_back(self, exc: BaseException, index_left: str | None) -> None:
        """Put the README back as it was when publish wrote it and nothing has written it
        since; say what is left where when that cannot be done."""
        if not self.written:
            return
        now = _bytes_or_none(self.file)
        cause = _cause(exc)
        shown = self.plan.readme_path
        also = f"; {index_left} is left over: remove it" if index_left else ""
        if now == self.before or self.plan.new_text is None:
            self.drop()  # not written: the write failed, was refused or was not reached
            return
        if now != self.plan.new_text.encode("utf-8"):
            aside = os.path.join(os.path.dirname(self.file), f"{os.path.basename(self.file)}.before-publish")
            try:
                os.replace(self.kept, aside)
            except OSError:
                aside = self.kept
            raise FileSystemError(
                f"{cause}; another program wrote {shown} while publish ran, so it is left as that program"
                f" wrote it; the README as it was before publish is in {aside}{also}"
            )
        try:
            os.replace(self.kept, self.file)
        except OSError as err:
            raise FileSystemError(
                f"{cause}; {shown} could not be put back ({refusal(err, shown).message}): it holds what publish"
                f" wrote, and the README as it was before publish is in {self.kept}; move it back with"
                f" `mv {shlex.quote(self.kept)} {shlex.quote(self.file)}`{also}"
            ) from None
        if index_left:
            output.warn(f"{index_left} is left over from the commit publish did not make: remove it")


def _cause(exc: BaseException) -> str:
    if isinstance(exc, DairlyError):
        return exc.message if exc.path is None else str(exc)
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return repr(exc)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        return
