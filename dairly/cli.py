"""The Typer layer: parse options, call the command functions, turn errors into exit codes.

Decisions live in dairly.commands.*; this module only wires options to them. Every
DairlyError becomes one line on stderr and its exit code here, and nowhere else.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated

import typer

from dairly import __version__

app = typer.Typer(
    name="dairly",
    help="Keep a daily-learning notes repository and its README in sync.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

DateOption = Annotated[
    str | None,
    typer.Option("--date", metavar="YYYY-MM-DD", help="A day (default: today / the newest note).", show_default=False),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"dairly {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    ctx: typer.Context,
    root: Annotated[
        Path | None,
        typer.Option(
            "--root",
            metavar="PATH",
            help="The notes repository. Default: the git work tree holding the current directory,"
            " else the current directory.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Keep a daily-learning notes repository and its README in sync."""
    ctx.obj = root


def _workspace(ctx: typer.Context):
    from dairly.commands.common import Workspace

    return Workspace.open(ctx.obj)


def _date(value: str | None) -> datetime.date | None:
    from dairly.commands.common import parse_date

    return None if value is None else parse_date(value)


def _finish(call) -> None:
    """Run a command, mapping user-facing failures to one line and an exit code."""
    from dairly.entry import run_guarded

    raise typer.Exit(run_guarded(call))


@app.command()
def new(
    ctx: typer.Context,
    date: DateOption = None,
    edit: Annotated[bool, typer.Option("--edit", help="Open the new note in $VISUAL or $EDITOR.")] = False,
) -> None:
    """Create the day's note, notes/YYYYMM/MMDD.md, and print its path.

    The note gets the repository's title, the 今日要点 section with one item skeleton
    (link, stars, Abstract, Paper, Code, Tips) and the Others section. An existing
    note is never overwritten (exit 1).

    Example: dairly new --date 2022-03-07
    """
    from dairly.commands import new as command

    _finish(lambda: command.run(_workspace(ctx), _date(date) or datetime.date.today(), edit=edit))


@app.command()
def publish(
    ctx: typer.Context,
    date: DateOption = None,
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

    _finish(
        lambda: command.run_from_cli(
            ctx.obj,
            date=_date(date),
            commit=not no_commit,
            dry_run=dry_run,
            message=message,
            push=push,
            force=force,
        )
    )


@app.command()
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
    from dairly.commands.check import run_from_cli

    _finish(lambda: run_from_cli(ctx.obj, staged=staged, show_diff=diff))


JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


@app.command()
def lint(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Fail (exit 1) on problems inside the notes, one `path:line: message` each.

    Finds items without a link, relative links and images that do not resolve from the
    note's folder (with a hint when a bare domain such as example.com was meant as a
    web address), titles whose date disagrees with the path, the same article promoted
    on two days, and an empty or missing 今日要点.

    Example: dairly lint --json
    """
    from dairly.commands import lint as command

    _finish(lambda: command.run(_workspace(ctx), as_json=as_json))


@app.command()
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
    as_json: JsonOption = False,
) -> None:
    """List the 今日要点 items matching QUERY in their title, link or fields.

    Exit 1 when nothing matches. --json prints a list of objects with date, note,
    title, url, stars, matched and fields.

    Example: dairly search transformer --field Tips --since 2022-01-01
    """
    from dairly.commands import search as command
    from dairly.commands.common import parse_date

    _finish(
        lambda: command.run(
            _workspace(ctx),
            query,
            field=field,
            since=None if since is None else parse_date(since, "--since"),
            until=None if until is None else parse_date(until, "--until"),
            tag=tag,
            as_json=as_json,
        )
    )


@app.command()
def stats(
    ctx: typer.Context,
    as_json: JsonOption = False,
    svg: Annotated[
        Path | None, typer.Option("--svg", metavar="PATH", help="Also write a heatmap image the README can embed.")
    ] = None,
) -> None:
    """Count notes and items, streaks and gaps, and show a calendar heatmap.

    Example: dairly stats --svg notes/heatmap.svg
    """
    from dairly.commands import stats as command

    _finish(lambda: command.run(_workspace(ctx), datetime.date.today(), as_json=as_json, svg=svg))


@app.command()
def feed(
    ctx: typer.Context,
    output_path: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="PATH", help="Write the feed here (default: stdout).")
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

    _finish(lambda: command.run(_workspace(ctx), output_path=output_path, limit=limit, base_url=base_url))


@app.command()
def export(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Print every note and item as JSON lines (a note line, then its items).

    --json prints one JSON list of notes with their items nested instead.

    Example: dairly export > notes.jsonl
    """
    from dairly.commands import export as command

    _finish(lambda: command.run(_workspace(ctx), as_json=as_json))


hook_app = typer.Typer(
    help="Install or remove a git pre-commit hook running `dairly check --staged`.", no_args_is_help=True
)
app.add_typer(hook_app, name="hook")


@hook_app.command("install")
def hook_install(
    ctx: typer.Context,
    force: Annotated[bool, typer.Option("--force", help="Replace a pre-commit hook dairly did not write.")] = False,
) -> None:
    """Write the repository's pre-commit hook (honours core.hooksPath).

    Example: dairly hook install
    """
    from dairly.commands import hook

    _finish(lambda: hook.install(_workspace(ctx), force=force))


@hook_app.command("uninstall")
def hook_uninstall(ctx: typer.Context) -> None:
    """Remove the pre-commit hook, only if dairly wrote it.

    Example: dairly hook uninstall
    """
    from dairly.commands import hook

    _finish(lambda: hook.uninstall(_workspace(ctx)))


def main() -> None:
    from dairly.entry import main as entry_main

    entry_main()
