"""The command line: one Typer app that declares every command and option, one fast path
for the pre-commit hook's exact command lines, and the one place where errors become
messages and exit codes.

`dairly check` runs on every commit, and importing Typer costs more than the whole check
on a small repository (bench/README.md). So the hook's two exact forms, `dairly check`
and `dairly check --staged`, call the check command directly; every other command line,
`--help` included, goes through the Typer app, which is built on first use. The options
below are declared once, with their annotations resolved when the app is built.
"""

from __future__ import annotations

import datetime
import io
import os
import re
import sys

from dairly import __version__, output
from dairly.errors import CLOSED_PIPE, CRASH, DairlyError, InputError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Annotated, NoReturn

    import typer

    from dairly.workspace import Workspace

ISSUES_URL = "https://github.com/dairly/dairly/issues"
HOOK_FORMS = (["check"], ["check", "--staged"])  # what the pre-commit hooks run, exactly
INDEX_READERS = ("lint", "search", "stats", "feed", "export")  # the commands that open the notes index


def main() -> None:
    """The `dairly` executable."""
    for stream in (sys.stdout, sys.stderr):  # printing never fails: what a terminal cannot show is escaped
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    args = sys.argv[1:]
    if args in HOOK_FORMS:
        from dairly.commands import check

        staged = args == ["check", "--staged"]

        def hook_check() -> int:
            ws = _workspace(None)
            return check.run(ws, today=ws.settings.today(), staged=staged)

        exit_now(run_guarded(hook_check))
    if args and args[0] in INDEX_READERS and "--help" not in args and "-h" not in args:
        _look_ahead()
    app = build_app(args[0] if args else None)
    try:
        app(args or ["--help"], prog_name="dairly")  # `dairly` alone shows the help, and succeeds
    except SystemExit as done:  # how Typer ends every run
        if done.code is None or isinstance(done.code, int):
            exit_now(done.code or 0)
        raise  # a message to print: the interpreter's exit prints it


def _look_ahead() -> None:
    """Have another process find what changed since the notes index was refreshed, which
    the command needs first, while this one imports Typer (bench/README.md)."""
    try:
        ws = _workspace(None)
    except DairlyError:
        return  # the command itself reports it
    from dairly.notes.changes import look_ahead

    look_ahead(ws)


def _workspace(root: str | None) -> Workspace:
    from dairly.workspace import Workspace

    return Workspace.open(root)


def run_guarded(call: Callable[[], int]) -> int:
    """Run a command: a DairlyError becomes one line on stderr and its exit code; anything
    else is a bug of ours, reported as one (the traceback with DAIRLY_DEBUG=1)."""
    try:
        code = call()
        sys.stdout.flush()  # a closed pipe shows here, not at exit
        return code
    except DairlyError as exc:
        output.error(str(exc))
        return exc.exit_code
    except BrokenPipeError:  # `dairly export | head`: the reader has all it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return CLOSED_PIPE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if os.environ.get("DAIRLY_DEBUG") == "1":
            import traceback

            traceback.print_exc()
        command = " ".join(["dairly", *sys.argv[1:]])
        output.error(
            f"internal error: {type(exc).__name__}: {exc}\n"
            f"  This is a bug in dairly {__version__} (running `{command}`). Please report it at {ISSUES_URL}"
            " with this message; DAIRLY_DEBUG=1 shows the traceback."
        )
        return CRASH


def exit_now(code: int) -> NoReturn:
    """Exit without the interpreter's teardown when nothing needs it: everything we wrote
    is fsynced and closed, and only stdout and stderr hold buffered text. GitPython, once
    imported, gets the normal exit: it stops its git processes at teardown."""
    if "git" in sys.modules:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe: let the normal exit deal with it
        sys.exit(code)
    os._exit(code)


_DATE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")


def parse_date(value: str, option: str = "--date") -> datetime.date:
    """A day given as YYYY-MM-DD (or YYYYMMDD, as commit messages write it)."""
    m = _DATE.fullmatch(value.strip())
    if m is None:
        raise InputError(f"invalid {option} {value!r}: use YYYY-MM-DD")
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


# --- the Typer app ----------------------------------------------------------------------
# Every command and option, declared once. Each command parses its options and calls the
# command module's run() through _finish, which maps errors to exit codes.


def _finish(call: Callable[[], int]) -> None:
    import typer

    raise typer.Exit(run_guarded(call))


def _version(value: bool) -> None:
    if value:
        output.say(f"dairly {__version__}")
        raise SystemExit(0)


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


def new(
    ctx: typer.Context,
    date: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="The day (default: today).", show_default=False),
    ] = None,
    edit: Annotated[bool, typer.Option("--edit", help="Open the new note in $VISUAL or $EDITOR.")] = False,
) -> None:
    """Create the day's note, notes/YYYYMM/MMDD.md, and print its path.

    The note gets the title from the title_template setting, the 今日要点 section with
    one entry skeleton (link, stars, Abstract, Paper, Code, Tips) and the Others
    section. An existing note is never overwritten (exit 1).

    Example: dairly new --date 2022-03-07
    """
    from dairly.commands import new as command

    def new_note() -> int:
        ws = _workspace(ctx.obj)
        return command.run(ws, date=_date(date) or ws.settings.today(), edit=edit)

    _finish(new_note)


def publish(
    ctx: typer.Context,
    date: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="Publish this day's note (default: the newest).", show_default=False),
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

    Copies the note's 今日要点 into the README (relative links rebased to the README's
    folder), sets 更新今日时间 to the note's date, rebuilds 历史更新 from notes/, writes
    the README atomically and commits it with the new or changed notes. With --date,
    publishes that day's note instead of the newest.

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


def check(
    ctx: typer.Context,
    diff: Annotated[bool, typer.Option("--diff", help="Also print the diff publish would apply.")] = False,
    staged: Annotated[
        bool, typer.Option("--staged", help="Judge the README and notes staged in the git index (for hooks).")
    ] = False,
) -> None:
    """Fail (exit 1) unless the README is exactly what publish would write.

    Prints one line per problem: tree links to missing files, notes missing from the
    tree, a stale 今日要点 or 更新今日时间, files under notes/ that are not valid note
    paths, notes without a title. Writes nothing. Use it in CI and in a pre-commit hook.

    Example: dairly check --diff
    """
    from dairly.commands import check as command

    def check_readme() -> int:
        ws = _workspace(ctx.obj)
        return command.run(ws, today=ws.settings.today(), staged=staged, show_diff=diff)

    _finish(check_readme)


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
    article promoted on two days, an empty or missing 今日要点, and placeholders (TODO)
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
    """List the 今日要点 entries matching QUERY in their title, link or fields.

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
) -> None:
    """Write an Atom feed of the newest notes, one entry per note.

    Example: dairly feed --output feed.xml --base-url https://github.com/me/notes/blob/main/
    """
    from dairly.commands import feed as command

    _finish(lambda: command.run(_workspace(ctx.obj), output_path=output_path, limit=limit, base_url=base_url))


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


def init(
    ctx: typer.Context,
    preset: Annotated[
        str | None,
        typer.Option(
            "--preset",
            metavar="zh|en",
            help="The format: zh (the seed repository's, the default) or en (the same shape in English).",
            show_default=False,
        ),
    ] = None,
    no_hook: Annotated[bool, typer.Option("--no-hook", help="Do not offer the pre-commit hook.")] = False,
) -> None:
    """Make this folder a notes repository, or adopt the one here.

    Writes a README with the date line, the 今日要点 and 历史更新 sections (or adds only
    the missing ones to the README here, keeping every byte of it), creates notes/, and
    writes dairly.toml for a preset other than zh. In git, registers the README merge
    driver and offers the pre-commit hook. Running it again changes nothing.

    Example: dairly init --preset en
    """
    from dairly.commands import init as command

    here = None if ctx.obj else os.getcwd()  # no --root: init refuses to set up the top from below it
    _finish(lambda: command.run(_workspace(ctx.obj), preset=preset, hook=not no_hook, here=here))


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


def hook_install(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Replace a pre-commit hook dairly did not write.")] = False,
) -> None:
    """Write the pre-commit hook and register the README's merge driver.

    The hook runs `dairly check --staged` (core.hooksPath is honoured). The merge
    driver, `dairly merge-readme`, goes into the local git config, and the README
    gets merge=dairly-readme in .gitattributes (commit it); each clone runs this once.

    Example: dairly hook install
    """
    from dairly.commands import hook

    _finish(lambda: hook.install(_workspace(ctx.obj), force=force))


def hook_uninstall(ctx: typer.Context) -> None:
    """Remove the pre-commit hook, only if dairly wrote it.

    Example: dairly hook uninstall
    """
    from dairly.commands import hook

    _finish(lambda: hook.uninstall(_workspace(ctx.obj)))


COMMANDS = (init, new, publish, check, lint, search, stats, feed, export, config, merge_readme)


def build_app(invoked: str | None = None) -> typer.Typer:
    """The Typer app of every command above; or, when the command line starts with the
    name of one (`invoked`), the app of only that one, since Typer turns every command
    it holds into a click command before it parses anything (tests/test_cli.py holds
    each command's help and errors equal in both)."""
    import typing

    import typer

    # The annotations above name `typer` and `Annotated`, which this module imports only
    # now: Typer resolves them in the module's namespace when it reads the signatures.
    globals().update(typer=typer, Annotated=typing.Annotated)
    app = typer.Typer(
        name="dairly",
        help="Keep a daily-learning notes repository and its README in sync.",
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(main_options)
    named = {command.__name__.replace("_", "-"): command for command in COMMANDS}
    only = invoked if invoked in (*named, "hook") else None
    for name, command in named.items():
        if only in (None, name):
            app.command(name)(command)
    if only not in (None, "hook"):
        return app
    hook_app = typer.Typer(
        help="Install or remove a git pre-commit hook running `dairly check --staged`.",
        no_args_is_help=True,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    hook_app.command("install")(hook_install)
    hook_app.command("uninstall")(hook_uninstall)
    app.add_typer(hook_app, name="hook")
    return app
