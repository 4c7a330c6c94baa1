"""Layout stage: a computed pack becomes a format-neutral Document both renderers draw."""

from __future__ import annotations

import datetime as dt

from ..compute.measures import ComputedPack
from ..sentences import Sentences
from ..source_date import source_date
from .common import contents, cover, status_key, summary_blocks
from .document import Document, Heading, Page
from .tables import section_tables
from .theme import Theme, paint


def data_date(computed: ComputedPack) -> dt.date:
    """The date a pack carries: SOURCE_DATE_EPOCH when set (reproducible builds), else the
    last day of the period. Never the clock."""
    given = source_date()
    return given.date() if given is not None else computed.period.end_date


def layout(computed: ComputedPack) -> Document:
    """Decide the pages, headings, tables and sentences of one pack."""
    sentences = Sentences(computed.project.root)
    pack = computed.pack
    report = computed.project.report
    period_end = computed.period.end_date
    shown_date = pack.published or f"{period_end.day} {period_end:%B %Y}"
    theme = Theme.from_config(report.theme)
    tables = section_tables(computed, sentences, theme)
    summary = summary_blocks(computed, sentences) if pack.summary else []
    key = status_key(computed, sentences) if pack.key else []
    headings = [b for b in [*summary, *key, *tables] if isinstance(b, Heading) and b.level == 2]

    def say(part: str) -> str:
        return sentences.wording(
            "pack-words", part=part, plan=report.plan.title, pack=pack.title,
            period=computed.period.range_label, partnership=report.partnership,
            quarter=computed.period.quarter_label, year=computed.period.year.label,
            date=shown_date)

    pages = [cover(computed, say("data-date"))]
    if pack.contents:
        pages.append(Page((Heading(say("contents"), 2, "contents"), contents(headings))))
    if summary or key:
        pages.append(Page(tuple(summary) + tuple(key)))
    pages.append(Page(tuple(tables)))
    return paint(Document(
        title=say("title"),
        subject=say("subject"),
        language=report.language,
        author=report.partnership,
        date=data_date(computed).isoformat(),
        footer=say("footer"),
        pages=tuple(pages),
        theme=theme,
    ))
