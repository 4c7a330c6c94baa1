"""Blocks every pack has: cover, contents, summary of RAG and missing data, and the RAG key."""

from __future__ import annotations

from ..compute.measures import ComputedMeasure, ComputedPack
from ..compute.numbers import plain
from ..model.report import RagRules
from ..sentences import MISSING_WORDS
from .colours import RAG_FILLS
from .document import Cell, Contents, ContentsEntry, Heading, Page, Paragraph, Row, Table, Text
from .revisions import revision_blocks

STATUSES = ("red", "amber", "green", "grey")


def header(text: str) -> Cell:
    return Cell((Text(text, "header"),), header=True, scope="col")


def cell(*paragraphs: Text, **options: object) -> Cell:
    return Cell(tuple(paragraphs), **options)  # type: ignore[arg-type]


def rag_cell(status: str, word: str, extra: tuple[Text, ...] = ()) -> Cell:
    """A RAG cell: the word always, the fill as well (never colour alone)."""
    return Cell((Text(word, "rag"), *extra), classes=(f"rag-{status}",), fill=RAG_FILLS[status])


def cover(computed: ComputedPack, data_date: str) -> Page:
    report = computed.project.report
    blocks = [
        Paragraph(report.partnership, "cover-partnership"),
        Paragraph(report.plan.title, "cover-plan"),
        Heading(computed.pack.title, 1, "title"),
        Paragraph(computed.period.range_label, "cover-period"),
    ]
    if computed.pack.note:
        blocks.append(Paragraph(computed.pack.note, "cover-note"))
    blocks.append(Paragraph(f"Data as at {data_date}", "cover-date"))
    return Page(tuple(blocks), "cover")


def contents(headings: list[Heading]) -> Contents:
    return Contents(tuple(ContentsEntry(h.text, h.id) for h in headings))


def _missing(measure: ComputedMeasure) -> list[str]:
    """The reasons a measure's current quarter lacks data, for the chase list."""
    current = measure.current
    if not current.reported:
        return [f"No return for {current.period.quarter_label}"]
    if current.missing:
        return [f"{MISSING_WORDS[current.missing.state]}: {current.missing.reason}"]
    reasons = [f"{f.spec.label}: {MISSING_WORDS[f.missing.state]}: {f.missing.reason}"
               for f in current.series if f.missing]
    if not reasons and not current.commentary and not any(f.has_figures
                                                          for f in current.series):
        return ["No figure or commentary given"]  # issue 11: a hand-set status is not data
    if any(f.has_figures for f in current.series):  # the others were simply not given
        reasons += [f"{f.spec.label}: no figure given" for f in current.series
                    if not f.has_figures and not f.missing and f.spec.unit != "text"]
    return reasons


def summary_blocks(computed: ComputedPack) -> list[Heading | Paragraph | Table]:
    """RAG counts per section, the Red measures, and missing data by data owner."""
    rows = []
    totals = dict.fromkeys(STATUSES, 0)
    for section_id, section in computed.sections():
        measures = computed.in_section(section_id)
        counts = {s: sum(1 for m in measures if m.rag.status == s) for s in STATUSES}
        for status in STATUSES:
            totals[status] += counts[status]
        name = f"{section.heading}: {section.title}"
        rows.append(Row((Cell((Text(name),), header=True, scope="row"),
                         *(cell(Text(str(counts[s]))) for s in STATUSES),
                         cell(Text(str(len(measures)))))))
    rows.append(Row((Cell((Text("All measures", "strong"),), header=True, scope="row"),
                     *(cell(Text(str(totals[s]), "strong")) for s in STATUSES),
                     cell(Text(str(sum(totals.values())), "strong")))))
    counts_table = Table(
        id="table-rag-summary", caption="RAG status by section",
        description="Number of measures in each section with each RAG status.",
        widths=(52, 8, 8, 8, 8, 16),
        head=(Row((header("Section"), header("Red"), header("Amber"), header("Green"),
                   header("Grey"), header("Total")), "header"),),
        body=tuple(rows), style="summary")
    blocks: list[Heading | Paragraph | Table] = [Heading("Summary", 2, "summary"), counts_table]
    blocks.append(Heading("Measures rated Red", 3, "summary-red"))
    reds = [m for m in computed.measures if m.rag.status == "red"]
    blocks += [Paragraph(f"{m.entry.measure.ref} {m.entry.measure.title} ({m.rag.basis})",
                         "list") for m in reds] or [Paragraph("None.")]
    blocks.append(Heading("Missing data by data owner", 3, "summary-missing"))
    owners = computed.project.report.owners
    chase: dict[str, list[str]] = {}
    for measure in computed.measures:
        for reason in _missing(measure):
            owner = owners.get(measure.entry.measure.owner or "", "No data owner recorded")
            chase.setdefault(owner, []).append(f"{measure.entry.measure.ref}: {reason}")
    for owner in sorted(chase):
        blocks.append(Paragraph(owner, "strong"))
        blocks += [Paragraph(line, "list") for line in chase[owner]]
    if not chase:
        blocks.append(Paragraph("None: every measure has data for this period."))
    blocks += revision_blocks(computed)  # issue 11: figures revised in this period
    return blocks


def rag_key(rules: RagRules) -> list[Heading | Paragraph | Table]:
    """The RAG key, stating the rules in force in words."""
    tolerance = plain(rules.tolerance)
    if rules.rule == "improvement":
        amber = "Missed the target, but better than the same period last year."
        red = "Missed the target and no better than the same period last year."
    else:
        amber = f"Missed the target by up to {tolerance}%."
        red = f"Missed the target by more than {tolerance}%."
    meaning = {
        "green": "On target or better.",
        "amber": amber,
        "red": red,
        "grey": "Monitor-only measure, or no data for the period.",
    }
    basis = ("Measures without a target for the year are compared with the same period last "
             "year." if rules.no_target == "last-year"
             else "Measures without a target for the year are Grey.")
    rows = tuple(Row((rag_cell(s, s.capitalize()), cell(Text(meaning[s])))) for s in
                 ("green", "amber", "red", "grey"))
    table = Table(id="table-rag-key", caption="RAG key", description="What each RAG status means.",
                  widths=(15, 85),
                  head=(Row((header("Status"), header("Meaning")), "header"),),
                  body=rows, style="key")
    notes = [basis, "Counts are compared year to date against a pro-rata share of the annual "
             "target. A status set by hand is marked 'set manually' with its reason."]
    return [Heading("RAG key", 2, "rag-key"), table, *(Paragraph(n, "note") for n in notes)]
