"""Jinja environments: a project's templates/ folder first, then the package's defaults."""

from __future__ import annotations

import functools
import inspect
import os
import re
import time
import traceback
import types
from collections.abc import Callable, ItemsView, Iterable, KeysView, Mapping, ValuesView
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.environment import TemplateModule
from jinja2.exceptions import SecurityError
from jinja2.filters import make_attrgetter
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from jinja2.utils import Namespace
from markupsafe import EscapeFormatter

from .errors import BuildError, TemplateProblem, UsageError
from .write import is_inside, leads_inside, write_all

PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


def search_path(project_root: Path) -> list[Path]:
    """Where templates are looked up, most specific first."""
    return [project_root / "templates", PACKAGE_TEMPLATES]


MAX_TEMPLATE_DEPTH = 50  # folders within templates/ deeper than this are not searched


def has_own_html_templates(project_root: Path) -> bool:
    """Whether the project's templates/ folder holds any HTML template (any of them can be
    included by the package's own, which look in the project's folder first); a folder that
    cannot be listed, a link to a folder, or folders nested over MAX_TEMPLATE_DEPTH deep count
    as holding some. The folders are walked one by one (no recursion), each at most once."""
    folder = project_root / "templates"
    try:
        if not folder.is_dir():
            return False
        waiting = [(str(folder), 0)]
        while waiting:
            here, depth = waiting.pop()
            with os.scandir(here) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        if depth >= MAX_TEMPLATE_DEPTH:
                            return True
                        waiting.append((entry.path, depth + 1))
                    elif entry.is_symlink() and entry.is_dir():
                        return True
                    else:
                        suffix = Path(entry.name).suffix.lower()
                        if suffix in (".html", ".htm", ".xhtml", ".svg") or not suffix:
                            return True
        return False
    except (OSError, RecursionError):
        return True


MAX_TEMPLATE_BYTES = 1024 * 1024
MAX_SEQUENCE = 100_000  # the longest text or list a template may make (as range())
MAX_POWER = 100
MAX_NUMBER_BITS = 64 * 1024  # the largest number a template may make by * or **, in bits


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
            if not leads_inside(candidate, folder):
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
            if not leads_inside(path, folder):
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


def _too_long(what: str) -> SecurityError:
    return SecurityError(f"a template may not make a text or list longer than "
                         f"{MAX_SEQUENCE:,} by {what}")


def _length(value: Any) -> int:
    """How long a value already is (a text's characters, a list's items): what an operation
    that only copies or reorders it may make without making anything new."""
    if isinstance(value, str | bytes | bytearray | list | tuple | dict | set | frozenset):
        return len(value)
    return 0


def _text_size(value: Any, limit: int = MAX_SEQUENCE) -> int:
    """About how long str(value) is (a container's repr counted item by item, without making
    it), counted only until it passes `limit`. Objects a template cannot make (the data's) count
    as short: only what a template makes is bounded here."""
    if isinstance(value, str):
        return len(value)
    total, stack = 0, [value]
    while stack and total <= limit:
        item = stack.pop()
        if isinstance(item, str | bytes | bytearray):
            total += len(item) + 3
        elif isinstance(item, bool | int):
            total += item.bit_length() // 3 + 2
        elif isinstance(item, float | complex):
            total += len(repr(item))
        elif isinstance(item, dict):
            total += 2 + 4 * len(item)
            if total <= limit:
                stack.extend(item.keys())
                stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset | KeysView | ValuesView | ItemsView):
            total += 2 + 2 * len(item)
            if total <= limit:
                stack.extend(item)
        elif isinstance(item, Namespace):
            stack.append(dict(getattr(item, "_Namespace__attrs", {})))
        else:
            total += 8
    return total


def _refuse_growth(size: int, what: str, *inputs: Any) -> None:
    """Refuse a result of about `size` that is over MAX_SEQUENCE and longer than any input
    (copying a long text of the data is fine; making a longer one is not)."""
    if size > MAX_SEQUENCE and size > max((_length(value) for value in inputs), default=0):
        raise _too_long(what)


_DIGITS = re.compile(r"\d+")


def _spec_size(spec: str) -> int:
    """The largest width or precision in a format spec (every number in it, to be safe)."""
    return max((int(digits) if len(digits) < 12 else 10**12
                for digits in _DIGITS.findall(spec)), default=0)


_PERCENT = re.compile(rb"%(?:\(([^)]*)\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.)", re.S)


def _percent_size(template: str | bytes, values: Any) -> int:
    """About how long `template % values` is, from its conversions and their values."""
    raw = template.encode("utf-8", "surrogatepass") if isinstance(template, str) else template
    mapping = isinstance(values, Mapping) and not isinstance(values, tuple)
    positional = list(values) if isinstance(values, tuple) else [values]
    largest = max((_text_size(value) for value in (values.values() if mapping else
                                                    positional)), default=0)
    total, index = len(template), 0

    def number(found: bytes | None) -> int:
        nonlocal index
        if found == b"*":
            value = positional[index] if index < len(positional) else 0
            index += 1
            return abs(value) if isinstance(value, int) else 0
        return int(found) if found and len(found) < 12 else (10**12 if found else 0)

    for match in _PERCENT.finditer(raw):
        key, width, precision, kind = match.groups()
        width_size, precision_size = number(width), number(precision)
        if kind == b"%":
            continue
        if mapping:
            value: Any = values.get(key.decode("utf-8", "replace")) if key is not None else values
        else:
            value = positional[index] if index < len(positional) else None
            index += 1
        size = largest if value is None else _text_size(value)
        if kind in b"eEfFgGdiouxX":
            size += precision_size + 330
        total += max(width_size, size)
        if total > 10**12:
            break
    return total


def _check_str_method(method: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """Refuse a call of a text's method that would make a text or list over MAX_SEQUENCE."""
    text, name = method.__self__, method.__name__
    what = f"{type(text).__name__}.{name}()"

    def argument(position: int, keyword: str, default: Any) -> Any:
        return args[position] if len(args) > position else kwargs.get(keyword, default)

    if name in ("center", "ljust", "rjust", "zfill"):
        width = argument(0, "width", 0)
        if isinstance(width, int):
            _refuse_growth(max(len(text), width), what, text)
    elif name == "expandtabs":
        size = argument(0, "tabsize", 8)
        if isinstance(size, int):
            tab = "\t" if isinstance(text, str) else b"\t"
            _refuse_growth(len(text) + text.count(tab) * max(size, 0), what, text)
    elif name == "replace":
        old, new, count = argument(0, "old", ""), argument(1, "new", ""), argument(2, "count", -1)
        if isinstance(old, type(text)) and isinstance(new, str | bytes) \
                and isinstance(count, int):
            times = text.count(old) if count < 0 else min(text.count(old), count)
            _refuse_growth(len(text) + times * (len(new) - len(old)), what, text, new)
    elif name == "translate":
        table = argument(0, "table", None)
        if isinstance(text, str) and isinstance(table, Mapping):
            longest = max((len(value) for value in table.values()
                           if isinstance(value, str)), default=1)
            _refuse_growth(len(text) * max(longest, 1), what, text)
    elif name == "hex":
        _refuse_growth(3 * len(text), what, text)
    elif name == "encode":
        _refuse_growth(10 * len(text) if argument(1, "errors", "strict") != "strict"
                       else 4 * len(text), what, text)


def _materialised(arguments: inspect.BoundArguments, name: str) -> list[Any]:
    """An argument that may be a one-pass iterable, made a list to be measured and passed on."""
    value = arguments.arguments[name]
    if not isinstance(value, list):
        value = list(value)
        arguments.arguments[name] = value
    return value


def _escaped_length(eval_ctx: Any, value: Any) -> int:
    if getattr(eval_ctx, "autoescape", False) and not hasattr(value, "__html__"):
        return len(markupsafe.escape(value)) if isinstance(value, str) else \
            5 * _text_size(value)
    return _text_size(value)


def _filter_size(name: str, a: dict[str, Any]) -> tuple[int, tuple[Any, ...]] | None:
    """About how long a growing filter's result is, and its inputs; None when the filter
    cannot make anything long from these arguments."""
    if name == "center":
        return max(_text_size(a["value"]), a["width"] if isinstance(a["width"], int) else 0), \
            (a["value"],)
    if name == "format":
        value, values = a["value"], a["kwargs"] or a["args"]
        if _text_size(value) > MAX_SEQUENCE:
            return _text_size(value), (value,)
        return _percent_size(str(value), values), (value, *a["args"], *a["kwargs"].values())
    if name == "indent":
        text, width = a["s"], a["width"]
        step = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
        if not isinstance(text, str):
            return None
        lines = len(text) + 1
        if lines * (step + 1) + len(text) > MAX_SEQUENCE:
            lines = len(text.splitlines()) + 1
        return len(text) + lines * max(step, 0) + step, (text,)
    if name == "wordwrap":
        text, wrap = a["s"], a["wrapstring"]
        if not isinstance(text, str) or not isinstance(wrap, str):
            return None
        lines = len(text) + 1
        if len(text) + lines * len(wrap) > MAX_SEQUENCE:
            import textwrap

            width = a["width"] if isinstance(a["width"], int) and a["width"] > 0 else 1
            lines = sum(len(textwrap.wrap(line, width=width, expand_tabs=False,
                                          replace_whitespace=False,
                                          break_long_words=a["break_long_words"],
                                          break_on_hyphens=a["break_on_hyphens"])) + 1
                        for line in text.splitlines())
        return len(text) + lines * len(wrap), (text,)
    if name == "replace":
        text, old, new, count = a["s"], a["old"], a["new"], a["count"]
        if not all(isinstance(value, str) for value in (text, old, new)):
            return None
        if getattr(a["eval_ctx"], "autoescape", False):
            text, old, new = (markupsafe.escape(value) for value in (text, old, new))
        times = text.count(old)
        if isinstance(count, int):
            times = min(times, max(count, 0))
        return len(text) + times * (len(new) - len(old)), (text, new)
    if name == "join":
        items, joint = a["value"], a["d"]
        if a["attribute"] is not None:
            getter = make_attrgetter(a["eval_ctx"].environment, a["attribute"])
            items = [getter(item) for item in items]
        size = len(str(joint)) * max(len(items) - 1, 0)
        for item in items:
            size += _escaped_length(a["eval_ctx"], item)
            if size > MAX_SEQUENCE:
                break
        return size, (*items, a["value"])
    if name == "truncate":
        text, end, length = a["s"], a["end"], a["length"]
        if not isinstance(text, str) or not isinstance(end, str) \
                or not isinstance(length, int):
            return None
        return len(range(len(text))[:length - len(end)]) + len(end), (text, end)
    if name in ("string", "e", "escape", "forceescape", "pprint"):
        value = next(iter(a.values()))  # C filters name it differently
        return _text_size(value) * (2 if name == "pprint" and not isinstance(value, str)
                                    else 1), (value,)
    if name == "tojson":
        indent, value = a["indent"], a["value"]
        step = indent if isinstance(indent, int) else 0
        if isinstance(value, str):
            size = len(value) + value.count("\\") + value.count('"') + 5 * sum(
                value.count(char) for char in "<>&'") + 11 * (
                len(value) - len(value.encode("ascii", "ignore")))
        else:  # counted once, not six times (escaping only grows a text that has < > &
            # and the like): real chart data of 1,500 points (57,000 characters) passes, a
            # list of 100,000 references to one long text does not
            size = _text_size(value)
        return size * (1 + max(step, 0)), (value,)
    if name == "urlencode":
        value = next(iter(a.values()))
        return 3 * (len(value.encode("utf-8", "surrogatepass")) if isinstance(value, str)
                    else _text_size(value)), (value,)
    if name == "urlize":
        text = a["value"]
        if not isinstance(text, str):
            return None
        extra = sum(len(str(a[key] or "")) for key in ("rel", "target")) + 80
        links = sum(1 for word in text.split() if any(char in word for char in ".:@"))
        return 2 * len(markupsafe.escape(text)) + links * extra, (text,)
    if name == "xmlattr":
        items = a["d"]
        if not isinstance(items, Mapping):
            return None
        size = sum(6 * (_text_size(key) + _text_size(value)) + 4 for key, value in
                   items.items())
        return size, (*items.keys(), *items.values())
    if name in ("batch", "slice"):
        count = a["linecount"] if name == "batch" else a["slices"]
        if not isinstance(count, int) or (name == "batch" and a["fill_with"] is None):
            return None
        return count, (a["value"],)
    if name == "sum":
        items = a["iterable"]
        if a["attribute"] is not None:
            getter = make_attrgetter(a["environment"], a["attribute"])
            items = [getter(item) for item in items]
        return sum(_length(item) for item in items) + _length(a["start"]), \
            (*items, a["start"])
    return None


# The filters that can make a long text or list from short arguments, and the arguments
# that may be one-pass iterables (measured as lists, then passed on as them).
_GROWING_FILTERS = {
    "center": None, "format": None, "indent": None, "wordwrap": None, "replace": None,
    "join": "value", "truncate": None, "string": None, "e": None, "escape": None,
    "forceescape": None, "pprint": None, "tojson": None, "urlencode": None, "urlize": None,
    "xmlattr": None, "batch": None, "slice": "value", "sum": "iterable",
}


def _bounded_filter(name: str, function: Callable[..., Any],
                    iterable: str | None) -> Callable[..., Any]:
    """`function` (a filter, called as Jinja calls it) checked first by _filter_size."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # a filter written in C, such as markupsafe's escape
        signature = inspect.Signature([inspect.Parameter(
            "value", inspect.Parameter.POSITIONAL_OR_KEYWORD)])
    wrapped = getattr(function, "__wrapped__", function)
    if getattr(function, "jinja_async_variant", False) \
            and jinja2.utils._PassArg.from_obj(wrapped) is None:
        # Jinja's async-aware wrapper takes an eval context its sync filter does not
        signature = signature.replace(parameters=[inspect.Parameter(
            "eval_context", inspect.Parameter.POSITIONAL_ONLY),
            *signature.parameters.values()])

    @functools.wraps(function)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        try:
            arguments = signature.bind(*args, **kwargs)
        except TypeError:
            return function(*args, **kwargs)  # the filter reports the wrong call itself
        if iterable is not None:
            _materialised(arguments, iterable)
        arguments.apply_defaults()
        if name == "wordwrap" and arguments.arguments["wrapstring"] is None:
            arguments.arguments["wrapstring"] = arguments.arguments["environment"]\
                .newline_sequence
        found = _filter_size(name, dict(arguments.arguments))
        if found is not None:
            _refuse_growth(found[0], f"the {name} filter", *found[1])
        return function(*arguments.args, **arguments.kwargs)

    return bounded


def _bounded_lipsum(n: int = 5, html: bool = True, min: int = 20,  # noqa: A002
                    max: int = 100) -> str:  # noqa: A002
    from jinja2.utils import generate_lorem_ipsum

    if any(isinstance(value, int) and value > MAX_SEQUENCE for value in (n, min, max)) \
            or (isinstance(n, int) and isinstance(max, int) and n * max * 12 > MAX_SEQUENCE):
        raise _too_long("lipsum()")
    return generate_lorem_ipsum(n, html, min, max)


class _BoundedFormatter(SandboxedFormatter):
    """str.format in the sandbox, refusing a result over MAX_SEQUENCE before making it."""

    def __init__(self, env: jinja2.Environment, template: str, **kwargs: Any) -> None:
        super().__init__(env, **kwargs)
        self._total, self._largest = len(template), len(template)

    def _add(self, value: Any, size: int) -> None:
        self._total += size
        self._largest = max(self._largest, _length(value))
        if self._total > MAX_SEQUENCE and self._total > self._largest:
            raise _too_long("str.format()")

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion is not None:
            self._add(value, _text_size(value) * 4)
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> Any:
        size = _text_size(value) + (330 if isinstance(value, float | int) else 0)
        self._add(value, max(_spec_size(format_spec), size))
        return super().format_field(value, format_spec)


class _BoundedEscapeFormatter(_BoundedFormatter, EscapeFormatter):
    pass


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator with `~` checked as `*` is: the joined text is measured first."""

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        if frame.eval_ctx.volatile:
            func_name = "(markup_join if context.eval_ctx.volatile else str_join)"
        elif frame.eval_ctx.autoescape:
            func_name = "markup_join"
        else:
            func_name = "str_join"
        self.write(f"environment.bounded_join({func_name}, (")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


class _BoundedTemplate(jinja2.Template):
    """A template whose body, when another imports it (`{% import %}`, `{% from %}`), is
    counted as it writes too: Jinja collects that body whole, apart from what is drawn."""

    def make_module(self, vars: dict[str, Any] | None = None, shared: bool = False,
                    locals: Mapping[str, Any] | None = None) -> TemplateModule:
        context = self.new_context(vars, shared, locals)
        return TemplateModule(self, context, _counted(self.name, self.root_render_func(context)))


class _BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, with everything a template can call bounded so that it cannot make a huge
    text, list or number: `*`, `**`, `+`, `%` and `~`, the filters that can make a long text
    or list from short arguments, the texts' own methods (center, replace, join, format and
    the like) and lipsum(); Jinja's sandbox already bounds range(). Each is checked before
    anything is made, from its arguments."""

    intercepted_binops = frozenset(["*", "**", "+", "%"])
    code_generator_class = _BoundedCodeGenerator
    template_class = _BoundedTemplate

    @staticmethod
    def concat(pieces: Iterable[str]) -> str:
        """Jinja's join of what a `{% set %}` or `{% filter %}` block, a macro or a call
        collected (and of a whole `render()`), bounded as render_bounded bounds what a
        template writes: a block doubling itself in a loop is stopped at MAX_OUTPUT_CHARS."""
        collected = pieces if isinstance(pieces, list) else list(pieces)
        if sum(map(len, collected)) > MAX_OUTPUT_CHARS:
            raise SecurityError(f"a template block may not collect more than "
                                f"{MAX_OUTPUT_CHARS:,} characters (does it loop too long?)")
        return "".join(collected)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, iterable in _GROWING_FILTERS.items():
            self.filters[name] = _bounded_filter(name, self.filters[name], iterable)
        self.globals["lipsum"] = _bounded_lipsum

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        sequences = str | bytes | bytearray | list | tuple
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, sequences) and isinstance(times, int) \
                        and len(seq) * times > MAX_SEQUENCE:
                    raise _too_long("*")
            if isinstance(left, int) and isinstance(right, int) \
                    and left.bit_length() + right.bit_length() > MAX_NUMBER_BITS:
                raise SecurityError(f"a template may not make a number over "
                                    f"{MAX_NUMBER_BITS:,} bits by *")
        if operator == "**" and isinstance(right, int | float):
            if abs(right) > MAX_POWER:
                raise SecurityError(f"a template may not raise to a power over {MAX_POWER}")
            if isinstance(left, int) and isinstance(right, int) \
                    and left.bit_length() * right > MAX_NUMBER_BITS:
                raise SecurityError(f"a template may not make a number over "
                                    f"{MAX_NUMBER_BITS:,} bits by **")
        if operator == "+" and isinstance(left, sequences) and isinstance(right, sequences):
            _refuse_growth(len(left) + len(right), "+", left, right)
        if operator == "%" and isinstance(left, str | bytes):
            _refuse_growth(_percent_size(left, right), "%", left)
        return super().call_binop(context, operator, left, right)

    def bounded_join(self, join: Callable[[Any], str], parts: tuple[Any, ...]) -> str:
        """`~`: the parts joined, when the text they make is not too long."""
        _refuse_growth(sum(_text_size(part) for part in parts), "~", *parts)
        return join(parts)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """str.format and format_map, bounded (Jinja's own, with a formatter that measures
        each field before it formats it)."""
        if not isinstance(value, types.MethodType | types.BuiltinMethodType) \
                or value.__name__ not in ("format", "format_map"):
            return None
        template = value.__self__
        if not isinstance(template, str):
            return None
        kind, is_map = type(template), value.__name__ == "format_map"

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs:
                    raise TypeError("format_map() takes no keyword arguments")
                if len(args) != 1:
                    raise TypeError(f"format_map() takes exactly one argument ({len(args)} "
                                    "given)")
                kwargs, args = args[0], ()
            formatter: _BoundedFormatter
            if isinstance(template, markupsafe.Markup):
                formatter = _BoundedEscapeFormatter(self, template, escape=template.escape)
            else:
                formatter = _BoundedFormatter(self, template)
            return kind(formatter.vformat(template, args, kwargs))

        return functools.update_wrapper(wrapper, value)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any,  # noqa: N805
             *args: Any, **kwargs: Any) -> Any:
        if isinstance(__obj, types.BuiltinMethodType | types.MethodType) \
                and isinstance(getattr(__obj, "__self__", None), str | bytes | bytearray):
            _check_str_method(__obj, args, kwargs)
            if __obj.__name__ == "join" and args:
                items, joint = list(args[0]), __obj.__self__
                size = _length(joint) * max(len(items) - 1, 0)
                for item in items:
                    size += _length(item)
                    if size > MAX_SEQUENCE:
                        break
                _refuse_growth(size, f"{type(joint).__name__}.join()", *items)
                args = (items, *args[1:])
        if isinstance(__obj, types.BuiltinMethodType) and __obj.__name__ == "to_bytes" \
                and isinstance(getattr(__obj, "__self__", None), int):
            length = args[0] if args else kwargs.get("length", 1)
            if isinstance(length, int):
                _refuse_growth(length, "int.to_bytes()")
        return super().call(__context, __obj, *args, **kwargs)


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


# The most a template may write: a 1,000-measure pack's HTML is about 5 million characters.
# Counted as it is written, so that a loop writing "x" for ever fails here, at this size,
# not after filling the memory (each piece Jinja yields costs 50 bytes more in a list).
MAX_OUTPUT_CHARS = 50_000_000


def render_bounded(template: jinja2.Template, **context: Any) -> str:
    """`template.render(**context)`, stopped with a SecurityError naming the template once it
    has written over MAX_OUTPUT_CHARS characters."""
    return "".join(_counted(template.name, template.generate(**context)))


def _counted(name: str | None, pieces: Iterable[str]) -> list[str]:
    """The pieces a template writes, stopped once they come to over MAX_OUTPUT_CHARS."""
    collected, total = [], 0
    for piece in pieces:
        total += len(piece)
        if total > MAX_OUTPUT_CHARS:
            raise SecurityError(f"{name}: a template may not write more than "
                                f"{MAX_OUTPUT_CHARS:,} characters (does it loop too long?)")
        collected.append(piece)
    return collected


# What a template's own expressions can raise besides Jinja's errors: 1/0, "%s"|format,
# range(10**20)|length, "x".split(""), a decode, a list too large for the memory. Each is the
# template's fault, reported as a problem naming it; a RecursionError is left to the caller
# (build._bounded names the template that recursed), as is our own TemplateProblem (a time
# limit).
TEMPLATE_FAULTS: tuple[type[BaseException], ...] = (
    jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError,
    MemoryError)


def template_problem(err: BaseException) -> TemplateProblem:
    """Our error for a broken template, naming the file and line where Jinja knows them."""
    if isinstance(err, jinja2.TemplateSyntaxError):
        return TemplateProblem(f"{err.filename or err.name}:{err.lineno}: template syntax "
                               f"error: {err.message}")
    if isinstance(err, jinja2.TemplateError):
        return TemplateProblem(f"{_failing_template(err)}template error: {err}")
    what = "out of memory" if isinstance(err, MemoryError) else \
        f"{type(err).__name__}: {err}"
    return TemplateProblem(f"{_failing_template(err)}template error: {what}")


def _failing_template(err: BaseException) -> str:
    """`templates/NAME:LINE: ` for the template line a runtime error came from (Jinja puts
    the templates' own lines in the traceback), or nothing when there is none."""
    found = ""
    for frame in traceback.extract_tb(err.__traceback__):
        path = Path(frame.filename)
        # (a project named by a relative path has relative template names: they count too)
        if path.suffix.lower() in (".py", ".pyc") or frame.filename.startswith("<") \
                or frame.lineno is None:
            continue
        shown = str(path)
        parts = path.parts
        if not is_inside(path, PACKAGE_TEMPLATES) and "templates" in parts:
            at = len(parts) - 1 - parts[::-1].index("templates")
            shown = "/".join(parts[at:])
        found = f"{shown}:{frame.lineno}: "
    return found


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
    return copy_default_templates(project_root, [name])[0]


def copy_default_templates(project_root: Path, names: Iterable[str]) -> list[Path]:
    """Copy the package's templates `names` into the project's templates/ folder: all of
    them or, when any name is unknown (a UsageError) or any copy would go through a link or
    replace a file of the project's (a BuildError), none of them."""
    chosen = list(dict.fromkeys(names))  # a name given twice is copied once
    _refuse_unknown_templates(chosen)
    targets = [_template_target(project_root, name) for name in chosen]
    existing = [target for target in targets if target.exists() or target.is_symlink()]
    if existing:
        raise BuildError("\n".join(f"{target} already exists: edit it, or remove it to start "
                                   "again" for target in existing))
    # Renamed into place together, or none: a link planted at a target after the checks
    # above is replaced by the copy, never written through.
    return write_all({target: (PACKAGE_TEMPLATES / name).read_bytes()
                      for target, name in zip(targets, chosen, strict=True)})


def _refuse_unknown_templates(names: list[str]) -> None:
    known = default_template_names()
    unknown = [name for name in names if name not in known]
    if unknown:
        which = "template" if len(unknown) == 1 else "templates"
        quoted = ", ".join(f"'{name}'" for name in unknown)
        raise UsageError(f"no default {which} {quoted}; the templates are: {', '.join(known)}")


def _template_target(project_root: Path, name: str) -> Path:
    """Where the copy of `name` goes; refused when a folder on the way is a link (it may lead
    outside the project) or a file."""
    folder = project_root / "templates"
    target = folder / name
    for place in [folder, *(folder / inner for inner in
                            reversed(target.relative_to(folder).parents[:-1]))]:
        # A problem of the project's folders, as a file already there is: exit 1, not 2.
        if place.is_symlink():
            raise BuildError(f"refused to write into {place}: it is a link (it may lead "
                             "outside the project); the templates must be folders and files "
                             "of the project itself")
        if place.exists() and not place.is_dir():
            raise BuildError(f"{place} is in the way: it is not a folder")
    return target


def default_template_names() -> list[str]:
    """The package's templates a project can override (fonts aside), as relative paths."""
    return sorted(str(path.relative_to(PACKAGE_TEMPLATES)) for path in
                  PACKAGE_TEMPLATES.rglob("*") if path.is_file() and
                  path.suffix in (".html", ".css", ".txt", ".docx") and
                  path.parent.name != "fonts")
