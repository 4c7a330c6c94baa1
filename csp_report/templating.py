"""Jinja environments: a project's templates/ folder first, then the package's defaults."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import TemplateProblem, UsageError

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


def search_path(project_root: Path) -> list[Path]:
    """Where templates are looked up, most specific first."""
    return [project_root / "templates", PACKAGE_TEMPLATES]


def has_own_html_templates(project_root: Path) -> bool:
    """Whether the project's templates/ folder holds any HTML template (any of them can be
    included by the package's own, which look in the project's folder first); a folder that
    cannot be listed counts as holding some."""
    folder = project_root / "templates"
    try:
        if not folder.is_dir():
            return False
        return any(path.suffix.lower() in (".html", ".htm", ".xhtml", ".svg")
                   or not path.suffix for path in folder.rglob("*") if not path.is_dir())
    except OSError:
        return True


def is_inside(path: Path, folder: Path) -> bool:
    """Whether a resolved path is `folder` or below it."""
    return path == folder or folder in path.parents


MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_SEQUENCE = 100_000  # the longest text or list a template may make by * (as range())
MAX_POWER = 100


def _exists(path: Path, folder: Path) -> bool:
    """Whether there is a file (or a link) named `path`; a templates folder that cannot be
    searched is a problem naming it, never taken for a missing file."""
    try:
        os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError as err:
        raise TemplateProblem(f"cannot read the templates folder {folder}: {err.strerror}") \
            from None
    return not path.is_dir()


def find_template_file(project_root: Path, name: str) -> Path | None:
    """The project's templates/NAME if it has one, else the package's; None if neither.

    A file that leads out of its templates folder (a symlink elsewhere) is refused.
    """
    for folder in search_path(project_root):
        candidate = folder / name
        if _exists(candidate, folder):
            try:
                inside = is_inside(candidate.resolve(), folder.resolve())
            except (OSError, RuntimeError):
                inside = False
            if not inside:
                raise TemplateProblem(f"refused to read {candidate}: it leads outside {folder}")
            if not candidate.is_file():  # a pipe would make its reader wait for ever
                raise TemplateProblem(f"refused to read {candidate}: not a regular file")
            return candidate
    return None


def read_template_text(path: Path, folder: Path, shown: str) -> str:
    """A template file's text: a regular file inside `folder`, at most 1 MiB, UTF-8; anything
    else is a TemplateProblem naming the template."""
    from .loader import read_regular_file

    raw = read_regular_file(path, shown, folder, MAX_TEMPLATE_BYTES)
    if not isinstance(raw, bytes):
        raise TemplateProblem(str(raw))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise TemplateProblem(f"{shown}:{line}: not valid UTF-8 (byte 0x{raw[err.start]:02x}); "
                              "save the template as UTF-8") from None


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A file loader that reads only regular files inside its folders (a symlink elsewhere, a
    pipe or a device is refused), at most 1 MiB of UTF-8 each."""

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        for index, root in enumerate(self.searchpath):
            folder = Path(root)
            path = folder.joinpath(*pieces)
            if not _exists(path, folder):
                continue
            shown = _shown_name(path, folder)
            try:
                inside = is_inside(path.resolve(), folder.resolve())
            except (OSError, RuntimeError):
                inside = False
            if not inside:
                raise TemplateProblem(f"refused to read template {shown}: it leads outside the "
                                      "templates folder")
            source = read_template_text(path, folder, shown)
            earlier = [Path(other).joinpath(*pieces) for other in self.searchpath[:index]]
            return source, str(path), _unchanged(source, path, folder, shown, earlier)
        raise jinja2.TemplateNotFound(template)


RACY_SECONDS = 2  # a file changed this recently may change again with the same stat figures


def _signature(path: Path) -> tuple[int, ...] | None:
    """What the file system says about a file and what it leads to; None if it is gone."""
    try:
        link, target = os.lstat(path), os.stat(path)
    except (OSError, ValueError):
        return None
    return tuple(getattr(info, name) for info in (link, target) for name in
                 ("st_mode", "st_ino", "st_dev", "st_size", "st_mtime_ns", "st_ctime_ns"))


def _unchanged(source: str, path: Path, folder: Path, shown: str,
               earlier: list[Path]) -> Callable[[], bool]:
    """Whether Jinja may reuse the template it compiled from `source` (compiling is most of
    the time a pack's HTML takes, so a process that draws packs again, as the preview does,
    keeps them): only while no file has appeared earlier in the search path to take its place
    (a project override of a default) and the file is the same: the same stat figures, or,
    when they differ or were taken within RACY_SECONDS of its last change (as git treats a
    "racily clean" file), the same text read again under the same rules."""
    seen, at = _signature(path), time.time_ns()

    def uptodate() -> bool:
        nonlocal seen, at
        signature, checked = _signature(path), time.time_ns()
        try:
            if signature is None or any(_exists(other, other.parent) for other in earlier):
                return False
            if signature == seen and signature[-2] < at - RACY_SECONDS * 10**9:
                return True
            same = read_template_text(path, folder, shown) == source
        except TemplateProblem:
            return False  # loading it again reports the problem
        if same:
            seen, at = signature, checked
        return same

    return uptodate


def _shown_name(path: Path, folder: Path) -> str:
    """templates/blocks/table.html for a project's template; the full path for the package's."""
    if folder.resolve() == PACKAGE_TEMPLATES.resolve():
        return str(path)
    return f"templates/{path.relative_to(folder).as_posix()}"


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with `*` and `**` bounded so that a template cannot make a huge text or
    number (Jinja's sandbox already bounds range())."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int) \
                        and len(seq) * times > MAX_SEQUENCE:
                    raise SecurityError(f"a template may not make a text or list longer than "
                                        f"{MAX_SEQUENCE:,} by *")
        if operator == "**" and isinstance(right, int | float) and abs(right) > MAX_POWER:
            raise SecurityError(f"a template may not raise to a power over {MAX_POWER}")
        return super().call_binop(context, operator, left, right)


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
    env = _BoundedSandbox(
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
