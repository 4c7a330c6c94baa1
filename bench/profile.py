"""Profile a csp-report command with pyinstrument and say where the wall time goes.

Usage (pyinstrument is not a project dependency: `.venv/bin/pip install pyinstrument`):

    .venv/bin/python bench/profile.py [--interval 0.002] [--save DIR] -- ARGS...

e.g. `bench/profile.py -- build --out /tmp/out` (the example project, from the repository
root), `bench/profile.py -- build /tmp/project-1000 --out /tmp/out` or `bench/profile.py --
--help`. It runs `python -m pyinstrument -m csp_report ARGS` and prints the wall time of each
stage (the first matching frame from the top of each sample's stack wins, so the shares add
up to 100%), then the 15 functions with the most self time. --save keeps the .pyisession
and an HTML report. Sampling overhead inflates the total; the shares are what matter.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

# A sample's stage is the first of these that any frame of its stack matches: (stage name,
# function names separated by "|" ("" = any; methods as Class.method), file path fragment).
STAGES: list[tuple[str, str, str]] = [
    ("import: weasyprint", "<module>", "weasyprint/"),
    ("import: python-docx + our docx renderer", "<module>", "docx"),
    ("import: jinja2", "<module>", "jinja2/"),
    ("import: pydantic, yaml, click, csp_report models", "<module>", ""),
    ("Jinja: environment + template compile", "_environment|Environment.get_template",
     ""),
    ("validate: YAML load (loader.load_project)", "load_project", "csp_report/loader.py"),
    ("validate: pydantic + rules (validate.validate)", "validate", "csp_report/validate.py"),
    ("compute (compute.measures.compute)", "compute", "csp_report/compute/measures.py"),
    ("sentences: Jinja templates (sentences.Sentences)", "", "csp_report/sentences.py"),
    ("layout (layout.layout, without sentences)", "layout", "csp_report/layout/__init__.py"),
    ("html: render_html", "render_html", "csp_report/render/html.py"),
    ("WeasyPrint: parse HTML (HTML.__init__)", "HTML.__init__", "weasyprint/__init__.py"),
    ("WeasyPrint: CSS + computed styles", "Document._build_layout_context",
     "weasyprint/document.py"),
    ("WeasyPrint: box tree", "build_formatting_structure", "weasyprint/formatting_structure/"),
    ("WeasyPrint: layout (pages, tables, line breaking)", "layout_document",
     "weasyprint/layout/"),
    ("WeasyPrint: draw + write PDF, fonts, tags", "Document.write_pdf", "weasyprint/document.py"),
    ("WeasyPrint: other", "", "weasyprint/"),
    ("docx: render_docx", "render_docx", "csp_report/render/docx.py"),
    ("write outputs (write.write_all)", "write_all", "csp_report/write.py"),
    ("click / CLI", "", "click/"),
]


# Frames every sample has (the profiler, runpy, csp_report/__main__.py): never a stage.
_WRAPPERS = ("pyinstrument/", "runpy", "<string>", "csp_report/__main__.py")


def stage_of(stack: list[tuple[str, str]]) -> str:
    frames = [(f, path) for f, path in stack if not any(w in path for w in _WRAPPERS)]
    for name, functions, fragment in STAGES:
        wanted = set(functions.split("|")) if functions else None
        for function, path in frames:
            if (wanted is None or function in wanted) and fragment in path:
                return name
    return "other"


def summarise(session_file: Path, top: int = 15) -> None:
    from pyinstrument.session import Session

    session = Session.load(str(session_file))
    root = session.root_frame()
    if root is None:
        print("no samples")
        return
    stages: dict[str, float] = defaultdict(float)
    selfs: dict[str, float] = defaultdict(float)

    def walk(frame: Any, stack: list[tuple[str, str]], owner: str) -> None:
        if frame.is_synthetic:  # "[self]" / "<built-in>" leaves: time of the calling function
            here, key = stack, owner
        else:
            name = f"{frame.class_name}.{frame.function}" if frame.class_name \
                else frame.function or ""
            here = stack + [(name, frame.file_path or "")]
            key = f"{name}  {frame.file_path_short}:{frame.line_no}"
        own = frame.time - sum(child.time for child in frame.children)
        if own > 0:
            stages[stage_of(here)] += own
            selfs[key] += own
        for child in frame.children:
            walk(child, here, key)

    walk(root, [], "")
    total = root.time
    print(f"sampled wall time {total:.2f} s (profiler overhead included)")
    print("\nby stage")
    for name, seconds in sorted(stages.items(), key=lambda item: -item[1]):
        if seconds / total >= 0.002:
            print(f"  {seconds / total:6.1%}  {seconds:7.2f} s  {name}")
    print(f"\ntop {top} functions by self time")
    for name, seconds in sorted(selfs.items(), key=lambda item: -item[1])[:top]:
        print(f"  {seconds / total:6.1%}  {seconds:7.2f} s  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interval", type=float, default=0.002, help="sampling interval (s)")
    parser.add_argument("--save", type=Path, help="keep the session and an HTML report here")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="csp-report arguments")
    options = parser.parse_args()
    args = [a for a in options.args if a != "--"] or ["--help"]
    with tempfile.TemporaryDirectory(prefix="csp-profile-") as scratch:
        folder = options.save or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        session = folder / "profile.pyisession"
        command = [sys.executable, "-m", "pyinstrument", "-i", str(options.interval),
                   "-r", "pyisession", "-o", str(session), "-m", "csp_report", *args]
        done = subprocess.run(command, stdout=subprocess.DEVNULL)
        if done.returncode:
            print(f"csp-report exited {done.returncode}", file=sys.stderr)
        if options.save:
            subprocess.run([sys.executable, "-m", "pyinstrument", "--load", str(session), "-r",
                            "html", "-o", str(folder / "profile.html")], check=False)
        print(f"csp-report {' '.join(args)}")
        summarise(session)
    return 0


if __name__ == "__main__":
    sys.exit(main())
