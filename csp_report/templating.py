"""Jinja environments: a project's templates/ folder first, then the package's defaults."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import jinja2

from .errors import TemplateProblem

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


def search_path(project_root: Path) -> list[Path]:
    """Where templates are looked up, most specific first."""
    return [project_root / "templates", PACKAGE_TEMPLATES]


@cache
def _environment(roots: tuple[Path, ...], html: bool) -> jinja2.Environment:
    # autoescape for HTML so user text can never become markup; StrictUndefined so a typo in
    # a template fails the build instead of printing nothing.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(root) for root in roots]),
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["zip"] = zip
    return env


def template_problem(err: jinja2.TemplateError) -> TemplateProblem:
    """Our error for a broken template, naming the file and line where Jinja knows them."""
    if isinstance(err, jinja2.TemplateSyntaxError):
        return TemplateProblem(f"{err.filename or err.name}:{err.lineno}: template syntax "
                               f"error: {err.message}")
    return TemplateProblem(f"template error: {err}")


def text_environment(project_root: Path) -> jinja2.Environment:
    """For the standard sentences: plain text, escaped later by whichever format prints it."""
    return _environment(tuple(search_path(project_root)), html=False)


def html_environment(project_root: Path) -> jinja2.Environment:
    """For the HTML pack: autoescaped."""
    return _environment(tuple(search_path(project_root)), html=True)
