"""Layout B, the target tracker: per theme a table with a vertical label and four quarters."""

from __future__ import annotations

from ..compute.measures import ComputedPack
from ..sentences import Sentences
from .cells import measure_paragraphs, rag_paragraphs, update_paragraphs
from .common import cell, header, rag_cell
from .document import Cell, Heading, Row, Table, Text

WIDTHS = (5, 5, 26, 14, 14, 14, 14, 8)


def tracker_tables(computed: ComputedPack, sentences: Sentences) -> list[Heading | Table]:
    blocks: list[Heading | Table] = []
    year = computed.period.year
    for section_id, section in computed.sections():
        measures = computed.in_section(section_id)
        if section.group:
            blocks.append(Heading(section.group, 2, f"group-{section_id}"))
        blocks.append(Heading(f"{section.heading}: {section.title}", 2, f"section-{section_id}"))
        head = Row((header("Theme"), header("No"), header("Performance Measure"),
                    *(header(year.quarter(n).quarter_label) for n in range(1, 5)),
                    header("RAG")), "header")
        body = []
        for index, measure in enumerate(measures):
            m = measure.entry.measure
            quarters = {q.period.number: q for q in measure.quarters}
            label = ()
            if index == 0:
                label = (Cell((Text(section.label or section.title, "side-label"),),
                              header=True, scope="rowgroup", rowspan=len(measures),
                              classes=("side-label",)),)
            quarter_cells = tuple(
                cell(*update_paragraphs(quarters[n], sentences)) if n in quarters
                else cell(Text("", "future"))
                for n in range(1, 5))
            body.append(Row((
                *label,
                Cell((Text(m.ref, "ref"),), header=True, scope="row"),
                cell(*measure_paragraphs(measure, sentences, history=True)),
                *quarter_cells,
                rag_cell(measure.rag.status, measure.rag.word, rag_paragraphs(measure)),
            )))
        blocks.append(Table(
            id=f"table-section-{section_id}",
            caption=section.label or section.title,
            description=f"{section.title} targets: each measure's quarterly updates for "
                        f"{year.label} and its RAG status.",
            widths=WIDTHS, head=(head,), body=tuple(body), style="tracker"))
    return blocks
