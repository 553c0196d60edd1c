"""The Typer app: every command and option, declared once. Each command parses its
options and calls its command module's run() through dairly.guard, which maps errors to
exit codes. The hook's two exact command lines and publish's two plain ones never come
here (dairly.cli), so importing Typer costs them nothing.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from dairly import __version__, output
from dairly.errors import DairlyError, InputError
from dairly.guard import run_guarded

if TYPE_CHECKING:
    from dairly.workspace import Workspace

# Help names the README's parts by the repository's own labels: {highlights}, {date_label}
# and {history} in the help texts below are filled in from its settings when help is
# shown, or say the default where no repository is known yet.
LABELS = {"highlights": "highlights_heading", "date_label": "date_label", "history": "history_heading"}


def help_labels(root: str | None) -> dict[str, str]:
    """What the placeholders say for the repository at `root` (None: the current one)."""
    from dairly.config import Settings, load_settings_with_sources
    from dairly.workspace import Workspace

    try:
        ws = Workspace.open(root)
        settings, sources = load_settings_with_sources(ws.root)
        known = os.path.isfile(ws.readme_file) or any(source != "default" for source in sources.values())
    except DairlyError:  # help is shown whatever is wrong with the settings
        known = False
    if not known:
        defaults = Settings()
        return {key: f"{getattr(defaults, name)} by default" for key, name in LABELS.items()}
    return {key: getattr(settings, name) for key, name in LABELS.items()}


def fill_labels(text: str | None, labels: dict[str, str]) -> str | None:
    if text is None:
        return None
    for key, value in labels.items():
        text = text.replace("{" + key + "}", value)  # replace(): help text holds other braces
    return text


def _label_help(command: Any, ctx: Any) -> None:
    """Fill the placeholders in the help of a click `command`, its options and its
    subcommands (duck-typed: Typer may bring its own copy of click)."""
    labels = help_labels(ctx.find_root().params.get("root"))
    todo = [command]
    while todo:
        current = todo.pop()
        current.help = fill_labels(current.help, labels)
        current.short_help = fill_labels(current.short_help, labels)
        for param in current.params:
            if hasattr(param, "help"):
                param.help = fill_labels(param.help, labels)
        todo += getattr(current, "commands", {}).values()


class LabelledGroup(TyperGroup):
    def format_help(self, ctx: Any, formatter: Any) -> None:
        _label_help(self, ctx)
        super().format_help(ctx, formatter)


class LabelledCommand(TyperCommand):
    def format_help(self, ctx: Any, formatter: Any) -> None:
        _label_help(self, ctx)
        super().format_help(ctx, formatter)


app = typer.Typer(
    cls=LabelledGroup,
    name="dairly",
    help="Keep a daily-learning notes repository and its README in sync.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
hook_app = typer.Typer(
    help="Install or remove a git pre-commit hook running `dairly check --staged`.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _workspace(root: str | None) -> Workspace:
    from dairly.workspace import Workspace

    return Workspace.open(root)


_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def parse_date(value: str, option: str = "--date") -> datetime.date:
    """A day given as YYYY-MM-DD (or YYYYMMDD, as commit messages write it)."""
    m = _DATE.fullmatch(value.strip())
    if m is None:
        raise InputError(f"invalid {option} {value!r}: use YYYY-MM-DD or YYYYMMDD")
    year, month, day = (int(g) for g in m.groups())
    if not 1 <= month <= 12:
        raise InputError(f"invalid {option} {value!r}: there is no month {month}")
    if year == 0:
        raise InputError(f"invalid {option} {value!r}: there is no year 0")
    import calendar

    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        from dairly.config import format_date_template

        name = format_date_template("{month_name}", datetime.date(year, month, 1))
        raise InputError(f"invalid {option} {value!r}: {name} {year} has {days} days")
    return datetime.date(year, month, day)


def _date(value: str | None, option: str = "--date") -> datetime.date | None:
    return None if value is None else parse_date(value, option)


def presets(incomplete: str = "") -> list[str]:
    """The preset names starting with `incomplete`: what the shell completes --preset with."""
    from dairly.config import PRESETS

    return [name for name in PRESETS if name.startswith(incomplete)]


def _finish(call: Callable[[], int]) -> None:
    raise typer.Exit(run_guarded(call))


def _version(value: bool) -> None:
    if value:
        output.say(f"dairly {__version__}")
        raise SystemExit(0)


@app.callback()
def main_options(
    ctx: typer.Context,
    root: Annotated[
        str | None,
        typer.Option(
            "--root",
            metavar="PATH",
            help="The notes repository. Default: the git work tree holding the current directory,"
            " else the current directory.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Keep a daily-learning notes repository and its README in sync."""
    ctx.obj = root


@app.command(cls=LabelledCommand)
def init(
    ctx: typer.Context,
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            metavar="zh|en",
            autocompletion=presets,
            help="The format: zh (the seed repository's, the default) or en (the same shape in English).",
            show_default=False,
        ),
    ] = None,
    no_hook: Annotated[bool, typer.Option("--no-hook", help="Do not offer the pre-commit hook.")] = False,
    undo: Annotated[
        bool,
        typer.Option(
            "--undo", help="Take back init's commit and its registrations (while HEAD is still init's commit)."
        ),
    ] = False,
) -> None:
    """Make this folder a notes repository, or adopt the one here.

    Writes a README with the date line, the highlights section ({highlights}) and
    the history tree ({history}), or adds only the missing ones to the README here,
    keeping every byte of it; creates notes/, and
    writes dairly.toml for a preset other than zh. In git, registers the README merge
    driver, commits what it wrote (so clones and CI read the same settings) and offers
    the pre-commit hook. Run it at the top of the git repository, or give --root.
    Running it again changes nothing.

    Example: dairly init --preset en
    """
    from dairly.commands import init as command

    if undo:
        _finish(lambda: command.undo(_workspace(ctx.obj)))
        return
    here = None if ctx.obj else os.getcwd()  # no --root: init refuses to set up the top from below it
    _finish(lambda: command.run(_workspace(ctx.obj), preset=preset, hook=not no_hook, here=here))


@app.command(cls=LabelledCommand)
def new(
    ctx: typer.Context,
    date: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="The day (default: today).", show_default=False),
    ] = None,
    edit: Annotated[bool, typer.Option("--edit", help="Open the new note in $VISUAL or $EDITOR.")] = False,
) -> None:
    """Create the day's note where note_path says, and print its path.

    The note gets the title from the title_template setting, the highlights section
    ({highlights}) with
    one entry skeleton (link, stars, Abstract, Paper, Code, Tips) and the Others
    section. An existing note is never overwritten (exit 1).

    Example: dairly new --date 2022-03-07
    """
    from dairly.commands import new as command

    def new_note() -> int:
        ws = _workspace(ctx.obj)
        today = ws.settings.today()  # a malformed DAIRLY_NOW is refused with --date too, as everywhere
        return command.run(ws, date=_date(date) or today, edit=edit)

    _finish(new_note)


@app.command(cls=LabelledCommand)
def publish(
    ctx: typer.Context,
    date: Annotated[
        str | None,
        typer.Option(
            metavar="YYYY-MM-DD",
            help="The day of the note to publish: only the newest note (drafts aside) is accepted.",
            show_default=False,
        ),
    ] = None,
    no_commit: Annotated[bool, typer.Option("--no-commit", help="Write the README but do not commit.")] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the README diff; write and commit nothing.")
    ] = False,
    message: Annotated[
        str | None,
        typer.Option("--message", "-m", metavar="TEXT", help="Commit message (default: the note's date, YYYYMMDD)."),
    ] = None,
    push: Annotated[bool, typer.Option("--push", help="Push the commit to the branch's upstream.")] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Commit even if the README has uncommitted hand edits.")
    ] = False,
) -> None:
    """Promote the newest note into the README and regenerate its history tree.

    Copies the note's highlights section ({highlights}) into the README (relative
    links rebased to the README's folder), sets the date line ({date_label}) to the
    note's date, rebuilds the history tree ({history}) from notes/, writes the README
    atomically and commits it with the new or changed notes. The README always shows
    the newest note (drafts aside): --date only makes sure that it is that day's.

    Example: dairly publish --no-commit
    """
    from dairly.commands import publish as command

    def publish_note() -> int:
        ws = _workspace(ctx.obj)
        return command.run(
            ws,
            today=ws.settings.today(),
            date=_date(date),
            commit=not no_commit,
            dry_run=dry_run,
            message=message,
            push=push,
            force=force,
        )

    _finish(publish_note)


@app.command(cls=LabelledCommand)
def check(
    ctx: typer.Context,
    diff: Annotated[bool, typer.Option("--diff", help="Also print the diff publish would apply.")] = False,
    staged: Annotated[
        bool, typer.Option("--staged", help="Judge the README and notes staged in the git index (for hooks).")
    ] = False,
) -> None:
    """Fail (exit 1) unless the README is exactly what publish would write.

    Prints one line per problem: tree links to missing files, notes missing from the
    tree, a stale highlights section ({highlights}) or date line ({date_label}), files
    under notes/ that are not valid note
    paths, notes without a title. Writes nothing. Use it in CI and in a pre-commit hook.

    Example: dairly check --diff
    """
    from dairly.commands import check as command

    def check_readme() -> int:
        ws = _workspace(ctx.obj)
        return command.run(ws, today=ws.settings.today(), staged=staged, show_diff=diff)

    _finish(check_readme)


@app.command(cls=LabelledCommand)
def lint(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="First make the mechanical fixes (blank lines, mailto:, https://) in the notes,"
            " print each, then report what is left.",
        ),
    ] = False,
) -> None:
    """Fail (exit 1) on problems inside the notes, one `path:line: message` each.

    Finds entries without a link, titles whose date disagrees with the path, the same
    article promoted on two days, an empty or missing highlights section ({highlights}), and placeholders (TODO)
    left from `dairly new`. Where GitHub shows a note otherwise than its author meant,
    the message says what GitHub shows and the fix: an entry or heading right after an
    HTML block (`</div>`) that GitHub swallows into it as raw text, Markdown inside
    <details> or <div> without the blank line it needs, an unclosed <details> or <div>,
    an e-mail address or bare domain written as a relative link, [[wiki links]], and
    relative links and images that do not resolve from the note's folder.

    --fix rewrites only what needs no judgement: it adds the missing blank lines and
    mailto: or https:// to such links, changes nothing else in a note (line endings
    kept), and a second run changes nothing.

    Example: dairly lint --json
    """
    from dairly.commands import lint as command

    _finish(lambda: command.run(_workspace(ctx.obj), as_json=as_json, fix=fix))


@app.command(cls=LabelledCommand)
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Text to find (case-insensitive).", show_default=False)],
    field: Annotated[
        str | None,
        typer.Option("--field", metavar="NAME", help="Search only this field: title, url, Abstract, Tips, ..."),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", metavar="YYYY-MM-DD", help="Only notes from this day.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="YYYY-MM-DD", help="Only notes up to this day.")
    ] = None,
    tag: Annotated[
        str | None, typer.Option("--tag", metavar="TAG", help="Only notes with this front-matter tag.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """List the entries of the highlights sections ({highlights}) matching QUERY.

    An entry matches when QUERY is in its title, its link or its fields.

    Exit 1 when nothing matches. --json prints a list of objects with date, note,
    title, url, stars, matched and fields.

    Example: dairly search transformer --field Tips --since 2022-01-01
    """
    from dairly.commands import search as command

    _finish(
        lambda: command.run(
            _workspace(ctx.obj),
            query,
            field=field,
            since=_date(since, "--since"),
            until=_date(until, "--until"),
            tag=tag,
            as_json=as_json,
        )
    )


@app.command(cls=LabelledCommand)
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    svg: Annotated[
        str | None, typer.Option("--svg", metavar="PATH", help="Also write a heatmap image the README can embed.")
    ] = None,
) -> None:
    """Count notes and entries, streaks and gaps, and show a calendar heatmap.

    Example: dairly stats --svg docs/heatmap.svg
    """
    from dairly.commands import stats as command

    def show_stats() -> int:
        ws = _workspace(ctx.obj)
        return command.run(ws, today=ws.settings.today(), as_json=as_json, svg=svg)

    _finish(show_stats)


@app.command(cls=LabelledCommand)
def review(
    ctx: typer.Context,
    date: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="Look back from this day (default: today).", show_default=False),
    ] = None,
    on_this_day: Annotated[
        bool, typer.Option("--on-this-day", help="The notes of this month and day in every earlier year instead.")
    ] = False,
    pick: Annotated[
        int | None,
        typer.Option(
            "--random",
            metavar="N",
            help="N entries picked from every earlier note, the same all day.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Look back: the entries of the notes 1, 7, 30 and 365 days before today.

    The days are the review_days setting. When a day has no note, the nearest
    note within review_window days (3 by default; the earlier of two as near) stands
    in, and says so. Drafts and unfinished notes are left out. Reads the notes index
    and writes nothing in the repository. --json prints {date, groups: [{label, days,
    wanted, stand_in, notes: [{path, date, title, entries}]}]}.

    Example: dairly review --on-this-day
    """
    from dairly.commands import review as command

    def look_back() -> int:
        ws = _workspace(ctx.obj)
        day = _date(date) or ws.settings.today()
        return command.run(ws, day=day, this_day=on_this_day, pick=pick, as_json=as_json)

    _finish(look_back)


@app.command(cls=LabelledCommand)
def feed(
    ctx: typer.Context,
    output_path: Annotated[
        str | None, typer.Option("--output", "-o", metavar="PATH", help="Write the feed here (default: stdout).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", metavar="N", help="How many of the newest notes.")] = 20,
    base_url: Annotated[
        str | None,
        typer.Option(
            "--base-url",
            metavar="URL",
            help="Where the notes are published (default: the GitHub `origin` remote's blob URL).",
        ),
    ] = None,
    with_review: Annotated[
        bool,
        typer.Option("--review", help="Add today's look back (what `dairly review` shows) as one more entry."),
    ] = False,
) -> None:
    """Write an Atom feed of the newest notes, one entry per note.

    Without --review the feed depends only on the notes; with it, on the day too.

    Example: dairly feed --output feed.xml --base-url https://github.com/me/notes/blob/main/
    """
    from dairly.commands import feed as command

    def write_feed() -> int:
        ws = _workspace(ctx.obj)
        review_day = ws.settings.today() if with_review else None
        return command.run(ws, output_path=output_path, limit=limit, base_url=base_url, review_day=review_day)

    _finish(write_feed)


@app.command(cls=LabelledCommand)
def export(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
    sqlite: Annotated[
        str | None,
        typer.Option(
            "--sqlite",
            metavar="FILE",
            help="Write a SQLite database instead (notes, entries, links; full-text search on entries).",
        ),
    ] = None,
) -> None:
    """Print every note and entry as JSON lines (a note line, then its entries).

    --json prints one JSON list of notes with their entries nested instead; --sqlite
    writes a database that Datasette and sqlite-utils open.

    Example: dairly export --sqlite notes.db && datasette notes.db
    """
    from dairly.commands import export as command

    _finish(lambda: command.run(_workspace(ctx.obj), as_json=as_json, sqlite=sqlite))


@app.command(cls=LabelledCommand)
def config(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Print the settings in force and where each came from.

    A setting comes from the default, the preset, dairly.toml or [tool.dairly] in
    pyproject.toml.

    Example: dairly config
    """
    from dairly.commands import configuration as command

    _finish(lambda: command.run(_workspace(ctx.obj), as_json=as_json))


@app.command(cls=LabelledCommand)
def preview(
    ctx: typer.Context,
    port: Annotated[
        int, typer.Option("--port", metavar="N", help="Serve on this port (default: a free one).", show_default=False)
    ] = 0,
    open_browser: Annotated[bool, typer.Option("--open", help="Open the page in the web browser.")] = False,
    output_dir: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            metavar="DIR",
            help="Write the pages as static files here instead of serving them.",
            show_default=False,
        ),
    ] = None,
    theme: Annotated[
        str, typer.Option("--theme", metavar="system|light|dark", help="The colours: the system's choice, or one.")
    ] = "system",
) -> None:
    """Show the README and every note as GitHub will, offline, on 127.0.0.1.

    Renders each Markdown file with GitHub's engine and sanitizes it as GitHub does;
    relative links and pictures resolve from the file's folder, and a missing one is
    marked and listed under the page. A page reloads when its file changes. Nothing
    is sent anywhere. --output writes the same pages as static files (the README as
    index.html, a note as its path with .html) with the pictures they show.

    Example: dairly preview --open
    """
    from dairly.commands import preview as command

    _finish(
        lambda: command.run(
            _workspace(ctx.obj), port=port, open_browser=open_browser, output_dir=output_dir, theme=theme
        )
    )


@app.command("merge-readme", cls=LabelledCommand)
def merge_readme(
    ctx: typer.Context,
    base: Annotated[str, typer.Argument(metavar="BASE", help="The common ancestor's README (%O).", show_default=False)],
    ours: Annotated[
        str, typer.Argument(metavar="OURS", help="Our README (%A); the merge is written here.", show_default=False)
    ],
    theirs: Annotated[str, typer.Argument(metavar="THEIRS", help="Their README (%B).", show_default=False)],
    path: Annotated[
        str, typer.Argument(metavar="PATH", help="The README's path in the work tree (%P).", show_default=False)
    ],
) -> None:
    """Merge three versions of the README: git's merge driver for it.

    Git runs it during merges and rebases (`dairly hook install` registers it).
    The hand-written text is merged line by line with the parts dairly owns held
    aside, so only hand edits can conflict; the owned parts are then regenerated
    from the notes the merge produces. Writes the result to OURS; exit 1 leaves
    conflicts (marked as git marks them) for you to resolve.

    Example: dairly merge-readme %O %A %B %P
    """
    from dairly.commands import merge_readme as command

    _finish(lambda: command.run(_workspace(ctx.obj), base=base, ours=ours, theirs=theirs, path=path))


@app.command(cls=LabelledCommand)
def resolve(ctx: typer.Context) -> None:
    """Finish a README that git left in conflict, and stage it.

    From any state git stops in (a merge or pull, a rebase, a cherry-pick, a stash
    pop) or a README holding conflict markers: the hand-written text is merged
    line by line, the parts dairly owns are regenerated from the notes as publish
    writes them, and the README is staged; then it names the git command that
    finishes the operation. Hand edits that conflict are left marked (exit 1).

    Example: dairly resolve && git commit
    """
    from dairly.commands import resolve as command

    def resolve_readme() -> int:
        ws = _workspace(ctx.obj)
        return command.run(ws, today=ws.settings.today())

    _finish(resolve_readme)


@hook_app.command("install")
def hook_install(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Replace a pre-commit hook dairly did not write.")] = False,
    driver_only: Annotated[
        bool,
        typer.Option("--driver-only", help="Only register the merge driver (for a hook of your own, or pre-commit's)."),
    ] = False,
) -> None:
    """Write the pre-commit hook and register the README's merge driver.

    The hook runs `dairly check --staged` (core.hooksPath is honoured). The merge
    driver, `dairly merge-readme`, goes into the local git config, and the README
    gets merge=dairly-readme in .gitattributes (commit it); each clone runs this once.
    With the pre-commit framework (or any hook of your own), --driver-only
    registers the driver and leaves the hook alone.

    Example: dairly hook install --driver-only
    """
    from dairly.commands import hook

    _finish(lambda: hook.install(_workspace(ctx.obj), force=force, driver_only=driver_only))


@hook_app.command("uninstall")
def hook_uninstall(ctx: typer.Context) -> None:
    """Remove the pre-commit hook, only if dairly wrote it.

    Example: dairly hook uninstall
    """
    from dairly.commands import hook

    _finish(lambda: hook.uninstall(_workspace(ctx.obj)))


app.add_typer(hook_app, name="hook")
