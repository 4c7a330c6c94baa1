"""Layout A, the activity update: per priority a banner, an Outcome row and one row a measure."""

from __future__ import annotations

from ..compute.measures import ComputedPack
from ..sentences import Sentences
from .cells import measure_paragraphs, update_paragraphs
from .colours import BANNER_FILL
from .common import cell, header
from .document import Cell, Heading, Row, Table, Text

WIDTHS = (7, 36, 18, 39)


def activity_tables(computed: ComputedPack, sentences: Sentences) -> list[Heading | Table]:
    blocks: list[Heading | Table] = []
    owners = computed.project.report.owners
    for section_id, section in computed.sections():
        if section.group:
            blocks.append(Heading(section.group, 2, f"group-{section_id}"))
        blocks.append(Heading(f"{section.heading}: {section.title}", 2, f"section-{section_id}"))
        label = computed.period.label(section.period_label or computed.pack.period_label)
        head = [
            Row((Cell((Text(section.heading, "banner"),), header=True, scope="col",
                      fill=BANNER_FILL, classes=("banner",)),
                 Cell((Text(section.title, "banner"),), header=True, scope="colgroup",
                      colspan=3, fill=BANNER_FILL, classes=("banner",))), "banner"),
            Row((Cell((Text("Outcome", "header"),), header=True, scope="row"),
                 cell(Text(section.outcome or "", "outcome"), colspan=3)), "outcome"),
            Row((header("Ref"), header("Activities to support this priority"),
                 header("Data collation"), header(label)), "header"),
        ]
        body = []
        for measure in computed.in_section(section_id):
            m = measure.entry.measure
            body.append(Row((
                Cell((Text(m.ref, "ref"),), header=True, scope="row"),
                cell(*measure_paragraphs(measure, sentences, history=False)),
                cell(Text(owners[m.owner] if m.owner else "", "owner")),
                cell(*update_paragraphs(measure.current, sentences)),
            )))
        blocks.append(Table(
            id=f"table-section-{section_id}",
            caption=f"{section.heading}: {section.title}",
            description=f"{section.heading} measures with their data owner and update for "
                        f"{computed.period.range_label}.",
            widths=WIDTHS, head=tuple(head), body=tuple(body), style="activity"))
    return blocks
