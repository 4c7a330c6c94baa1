"""Spans resolved once (layout/grid.py): both renderers and the tests read the same grid."""

from __future__ import annotations

import pytest

from csp_report.errors import BuildError
from csp_report.layout.document import Cell, Row, Table, Text
from csp_report.layout.grid import grid, texts


def c(text: str, **spans: int) -> Cell:
    return Cell((Text(text),), **spans)


SPANS = Table(id="spans", caption="c", description="d", widths=(20, 30, 50),
              head=(Row((c("A", colspan=2), c("B")), "header"),),
              body=(Row((c("C", colspan=2, rowspan=3), c("D"))), Row((c("E"),)),
                    Row((c("F"),)), Row((c("G"), c("H"), c("I")))),
              style="summary")


def test_colspan_and_rowspan_are_placed_in_grid_columns() -> None:
    placed = grid(SPANS)
    assert [[(p.cell.text, p.column, p.columns, p.continued) for p in row]
            for row in placed.head] == [[("A", 0, 2, False), ("B", 2, 1, False)]]
    assert [[(p.cell.text, p.column, p.columns, p.continued) for p in row]
            for row in placed.body] == [
        [("C", 0, 2, False), ("D", 2, 1, False)],
        [("C", 0, 2, True), ("E", 2, 1, False)],
        [("C", 0, 2, True), ("F", 2, 1, False)],
        [("G", 0, 1, False), ("H", 1, 1, False), ("I", 2, 1, False)]]
    assert texts(SPANS) == [["A", "A", "B"], ["C", "C", "D"], ["C", "C", "E"],
                            ["C", "C", "F"], ["G", "H", "I"]]


def test_a_row_span_in_a_middle_column() -> None:
    table = Table(id="t", caption="c", description="d", widths=(1, 1, 1), head=(),
                  body=(Row((c("a"), c("b", rowspan=2), c("c"))), Row((c("d"), c("e")))),
                  style="summary")
    assert texts(table) == [["a", "b", "c"], ["d", "b", "e"]]
    assert [p.continued for p in grid(table).body[1]] == [False, True, False]


def test_a_short_row_leaves_its_last_columns_empty_and_a_colspan_is_cut_at_the_edge() -> None:
    table = Table(id="t", caption="c", description="d", widths=(1, 1, 1), head=(),
                  body=(Row((c("a"),)), Row((c("b"), c("c", colspan=5)))), style="summary")
    assert texts(table) == [["a"], ["b", "c", "c"]]


def test_a_row_with_more_cells_than_columns_is_a_build_error() -> None:
    table = Table(id="wide", caption="c", description="d", widths=(1,), head=(),
                  body=(Row((c("a"), c("b"))),), style="summary")
    with pytest.raises(BuildError, match="table wide: a row has more cells than columns"):
        grid(table)
