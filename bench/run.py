"""csp-report benchmark: how long validate and each renderer take, and how it scales.

Usage (from the repository root):

    .venv/bin/python bench/run.py [--runs N] [--sizes 40,400,1000] [--quick] [--keep DIR]
                                  [--edit-runs N] [--edit-sizes example,40] [--edit-only]

For each size it generates a synthetic project (bench/generate.py: two packs, one `activity`
and one `tracker`, four quarters 2016-17-Q1..Q4, a realistic mix of units, series, missing
data and commentary; seeded, so every run measures the same data) in a temporary folder,
checks it with `csp-report validate`, then times, as median (min-max) of --runs runs:

- validate      `open_project()` in this process (YAML load + pydantic + cross-file rules);
- html          `build(formats=("html",))` in this process: compute, layout, sentences,
                Jinja, write (this is also the HTML WeasyPrint-alone renders);
- pdf render    `render_pdf()` of every pack's HTML in this process (WeasyPrint PDF/UA-1);
- docx render   `render_docx()` of every pack in this process ("n/a" until the DOCX
                renderer csp_report/render/docx.py exists);
- build         `python -m csp_report build DIR --out OUT` as a subprocess: what a user
                waits for, import time included (PDF and DOCX; PDF only while DOCX is n/a);
- pdf build     the same with `--format pdf`, for the two ratios;
- peak RSS      max resident set size of the build subprocess (os.wait4 rusage,
                taken by a small wrapper process so our own RSS does not leak in);
- CPU           user + system time of the build subprocess and the render workers it
                waited for (the same rusage); CPU / cores is a floor on the wall time that
                no scheduling of the same work can beat on this machine;
- largest pack  `render_pdf()` of the largest pack alone: one pack renders on one core,
                so a build cannot finish sooner than this;
- pages         pages of the PDFs (pypdf);
- ms/measure    build time / measures, and the marginal cost between two sizes
                ((t_b - t_a) / (n_b - n_a)), which is flat when the cost is linear.

Two ratios from the same run:

- (a) our PDF build / WeasyPrint alone: a subprocess that imports weasyprint and renders the
      already-written HTML files with `HTML(filename=..., base_url=<package templates>)
      .write_pdf(pdf_variant="pdf/ua-1")`. Above 1.0 is our overhead (imports, validate,
      compute, layout, templates, writes).
- (b) our PDF build / LibreOffice: `soffice --headless --convert-to pdf` of our own DOCX files
      (the route a team would otherwise take), with a profile warmed up beforehand. Only when
      the DOCX renderer exists and soffice is installed.

Also: `csp-report --help` and `python -m csp_report --help` (median of 5, target < 0.3 s),
and the repository's own example build (`python -m csp_report build --out TMP` in the
repository, median of 3, target < 2 s for both packs, PDF and DOCX), with its CPU and the
chain of steps that must run one after another (a worker's `import weasyprint`, then the
largest pack's PDF).

And the preview's save-to-reload time (`csp-report preview` on a copy of the example, as a
subprocess): a client connected to its reload endpoint (/__preview__/events) saves a change
to one measure's figure (the targets pack's latest quarter), and times, from the save, the
reload event and then the redrawn print HTML of that pack served with the new figure in it,
median (min-max) of --preview-edits edits (default 10; target < 0.5 s). `--preview-only`
measures only that (a few seconds).

The edit loop (the render cache, PROJECT/.csp-cache): on a copy of the repository's data/
and on synthetic projects (--edit-sizes, default example,40), run after run in turn: a full
build with the cache emptied first, a rebuild with nothing changed, then for each pack a
rebuild after one figure of one of its measures was changed (a value no earlier run gave it)
and that pack alone built with --no-cache; medians of --edit-runs runs (default 5) and each
run's ratios: nothing changed / full (target at most 0.2) and, pack by pack, one edit / that
pack alone (target at most 1). --edit-only runs the edit loop alone. Every other build above
is run with --no-cache, so that it measures a whole build each time.

--quick is one run of sizes 40 and 400 (and one of the edit loop). Defaults take a while
(about 25 minutes on a 2-core machine, most of it the 1,000-measure PDFs). Nothing in the
repository is written: projects and outputs go to a temporary folder (or --keep DIR).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_project  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ENTRY_POINT = Path(PYTHON).parent / "csp-report"
HELP_TARGET = 0.3
CORES = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
SEED_TARGET = 2.0

WEASYPRINT_ALONE = """
import sys, weasyprint
base = sys.argv[1]
for name in sys.argv[2:]:
    weasyprint.HTML(filename=name, base_url=base).write_pdf(
        name[:-5] + ".alone.pdf", pdf_variant="pdf/ua-1", uncompressed_pdf=False)
"""


# --------------------------------------------------------------------------- measuring


@dataclass
class Figure:
    """Several timings (or one value) of one thing, or why there are none."""

    values: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.values)

    @property
    def median(self) -> float:
        return statistics.median(self.values)


@dataclass
class Run:
    seconds: float
    max_rss_kb: int
    returncode: int
    stderr: str
    cpu_seconds: float = 0.0  # user + system, with the render workers it waited for


# Runs one command for run_process and reports its wall time and its own peak RSS. A small
# process of its own starts it: a child started straight from this (large) process inherits
# our high-water RSS mark through vfork/exec, which would inflate the figure.
_WRAPPER = """
import json, os, subprocess, sys, time
args, cwd, out_name, err_name = json.loads(sys.argv[1])
with open(out_name, "wb") as out, open(err_name, "wb") as err:
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
print(json.dumps([seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status),
                  usage.ru_utime + usage.ru_stime]))
"""


def run_process(args: list[str], cwd: Path | None = None) -> Run:
    """Run a command to completion: its wall time and its own peak RSS (wait4 rusage)."""
    with tempfile.TemporaryDirectory(prefix="csp-run-") as scratch:
        out, err = Path(scratch) / "stdout", Path(scratch) / "stderr"
        spec = json.dumps([args, str(cwd) if cwd else None, str(out), str(err)])
        wrapper = subprocess.run([PYTHON, "-c", _WRAPPER, spec], capture_output=True,
                                 text=True, stdin=subprocess.DEVNULL)
        stderr = err.read_text(encoding="utf-8", errors="replace") if err.exists() else ""
        if wrapper.returncode:
            return Run(0.0, 0, wrapper.returncode, wrapper.stderr + stderr)
        seconds, max_rss_kb, returncode, cpu = json.loads(wrapper.stdout)
        return Run(seconds, max_rss_kb, returncode, stderr, cpu)


def timed(function: Callable[..., object], *args: object, **kwargs: object) -> float:
    start = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - start


def pdf_pages(folder: Path, pattern: str = "*.pdf") -> int:
    from pypdf import PdfReader

    return sum(len(PdfReader(path).pages) for path in sorted(folder.glob(pattern))
               if not path.name.endswith(".alone.pdf"))


def docx_available() -> tuple[bool, str]:
    """Whether csp_report.render.docx can be imported now (it is being written)."""
    if importlib.util.find_spec("csp_report.render.docx") is None:
        return False, "csp_report/render/docx.py missing"
    probe = run_process([PYTHON, "-c", "from csp_report.render.docx import render_docx"])
    if probe.returncode:
        last = probe.stderr.strip().splitlines()[-1:] or ["import failed"]
        return False, f"import fails: {last[0][:70]}"
    return True, ""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# --------------------------------------------------------------------------- one size


@dataclass
class SizeResult:
    measures: int
    figures: dict[str, Figure]
    pages: dict[str, int] = field(default_factory=dict)
    build_formats: str = "pdf+docx"


ROWS = [
    ("validate", "validate: open_project (in-process)"),
    ("html", "html: compute+layout+Jinja (in-process)"),
    ("pdf", "pdf render: render_pdf (in-process)"),
    ("docx", "docx render: render_docx (in-process)"),
    ("build", "build: CLI subprocess (formats below)"),
    ("build_rss", "  peak RSS of build (MB)"),
    ("build_cpu", "  CPU of build, user+sys with workers"),
    ("floor", "  CPU / cores (a floor on the wall time)"),
    ("largest", "  largest pack's PDF alone (in-process)"),
    ("pdf_build", "pdf build, CLI subprocess (--format pdf)"),
    ("pdf_build_rss", "  peak RSS of pdf build (MB)"),
    ("alone", "WeasyPrint alone on our HTML (subproc)"),
    ("ratio_a", "(a) pdf build / WeasyPrint alone"),
    ("soffice", "LibreOffice DOCX->PDF (subprocess)"),
    ("ratio_b", "(b) pdf build / LibreOffice"),
]


def measure_size(measures: int, runs: int, work: Path, log: Callable[[str], None]) -> SizeResult:
    from csp_report.api import open_project
    from csp_report.build import build, choose_targets
    from csp_report.compute.measures import compute
    from csp_report.layout import data_date, layout
    from csp_report.render.html import render_html
    from csp_report.render.pdf import render_pdf
    from csp_report.templating import PACKAGE_TEMPLATES

    root = generate_project(work / f"project-{measures}", measures)
    check = run_process([PYTHON, "-m", "csp_report", "validate", str(root)])
    if check.returncode:
        raise SystemExit(f"generated project of {measures} measures does not validate:\n"
                         f"{check.stderr}")
    has_docx, _ = docx_available()
    office = soffice() if has_docx else None
    figures = {key: Figure() for key, _ in ROWS}
    result = SizeResult(measures, figures)
    if not has_docx:
        figures["docx"].note = "n/a"
        figures["soffice"].note = figures["ratio_b"].note = "n/a (no DOCX)"
        result.build_formats = "pdf only (DOCX n/a)"
    elif office is None:
        figures["soffice"].note = figures["ratio_b"].note = "n/a (no soffice)"
    html_dir, out_dir, pdf_dir = work / f"html-{measures}", work / f"out-{measures}", \
        work / f"pdf-{measures}"
    lo_profile = (work / "lo-profile").as_uri()

    for run in range(1, runs + 1):
        log(f"  {measures} measures, run {run}/{runs}: validate, html")
        start = time.perf_counter()
        project = open_project(root)
        figures["validate"].values.append(time.perf_counter() - start)
        figures["html"].values.append(timed(build, project, formats=("html",), out=html_dir))

        prepared = []
        for target in choose_targets(project, None, None):
            computed = compute(project, target.pack_id, target.period)
            document = layout(computed)
            prepared.append((document, render_html(document, project.root),
                             calendar_epoch(data_date(computed))))
        log(f"  {measures} measures, run {run}/{runs}: pdf render")
        each = [timed(render_pdf, html, root, epoch) for _, html, epoch in prepared]
        figures["pdf"].values.append(sum(each))
        figures["largest"].values.append(max(each))  # one pack renders on one core
        if has_docx:
            log(f"  {measures} measures, run {run}/{runs}: docx render")
            try:
                from csp_report.render.docx import render_docx

                start = time.perf_counter()
                for document, _, _ in prepared:
                    render_docx(document, root)
                figures["docx"].values.append(time.perf_counter() - start)
            except Exception as err:  # the renderer is work in progress
                figures["docx"].note = f"failed: {type(err).__name__}"
        del prepared, project

        log(f"  {measures} measures, run {run}/{runs}: build subprocess")
        args = [PYTHON, "-m", "csp_report", "build", str(root), "--out", str(out_dir),
                "--no-cache"]
        if not has_docx:
            args += ["--format", "pdf"]
        built = run_process(args, cwd=work)
        record(figures["build"], figures["build_rss"], built)
        if not built.returncode:
            figures["build_cpu"].values.append(built.cpu_seconds)
            figures["floor"].values.append(built.cpu_seconds / CORES)

        log(f"  {measures} measures, run {run}/{runs}: pdf build subprocess")
        record(figures["pdf_build"], figures["pdf_build_rss"], run_process(
            [PYTHON, "-m", "csp_report", "build", str(root), "--no-cache", "--format", "pdf",
             "--out", str(pdf_dir)], cwd=work))

        log(f"  {measures} measures, run {run}/{runs}: WeasyPrint alone")
        html_files = [str(p) for p in sorted(html_dir.glob("*.html"))]
        alone = run_process([PYTHON, "-c", WEASYPRINT_ALONE,
                             PACKAGE_TEMPLATES.as_uri() + "/", *html_files], cwd=work)
        if alone.returncode:
            figures["alone"].note = "failed"
        else:
            figures["alone"].values.append(alone.seconds)
            if figures["pdf_build"].values:
                figures["ratio_a"].values.append(figures["pdf_build"].values[-1] / alone.seconds)

        docx_files = sorted(out_dir.glob("*.docx"))
        if office and docx_files:
            lo_out = work / f"lo-{measures}"
            command = [office, "--headless", f"-env:UserInstallation={lo_profile}",
                       "--convert-to", "pdf", "--outdir", str(lo_out),
                       *(str(p) for p in docx_files)]
            if not (work / "lo-profile").exists():  # the first start creates the profile
                log(f"  {measures} measures: LibreOffice warm-up")
                run_process(command, cwd=work)
            log(f"  {measures} measures, run {run}/{runs}: LibreOffice")
            converted = run_process(command, cwd=work)
            if converted.returncode or len(list(lo_out.glob("*.pdf"))) != len(docx_files):
                figures["soffice"].note = figures["ratio_b"].note = "failed"
            else:
                figures["soffice"].values.append(converted.seconds)
                result.pages["LibreOffice"] = pdf_pages(lo_out)
                if figures["pdf_build"].values:
                    figures["ratio_b"].values.append(
                        figures["pdf_build"].values[-1] / converted.seconds)
        elif office and has_docx:
            figures["soffice"].note = figures["ratio_b"].note = "n/a (no DOCX written)"

    if figures["pdf_build"].ok:
        for path in sorted(pdf_dir.glob("*.pdf")):
            result.pages[path.name.split("-")[0]] = pdf_pages(pdf_dir, path.name)
    return result


def calendar_epoch(date: object) -> int:
    import calendar

    return calendar.timegm(date.timetuple())  # type: ignore[attr-defined]


def record(time_figure: Figure, rss_figure: Figure, run: Run) -> None:
    if run.returncode:
        last = run.stderr.strip().splitlines()[-1:] or [f"exit {run.returncode}"]
        time_figure.note = rss_figure.note = f"FAILED: {last[0][:60]}"
        return
    time_figure.values.append(run.seconds)
    rss_figure.values.append(run.max_rss_kb / 1024)


# --------------------------------------------------------------------------- fixed cases


def measure_help(times: int) -> dict[str, Figure]:
    found = {}
    for label, args in (("csp-report --help", [str(ENTRY_POINT), "--help"]),
                        ("python -m csp_report --help",
                         [PYTHON, "-m", "csp_report", "--help"])):
        figure = Figure()
        for _ in range(times):
            run = run_process(args)
            if run.returncode:
                figure.note = "FAILED"
                break
            figure.values.append(run.seconds)
        found[label] = figure
    return found


def measure_seed(times: int, work: Path,
                 has_docx: bool) -> tuple[Figure, Figure, Figure, str, int]:
    """The repository's own data, built as the CLI does, into a temporary folder."""
    formats = "pdf+docx" if has_docx else "pdf only (DOCX n/a)"
    figure, rss, cpu = Figure(), Figure(), Figure()
    out = work / "seed"
    args = [PYTHON, "-m", "csp_report", "build", "--no-cache", "--out", str(out)]
    if not has_docx:
        args += ["--format", "pdf"]
    for _ in range(times):
        built = run_process(args, cwd=REPO)
        record(figure, rss, built)
        if not built.returncode:
            cpu.values.append(built.cpu_seconds)
    pages = pdf_pages(out) if figure.ok else 0
    return figure, rss, cpu, formats, pages


def measure_chain(times: int) -> tuple[Figure, Figure]:
    """The example's longest chain of steps that must run one after another: a worker
    imports WeasyPrint (a subprocess, interpreter start included), then renders the largest
    pack (in this process, after one render to warm up)."""
    from csp_report.api import open_project
    from csp_report.build import choose_targets, prepare
    from csp_report.render.pdf import render_pdf

    imported = Figure()
    for _ in range(times):
        run = run_process([PYTHON, "-c", "import weasyprint"])
        if not run.returncode:
            imported.values.append(run.seconds)
    project = open_project(REPO)
    prepared = [prepare(project, target) for target in choose_targets(project, None, None)]
    largest = max(prepared, key=lambda item: len(item.html))
    render_pdf(largest.html, project.root, largest.epoch)
    rendered = Figure([timed(render_pdf, largest.html, project.root, largest.epoch)
                       for _ in range(times)])
    return imported, rendered


# --------------------------------------------------------------------------- edit loop

EDIT_ROWS = [
    ("full", "full build, cold cache"),
    ("same", "rebuild, nothing changed"),
    ("same/full", "  nothing changed / full (target <= 0.2)"),
]


def edit_rows(packs: list[str]) -> list[tuple[str, str]]:
    """The table's rows: the fixed ones, then for each pack an edit of one of its measures,
    that pack alone, and their ratio."""
    rows = list(EDIT_ROWS)
    for pack in packs:
        rows += [(f"edit {pack}", f"rebuild, one measure of {pack} edited"),
                 (f"alone {pack}", f"{pack} alone (--pack, --no-cache)"),
                 (f"edit/alone {pack}", "  one edit / that pack alone (target <= 1)")]
    return rows


_VALUE = re.compile(r"(?m)^(\s+value: )(\d+)$")


def edited_measures(root: Path) -> dict[str, Path]:
    """For each pack, the file of its first measure (by name) whose figures are whole
    numbers with no year to date beside them and no missing quarter: its latest quarter's
    figure (the one the pack prints) can change on its own."""
    found: dict[str, Path] = {}
    for folder in sorted((root / "data/measures").iterdir()):
        for path in sorted(folder.glob("*.yaml")):
            text = path.read_text(encoding="utf-8")
            if _VALUE.search(text) and "ytd" not in text and "missing:" not in text:
                found[folder.name] = path
                break
    if not found:
        raise SystemExit(f"no measure of {root} has a whole number to edit")
    return found


def edit_figure(path: Path, run: int) -> None:
    """Give the measure's latest figure a value no earlier run gave it (nothing is cached)."""
    text = path.read_text(encoding="utf-8")
    found = list(_VALUE.finditer(text))[-1]
    new = 1000 + run if int(found[2]) != 1000 + run else 2000 + run
    path.write_text(text[:found.start(2)] + str(new) + text[found.end(2):], encoding="utf-8")


def measure_edit_loop(root: Path, runs: int, work: Path,
                      log: Callable[[str], None]) -> dict[str, Figure]:
    """The loop of a user who edits a figure and rebuilds: a full build with no cache yet, a
    rebuild with nothing changed, then for each pack a rebuild after one of its figures
    changed and, to compare it with, that pack alone built from nothing; all in turn, run
    after run, so that a change in the machine's speed falls on all alike. Ratios are of
    each run's pair."""
    measures = edited_measures(root)
    figures = {key: Figure() for key, _ in edit_rows(list(measures))}
    out = work / f"edit-out-{root.name}"
    build = [PYTHON, "-m", "csp_report", "build", str(root), "--out", str(out)]
    steps: list[tuple[str, list[str], str]] = [("full", build, ""), ("same", build, "")]
    for pack in measures:
        steps += [(f"edit {pack}", build, pack),
                  (f"alone {pack}", build[:5] + ["--pack", pack, "--no-cache", "--out",
                                                 str(work / "alone")], pack)]
    for run in range(1, runs + 1):
        log(f"  edit loop on {root.name}, run {run}/{runs}")
        seconds: dict[str, float] = {}
        for name, args, pack in steps:
            if name == "full":
                shutil.rmtree(root / ".csp-cache", ignore_errors=True)
            if name.startswith("edit"):
                before = {p.name: p.read_bytes() for p in out.glob(f"{pack}-*")}
                edit_figure(measures[pack], run)
            done = run_process(args, cwd=work)
            if name.startswith("edit") and not done.returncode and before == {
                    p.name: p.read_bytes() for p in out.glob(f"{pack}-*")}:
                figures[name].note = "FAILED: the edit changed no file"
            if done.returncode:
                figures[name].note = f"FAILED: {done.stderr.strip()[-60:]}"
                continue
            seconds[name] = done.seconds
            figures[name].values.append(done.seconds)
        for ratio in [key for key in figures if "/" in key]:
            top, bottom = ratio.split(" ")[0].split("/")
            suffix = ratio[len(ratio.split(" ")[0]):]
            if top + suffix in seconds and bottom + suffix in seconds:
                figures[ratio].values.append(seconds[top + suffix] / seconds[bottom + suffix])
    return figures


def print_edit_loop(loops: dict[str, dict[str, Figure]], runs: int) -> None:
    if not loops:
        return
    rows = {key: label for figures in loops.values() for key, label in edit_rows(
        [key.split(" ", 1)[1] for key in figures if key.startswith("edit ")])}
    label_width = max(len(label) for label in rows.values()) + 2
    width = 24
    print(f"\nEdit loop (the render cache): median (min-max) of {runs} runs in turn, wall s")
    heading = "project".ljust(label_width) + "".join(f"{name:>{width}}" for name in loops)
    print(heading)
    print("-" * len(heading))
    for key, label in rows.items():
        unit = "x" if "/" in key else "s"
        print(label.ljust(label_width) + "".join(
            f"{show(figures[key], unit) if key in figures else '':>{width}}"
            for figures in loops.values()))


# --------------------------------------------------------------------------- printing


PREVIEW_TARGET = 0.5
PREVIEW_MEASURE = "data/measures/targets/2.3-personal-robbery.yaml"
PREVIEW_FIGURE = "    value: 33\n    previous: 30\n"
PREVIEW_PAGE = "/targets-2016-17-Q4.html"



def _answering_ctrl_c() -> None:
    """In the preview's process, before it starts: Ctrl-C (SIGINT) ends it, even when this
    benchmark was started in the background, which leaves SIGINT ignored in its children."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})

def measure_preview(edits: int, work: Path) -> tuple[Figure, Figure]:
    """Save-to-reload of `csp-report preview` on a copy of the example: from writing a measure
    file to the reload event, and to the changed page served. Each edit changes last year's
    figure of one quarter, which the pack's sentence quotes ("compared to N last year")."""
    import http.client
    import re
    import signal

    root = work / "preview"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(REPO / "data", root / "data")
    if (REPO / "templates").is_dir():
        shutil.copytree(REPO / "templates", root / "templates")
    measure = root / PREVIEW_MEASURE
    original = measure.read_text(encoding="utf-8")
    if PREVIEW_FIGURE not in original:
        raise SystemExit(f"bench: {PREVIEW_MEASURE} no longer has the figure edited")
    event_times, page_times = Figure(), Figure()
    process = subprocess.Popen([PYTHON, "-m", "csp_report", "preview", str(root)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               preexec_fn=_answering_ctrl_c)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not found:
            raise SystemExit(f"bench: preview did not start: {line!r}")
        port = int(found[1])

        def page() -> str:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                connection.request("GET", PREVIEW_PAGE)
                response = connection.getresponse()
                body = response.read().decode("utf-8")
                if response.status != 200:
                    raise SystemExit(f"bench: preview answered {response.status}: {body[:500]}")
                return body
            finally:
                connection.close()

        def next_build(stream: Any) -> int:
            while True:
                text = stream.readline().decode("utf-8")
                if not text:
                    raise SystemExit("bench: the preview's event stream ended")
                if text.startswith("data:"):
                    return int(text.split(":", 1)[1])

        page()  # the first drawing of a page, as a browser opening it
        events = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        events.request("GET", "/__preview__/events")
        response = events.getresponse()  # kept: its file closes with it
        stream = response.fp
        build = next_build(stream)
        for edit in range(edits):
            previous = 41 + edit
            changed = original.replace(PREVIEW_FIGURE,
                                       f"    value: 33\n    previous: {previous}\n")
            time.sleep(0.3)  # a person types between saves; each save is timed on its own
            start = time.perf_counter()
            measure.write_text(changed, encoding="utf-8")
            while (now := next_build(stream)) == build:
                pass
            build = now
            event_times.values.append(time.perf_counter() - start)
            body = page()
            page_times.values.append(time.perf_counter() - start)
            if f"compared to {previous} last year" not in body:
                raise SystemExit("bench: the reloaded page does not show the edit")
        events.close()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return event_times, page_times


def show(figure: Figure, unit: str) -> str:
    if not figure.ok:
        return figure.note or "-"
    if unit == "x":
        text = f"{figure.median:.2f}x"
    elif unit == "MB":
        text = f"{max(figure.values):.0f}"
    else:
        text = f"{figure.median:.2f}"
    if len(figure.values) > 1 and unit == "s":
        text += f" ({min(figure.values):.2f}-{max(figure.values):.2f})"
    if figure.note.startswith("FAILED"):  # some runs failed: never pass off the rest as all
        text += " [some runs FAILED]"
    return text


def machine() -> list[str]:
    cpu = "unknown"
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    office = soffice()
    lo = "not installed"
    if office:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            lo = subprocess.run([office, "--version"], capture_output=True, text=True,
                                timeout=60).stdout.strip() or "installed"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        f"nproc: {os.cpu_count()}   CPU: {cpu}   load average before: {load}",
        f"Python {platform.python_version()} ({platform.python_implementation()}) on "
        f"{platform.system()} {platform.release()}",
        f"WeasyPrint {version('weasyprint')}, python-docx {version('python-docx')}, "
        f"pydantic {version('pydantic')}, Jinja2 {version('jinja2')}, pypdf {version('pypdf')}",
        f"LibreOffice: {lo}",
    ]


def print_table(results: list[SizeResult], runs: int) -> None:
    label_width = max(len(label) for _, label in ROWS) + 2
    width = 24
    heading = "measures".ljust(label_width) + "".join(
        f"{r.measures:>{width}}" for r in results)
    print(f"\nTimings in seconds: median (min-max) of {runs} run{'s' if runs != 1 else ''}")
    print(heading)
    print("-" * len(heading))
    for key, label in ROWS:
        unit = "x" if key.startswith("ratio") else "MB" if key.endswith("rss") else "s"
        print(label.ljust(label_width) + "".join(
            f"{show(r.figures[key], unit):>{width}}" for r in results))
    print(("pages (pdf build)").ljust(label_width) + "".join(
        f"{pages_text(r):>{width}}" for r in results))
    if any("LibreOffice" in r.pages for r in results):
        print("pages (LibreOffice)".ljust(label_width) + "".join(
            f"{r.pages.get('LibreOffice', '-'):>{width}}" for r in results))
    print("build ms/measure".ljust(label_width) + "".join(
        f"{per_measure(r, 'build'):>{width}}" for r in results))
    print("pdf render ms/measure".ljust(label_width) + "".join(
        f"{per_measure(r, 'pdf'):>{width}}" for r in results))
    print("html ms/measure".ljust(label_width) + "".join(
        f"{per_measure(r, 'html'):>{width}}" for r in results))
    marginal = ["-"]
    for before, after in zip(results, results[1:], strict=False):
        a, b = before.figures["build"], after.figures["build"]
        marginal.append(f"{(b.median - a.median) / (after.measures - before.measures) * 1000:.1f}"
                        if a.ok and b.ok and after.measures != before.measures else "-")
    print("build marginal ms/measure".ljust(label_width) + "".join(
        f"{m:>{width}}" for m in marginal))
    print("build formats".ljust(label_width) + "".join(
        f"{r.build_formats:>{width}}" for r in results))


def pages_text(result: SizeResult) -> str:
    parts = [v for k, v in result.pages.items() if k != "LibreOffice"]
    if not parts:
        return "-"
    return f"{sum(parts)} (" + "+".join(str(p) for p in parts) + ")"


def per_measure(result: SizeResult, key: str) -> str:
    figure = result.figures[key]
    return f"{figure.median / result.measures * 1000:.1f}" if figure.ok else "-"


def verdict(value: float, target: float) -> str:
    return "OK" if value < target else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument("--sizes", default="40,400,1000",
                        help="comma-separated measure counts (default 40,400,1000)")
    parser.add_argument("--quick", action="store_true", help="one run of sizes 40 and 400")
    parser.add_argument("--keep", type=Path, help="keep projects and outputs in this folder")
    parser.add_argument("--preview-edits", type=int, default=10,
                        help="edits timed for the preview's save-to-reload (default 10)")
    parser.add_argument("--preview-only", action="store_true",
                        help="measure only the preview's save-to-reload")
    parser.add_argument("--edit-runs", type=int, default=5,
                        help="runs of the edit loop (default 5; 1 with --quick)")
    parser.add_argument("--edit-sizes", default="example,40",
                        help="projects of the edit loop: 'example' (the repository's data/) "
                             "and measure counts (default example,40)")
    parser.add_argument("--edit-only", action="store_true", help="run the edit loop alone")
    options = parser.parse_args(argv)
    edit_runs = 1 if options.quick else max(1, options.edit_runs)
    runs = 1 if options.quick else max(1, options.runs)
    sizes = [40, 400] if options.quick else [int(s) for s in options.sizes.split(",") if s]

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    print("csp-report benchmark")
    for line in machine():
        print(line)

    with contextlib.ExitStack() as stack:
        if options.keep:
            work = options.keep.resolve()
            work.mkdir(parents=True, exist_ok=True)
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="csp-bench-")))
        log("timing the preview's save-to-reload")
        preview_event, preview_page = measure_preview(max(1, options.preview_edits), work)
        if options.preview_only:
            print_preview(preview_event, preview_page)
            return 0
        loops = {}
        for name in [n for n in options.edit_sizes.split(",") if n]:
            log(f"edit loop: {name}")
            if name == "example":
                root = work / "example"
                shutil.rmtree(root, ignore_errors=True)
                shutil.copytree(REPO / "data", root / "data")
            else:
                root = generate_project(work / f"edit-{name}", int(name))
            loops[name] = measure_edit_loop(root, edit_runs, work, log)
        if options.edit_only:
            print_edit_loop(loops, edit_runs)
            return 0
        log("timing --help")
        helps = measure_help(5)
        has_docx, _ = docx_available()
        log("timing the example build")
        seed, seed_rss, seed_cpu, seed_formats, seed_pages = measure_seed(3, work, has_docx)
        chain_import, chain_render = measure_chain(3)
        results = []
        for size in sizes:
            log(f"size {size}")
            results.append(measure_size(size, runs, work, log))
        has_docx_end, why_not_end = docx_available()

    print(f"\nDOCX renderer: {'present' if has_docx_end else 'n/a (' + why_not_end + ')'}")
    print("\nStart-up and the example project")
    for label, figure in helps.items():
        verdict_text = f"   target < {HELP_TARGET} s: {verdict(figure.median, HELP_TARGET)}" \
            if figure.ok else ""
        print(f"  {label:<40}{show(figure, 's'):>22}  (median of 5){verdict_text}")
    seed_verdict = f"   target < {SEED_TARGET} s: {verdict(seed.median, SEED_TARGET)}" \
        if seed.ok else ""
    print(f"  {'example build (repo data/, ' + seed_formats + ')':<40}{show(seed, 's'):>22}"
          f"  (median of 3){seed_verdict}")
    print(f"  {'  peak RSS (MB), pages':<40}{show(seed_rss, 'MB'):>22}  {seed_pages} pages")
    if seed_cpu.ok:
        print(f"  {'  CPU (user+sys with workers), / cores':<40}{show(seed_cpu, 's'):>22}"
              f"  / {CORES} = {seed_cpu.median / CORES:.2f} s")
    print_preview(preview_event, preview_page)
    print_table(results, runs)
    print_edit_loop(loops, edit_runs)
    print("\nTargets")
    for result in results:
        if result.measures != 1000:
            continue
        build = result.figures["build"]
        rss = result.figures["build_rss"]
        if build.ok:
            print(f"  1,000 measures build < 20 s: {build.median:.1f} s "
                  f"{verdict(build.median, 20)} ({result.build_formats})")
        floor, largest = result.figures["floor"], result.figures["largest"]
        if build.ok and floor.ok and largest.ok:
            print(f"    its CPU on {CORES} cores needs at least {floor.median:.1f} s; the largest "
                  f"pack's PDF alone takes {largest.median:.1f} s on one core")
        if rss.ok:
            print(f"  1,000 measures peak < 600 MB: {max(rss.values):.0f} MB "
                  f"{verdict(max(rss.values), 600)}")
    if seed.ok:
        print(f"  example build < 2 s: {seed.median:.2f} s {verdict(seed.median, SEED_TARGET)} "
              f"({seed_formats})")
        if chain_import.ok and chain_render.ok:
            chain = chain_import.median + chain_render.median
            print(f"    one after the other on one core: import weasyprint "
                  f"{chain_import.median:.2f} s, then the largest pack's PDF "
                  f"{chain_render.median:.2f} s = {chain:.2f} s")
    for label, figure in helps.items():
        if figure.ok:
            print(f"  {label} < 0.3 s: {figure.median:.3f} s {verdict(figure.median, 0.3)}")
    print(f"  preview save-to-reload < {PREVIEW_TARGET} s: {preview_page.median:.2f} s "
          f"{verdict(preview_page.median, PREVIEW_TARGET)}")
    return 0


def print_preview(event: Figure, page: Figure) -> None:
    count = len(page.values)
    print(f"\nPreview save-to-reload (csp-report preview on the example, median (min-max) of "
          f"{count} edit{'s' if count != 1 else ''}, from the save)")
    print(f"  {'reload event received':<40}{show(event, 's'):>22}")
    print(f"  {'changed page served (' + PREVIEW_PAGE[1:] + ')':<40}{show(page, 's'):>22}"
          f"   target < {PREVIEW_TARGET} s: {verdict(page.median, PREVIEW_TARGET)}")


if __name__ == "__main__":
    sys.exit(main())
