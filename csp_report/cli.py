"""The command line: parse options, call the library, turn our errors into messages."""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import CspReportError
from .formats import DEFAULT_FORMATS, FORMATS

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


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Print a CspReportError as a message on stderr and exit with its code; no traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CspReportError as err:
            click.echo(f"Error: {err}", err=True)
            sys.exit(err.exit_code)

    return wrapper


INTERRUPTED = "Interrupted: nothing was written; output/ is as it was."


class _Commands(click.Group):
    """The command group: Ctrl-C ends any command with one line and exit code 130."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            click.echo(INTERRUPTED, err=True)
            ctx.exit(130)


@click.group(cls=_Commands, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="csp-report")
def main() -> None:
    """Build a Community Safety Partnership's quarterly board pack from YAML data."""


@main.command(context_settings=CONTEXT)
@project_argument
@reports_errors
def validate(project_dir: Path) -> None:
    """Check every data file of PROJECT_DIR and list every problem at once."""
    from . import api

    project = api.open_project(project_dir)
    click.echo(str(api.summarise(project)))


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
        click.echo(f"warning: {warning}")
    click.echo(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
    if warnings and strict:
        sys.exit(1)


class _Progress:
    """Shows what is being rendered on a terminal, once a build has taken over a second."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.enabled = sys.stderr.isatty()

    def __call__(self, message: str) -> None:
        if self.enabled and time.monotonic() - self.start > 1.0:
            click.echo(f"  rendering {message} ...", err=True)


@main.command(context_settings=CONTEXT)
@project_argument
@click.option("--pack", help="Build only this pack (default: every pack).")
@click.option("--period", help="Period to build, e.g. 2017-18-Q1 (default: each pack's latest).")
@click.option("--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Output format; repeat for several (default: pdf and docx).")
@click.option("--out", type=_Folder(), help="Output folder (default: PROJECT_DIR/output).")
@reports_errors
def build(project_dir: Path, pack: str | None, period: str | None, formats: tuple[str, ...],
          out: Path | None) -> None:
    """Build the board packs of PROJECT_DIR into output/."""
    from .render.pool import RenderPool

    chosen = formats or DEFAULT_FORMATS
    # The workers start importing WeasyPrint first thing, while this process imports the rest
    # of the library and reads and checks the data.
    with RenderPool(None if "pdf" in chosen else 1) as pool:
        from . import api
        from .build import build as build_packs

        project = api.open_project(project_dir)
        written = build_packs(project, pack=pack, period=period, formats=chosen, out=out,
                              progress=_Progress(), pool=pool,
                              notice=lambda message: click.echo(message, err=True))
    for path in written:
        click.echo(f"wrote {path}")


@main.command(context_settings=CONTEXT)
@click.option("--out", type=_Folder(), default="schemas",
              show_default=True, help="Folder to write the schema files into.")
@reports_errors
def schema(out: Path) -> None:
    """Write the JSON Schemas of a measure file and of report.yaml."""
    from .schema import write_schemas

    for path in write_schemas(out):
        click.echo(f"wrote {path}")


@main.command(context_settings=CONTEXT)
@click.argument("names", nargs=-1)
@click.option("--project", "project_dir", default=".", show_default=True,
              type=click.Path(path_type=Path, file_okay=False),
              help="The project whose templates/ folder receives the copies.")
@reports_errors
def templates(names: tuple[str, ...], project_dir: Path) -> None:
    """Copy default templates into the project's templates/ folder to edit them; without
    NAMES, list the templates there are."""
    from .templating import copy_default_template, default_template_names

    if not names:
        for name in default_template_names():
            click.echo(name)
        return
    for name in names:
        click.echo(f"wrote {copy_default_template(project_dir, name)}")
