"""csp-report benchmark: a large pack rendered in parts on every core, against one render.

Usage (from the repository root):

    .venv/bin/python bench/split.py [--measures 1000 | --project DIR] [--runs 8] [--keep DIR]

On a synthetic project (bench/generate.py, seeded) it prints:

1. The parts of the largest pack, each rendered alone in this process (median of --parts-runs
   runs): the first round (the sections, grouped as render/parts.py groups them), the second
   round (the cover and contents with its numbers, and the page furniture of every page in
   pieces), and the join; the whole pack rendered as one; and how much more the parts cost
   than the whole.
2. From those measured times, the modelled wall time of that pack on 1, 2, 4 and 8 cores: the
   first round scheduled largest first on the cores (as the build schedules it), then the
   second round, then the join.
3. Measured on this machine: `csp-report build --format pdf --no-cache` as a subprocess (the
   render cache would otherwise give back the first build's files), in parts (what
   the build does) and whole (the split turned off by setting its threshold out of reach in
   a wrapper), in pairs, alternating, --runs pairs: the median wall time of each, the median
   of the ratios pair by pair, and the peak RSS of the largest process (the build, a render
   worker or the join, from wait4).

Nothing in the repository is written. The machine is shared: quote medians and ratios.
"""

from __future__ import annotations

import argparse
import heapq
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_project  # noqa: E402
from run import run_process  # noqa: E402

PYTHON = sys.executable
# The build as shipped ("parts": a large pack in parts), or with the split forced on for any
# size ("forced"), or off ("whole"), by setting its threshold.
BUILD = ("import sys\nimport csp_report.render.parts as parts\n"
         "mode = sys.argv.pop(1)\n"
         "if mode != 'parts':\n"
         "    parts.SPLIT_FROM_SIZE = 0 if mode == 'forced' else 10**15\n"
         "from csp_report.cli import main\nmain(prog_name='csp-report')\n")


def median_time(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def makespan(times: list[float], cores: int) -> float:
    """The finish time of `times` started largest first on `cores` (longest processing time
    first, as the build submits them to its workers)."""
    finish = [0.0] * cores
    for seconds in sorted(times, reverse=True):
        heapq.heapreplace(finish, finish[0] + seconds)
        heapq.heapify(finish)
    return max(finish)


def model(project: Path, runs: int) -> None:
    from csp_report.api import open_project
    from csp_report.build import choose_targets, prepare
    from csp_report.render.parts import FURNITURE_PAGES, plan_parts
    from csp_report.render.pdf import render_pdf
    from csp_report.render.pdf_join import join
    from csp_report.render.split import draw_body_part, draw_front_part, draw_furniture

    opened = open_project(project)
    items = [prepare(opened, target) for target in choose_targets(opened, None, None)]
    item = max(items, key=lambda i: len(i.html))
    plan = plan_parts(item.document, opened.root)
    if plan is None:
        print("the largest pack is below the split threshold: nothing to model")
        return
    root, epoch = opened.root, item.epoch
    print(f"Largest pack: {item.target.file_name('pdf')}, {len(plan.parts)} parts")
    numbers = tuple("1" for _ in plan.targets)
    # the cover and contents is drawn in the second round, once, with its numbers
    rendered = [draw_front_part(plan.parts[0], plan.targets, numbers, root, epoch)]
    first: list[float] = []
    for index in range(1, len(plan.parts)):
        first.append(median_time(lambda i=index: draw_body_part(  # type: ignore[misc]
            plan.parts[i], i, root, epoch), runs))
        rendered.append(draw_body_part(plan.parts[index], index, root, epoch))
    pages = sum(part.pages for part in rendered)
    front = median_time(lambda: draw_front_part(plan.parts[0], plan.targets, numbers, root,
                                                epoch), runs)
    pieces = [range(start, min(start + FURNITURE_PAGES, pages + 1))
              for start in range(1, pages + 1, FURNITURE_PAGES)]
    furniture_parts = [draw_furniture(item.document, piece, pages, root, epoch)
                       for piece in pieces]
    furniture = [median_time(lambda piece=piece: draw_furniture(  # type: ignore[misc]
        item.document, piece, pages, root, epoch), runs) for piece in pieces]
    joined = median_time(lambda: join(rendered, [f.pdf for f in furniture_parts],
                                      plan.targets), runs)
    whole = median_time(lambda: render_pdf(item.html, root, epoch), max(1, runs // 2))
    for index, (seconds, part) in enumerate(zip(first, rendered[1:], strict=True), start=1):
        print(f"  part {index:2d}  {part.pages:4d} pages  {seconds:7.2f} s")
    print(f"  cover and contents with numbers {front:7.2f} s; page furniture ({pages} pages, "
          f"{len(pieces)} pieces) {sum(furniture):7.2f} s; join {joined:7.2f} s")
    total = sum(first) + front + sum(furniture) + joined
    print(f"  parts in all {total:7.2f} s against the whole pack in one render {whole:7.2f} s "
          f"({(total / whole - 1) * 100:+.0f}%)")
    print("Modelled wall time of this pack's PDF (measured part times, scheduled):")
    print(f"  {'1 core (one render)':24s} {whole:7.2f} s  1.00x")
    for cores in (2, 4, 8):
        # the second round: the contents, and the furniture's pieces, side by side
        second = makespan([front, *furniture], cores)
        wall = makespan(first, cores) + second + joined
        print(f"  {f'{cores} cores (in parts)':24s} {wall:7.2f} s  {wall / whole:.2f}x")


def measured(project: Path, runs: int, scratch: Path, split: str) -> None:
    print(f"Measured here: `csp-report build --format pdf`, {runs} pairs, alternating")
    figures: dict[str, list[tuple[float, int]]] = {split: [], "whole": []}
    for number in range(runs):
        order = (split, "whole") if number % 2 == 0 else ("whole", split)
        for mode in order:
            out = scratch / f"out-{mode}"
            run = run_process([PYTHON, "-c", BUILD, mode, "build", str(project),
                               "--format", "pdf", "--out", str(out), "--no-cache"])
            if run.returncode != 0:
                raise SystemExit(f"build ({mode}) failed:\n{run.stderr}")
            figures[mode].append((run.seconds, run.max_rss_kb))
    ratios = [p[0] / w[0] for p, w in zip(figures[split], figures["whole"], strict=True)]
    for mode, values in figures.items():
        seconds = statistics.median(v[0] for v in values)
        rss = max(v[1] for v in values) // 1024
        print(f"  {mode:6s} median {seconds:7.2f} s (min {min(v[0] for v in values):.2f}, "
              f"max {max(v[0] for v in values):.2f}); largest process {rss} MB")
    print(f"  {split} / whole, median of the pair ratios: {statistics.median(ratios):.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=1000)
    parser.add_argument("--project", type=Path,
                        help="a project of your own (its data/ and templates/ are copied) "
                        "instead of a generated one; . for the example")
    parser.add_argument("--runs", type=int, default=8, help="pairs of builds (default 8)")
    parser.add_argument("--parts-runs", type=int, default=3,
                        help="runs of each part for the model (default 3)")
    parser.add_argument("--keep", type=Path, help="keep the project and outputs here")
    parser.add_argument("--no-build", action="store_true", help="only the model")
    parser.add_argument("--no-model", action="store_true", help="only the measured builds")
    parser.add_argument("--force-split", action="store_true",
                        help="split packs of any size (to find where splitting pays)")
    args = parser.parse_args()
    if args.force_split:
        import csp_report.render.parts as parts

        parts.SPLIT_FROM_SIZE = 0
    with tempfile.TemporaryDirectory(prefix="csp-split-") as temporary:
        scratch = args.keep or Path(temporary)
        project = scratch / "project"
        if args.project is not None and not (project / "data").exists():
            shutil.copytree(args.project / "data", project / "data")
            if (args.project / "templates").is_dir():
                shutil.copytree(args.project / "templates", project / "templates")
        if not (project / "data").exists():
            generate_project(project, args.measures)
        if not args.no_model:
            model(project, args.parts_runs)
        if not args.no_build:
            measured(project, args.runs, scratch, "forced" if args.force_split else "parts")


if __name__ == "__main__":
    main()
