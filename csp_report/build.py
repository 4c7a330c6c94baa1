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
from collections.abc import Callable, Iterator, Sequence
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
from .render import parts
from .render.html import render_html
from .render.parts import plan_parts, size
from .render.pool import RenderPool, result
from .render.resources import check_html
from .render.split import SplitRender
from .render_keys import templates_digest
from .replay import Inputs
from .templating import has_own_html_templates
from .write import check_targets, write_all

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


def prepare(project: Project, target: Target) -> Prepared:
    """Compute and lay out a pack, and draw its HTML (fast; everything else draws from it).

    The templates' work is bounded: a template that includes or extends itself, or loops for
    longer than TEMPLATE_SECONDS, is a TemplateProblem naming it."""
    try:
        with _time_limit(TEMPLATE_SECONDS, f"drawing {target.file_name('html')}"):
            document = layout(compute(project, target.pack_id, target.period))
            html = render_html(document, project.root)
    except RecursionError as err:
        name = _recursing_template(err, project.root)
        raise TemplateProblem(f"{name}: template includes or extends itself without end") \
            from None
    if has_own_html_templates(project.root):
        # The project's own templates could make the HTML load something from elsewhere; the
        # package's cannot (they escape every value, and the theme's values are validated:
        # tests/test_examples.py checks their HTML), so a pack drawn by them alone is not
        # parsed again here (it took 40% of a large pack's HTML time).
        check_html(html, project.root)  # every format: the HTML pack, and the PDF drawn from it
    return Prepared(target, document, html, _epoch(dt.date.fromisoformat(document.date)))


def draw_web(project: Project, item: Prepared) -> str:
    """The pack's web edition, its templates bounded as prepare() bounds the print HTML's."""
    from .render.web import render_web

    try:
        with _time_limit(TEMPLATE_SECONDS, f"drawing {item.target.file_name('web')}"):
            return render_web(item.document, project.root)
    except RecursionError as err:
        name = _recursing_template(err, project.root)
        raise TemplateProblem(f"{name}: template includes or extends itself without end") \
            from None


def render_all(project: Project, prepared: list[Prepared], formats: Sequence[str],
               pool: RenderPool, progress: Progress, cache: Cache | None = None,
               done: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Every format of every pack, by file name. PDFs go to the pool, largest first (a large
    pack in parts, render/split.py, each part kept in `cache`), while this process draws the
    DOCX files once a core is free of PDF work. Files in `done` (taken from the cache) are
    not drawn again."""
    rendered: dict[str, bytes] = dict(done or {})
    pdfs: dict[str, Future[bytes]] = {}
    splits: dict[str, SplitRender] = {}
    if "pdf" in formats:
        to_draw = [item for item in prepared if item.target.file_name("pdf") not in rendered]
        splits, pdfs = _start_pdfs(project, to_draw, pool, progress, cache or NoCache())
    if "docx" in formats:
        pool.wait_for_a_free_core([*pdfs.values(), *(future for split in splits.values()
                                                    for future in split.pending())])
    for item in prepared:
        if "html" in formats:
            rendered[item.target.file_name("html")] = item.html.encode("utf-8")
        if "web" in formats:
            rendered[item.target.file_name("web")] = draw_web(project, item).encode("utf-8")
        if "docx" in formats and item.target.file_name("docx") not in rendered:
            from .render.docx import render_docx

            progress(item.target.file_name("docx"))
            rendered[item.target.file_name("docx")] = render_docx(item.document, project.root)
    for name in sorted(splits, key=lambda n: splits[n].size):  # the first to be ready first
        rendered[name] = splits[name].result()
    for name, future in pdfs.items():
        rendered[name] = result(future)
    return rendered


def _start_pdfs(project: Project, prepared: list[Prepared], pool: RenderPool,
                progress: Progress,
                cache: Cache) -> tuple[dict[str, SplitRender], dict[str, Future[bytes]]]:
    """Start every PDF render, the largest first: a large pack as parts, the rest whole."""
    splits: dict[str, SplitRender] = {}
    pdfs: dict[str, Future[bytes]] = {}
    jobs: list[tuple[int, Callable[[], object]]] = []
    # A pack is drawn in parts only when it would otherwise hold the build up: when it is
    # more than a core's fair share of all the drawing (else the packs side by side keep
    # every core busy, and parts would only add their cost).
    share = sum(len(item.html) for item in prepared) / max(1, pool.workers)
    for item in prepared:
        name = item.target.file_name("pdf")
        progress(name)
        plan = plan_parts(item.document, item.html, project.root, pool.workers) \
            if len(item.html) > share else None
        if plan is None:
            jobs.append((size(item.document), functools.partial(_start_whole, pdfs, name, pool,
                                                           item, project.root)))
        else:
            splits[name] = SplitRender(plan, project.root, item.epoch, pool.submit,
                                       pool.workers, cache)
            jobs += splits[name].jobs()
    for _size, start in sorted(jobs, key=lambda job: -job[0]):
        start()
    for split in splits.values():
        split.arm()
    return splits, pdfs


def _start_whole(pdfs: dict[str, Future[bytes]], name: str, pool: RenderPool, item: Prepared,
                 root: Path) -> None:
    pdfs[name] = pool.pdf(item.html, root, item.epoch)


def cache_keys(project: Project, prepared: list[Prepared], formats: Sequence[str],
               cache: Cache, templates: bytes | None) -> dict[str, str]:
    """The cache key of each PDF and DOCX to draw, by file name, given the digest of the
    project's templates/; none without one (a folder that cannot be read whole)."""
    from .render_keys import docx_key, pdf_key

    keys: dict[str, str] = {}
    if templates is None or not cache.enabled:
        return keys
    for item in prepared:
        if "pdf" in formats:
            keys[item.target.file_name("pdf")] = pdf_key(cache, item.html, templates, item.epoch)
        if "docx" in formats:
            keys[item.target.file_name("docx")] = docx_key(cache, item.document, project.root,
                                                           templates)
    return keys


def _store(project: Project, cache: Cache, templates: bytes | None, keys: dict[str, str],
           rendered: dict[str, bytes], hits: dict[str, bytes]) -> bool:
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
    out_dir = out if out is not None else project.root / "output"
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
    prepared = [prepare(project, target) for target in targets if target not in unchanged]
    templates = templates_digest(project.root) if cache.enabled else None
    keys = cache_keys(project, prepared, formats, cache, templates)
    hits = {name: data for name, key in keys.items() if (data := cache.get(key)) is not None}
    if pool is None:
        to_draw = [item for item in prepared if item.target.file_name("pdf") not in hits]
        # one pack draws on one core, unless it is large enough to be drawn in parts
        alone = len(to_draw) < 2 and all(len(i.html) < parts.SPLIT_FROM_HTML_CHARACTERS
                                         for i in to_draw)
        workers = 1 if alone or "pdf" not in formats else None
        with RenderPool(workers) as own_pool:
            rendered = render_all(project, prepared, formats, own_pool, report, cache, hits)
    else:
        rendered = render_all(project, prepared, formats, pool, report, cache, hits)
    for kept in unchanged.values():
        rendered.update((name, data) for name, (_, data) in kept.items())
    order = [target.file_name(fmt) for target in targets for fmt in formats]
    if _store(project, cache, templates, keys, rendered, hits) and inputs is not None \
            and Inputs.read(project.root, pack, period, formats) == inputs:
        _remember(cache, inputs, targets, formats, keys, rendered,
                  {target: {name: key for name, (key, _) in kept.items()}
                   for target, kept in unchanged.items()}, notices)
    return write_all({out_dir / name: rendered[name] for name in order})
