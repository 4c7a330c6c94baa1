"""Validation of what a pack's columns and status scheme ask of report.yaml and of each
measure: schemes, declared fields and narratives, refs where shown, statuses in the scheme."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .errors import Problem
from .layout.theme import MIN_CONTRAST, Theme, contrast
from .loader import REPORT_FILE, Document
from .messages import did_you_mean
from .model.columns import (
    ChosenQuarters,
    Column,
    column_width,
    most_periods,
    table_columns,
)
from .model.measure import Measure
from .model.periods import Period
from .model.report import FieldSpec, Pack, Report
from .model.status import BUILT_IN, Scheme
from .model.types import printed_form


def scheme_of(report: Report, pack: Pack) -> Scheme | None:
    if pack.status == "none":
        return None
    return report.status_schemes.get(pack.status) or BUILT_IN.get(pack.status)


def check_report(report: Report, doc: Document) -> list[Problem]:
    """Each pack's scheme exists; its columns name declared fields and narratives."""
    problems: list[Problem] = []
    schemes = ["none", *BUILT_IN, *report.status_schemes]
    theme = Theme.from_config(report.theme)
    for name, scheme in report.status_schemes.items():
        problems += _check_words(name, scheme, doc)
        for sid, status in scheme.statuses.items():
            best = contrast(theme.text_on(status.colour), status.colour)
            if best < MIN_CONTRAST:
                where = ("status_schemes", name, "statuses", sid, "colour")
                problems.append(Problem(
                    REPORT_FILE, doc.line_of(where), ".".join(where),
                    f"no text colour of the theme reads on {status.colour} (best "
                    f"{best:.1f}:1, at least {MIN_CONTRAST}:1 needed): choose a lighter or "
                    "darker colour"))
        if name in ("none", *BUILT_IN):
            problems.append(Problem(REPORT_FILE, doc.line_of(("status_schemes", name)),
                                    f"status_schemes.{name}",
                                    f"'{name}' is a built-in scheme; choose another id"))
    # A built-in scheme's colours are fixed: the theme's text colours must read on them.
    used = sorted({pack.status for pack in report.packs.values()} & set(BUILT_IN))
    for name in used:
        for sid, status in BUILT_IN[name].statuses.items():
            best = contrast(theme.text_on(status.colour), status.colour)
            if best < MIN_CONTRAST:
                at: tuple[str, ...] = ("theme", "text") \
                    if "text" in report.theme.model_fields_set else ("theme",)
                problems.append(Problem(
                    REPORT_FILE, doc.line_of(at), ".".join(at),
                    f"neither the theme's text colour {theme.text} nor its light text "
                    f"{theme.light_text} reads on the {name} scheme's '{sid}' fill "
                    f"{status.colour} (best {best:.1f}:1, at least {MIN_CONTRAST}:1 needed): "
                    "choose a darker text colour"))
                break
    for pack_id, pack in report.packs.items():
        if pack.frequency == "monthly" and isinstance(pack.periods, ChosenQuarters):
            problems.append(Problem(REPORT_FILE, doc.line_of(("packs", pack_id, "periods")),
                                    f"packs.{pack_id}.periods", "a choice of quarters is for "
                                    "quarterly packs: use current, year, year-so-far or {last: N}"))
        if pack.status not in schemes:
            problems.append(Problem(
                REPORT_FILE, doc.line_of(("packs", pack_id, "status")),
                f"packs.{pack_id}.status", f"'{pack.status}' is not a status scheme: use "
                f"{', '.join(schemes)}{did_you_mean(pack.status, schemes)}"))
        own: list[tuple[tuple[Any, ...], list[Any]]] = [
            (("packs", pack_id, "sections", sid, "columns"), section.columns)
            for sid, section in pack.sections.items() if section.columns is not None]
        places: list[tuple[tuple[Any, ...], list[Any]]] = \
            [(("packs", pack_id, "columns"), pack.columns)] if pack.columns is not None else []
        places += own
        drawn = list(own)
        if any(section.columns is None for section in pack.sections.values()):
            # The pack's table (its columns, else its preset's) is drawn for these sections.
            key = "columns" if pack.columns is not None else "layout"
            drawn.insert(0, (("packs", pack_id, key), list(table_columns(pack))))
        for path, columns in drawn:
            problems += _check_table(path, columns, most_periods(pack, pack.frequency), report,
                                     theme, pack.layout, doc)
        for path, columns in places:
            for index, column in enumerate(columns):
                where = (*path, index, "field")
                known: dict[str, Any] = (
                    {"commentary": "Commentary", **report.narratives}
                    if column.kind == "narrative" else report.fields)
                if column.field is not None and column.field not in known:
                    what = "narrative" if column.kind == "narrative" else "field"
                    declare = "narratives" if column.kind == "narrative" else "fields"
                    problems.append(Problem(
                        REPORT_FILE, doc.line_of(where), ".".join(map(str, where)),
                        f"'{column.field}' is not a {what} declared under '{declare}'"
                        f"{did_you_mean(column.field, known)}"))
    return problems


# The narrowest a column of long text may be: commentary and narratives run to 20,000
# characters, and the PDF renderer takes minutes to lay one out in a column a few millimetres
# wide, line after line, page after page (1% of the width: over ten minutes, 3%: 93 s). Other
# texts are at most 2,000 characters: a narrow column of them is slow to read, not to draw.
MIN_TEXT_SHARE = 5  # per cent of the table's width (a periods column: each of its periods)
MIN_TEXT_MM = 12    # and millimetres, as the theme draws the table


def _long_text(column: Column) -> bool:
    """Whether the column may hold commentary or a narrative (up to 20,000 characters)."""
    if column.kind in ("narrative", "detail"):
        return True
    if column.kind == "periods":
        return not column.brief  # its sentences, commentary and narratives
    if column.kind == "measure":
        return "detail" in (column.show or ("title", "detail"))
    return False  # a field's text, a title or a name is at most 2,000 characters


def _names_rows(column: Column) -> bool:
    """Whether the column says which measure a row is: its ref or its title."""
    if column.kind == "measure":
        return "title" in (column.show or ("title",))
    return column.kind in ("ref", "title")


def _check_table(path: tuple[Any, ...], columns: list[Column], periods: int, report: Report,
                 theme: Theme, style: str, doc: Document) -> list[Problem]:
    """A table says which measure each row is, and no column of long text in it is too
    narrow to draw."""
    problems: list[Problem] = []
    declared = path[-1] == "columns"  # else the preset's columns, found at the pack's layout
    if not any(_names_rows(column) for column in columns):
        problems.append(Problem(REPORT_FILE, doc.line_of(path), ".".join(map(str, path)),
                                "a table needs a ref, title or measure column showing the "
                                "title: without one nothing says which measure a row is"))
    counts = [periods if column.kind == "periods" else 1 for column in columns]
    total = sum(column_width(c) * n for c, n in zip(columns, counts, strict=True))
    table_mm = theme.text_width_mm * theme.table_percent(style) / 100
    for index, column in enumerate(columns):
        share = 100 * column_width(column) / total
        width_mm = table_mm * share / 100
        if not _long_text(column) or (share >= MIN_TEXT_SHARE
                                              and width_mm >= MIN_TEXT_MM):
            continue
        where = (*path, index, "width") if declared and column.width is not None else \
            ((*path, index) if declared else path)
        what = "each period of the periods column" if column.kind == "periods" else \
            f"the {column.kind} column"
        counted = f" (the periods column counts once for each of its {periods} periods)" \
            if periods > 1 and "periods" in (c.kind for c in columns) else ""
        problems.append(Problem(
            REPORT_FILE, doc.line_of(where), ".".join(map(str, where)),
            f"{what} would be {share:.1f}% of the table's width{counted}, {width_mm:.0f} mm "
            f"as the theme draws it; a column that may hold commentary needs at least "
            f"{MIN_TEXT_SHARE}% and {MIN_TEXT_MM} mm: give it a larger width, or the others "
            "smaller ones"))
    return problems


def _check_words(name: str, scheme: Scheme, doc: Document) -> list[Problem]:
    """No two statuses of a scheme print the same word: a reader could not tell them apart
    (the summary had two 'Good' columns, one of them the bad news)."""
    problems, seen = [], dict[str, str]()
    for sid, status in scheme.statuses.items():
        word = printed_form(status.word).casefold()
        if word in seen:
            where = ("status_schemes", name, "statuses", sid, "word")
            first = scheme.statuses[seen[word]].word
            problems.append(Problem(
                REPORT_FILE, doc.line_of(where), ".".join(where),
                f"'{status.word}' prints as the word of '{seen[word]}' ('{first}'): a reader "
                "could not tell the two statuses apart"))
        else:
            seen[word] = sid
    return problems


def check_measure(measure: Measure, doc: Document, report: Report,
                  pack_id: str) -> list[Problem]:
    """A measure against its pack: a ref where refs are shown, declared fields with values of
    their type, narratives declared, statuses of the pack's scheme."""
    problems: list[Problem] = []
    pack = report.packs[pack_id]

    def add(path: tuple[Any, ...], message: str) -> None:
        problems.append(Problem(doc.file, doc.line_of(path),
                                ".".join(str(p) for p in path), message))

    for name, value in measure.fields.items():
        _check_field(("fields", name), name, value, report.fields, add)
    scheme = scheme_of(report, pack)
    for pid, quarter in measure.quarters.items():
        base = ("quarters", pid)
        for name, value in quarter.fields.items():
            _check_field((*base, "fields", name), name, value, report.fields, add)
        for name in quarter.narratives:
            if name not in report.narratives:
                add((*base, "narratives", name),
                    f"'{name}' is not a narrative declared under 'narratives' in "
                    f"{REPORT_FILE}{did_you_mean(name, report.narratives)}")
        _check_statuses(measure, base, quarter.status, quarter.rag, scheme, pack_id, add)
    return problems


def check_frequency(measure: Measure, doc: Document, pack: Pack,
                     pack_id: str) -> list[Problem]:
    """A measure reports at its pack's frequency (or annually); its entries are periods of
    its own frequency; a choice of quarters is for quarterly packs."""
    problems = []
    if measure.frequency not in (pack.frequency, "annual"):
        problems.append(Problem(doc.file, doc.line_of(("frequency",)), "frequency",
                                f"pack '{pack_id}' is {pack.frequency}: its measures report "
                                f"{pack.frequency} or annual, not {measure.frequency}"))
    wanted = {"quarterly": "Q", "monthly": "M"}.get(measure.frequency or pack.frequency)
    for pid in measure.quarters:
        kind = Period.parse(pid).kind
        if wanted is None:
            problems.append(Problem(doc.file, doc.line_of(("quarters", pid)), f"quarters.{pid}",
                                    "an annual measure has no period entries: give each "
                                    "year's result under 'years'"))
            break
        if kind != wanted:
            example = "2017-18-Q1" if wanted == "Q" else "2017-18-M04"
            problems.append(Problem(doc.file, doc.line_of(("quarters", pid)), f"quarters.{pid}",
                                    f"a {measure.frequency} measure's entries are periods like "
                                    f"{example}"))
    return problems + _check_start(measure, doc, wanted)


def _check_start(measure: Measure, doc: Document, wanted: str | None) -> list[Problem]:
    """The measure's start is a period of its own frequency, and no entry of its year comes
    before it: the pack leaves those periods empty, so such a figure was hidden, yet rated and
    counted in the year to date. (Entries of earlier years are history, for its trend.)"""
    if measure.start is None:
        return []
    start = Period.parse(measure.start)
    if wanted is not None and start.kind != wanted:
        example = "2017-18-Q1" if wanted == "Q" else "2017-18-M04"
        return [Problem(doc.file, doc.line_of(("start",)), "start",
                        f"start is a period like {example}, as the measure's entries are")]
    return [Problem(doc.file, doc.line_of(("quarters", pid)), f"quarters.{pid}",
                    f"this period is before the measure's start ({measure.start}), in its "
                    "year: the pack leaves it empty, yet it would count; remove it, or give "
                    "an earlier start")
            for pid in measure.quarters
            if (entry := Period.parse(pid)).kind == start.kind and entry < start
            and entry.year_start == start.year_start]


def check_ref_shown(data: dict[str, Any], doc: Document, pack: Pack,
                    pack_id: str) -> list[Problem]:
    """A ref is required where the measure's table shows refs (read from the raw data, so
    it is reported alongside any other problem of the file)."""
    if "ref" in data:
        return []
    section = data.get("section")
    sections = [pack.sections[section]] if isinstance(section, str) and \
        section in pack.sections else list(pack.sections.values())
    if any(c.kind == "ref" for s in sections for c in table_columns(pack, s)):
        return [Problem(doc.file, doc.line_of(()), "ref",
                        f"required field is missing: pack '{pack_id}' shows a ref column")]
    return []


def _check_field(path: tuple[Any, ...], name: str, value: str | Decimal,
                 declared: dict[str, FieldSpec], add: Any) -> None:
    spec = declared.get(name)
    if spec is None:
        add(path, f"'{name}' is not a field declared under 'fields' in {REPORT_FILE}"
                  f"{did_you_mean(name, declared)}")
    elif spec.type == "number" and not isinstance(value, Decimal):
        add(path, f"'{name}' is a number field, got text")
    elif spec.type == "text" and not isinstance(value, str):
        add(path, f"'{name}' is a text field: put the value in quotes")
    elif spec.type == "choice" and value not in (spec.choices or []):
        add(path, f"'{value}' is not one of the choices: {', '.join(spec.choices or [])}")


def _check_statuses(measure: Measure, base: tuple[Any, ...], given: str | None,
                    override: Any, scheme: Scheme | None, pack_id: str, add: Any) -> None:
    """A status given or set by hand must be one of the scheme's; a computed status can only
    be replaced with a reason (rag: {status, reason}), never silently."""
    if scheme is None:
        if given is not None or override is not None:
            field = "status" if given is not None else "rag"
            add((*base, field), f"pack '{pack_id}' has no status scheme (status: none)")
        return
    statuses = list(scheme.statuses)
    for field, status in (("status", given), ("rag.status", override and override.status)):
        if status is not None and status not in statuses:
            add((*base, *field.split(".")), f"'{status}' is not a status of the "
                f"{scheme.name} scheme: use {', '.join(statuses)}{did_you_mean(status, statuses)}")
    computed = scheme.computed is not None and measure.rated == "computed"
    if given is not None and computed:
        add((*base, "status"), "this measure's status is computed: to replace it give "
                               "rag: {status, reason}, or set rated: given on the measure")
    if override is not None and not computed:
        add((*base, "rag"), "this measure's status is given, not computed: give it as "
                            "status: without a reason")
