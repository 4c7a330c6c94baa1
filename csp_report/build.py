"""Build: compute, lay out, render and write packs; nothing is written unless all succeed."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .compute.measures import compute
from .errors import UsageError
from .formats import DEFAULT_FORMATS, FORMATS
from .layout import data_date, layout
from .model.periods import Period
from .model.project import Project
from .render.html import render_html
from .write import write_all

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Target:
    """One pack for one period."""

    pack_id: str
    period: Period

    def file_name(self, fmt: str) -> str:
        return f"{self.pack_id}-{self.period.id}.{fmt}"


def choose_targets(project: Project, pack: str | None, period: str | None) -> list[Target]:
    """The packs and periods to build: every pack at its latest period unless told otherwise."""
    packs = project.report.packs
    if pack is not None and pack not in packs:
        raise UsageError(f"no pack '{pack}'; the packs are: {', '.join(packs)}")
    chosen = [pack] if pack else list(packs)
    targets = []
    for pack_id in chosen:
        available = project.periods(pack_id)
        if period is None:
            if not available:
                raise UsageError(f"pack '{pack_id}' has no quarterly data to build")
            targets.append(Target(pack_id, available[-1]))
            continue
        try:
            wanted = Period.parse(period)
        except ValueError as err:
            raise UsageError(str(err)) from None
        if wanted not in available:
            listed = ", ".join(p.id for p in available) or "none"
            raise UsageError(f"pack '{pack_id}' has no data for {wanted.id} "
                             f"(periods with data: {listed})")
        targets.append(Target(pack_id, wanted))
    return targets


def _epoch(date: dt.date) -> int:
    return calendar.timegm(date.timetuple())


def render_target(project: Project, target: Target, formats: Sequence[str],
                  progress: Progress) -> dict[str, bytes]:
    """Every requested format of one pack, in memory."""
    computed = compute(project, target.pack_id, target.period)
    document = layout(computed)
    html = render_html(document, project.root)
    rendered: dict[str, bytes] = {}
    if "html" in formats:
        rendered["html"] = html.encode("utf-8")
    if "pdf" in formats:
        from .render.pdf import render_pdf

        progress(f"{target.file_name('pdf')}")
        rendered["pdf"] = render_pdf(html, project.root, _epoch(data_date(computed)))
    if "docx" in formats:
        from .render.docx import render_docx

        progress(f"{target.file_name('docx')}")
        rendered["docx"] = render_docx(document, project.root)
    return rendered


def build(project: Project, *, pack: str | None = None, period: str | None = None,
          formats: Sequence[str] = DEFAULT_FORMATS, out: Path | None = None,
          progress: Progress | None = None) -> list[Path]:
    """Build packs into `out` (default PROJECT/output) and return the files written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown format '{unknown[0]}'; choose from {', '.join(FORMATS)}")
    out_dir = out if out is not None else project.root / "output"
    report = progress or (lambda _message: None)
    outputs: dict[Path, bytes] = {}
    for target in choose_targets(project, pack, period):
        for fmt, data in render_target(project, target, formats, report).items():
            outputs[out_dir / target.file_name(fmt)] = data
    return write_all(outputs)
