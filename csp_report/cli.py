"""The command line: parse options, call the library, turn our errors into messages."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import CspReportError, PreviewError, shown
from .formats import DEFAULT_FORMATS, FORMATS
from .interrupts import INTERRUPTED, ignore_from_now, interrupted_by

# The library (pydantic models, Jinja, WeasyPrint) is imported inside each command, so that
# `csp-report --help` answers at once.

CONTEXT = {"help_option_names": ["-h", "--help"]}


class _Folder(click.Path):
    """A folder option or argument: an empty value is a mistake, not the current folder."""

    def __init__(self) -> None:
        super().__init__(path_type=Path, file_okay=False)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("must not be empty (use . for the current folder)", param, ctx)
        if isinstance(value, str) and any(c in value for c in "\n\r\x00"):
            self.fail("must be a folder name on one line", param, ctx)
        return super().convert(value, param, ctx)


project_argument = click.argument("project_dir", default=".", type=_Folder())


def echo(message: object = "", err: bool = False, nl: bool = True) -> None:
    """click.echo, with every control or format character but the line break written as its
    escape: a key or name from a project's files (ESC [2J, a right-to-left override) can never
    clear, move or reverse what the user's terminal shows."""
    lines = str(message).replace("\r\n", "\n").split("\n")  # a Windows line end is a line end
    click.echo("\n".join(shown(line) for line in lines), err=err, nl=nl)


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Print a CspReportError as a message on stderr and exit with its code; no traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CspReportError as err:
            echo(f"Error: {err}", err=True)
            sys.exit(err.exit_code)

    return wrapper


class _Commands(click.Group):
    """The command group: Ctrl-C ends any command with one line and exit code 130 (click
    itself would say "Aborted!" with exit code 1)."""

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        """click's own, with its errors shown as click shows them, except that a Ctrl-C
        as the command starts or ends is ours too (click would say "Aborted!", exit 1)."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.ClickException as err:
            err.show()
            sys.exit(err.exit_code)
        except (click.Abort, EOFError, KeyboardInterrupt) as err:
            if not interrupted_by(err):  # end of input at a prompt (there is none)
                echo("Aborted!", err=True)
                sys.exit(1)
            echo(INTERRUPTED, err=True)
            sys.exit(130)
        sys.exit(code if isinstance(code, int) else 0)

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except KeyboardInterrupt:  # as the command line is read: before click's blank line
            echo(INTERRUPTED, err=True)
            sys.exit(130)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as err:  # a Ctrl-C a library turned into another error
            if not interrupted_by(err):
                raise
        except KeyboardInterrupt:
            pass
        finally:
            ignore_from_now()  # the command has ended (in the program only)
        echo(INTERRUPTED, err=True)
        ctx.exit(130)


@click.group(cls=_Commands, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="csp-report")
def main() -> None:
    """Build a Community Safety Partnership's quarterly board pack from YAML data."""
    from .errors import UsageError
    from .source_date import source_date

    try:
        source_date()  # checked before any command: a date it cannot use is a usage error
    except UsageError as err:
        echo(f"Error: {err}", err=True)
        sys.exit(err.exit_code)


@main.command(context_settings=CONTEXT)
@project_argument
@reports_errors
def validate(project_dir: Path) -> None:
    """Check every data file of PROJECT_DIR and list every problem at once."""
    from . import api

    project = api.open_project(project_dir)
    echo(str(api.summarise(project)))


@main.command(context_settings=CONTEXT)
@project_argument
@click.option("--strict", is_flag=True, help="Exit 1 when any warning is found.")
@reports_errors
def check(project_dir: Path, strict: bool) -> None:
    """Flag numbers in commentary that contradict the data."""
    from . import api
    from .check import check_project

    warnings = check_project(api.open_project(project_dir))
    for warning in warnings:
        echo(f"warning: {warning}")
    echo(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
    if warnings and strict:
        sys.exit(1)


class _Progress:
    """Shows what is being rendered on a terminal, once a build has taken over a second."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.enabled = sys.stderr.isatty()

    def __call__(self, message: str) -> None:
        if self.enabled and time.monotonic() - self.start > 1.0:
            echo(f"  rendering {message} ...", err=True)


@main.command(context_settings=CONTEXT)
@project_argument
@click.option("--pack", help="Build only this pack (default: every pack).")
@click.option("--period", help="Period to build, e.g. 2017-18-Q1 (default: each pack's latest).")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Output format; repeat for several (default: pdf and docx).")
@click.option("--out", type=_Folder(), help="Output folder (default: PROJECT_DIR/output).")
@click.option("--no-cache", is_flag=True,
              help="Draw everything afresh; neither read nor write PROJECT_DIR/.csp-cache.")
@reports_errors
def build(project_dir: Path, pack: str | None, period: str | None, formats: tuple[str, ...],
          out: Path | None, no_cache: bool) -> None:
    """Build the board packs of PROJECT_DIR into output/."""
    from .cache import RenderCache
    from .render.pool import RenderPool
    from .replay import Inputs, replay
    from .write import output_folder

    chosen = formats or DEFAULT_FORMATS
    target = output_folder(project_dir, out)  # first: the same answer with or without a cache
    cache = None if no_cache else RenderCache(project_dir)
    inputs = Inputs.read(project_dir, pack, period, chosen) if cache else None
    # Nothing changed since a build with these options: its files, from the cache.
    replayed = replay(cache, inputs.build_key(cache), target) if cache and inputs else None
    if replayed is not None:
        written, notices = replayed
        for message in notices:
            echo(message, err=True)
        for path in written:
            echo(f"wrote {path}")
        return
    # The workers start importing WeasyPrint first thing, while this process imports the rest
    # of the library and reads and checks the data.
    with RenderPool(None if "pdf" in chosen else 1) as pool:
        from . import api
        from .build import build as build_packs

        project = api.open_project(project_dir)
        written = build_packs(project, pack=pack, period=period, formats=chosen, out=out,
                              progress=_Progress(), pool=pool,
                              notice=lambda message: echo(message, err=True),
                              cache=cache, inputs=inputs)
    for path in written:
        echo(f"wrote {path}")


@main.command(context_settings=CONTEXT)
@project_argument
@click.option("--pack", help="Serve only this pack (default: every pack).")
@click.option("--period", help="Serve only this period, e.g. 2017-18-Q1 (default: every "
              "period of each pack).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; only this machine can connect to the default.")
@click.option("--port", type=click.IntRange(0, 65535), default=0,
              help="Port to listen on (default: a free one).")
@reports_errors
def preview(project_dir: Path, pack: str | None, period: str | None, host: str,
            port: int) -> None:
    """Serve the packs' HTML and web edition on this machine, redrawn and reloaded in the
    browser whenever a file of PROJECT_DIR changes. Writes nothing."""
    from .preview import serve

    try:
        serve(project_dir, host=host, port=port, pack=pack, period=period, echo=click.echo,
              log=lambda message: echo(message, err=True))
    except OSError as err:
        raise PreviewError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None


@main.command(context_settings=CONTEXT)
@click.option("--out", type=_Folder(), default="schemas",
              show_default=True, help="Folder to write the schema files into.")
@reports_errors
def schema(out: Path) -> None:
    """Write the JSON Schemas of a measure file and of report.yaml."""
    from .schema import write_schemas

    for path in write_schemas(out):
        echo(f"wrote {path}")


@main.command(context_settings=CONTEXT)
@click.argument("names", nargs=-1)
@click.option("--project", "project_dir", default=".", show_default=True,
              type=click.Path(path_type=Path, file_okay=False),
              help="The project whose templates/ folder receives the copies.")
@reports_errors
def templates(names: tuple[str, ...], project_dir: Path) -> None:
    """Copy default templates into the project's templates/ folder to edit them; without
    NAMES, list the templates there are."""
    from .templating import copy_default_templates, default_template_names

    if not names:
        for name in default_template_names():
            echo(name)
        return
    # Every name checked before any is written, then all written together: a mistake in the
    # last name must not leave the first ones copied.
    for path in copy_default_templates(project_dir, names):
        echo(f"wrote {path}")


@main.group(context_settings=CONTEXT)
def returns() -> None:
    """Partner returns: Excel workbooks out to data owners, their figures back into the data,
    and the chase list. The quarter: export, send, import, status, build."""


@returns.command("export", context_settings=CONTEXT)
@project_argument
@click.option("--period", required=True, help="The period to collect, e.g. 2017-18-Q2.")
@click.option("--owner", help="Only this data owner's return (an id from report.yaml).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the workbooks (default: PROJECT_DIR/returns).")
@click.option("--force", is_flag=True,
              help="Replace workbooks already there even when they differ (filled in).")
@reports_errors
def returns_export(project_dir: Path, period: str, owner: str | None, out: Path | None,
                   force: bool) -> None:
    """Write one workbook per data owner (OWNER-PERIOD.xlsx) to fill in and send back."""
    from . import api
    from .returns.export import export_returns

    for path in export_returns(api.open_project(project_dir), period, owner, out, force):
        echo(f"wrote {path}")


@returns.command("import", context_settings=CONTEXT)
@project_argument
@click.argument("files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check and show what would change; write nothing.")
@click.option("--revise", metavar="REASON",
              help="Allow figures already in the data to change, recording REASON.")
@click.option("--period", help="Refuse any workbook that is not for this period.")
@click.option("--owner", help="Refuse any workbook that is not this owner's.")
@reports_errors
def returns_import(project_dir: Path, files: tuple[Path, ...], dry_run: bool,
                   revise: str | None, period: str | None, owner: str | None) -> None:
    """Read returned workbooks (FILE ...) into the measure files: only the period's lines
    change; every problem is listed and nothing is written unless all is well."""
    from . import api
    from .returns.importer import import_returns

    project = api.open_project(project_dir)
    try:
        result = import_returns(project, list(files), dry_run=dry_run, revise=revise,
                                period=period, owner=owner)
    except KeyboardInterrupt:
        echo("Interrupted: no measure file was changed.", err=True)
        sys.exit(130)
    for returned in result.returns:
        who = f", completed by {returned.completed_by}" if returned.completed_by else ""
        echo(f"read {returned.name}: {project.report.owners[returned.owner]}, "
                   f"{returned.period.id}{who}")
    for change in result.changes:
        if dry_run:
            echo(change.diff(), nl=False)
        else:
            echo(f"updated {change.name} ({'; '.join(change.what)})")
    count = len(result.changes)
    files_word = f"{count} measure file{'s' if count != 1 else ''}"
    if not count:
        echo("nothing to change: the data already holds these returns")
    elif dry_run:
        echo(f"dry run: {files_word} would change; nothing written")
    else:
        echo(f"{files_word} updated")


@returns.command("status", context_settings=CONTEXT)
@project_argument
@click.option("--period", required=True, help="The period being collected, e.g. 2017-18-Q2.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Count days to the due date from this date (default: SOURCE_DATE_EPOCH if "
              "set, else today's date from the clock; this report is for you, not a pack).")
@click.option("--strict", is_flag=True,
              help="Exit 1 while any measure is outstanding (e.g. in CI before the board).")
@click.option("--reminders/--no-reminders", default=True, show_default=True,
              help="Print a reminder text for each owner with anything outstanding.")
@reports_errors
def returns_status(project_dir: Path, period: str, today: Any, strict: bool,
                   reminders: bool) -> None:
    """Per data owner: complete, missing (with state) or not returned, the days to or past
    the due date, and a reminder ready to send."""
    from . import api
    from .returns.status import reminder, report_lines, returns_status

    status = returns_status(api.open_project(project_dir), period,
                            today.date() if today else None)
    for line in report_lines(status):
        echo(line)
    if reminders:
        for owner in status.owners:
            if owner.outstanding:
                echo("\n" + "-" * 72 + "\n" + reminder(status, owner))
    if strict and status.outstanding:
        sys.exit(1)
