"""Small figures: a figure that is not zero never prints as 0 (or 0.0%), a printed change is
the difference of the printed figures, and a % prints alike in a sentence and in a status's
basis (thousands separators, never 0.0% for a change); in the layout, HTML and DOCX alike."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import docx

from csp_report.api import open_project
from csp_report.compute.measures import compute
from csp_report.layout import layout
from csp_report.model.periods import Period
from csp_report.render.docx import render_docx
from csp_report.render.html import render_html
from csp_report.sentences import Sentences
from tests.tiny import HEAD, measure, sentences_of, tiny

Q1 = "2016-17-Q1"


def rate(value: str, previous: str | None = None, extra: str = "") -> str:
    figures = f"value: {value}" + (f", previous: {previous}" if previous is not None else "")
    return HEAD + f"""unit: rate
noun: crimes
per: 1,000 population
good: lower
{extra}quarters:
  {Q1}: {{{figures}}}
"""


def percentage(value: str, previous: str | None = None, unit: str = "percentage") -> str:
    figures = f"value: {value}" + (f", previous: {previous}" if previous is not None else "")
    return HEAD + f"""unit: {unit}
good: higher
quarters:
  {Q1}: {{{figures}}}
"""


def count(value: str, previous: str) -> str:
    return HEAD + f"""unit: count
noun: offences
noun_singular: offence
good: lower
quarters:
  {Q1}: {{value: {value}, previous: {previous}}}
"""


# The attack: 5 against 0.04 printed "compared to 0 last year (+5, +12,400.0%)".

def test_5_against_0_04_prints_0_04_and_the_change_4_96(tmp_path: Path) -> None:
    assert sentences_of(tmp_path, rate("5", "0.04"), Q1) == [
        "5 crimes per 1,000 population compared to 0.04 last year (+4.96, +12,400.0%)."]


def test_the_status_basis_prints_0_04_and_the_percent_with_separators(tmp_path: Path) -> None:
    rag = measure(tmp_path, rate("5", "0.04"), Q1).rag
    assert (rag.status, rag.basis) == (
        "red", "5 against last year 0.04: 12,400.0% off, beyond 5% tolerance")


def test_a_true_zero_still_prints_as_zero(tmp_path: Path) -> None:
    assert sentences_of(tmp_path, rate("5", "0"), Q1) == [
        "5 crimes per 1,000 population compared to 0 last year (+5, no % change from zero)."]


def test_a_percentage_of_0_04_is_not_0_0_percent(tmp_path: Path) -> None:
    assert sentences_of(tmp_path, percentage("0.04"), Q1) == ["0.04%."]
    assert sentences_of(tmp_path / "b", percentage("0.04", "0"), Q1) == [
        "0.04% compared to 0.00% last year (+0.04 points)."]
    assert sentences_of(tmp_path / "c", percentage("43", "0.04"), Q1) == [
        "43.00% compared to 0.04% last year (+42.96 points)."]


def test_a_tiny_negative_figure_keeps_its_sign(tmp_path: Path) -> None:
    assert sentences_of(tmp_path, percentage("-0.04", unit="signed-percentage"), Q1) == [
        "-0.04%."]
    assert sentences_of(tmp_path / "b", percentage("0.04", unit="signed-percentage"), Q1) == [
        "+0.04%."]


def test_a_tiny_change_is_not_0_0_percent_better(tmp_path: Path) -> None:
    text = rate("1000", "1000.1", extra="rag_rule: change\n")
    rag = measure(tmp_path, text, Q1).rag
    assert (rag.status, rag.basis) == (
        "amber", "1,000 against last year 1,000.1: 0.01% better, within 5%")
    assert sentences_of(tmp_path / "b", text, Q1) == [
        "1,000 crimes per 1,000 population compared to 1,000.1 last year (-0.1, -0.01%)."]


def test_a_value_of_0_004_prints_as_0_004(tmp_path: Path) -> None:
    assert sentences_of(tmp_path, rate("0.004"), Q1) == [
        "0.004 crimes per 1,000 population."]
    assert sentences_of(tmp_path / "b", rate("0.004", "0"), Q1) == [
        "0.004 crimes per 1,000 population compared to 0 last year "
        "(+0.004, no % change from zero)."]


def test_a_baseline_and_target_of_0_004_print_as_0_004(tmp_path: Path) -> None:
    text = rate("0.5", extra="baseline: {value: 0.004}\nyears:\n  2016-17: {target: 0.004}\n")
    computed = measure(tmp_path, text, Q1)
    rag = computed.rag
    assert rag.basis == "0.5 against target 0.004: 12,400.0% off, beyond 5% tolerance"
    say = Sentences(tmp_path)
    spec = computed.specs[0]
    assert say.baseline(Decimal("0.004"), None, spec) == "Baseline: 0.004 crimes"
    assert say.target(Decimal("0.004"), None, spec, "2016/17", True) == (
        "Target 2016/17: 0.004 crimes")


def test_large_figures_have_separators_in_the_sentence_and_the_status(tmp_path: Path) -> None:
    assert sentences_of(tmp_path, count("1234567", "1000"), Q1) == [
        "1,234,567 offences compared to 1,000 last year. "
        "Increase of 1,233,567 offences (+123,356.7%)."]
    rag = measure(tmp_path / "b", count("1234567", "1000"), Q1).rag
    assert rag.basis == (
        "1,234,567 against last year 1,000: 123,356.7% off, beyond 5% tolerance")


def test_the_layout_html_and_docx_print_the_same_figures(tmp_path: Path) -> None:
    root = tiny(tmp_path, rate("5", "0.04"), percentage("0.04").replace('"1.1"', '"1.2"'))
    project = open_project(root)
    document = layout(compute(project, "targets", Period.parse(Q1)))
    sentence = "5 crimes per 1,000 population compared to 0.04 last year (+4.96, +12,400.0%)."
    basis = "(5 against last year 0.04: 12,400.0% off, beyond 5% tolerance)"
    html = render_html(document, root)
    word = docx.Document(io.BytesIO(render_docx(document, root)))
    paragraphs = [p.text for p in word.paragraphs] + [
        p.text for t in word.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    for text in (sentence, basis, "0.04%."):
        assert text in html
        assert any(text in p for p in paragraphs), text
    assert "0.0%." not in html and "compared to 0 last year" not in html
    assert not any("0.0%." in p or "12400" in p for p in paragraphs)


def test_the_rules() -> None:
    from csp_report.compute.numbers import comparison_places, figure, figure_places, percent

    assert figure_places(Decimal("0.04"), 1) == 2
    assert figure_places(Decimal("0.004"), 1) == 3
    assert figure_places(Decimal(0), 1) == 1
    assert figure(Decimal("0.04")) == "0.04"
    assert figure(Decimal("3189")) == "3,189"
    assert comparison_places([(Decimal(5), Decimal("0.04"))], 1) == 2
    assert percent(Decimal("-12400"), sign=False) == "12,400.0%"
    assert percent(Decimal("12400")) == "+12,400.0%"


def test_a_chart_point_of_0_04_is_labelled_0_04() -> None:
    """A trend chart's point labels and text alternative say a figure as the tables do."""
    from csp_report.layout.charts import _text

    assert [_text(Decimal(v), unit, 1) for v, unit in [
        ("0.04", "rate"), ("0.04", "percentage"), ("0", "rate"), ("4.6", "rate"),
        ("3189", "count"), ("71.1", "percentage")]] == [
        "0.04", "0.04%", "0", "4.6", "3,189", "71.1%"]
