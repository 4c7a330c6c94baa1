"""Layout stage: a computed pack becomes a format-neutral Document both renderers draw."""

from __future__ import annotations

import datetime as dt
import os

from ..compute.measures import ComputedPack
from ..sentences import Sentences
from .activity import activity_tables
from .common import contents, cover, rag_key, summary_blocks
from .document import Document, Heading, Page
from .theme import Theme, paint
from .tracker import tracker_tables


def data_date(computed: ComputedPack) -> dt.date:
    """The date a pack carries: SOURCE_DATE_EPOCH when set (reproducible builds), else the
    last day of the period. Never the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return computed.period.end_date


def layout(computed: ComputedPack) -> Document:
    """Decide the pages, headings, tables and sentences of one pack."""
    sentences = Sentences(computed.project.root)
    pack = computed.pack
    report = computed.project.report
    period_end = computed.period.end_date
    shown_date = pack.published or f"{period_end.day} {period_end:%B %Y}"
    if pack.layout == "tracker":
        tables = tracker_tables(computed, sentences)
    else:
        tables = activity_tables(computed, sentences)
    summary = summary_blocks(computed)
    key = rag_key(report.rag)
    headings = [b for b in [*summary, *key, *tables] if isinstance(b, Heading) and b.level == 2]
    title = f"{report.plan.title} {pack.title} - {computed.period.range_label}"
    return paint(Document(
        title=title,
        subject=f"{report.partnership}: {pack.title}, {computed.period.quarter_label} "
                f"{computed.period.year.label}",
        language=report.language,
        author=report.partnership,
        date=data_date(computed).isoformat(),
        footer=f"{report.plan.title} {pack.title} - {computed.period.range_label}",
        pages=(
            cover(computed, shown_date),
            Page((Heading("Contents", 2, "contents"), contents(headings))),
            Page(tuple(summary) + tuple(key)),
            Page(tuple(tables)),
        ),
        theme=Theme.from_config(report.theme),
    ))
