"""Build: compute, lay out, render and write packs; nothing is written unless all succeed."""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import functools
import signal
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from .cache import Cache, NoCache
from .compute.measures import compute
from .errors import TemplateProblem, UsageError, relative
from .formats import DEFAULT_FORMATS, FORMATS, extension
from .layout import layout
from .layout.document import Document
from .model.periods import Period
from .model.project import Project
from .render.html import render_html
from .render.parts import PartsPlan, plan_parts, size
from .render.pool import RenderPool, result
from .render.resources import check_html
from .render.split import SplitRender
from .render_keys import templates_digest
from .replay import Inputs
from .templating import has_own_html_templates
from .write import check_targets, output_folder, write_all

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    """One pack for one period."""

    pack_id: str
    period: Period

    def file_name(self, fmt: str) -> str:
        return f"{self.pack_id}-{self.period.id}.{extension(fmt)}"


def choose_targets(project: Project, pack: str | None, period: str | None,
                   notice: Progress | None = None) -> list[Target]:
    """The packs and periods to build: every pack at its latest period unless told otherwise.

    With a period but no pack, packs without data for that period are skipped (and said so);
    it is an error only when no pack has any.
    """
    packs = project.report.packs
    if pack is not None and pack not in packs:
        raise UsageError(f"no pack '{pack}'; the packs are: {', '.join(packs)}")
    wanted = None
    if period is not None:
        try:
            wanted = Period.parse(period)
        except ValueError as err:
            raise UsageError(str(err)) from None
    targets, skipped = [], []
    for pack_id in [pack] if pack else list(packs):
        available = project.periods(pack_id)
        chosen = wanted or (available[-1] if available else None)
        if chosen in available:
            targets.append(Target(pack_id, chosen))
        else:
            listed = ", ".join(p.id for p in available) or "none"
            what = f"no data for {wanted.id}" if wanted else "no quarterly data"
            skipped.append(f"pack '{pack_id}' has {what} (periods with data: {listed})")
    if not targets:
        raise UsageError("; ".join(skipped))
    for message in skipped:
        (notice or (lambda _m: None))(f"skipped: {message}")
    return targets


def _epoch(date: dt.date) -> int:
    return calendar.timegm(date.timetuple())


@dataclass(frozen=True)
class Prepared:
    """One pack laid out and drawn as HTML, ready for the slow renderers."""

    target: Target
    document: Document
    html: str
    epoch: int


TEMPLATE_SECONDS = 60  # drawing one pack's HTML and sentences takes well under a second


@contextlib.contextmanager
def _time_limit(seconds: float, what: str) -> Iterator[None]:
    """Stop work that runs past `seconds` (a template loop that never ends in practice) with
    a TemplateProblem; only in the main thread, where the timer signal arrives."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise TemplateProblem(f"{what} took over {seconds:g} s and was stopped: does a "
                              "template loop too long?")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _recursing_template(err: RecursionError, root: Path) -> str:
    """The template that recursed most in a RecursionError's traceback, as users name it."""
    names = Counter(frame.f_code.co_filename for frame, _ in traceback.walk_tb(err.__traceback__)
                    if frame.f_code.co_filename.endswith((".html", ".txt", ".css")))
    if not names:
        return "a template"
    return relative(Path(names.most_common(1)[0][0]), root)


# What drawing one pack may add to the build's address space (a 1,000-measure pack's layout
# adds under 100 MB): a template that builds a list of a hundred thousand long texts, each
# under the sandbox's bound, fails with a message instead of taking the machine's memory.
TEMPLATE_MEMORY = 1024**3


@contextlib.contextmanager
def _memory_limit(extra: int) -> Iterator[None]:
    """Let the process's address space grow by at most `extra` bytes meanwhile (a
    MemoryError past it); only in the main thread, and only where the system tells the size
    and no tighter limit is set already."""
    try:
        import resource

        with open("/proc/self/statm", encoding="ascii") as stream:
            used = int(stream.read().split()[0]) * resource.getpagesize()
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    except (ImportError, OSError, ValueError):
        used = soft = hard = -1
    limit = used + extra
    if used < 0 or threading.current_thread() is not threading.main_thread() \
            or (soft != resource.RLIM_INFINITY and soft <= limit) \
            or (hard != resource.RLIM_INFINITY and hard <= limit):
        yield
        return
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextlib.contextmanager
def _bounded(project: Project, what: str) -> Iterator[None]:
    """The templates' work bounded: a template that includes or extends itself, loops for
    longer than TEMPLATE_SECONDS or takes over TEMPLATE_MEMORY is a TemplateProblem."""
    try:
        with _time_limit(TEMPLATE_SECONDS, what), _memory_limit(TEMPLATE_MEMORY):
            yield
    except RecursionError as err:
        name = _recursing_template(err, project.root)
        raise TemplateProblem(f"{name}: template includes or extends itself without end") \
            from None
    except MemoryError:
        raise TemplateProblem(f"{what} took over {TEMPLATE_MEMORY // 1024**3} GB of memory and "
                              "was stopped: does a template make too much?") from None


def lay_out(project: Project, target: Target) -> Document:
    """Compute and lay out a pack: everything its PDF, DOCX and web edition are drawn from."""
    with _bounded(project, f"drawing {target.file_name('html')}"):
        return layout(compute(project, target.pack_id, target.period))


def draw_html(project: Project, target: Target, document: Document) -> str:
    """A laid-out pack's print HTML, checked to load nothing from elsewhere."""
    with _bounded(project, f"drawing {target.file_name('html')}"):
        html = render_html(document, project.root)
    if has_own_html_templates(project.root):
        # The project's own templates could make the HTML load something from elsewhere; the
        # package's cannot (they escape every value, and the theme's values are validated:
        # tests/test_examples.py checks their HTML), so a pack drawn by them alone is not
        # parsed again here (it took 40% of a large pack's HTML time).
        check_html(html, project.root)  # every format: the HTML pack, and the PDF drawn from it
    return html


def prepare(project: Project, target: Target) -> Prepared:
    """Compute and lay out a pack, and draw its HTML (fast; everything else draws from it)."""
    document = lay_out(project, target)
    html = draw_html(project, target, document)
    return Prepared(target, document, html, _epoch(dt.date.fromisoformat(document.date)))


def draw_web(project: Project, item: Prepared | Pack) -> str:
    """The pack's web edition, its templates bounded as the print HTML's are."""
    from .render.web import render_web

    with _bounded(project, f"drawing {item.target.file_name('web')}"):
        return render_web(item.document, project.root)


class Pack:
    """One pack of a build, laid out; its print HTML is drawn only when something needs it (a
    pack drawn in parts draws each part's in a worker)."""

    def __init__(self, project: Project, target: Target) -> None:
        self.project, self.target = project, target
        self.document = lay_out(project, target)
        self.epoch = _epoch(dt.date.fromisoformat(self.document.date))
        self._html: str | None = None

    @property
    def html(self) -> str:
        if self._html is None:
            self._html = draw_html(self.project, self.target, self.document)
        return self._html

    @functools.cached_property
    def parts(self) -> PartsPlan | None:
        """The parts its PDF is drawn in, or None: drawn whole (render/parts.py)."""
        return plan_parts(self.document, self.project.root)


@dataclass
class Rendered:
    """What render_all drew and found, by file name: the files, the cache keys of the PDFs and
    DOCX files, and which of those came from the cache."""

    files: dict[str, bytes]
    keys: dict[str, str]
    hits: set[str]


def render_all(project: Project, packs: Iterable[Pack], formats: Sequence[str],
               pool: RenderPool, progress: Progress, cache: Cache | None = None,
               templates: bytes | None = None) -> Rendered:
    """Every format of every pack. Each pack's PDF is started as soon as the pack is laid out
    (a large pack in parts, render/split.py, each part kept in `cache`), while this process
    lays out the next; the pool gives a free worker the largest job waiting, so a large pack
    laid out last still goes first, and a smaller pack's parts keep the cores busy while it
    is finished and joined. Then this process draws the DOCX files once a core is free of PDF
    work. With a `cache` and the digest of the project's `templates`, a PDF or DOCX drawn
    before from the same input is taken from it instead."""
    cache = cache or NoCache()
    done = Rendered({}, {}, set())
    pdfs: dict[str, Future[bytes]] = {}
    splits: dict[str, SplitRender] = {}
    started: list[Pack] = []
    with _abandoned_on_failure(pdfs, splits):
        for pack in packs:
            started.append(pack)
            _look_up(project, pack, formats, cache, templates, done)
            name = pack.target.file_name("pdf")
            if "pdf" in formats and name not in done.files:
                progress(name)
                _start_pdf(project, pack, pool, cache, pdfs, splits)
        if "docx" in formats:
            pool.wait_for_a_free_core([*pdfs.values(), *(future for split in splits.values()
                                                        for future in split.pending())])
        _draw_here(project, started, formats, progress, splits, done)
        for name in sorted(splits, key=lambda n: splits[n].size):  # the first to be ready first
            done.files[name] = splits[name].result()
        for name, future in pdfs.items():
            done.files[name] = result(future)
    return done


def _start_pdf(project: Project, pack: Pack, pool: RenderPool, cache: Cache,
               pdfs: dict[str, Future[bytes]], splits: dict[str, SplitRender]) -> None:
    """Hand the pack's PDF to the workers: whole (into `pdfs`), or in parts (`splits`)."""
    name = pack.target.file_name("pdf")
    if pack.parts is None:
        pdfs[name] = pool.pdf(pack.html, project.root, pack.epoch, size(pack.document))
        return
    splits[name] = SplitRender(pack.parts, project.root, pack.epoch, pool.submit, cache)
    for _size, start in sorted(splits[name].jobs(), key=lambda job: -job[0]):
        start()
    splits[name].arm()


def _draw_here(project: Project, packs: list[Pack], formats: Sequence[str],
               progress: Progress, splits: dict[str, SplitRender], done: Rendered) -> None:
    """What this process draws while the workers render: the HTML, web and DOCX files."""
    own_templates = has_own_html_templates(project.root)
    for pack in packs:
        if "html" in formats:
            done.files[pack.target.file_name("html")] = pack.html.encode("utf-8")
        elif own_templates and pack.target.file_name("pdf") in splits:
            pack.html  # noqa: B018 - drawn to be checked: a part's HTML is drawn in a worker
        if "web" in formats:
            done.files[pack.target.file_name("web")] = draw_web(project, pack).encode("utf-8")
        if "docx" in formats and pack.target.file_name("docx") not in done.files:
            from .render.docx import render_docx

            progress(pack.target.file_name("docx"))
            done.files[pack.target.file_name("docx")] = render_docx(pack.document, project.root)


@contextlib.contextmanager
def _abandoned_on_failure(pdfs: dict[str, Future[bytes]],
                          splits: dict[str, SplitRender]) -> Iterator[None]:
    """A failed build starts no more rendering: its waiting jobs are dropped and its split
    packs go no further (a library caller's own pool lives on after the build)."""
    try:
        yield
    except BaseException:
        for split in splits.values():
            split.abandon()
        for future in pdfs.values():
            future.cancel()
        raise


def _look_up(project: Project, pack: Pack, formats: Sequence[str], cache: Cache,
             templates: bytes | None, done: Rendered) -> None:
    """Note the pack's cache keys in `done`, and take the files the cache has."""
    keys = cache_keys(project, [pack], formats, cache, templates)
    done.keys.update(keys)
    for name, key in keys.items():
        data = cache.get(key)
        if data is not None:
            done.files[name] = data
            done.hits.add(name)


def cache_keys(project: Project, packs: Sequence[Prepared | Pack], formats: Sequence[str],
               cache: Cache, templates: bytes | None) -> dict[str, str]:
    """The cache key of each PDF and DOCX to draw, by file name, given the digest of the
    project's templates/; none without one (a folder that cannot be read whole). Both are
    keyed by the laid-out pack (the HTML is drawn from it alone, with the templates)."""
    from .render_keys import docx_key, pdf_key, serialise

    keys: dict[str, str] = {}
    if templates is None or not cache.enabled:
        return keys
    for pack in packs:
        document = serialise(pack.document)
        if "pdf" in formats:
            keys[pack.target.file_name("pdf")] = pdf_key(cache, document, templates, pack.epoch)
        if "docx" in formats:
            keys[pack.target.file_name("docx")] = docx_key(cache, document, project.root,
                                                           templates)
    return keys


def _store(project: Project, cache: Cache, templates: bytes | None, keys: dict[str, str],
           rendered: dict[str, bytes], hits: set[str]) -> bool:
    """Put what was drawn into the cache, unless the templates changed during the build (a
    file drawn with the new ones must not be kept under the old ones' key)."""
    from .render_keys import templates_digest

    if not cache.enabled or templates is None or templates_digest(project.root) != templates:
        return False
    for name, key in keys.items():
        if name not in hits:
            cache.put(key, rendered[name])
    return True


def _remember(cache: Cache, inputs: Inputs, targets: list[Target], formats: Sequence[str],
              keys: dict[str, str], rendered: dict[str, bytes],
              unchanged: dict[Target, dict[str, str]], notices: list[str]) -> None:
    """Keep each pack's list of files under its inputs' key, and the build's under the whole
    project's, so that the next build skips what did not change; the files that have no
    render key (HTML, web edition) are kept by their content."""
    from .replay import content_key, remember

    everything: dict[str, str] = {}
    for target in targets:
        names = [target.file_name(fmt) for fmt in formats]
        for name in names:
            key = unchanged.get(target, {}).get(name) or keys.get(name)
            if key is None:
                key = content_key(cache, rendered[name])
                cache.put(key, rendered[name])
            everything[name] = key
        if target not in unchanged:
            remember(cache, inputs.pack_key(cache, target.pack_id, target.period.id),
                     {name: everything[name] for name in names}, [])
    remember(cache, inputs.build_key(cache), everything, notices)


def _unchanged_packs(cache: Cache, inputs: Inputs | None, targets: list[Target],
                     formats: Sequence[str]) -> dict[Target, dict[str, tuple[str, bytes]]]:
    """The files of each pack whose input files are as when its files were kept."""
    from .replay import files

    found: dict[Target, dict[str, tuple[str, bytes]]] = {}
    if inputs is None or not cache.enabled:
        return found
    for target in targets:
        kept = files(cache, inputs.pack_key(cache, target.pack_id, target.period.id))
        if kept is not None and set(kept[0]) == {target.file_name(f) for f in formats}:
            found[target] = kept[0]
    return found


def build(project: Project, *, pack: str | None = None, period: str | None = None,
          formats: Sequence[str] = DEFAULT_FORMATS, out: Path | None = None,
          progress: Progress | None = None, pool: RenderPool | None = None,
          notice: Progress | None = None, cache: Cache | None = None,
          inputs: Inputs | None = None) -> list[Path]:
    """Build packs into `out` (default PROJECT/output) and return the files written.

    Pass a started RenderPool to reuse its workers (the CLI starts one before loading data);
    `notice` hears about packs skipped for having no data for the period asked for. With a
    `cache` (a RenderCache), a PDF or DOCX drawn before from the same input is taken from it
    instead of being drawn again, and what is drawn is kept in it. With `inputs`, the digests
    of the project's files taken before it was loaded (replay.Inputs.read), a pack whose
    files did not change is not even laid out, and the build's lists of files are kept for
    the next build (only when no file changed during the build).
    """
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}'; choose from {', '.join(FORMATS)}")
    cache = cache if cache is not None else NoCache()
    out_dir = output_folder(project.root, out)
    report = progress or (lambda _message: None)
    notices: list[str] = []

    def tell(message: str) -> None:
        notices.append(message)
        if notice is not None:
            notice(message)

    targets = choose_targets(project, pack, period, tell)
    # What can be checked cheaply is checked before the slow rendering starts.
    check_targets(out_dir / target.file_name(fmt) for target in targets for fmt in formats)
    if "docx" in formats:
        from .render.docx_setup import open_reference

        open_reference(project.root)  # a broken reference.docx fails before any PDF is drawn
    unchanged = _unchanged_packs(cache, inputs, targets, formats)
    templates = templates_digest(project.root) if cache.enabled else None
    to_build = [target for target in targets if target not in unchanged]
    if pool is None:
        packs = [Pack(project, target) for target in to_build]
        # one pack draws on one core, unless it is large enough to be drawn in parts
        alone = len(packs) < 2 and all(p.parts is None for p in packs)
        with RenderPool(1 if alone or "pdf" not in formats else None) as own_pool:
            drawn = render_all(project, packs, formats, own_pool, report, cache, templates)
    else:  # each pack's PDF starts while the next pack is laid out
        drawn = render_all(project, (Pack(project, target) for target in to_build), formats,
                           pool, report, cache, templates)
    rendered = drawn.files
    for kept in unchanged.values():
        rendered.update((name, data) for name, (_, data) in kept.items())
    order = [target.file_name(fmt) for target in targets for fmt in formats]
    if _store(project, cache, templates, drawn.keys, rendered, drawn.hits) \
            and inputs is not None and inputs.made(project) \
            and Inputs.read(project.root, pack, period, formats) == inputs:
        _remember(cache, inputs, targets, formats, drawn.keys, rendered,
                  {target: {name: key for name, (key, _) in kept.items()}
                   for target, kept in unchanged.items()}, notices)
    return write_all({out_dir / name: rendered[name] for name in order})
