"""Blocks every pack has: cover, contents, summary of RAG and missing data, and the RAG key."""

from __future__ import annotations

from decimal import Decimal

from ..compute.measures import ComputedMeasure, ComputedPack
from ..compute.numbers import figure
from ..model.columns import table_columns
from ..model.status import Scheme, Status
from ..sentences import Sentences
from .document import (
    Cell,
    Content,
    Contents,
    ContentsEntry,
    Heading,
    Page,
    Paragraph,
    Row,
    Table,
    Text,
)
from .revisions import revision_blocks


def header(text: str) -> Cell:
    return Cell((Text(text, "header"),), header=True, scope="col")


def cell(*paragraphs: Content, **options: object) -> Cell:
    return Cell(tuple(paragraphs), **options)  # type: ignore[arg-type]


def cover(computed: ComputedPack, data_date: str) -> Page:
    """The cover: partnership, plan, pack title, period, note, and the data date line."""
    report = computed.project.report
    blocks: list[Heading | Paragraph] = [
        Paragraph(report.partnership, "cover-partnership"),
        Paragraph(report.plan.title, "cover-plan"),
        Heading(computed.pack.title, 1, "title"),
        Paragraph(computed.period.range_label, "cover-period"),
    ]
    if computed.pack.note:
        blocks.append(Paragraph(computed.pack.note, "cover-note"))
    blocks.append(Paragraph(data_date, "cover-date"))
    return Page(tuple(blocks), "cover")


def contents(headings: list[Heading]) -> Contents:
    return Contents(tuple(ContentsEntry(h.text, h.id) for h in headings))


def _missing(measure: ComputedMeasure, sentences: Sentences) -> list[str]:
    """The reasons a measure's current quarter lacks data, for the chase list."""
    current = measure.current
    if not current.started:
        return []
    if current.annual:
        year = measure.entry.measure.years.get(current.period.year.id)
        if current.period.is_year_end and (year is None or year.result is None):
            return [sentences.wording("summary", part="no-result", scheme="", bad=[],
                                      year=current.period.year.label)]
        return []
    if not current.reported:
        return [sentences.wording("summary", part="no-return", scheme="", bad=[],
                                  quarter=current.period.quarter_label)]
    if current.missing:
        return [sentences.missing(current.missing)]
    reasons = [f"{f.spec.label}: {sentences.missing(f.missing)}"
               for f in current.series if f.missing]
    if not reasons and not current.commentary and not any(f.has_figures
                                                          for f in current.series):
        # A status set by hand is not data.
        return [sentences.wording("summary", part="no-data", scheme="", bad=[])]
    if any(f.has_figures for f in current.series):  # the others were simply not given
        reasons += [f"{f.spec.label}: no figure given" for f in current.series
                    if not f.has_figures and not f.missing and f.spec.unit != "text"]
    return reasons


def _worst_first(scheme: Scheme) -> list[str]:
    """Statuses as the summary counts them: worst first, the unrated status last."""
    unrated = scheme.computed["unrated"] if scheme.computed else None
    rated = [sid for sid in scheme.statuses if sid != unrated]
    return list(reversed(rated)) + ([unrated] if unrated else [])


def _status_of(measure: ComputedMeasure, scheme: Scheme) -> str:
    """The measure's status id, or "" when it has none of the scheme's."""
    rating = measure.rating
    return rating.status if rating and rating.status in scheme.statuses else ""


def _counts_table(computed: ComputedPack, sentences: Sentences, scheme: Scheme) -> Table:
    """How many measures of each section have each status."""
    def say(part: str) -> str:
        return sentences.wording("summary", part=part, scheme=scheme.name, bad=[])

    order = _worst_first(scheme)
    if any(m.rating is None or m.rating.status not in scheme.statuses
           for m in computed.measures):
        order.append("")  # given statuses not given: counted, so the totals add up
    rows = []
    totals = dict.fromkeys(order, 0)
    for section_id, section in computed.sections():
        measures = computed.in_section(section_id)
        counts = {s: sum(1 for m in measures if _status_of(m, scheme) == s) for s in order}
        for status in order:
            totals[status] += counts[status]
        name = sentences.wording("section-heading", heading=section.heading,
                                 title=section.title)
        rows.append(Row((Cell((Text(name),), header=True, scope="row"),
                         *(cell(Text(str(counts[s]))) for s in order),
                         cell(Text(str(len(measures)))))))
    rows.append(Row((Cell((Text(say("all"), "strong"),), header=True, scope="row"),
                     *(cell(Text(str(totals[s]), "strong")) for s in order),
                     cell(Text(str(len(computed.measures)), "strong")))))
    each = min(8, 64 // len(order))
    return Table(
        id="table-rag-summary", caption=say("counts-caption"),
        description=say("counts-description"),
        widths=tuple([84 - each * len(order)] + [each] * len(order) + [16]),
        head=(Row((header(say("section")),
                   *(header(scheme.statuses[s].word if s else say("not-rated")) for s in order),
                   header(say("total"))), "header"),),
        body=tuple(rows), style="summary")


def _shows_current(computed: ComputedPack) -> bool:
    """Whether the pack's tables show anything of its own period (else nothing is chased)."""
    kinds = {c.kind for _, section in computed.sections()
             for c in table_columns(computed.pack, section)}
    current = {"ytd", "narrative", "year-result", "status", "travel", "value", "previous",
               "change", "chart"}
    return bool(kinds & current) or (
        "periods" in kinds and computed.period in computed.shown)


def summary_blocks(computed: ComputedPack,
                   sentences: Sentences) -> list[Heading | Paragraph | Table]:
    """Status counts per section, the exceptions, and missing data by data owner."""
    scheme = computed.scheme

    def say(part: str, bad: tuple[str, ...] = ()) -> str:
        return sentences.wording("summary", part=part,
                                 scheme=scheme.name if scheme else "", bad=list(bad))

    blocks: list[Heading | Paragraph | Table] = [Heading(say("heading"), 2, "summary")]
    if scheme is not None:
        blocks.append(_counts_table(computed, sentences, scheme))
        bad = [sid for sid, status in scheme.statuses.items() if status.bad]
        if bad:
            words = [scheme.statuses[sid].word for sid in bad]
            blocks.append(Heading(say("exceptions", tuple(words)), 3, "summary-red"))
            flagged = [m for m in computed.measures if m.rating and m.rating.status in bad]
            blocks += [Paragraph(f"{m.entry.name} ({m.rating.basis})", "list")
                       for m in flagged if m.rating] or [Paragraph(say("no-exceptions"))]
    owners = computed.project.report.owners
    blocks.append(Heading(say("missing" if owners else "missing-plain"), 3, "summary-missing"))
    chase: dict[str, list[str]] = {}
    if _shows_current(computed):
        for measure in computed.measures:
            for reason in _missing(measure, sentences):
                owner = owners.get(measure.entry.measure.owner or "", say("no-owner"))
                label = measure.entry.measure.ref or measure.entry.measure.title
                chase.setdefault(owner, []).append(f"{label}: {reason}")
    for owner in sorted(chase):
        if owners:  # a project without data owners gets one plain list
            blocks.append(Paragraph(owner, "strong"))
        blocks += [Paragraph(line, "list") for line in chase[owner]]
    if not chase:
        blocks.append(Paragraph(say("no-missing")))
    blocks += revision_blocks(computed, sentences)  # figures revised in this period
    return blocks


def _applied_rules(computed: ComputedPack) -> dict[tuple[str, Decimal], list[str]]:
    """The rules the pack's computed statuses were decided by, each with what it compared
    against (pro-rata shares counted as the target or baseline they come from)."""
    applied: dict[tuple[str, Decimal], list[str]] = {}
    for m in computed.measures:
        rule = m.rating.rule if m.rating and m.rating.how == "computed" else None
        if rule is None:
            continue
        against = rule.against.removeprefix("pro-rata ")
        seen = applied.setdefault((rule.rule, rule.tolerance), [])
        if against not in seen:
            seen.append(against)
    order = ["target", "baseline", "last year"]
    return {key: sorted(found, key=order.index) for key, found in applied.items()}


def _key_notes(computed: ComputedPack) -> list[str]:
    """Which notes apply: each is stated only when a measure of the pack was rated that way."""
    ratings = [m.rating for m in computed.measures if m.rating]
    rules = [r.rule for r in ratings if r.how == "computed" and r.rule]
    notes = []
    if any(r.against == "last year" and r.rule != "change" for r in rules):
        notes.append("last-year")
    if any(r.against.endswith("baseline") for r in rules):
        notes.append("baseline")
    if any(r.against.startswith("pro-rata") for r in rules):
        notes.append("pro-rata")
    if any(r.how == "override" for r in ratings):
        notes.append("override")
    if any(r.how == "given" for r in ratings) and computed.scheme and computed.scheme.computed:
        notes.append("given")
    return notes


def status_key(computed: ComputedPack,
               sentences: Sentences) -> list[Heading | Paragraph | Table]:
    """The key of the pack's status scheme: what each status means, computed ones stating
    exactly the rules applied to this pack's measures; nothing for a pack without statuses."""
    scheme = computed.scheme
    if scheme is None:
        return []

    def say(part: str) -> str:
        return sentences.wording("summary", part=part, scheme=scheme.name, bad=[])

    rules = [{"rule": rule, "tolerance": figure(tolerance), "against": against}
             for (rule, tolerance), against in _applied_rules(computed).items()]
    compared: list[str] = []
    for rule in rules:
        if rule["rule"] != "change":
            compared += [a for a in rule["against"] if a not in compared]
    compared.sort(key=["target", "baseline", "last year"].index)
    outcome_of = {sid: outcome for outcome, sid in (scheme.computed or {}).items()}
    rows = []
    for sid, status in scheme.statuses.items():
        meaning = status.meaning
        if meaning is None and sid in outcome_of:
            meaning = sentences.wording("key-meaning", outcome=outcome_of[sid], rules=rules,
                                        compared=compared)
        rows.append(Row((status_word_cell(sid, status), cell(Text(meaning or "")))))
    table = Table(id="table-rag-key", caption=say("key"), description=say("key-description"),
                  widths=(15, 85),
                  head=(Row((header(say("status")), header(say("meaning"))), "header"),),
                  body=tuple(rows), style="key")
    notes = [sentences.wording("key-note", note=note) for note in _key_notes(computed)]
    return [Heading(say("key"), 2, "rag-key"), table, *(Paragraph(n, "note") for n in notes)]


def status_word_cell(status_id: str, status: Status) -> Cell:
    """A status as the key shows it: the word always, on its fill (never colour alone)."""
    return Cell((Text(status.word, "rag"),), classes=(f"status-{status_id}",),
                fill=status.colour)
