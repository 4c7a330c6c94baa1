"""What a trend chart costs per measure (issue 14), from paired runs.

Usage (from the repository root):

    .venv/bin/python bench/charts.py [--measures 100] [--runs 5]

Generates the synthetic project of bench/generate.py (seeded), keeps its tracker pack, and
builds it two ways in this process: with the tracker preset's columns plus an empty column
(A: a declared field no measure sets) and with the same columns where that column is a chart
column of the same width (B), so both tables wrap their text alike and the difference is the
charts' own cost. Each run times A then B (the order alternates between runs, so
drift on a shared machine falls on both alike) for each stage:

- layout   compute + layout (B also decides each chart: history, axis, alt text);
- html     Jinja to HTML (B draws each chart as inline SVG);
- pdf      WeasyPrint PDF/UA-1 of that HTML (B lays out and tags the SVGs as Figures);
- docx     python-docx (B draws each chart as a PNG with Pillow and embeds it).

Times are this process's CPU time (time.process_time: every stage runs in this one thread),
not wall time: on a shared machine the wall time of the same PDF varied from 10 to 19 s
between runs, which buries a cost of a few ms per chart. It prints, per stage, the median of
A, of B, and of the paired differences B - A, and that difference per measure and per chart
in ms. Nothing in the repository is written.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_project  # noqa: E402

from csp_report.api import open_project  # noqa: E402
from csp_report.compute.measures import compute  # noqa: E402
from csp_report.layout import layout  # noqa: E402
from csp_report.layout.document import Document  # noqa: E402
from csp_report.model.columns import PRESETS  # noqa: E402
from csp_report.model.periods import Period  # noqa: E402
from csp_report.render.docx import render_docx  # noqa: E402
from csp_report.render.html import render_html  # noqa: E402
from csp_report.render.pdf import render_pdf  # noqa: E402

PERIOD = Period.parse("2016-17-Q4")
STAGES = ("layout", "html", "pdf", "docx")


def project(root: Path, measures: int, charts: bool) -> Path:
    """The generated project's tracker pack alone, with or without a chart column."""
    generate_project(root, measures)
    report = root / "data" / "report.yaml"
    config = yaml.safe_load(report.read_text(encoding="utf-8"))
    targets = config["packs"]["targets"]
    config["fields"] = {"blank": {"label": "Trend"}}
    columns = [c.model_dump(exclude_defaults=True) for c in PRESETS["tracker"]]
    columns.insert(-1, {"kind": "chart", "header": "Trend", "width": 18} if charts
                   else {"kind": "field", "field": "blank", "header": "Trend", "width": 18})
    targets["columns"] = columns
    config["packs"] = {"targets": targets}
    report.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    for path in (root / "data" / "measures" / "monitoring").glob("*.yaml"):
        path.unlink()
    (root / "data" / "measures" / "monitoring").rmdir()
    return root


def timed(work: Callable[[], object]) -> tuple[float, object]:
    start = time.process_time()
    result = work()
    return time.process_time() - start, result


def one_build(root: Path) -> tuple[dict[str, float], Document]:
    loaded = open_project(root)
    times: dict[str, float] = {}
    times["layout"], doc = timed(lambda: layout(compute(loaded, "targets", PERIOD)))
    times["html"], html = timed(lambda: render_html(doc, root))  # type: ignore[arg-type]
    times["pdf"], _ = timed(lambda: render_pdf(html, root, 0))  # type: ignore[arg-type]
    times["docx"], _ = timed(lambda: render_docx(doc, root))  # type: ignore[arg-type]
    return times, doc  # type: ignore[return-value]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--measures", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plain = project(Path(tmp) / "a", args.measures, charts=False)
        charted = project(Path(tmp) / "b", args.measures, charts=True)
        one_build(plain)  # warm up: imports, fonts, template caches
        one_build(charted)
        a: dict[str, list[float]] = {s: [] for s in STAGES}
        b: dict[str, list[float]] = {s: [] for s in STAGES}
        diff: dict[str, list[float]] = {s: [] for s in STAGES}
        measures = charts = 0
        for run in range(args.runs):
            order = [(plain, a), (charted, b)]
            results = {}
            for root, into in order if run % 2 == 0 else reversed(order):
                times, doc = one_build(root)
                results[id(into)] = times
                for stage in STAGES:
                    into[stage].append(times[stage])
                if root is charted:
                    charts = len(doc.charts())
                    measures = sum(len(t.body) for t in doc.tables()
                                   if t.id.startswith("table-section-"))
            for stage in STAGES:
                diff[stage].append(results[id(b)][stage] - results[id(a)][stage])
    print(f"tracker pack, {measures} measures, {charts} charts, median of {args.runs} "
          "paired runs (CPU seconds; ms per measure and per chart of the paired difference)")
    print(f"{'stage':8} {'without':>9} {'with':>9} {'B - A':>9} {'ms/measure':>11} "
          f"{'ms/chart':>9}")
    total = 0.0
    for stage in STAGES:
        d = statistics.median(diff[stage])
        total += d
        print(f"{stage:8} {statistics.median(a[stage]):9.3f} {statistics.median(b[stage]):9.3f}"
              f" {d:9.3f} {d * 1000 / measures:11.2f} {d * 1000 / charts:9.2f}")
    print(f"{'all':8} {'':9} {'':9} {total:9.3f} {total * 1000 / measures:11.2f} "
          f"{total * 1000 / charts:9.2f}")


if __name__ == "__main__":
    main()
