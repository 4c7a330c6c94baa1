"""csp-report benchmark: this checkout's build against an earlier revision's, paired.

Usage (from the repository root):

    .venv/bin/python bench/versions.py REVISION [--measures 1000 | --project DIR] [--runs 8]
                                       [--format pdf] [--keep DIR]

REVISION is any git revision of this repository (a commit, a tag, `HEAD~3`). Its package is
exported with `git archive` into a temporary folder and run from there by this checkout's
Python and libraries, so only csp-report's own code differs. On a synthetic project
(bench/generate.py, seeded) or --project DIR, it runs `csp-report build` as a subprocess, the
earlier revision and this checkout in turn, --runs pairs, and prints for each: the median
wall time (min-max), the median of the pair-by-pair ratios (this / earlier), and the peak RSS
of the largest process (the build, a render worker or a join, from wait4). Both run with
--no-cache where they have it, so that every run draws every pack.

Nothing in the repository is written. The machine may be shared: quote medians and ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate_project  # noqa: E402
from run import Run, run_process  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def export(revision: str, into: Path) -> str:
    """The revision's package, written under `into`; returns its commit's short name."""
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", revision],
                            capture_output=True, text=True, check=True).stdout.strip()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "csp_report"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return commit


def build_command(package_parent: Path | None, project: Path, out: Path,
                  formats: list[str]) -> list[str]:
    """`csp-report build` run from `package_parent` (an exported revision) or this checkout
    (installed in this Python's environment)."""
    options = [arg for fmt in formats for arg in ("--format", fmt)]
    if package_parent is None:
        return [PYTHON, "-m", "csp_report", "build", str(project), "--out", str(out),
                "--no-cache", *options]
    # A revision with the render cache would otherwise give back its first run's files.
    if "--no-cache" in (package_parent / "csp_report/cli.py").read_text(encoding="utf-8"):
        options.append("--no-cache")
    return ["env", f"PYTHONPATH={package_parent}", PYTHON, "-m", "csp_report", "build",
            str(project), "--out", str(out), *options]


def checked(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise SystemExit(f"{what} failed ({run.returncode}):\n{run.stderr}")
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revision")
    parser.add_argument("--measures", type=int, default=1000)
    parser.add_argument("--project", type=Path, help="a project to build instead")
    parser.add_argument("--runs", type=int, default=8)
    parser.add_argument("--format", dest="formats", action="append",
                        help="a format to build (repeatable; default: the build's default)")
    parser.add_argument("--keep", type=Path, help="keep the project and outputs here")
    options = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="csp-versions-")) if options.keep is None \
        else options.keep
    try:
        earlier = work / "earlier"
        shutil.rmtree(earlier, ignore_errors=True)  # a kept folder may hold another revision
        earlier.mkdir(parents=True)
        commit = export(options.revision, earlier)
        if options.project is not None:
            project = options.project.resolve()
        else:
            project = work / "project"
            generate_project(project, options.measures, 20261123)
        formats = options.formats or []
        commands = {f"earlier ({commit})": lambda out: build_command(earlier, project, out,
                                                                      formats),
                    "this checkout": lambda out: build_command(None, project, out, formats)}
        runs: dict[str, list[Run]] = {name: [] for name in commands}
        print(f"{project}: build {' '.join(formats) or '(default formats)'}, "
              f"{options.runs} pairs, alternating", flush=True)
        for number in range(options.runs):
            # Each pair in the other order, so that neither side always runs second (on a
            # warm disk cache, or on whatever the shared machine is doing by then).
            order = list(commands.items())
            for name, command in order if number % 2 == 0 else reversed(order):
                out = work / "out" / name.split()[0]
                shutil.rmtree(out, ignore_errors=True)
                # Run from the work folder: `python -m` puts the current folder first on
                # sys.path, which from the repository root would be this checkout's package.
                run = checked(run_process(command(out), cwd=work), name)
                runs[name].append(run)
                print(f"  pair {number + 1}: {name:<20} {run.seconds:7.2f} s  "
                      f"{run.max_rss_kb / 1024:6.0f} MB", flush=True)
        before, after = runs.values()
        for name, taken in runs.items():
            seconds = [run.seconds for run in taken]
            print(f"{name:<20} median {statistics.median(seconds):7.2f} s "
                  f"({min(seconds):.2f}-{max(seconds):.2f}), largest process "
                  f"{max(run.max_rss_kb for run in taken) / 1024:.0f} MB")
        ratios = [b.seconds / a.seconds for a, b in zip(before, after, strict=True)]
        print(f"this checkout / earlier, median of the pair ratios: "
              f"{statistics.median(ratios):.2f}x ({min(ratios):.2f}-{max(ratios):.2f})")
    finally:
        if options.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
