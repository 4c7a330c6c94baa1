"""Jinja environments: a project's templates/ folder first, then the package's defaults."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import TemplateProblem, UsageError

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


def search_path(project_root: Path) -> list[Path]:
    """Where templates are looked up, most specific first."""
    return [project_root / "templates", PACKAGE_TEMPLATES]


def is_inside(path: Path, folder: Path) -> bool:
    """Whether a resolved path is `folder` or below it."""
    return path == folder or folder in path.parents


def find_template_file(project_root: Path, name: str) -> Path | None:
    """The project's templates/NAME if it has one, else the package's; None if neither.

    A file that leads out of its templates folder (a symlink elsewhere) is refused.
    """
    for folder in search_path(project_root):
        candidate = folder / name
        if candidate.is_file():
            if not is_inside(candidate.resolve(), folder.resolve()):
                raise TemplateProblem(f"refused to read {candidate}: it leads outside {folder}")
            return candidate
    return None


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A file loader that refuses a template leading out of its folder through a symlink."""

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(is_inside(real, Path(root).resolve()) for root in self.searchpath):
            raise jinja2.TemplateError(f"refused to read template {filename}: it leads outside "
                                       "the templates folder")
        return source, filename, uptodate


DEFAULT_PREFIX = "default"


def _loader(roots: tuple[Path, ...]) -> jinja2.BaseLoader:
    """The project's templates first, then the package's; `default:NAME` always names the
    package's own, so a project template can extend the default it replaces
    ({% extends "default:pack.html" %}), as datasette and pelican allow."""
    return jinja2.ChoiceLoader([
        jinja2.PrefixLoader({DEFAULT_PREFIX: _ConfinedLoader(str(PACKAGE_TEMPLATES))},
                            delimiter=":"),
        _ConfinedLoader([str(root) for root in roots]),
    ])


@cache
def _environment(roots: tuple[Path, ...], html: bool) -> jinja2.Environment:
    # autoescape for HTML so user text can never become markup; StrictUndefined so a typo in
    # a template fails the build instead of printing nothing; sandboxed so that a template
    # override cannot reach Python internals.
    env = ImmutableSandboxedEnvironment(
        loader=_loader(roots),
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


def copy_default_template(project_root: Path, name: str) -> Path:
    """Copy one of the package's templates into the project's templates/ folder to edit.

    Refuses a name that is not a default template and never overwrites the project's own.
    """
    names = default_template_names()
    if name not in names:
        raise UsageError(f"no default template '{name}'; the templates are: "
                         f"{', '.join(names)}")
    target = project_root / "templates" / name
    if target.exists() or target.is_symlink():
        raise UsageError(f"{target} already exists: edit it, or remove it to start again")
    target.parent.mkdir(parents=True, exist_ok=True)
    data = (PACKAGE_TEMPLATES / name).read_bytes()
    with open(target, "xb") as stream:  # never through a link planted in the meantime
        stream.write(data)
    return target


def default_template_names() -> list[str]:
    """The package's templates a project can override (fonts aside), as relative paths."""
    return sorted(str(path.relative_to(PACKAGE_TEMPLATES)) for path in
                  PACKAGE_TEMPLATES.rglob("*") if path.is_file() and
                  path.suffix in (".html", ".css", ".txt", ".docx") and
                  path.parent.name != "fonts")
