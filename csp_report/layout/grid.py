"""Spans resolved once: a layout Table's rows as a grid of placed cells, which the HTML renderer,
the DOCX renderer and the tests all read instead of each following colspans and rowspans."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import BuildError
from .document import Cell, Row, Table


@dataclass(frozen=True)
class Placed:
    """A cell where it lands in one grid row.

    `continued` is True in the rows below the one a row-spanning cell starts in: the HTML draws
    the cell again there (WeasyPrint tags a cell spanning rows across a page break as a broken
    table structure: PDF/UA rules TABLE-COLUMN-ROWSPAN and TABLE-ROW-COLUMNSPAN fail), the DOCX
    writes a vertical merge continuation.
    """

    cell: Cell
    column: int  # first grid column the cell covers
    columns: int  # grid columns it covers (its colspan, cut at the table's edge)
    continued: bool = False

    @property
    def first_row(self) -> bool:
        """Whether the cell starts in this row."""
        return not self.continued


@dataclass(frozen=True)
class Grid:
    """A table's head and body rows, each a list of placed cells in column order."""

    head: tuple[tuple[Placed, ...], ...]
    body: tuple[tuple[Placed, ...], ...]

    @property
    def rows(self) -> tuple[tuple[Placed, ...], ...]:
        return self.head + self.body


def place_rows(rows: tuple[Row, ...], columns: int,
               table_id: str = "") -> tuple[tuple[Placed, ...], ...]:
    """Each row's cells placed in the grid, with the cells spanning down from rows above.

    A short row leaves its last grid columns empty; a row with more cells than the grid has
    columns is a BuildError.
    """
    placed_rows: list[tuple[Placed, ...]] = []
    carried: dict[int, tuple[Placed, int]] = {}  # column -> (placement, rows still to cover)
    for row in rows:
        placed: list[Placed] = []
        still: dict[int, tuple[Placed, int]] = {}
        cells = iter(row.cells)
        column = 0
        while column < columns:
            if column in carried:
                above, left = carried[column]
                here = Placed(above.cell, column, above.columns, continued=True)
            else:
                cell = next(cells, None)
                if cell is None:
                    break  # a short row: the remaining grid cells stay empty
                here = Placed(cell, column, max(1, min(cell.colspan, columns - column)))
                left = cell.rowspan
            if left > 1:
                still[column] = (here, left - 1)
            placed.append(here)
            column += here.columns
        if next(cells, None) is not None:
            raise BuildError(f"table {table_id}: a row has more cells than columns")
        carried = still
        placed_rows.append(tuple(placed))
    return tuple(placed_rows)


def grid(table: Table) -> Grid:
    """The table's grid; a row span may run from the head into the body."""
    placed = place_rows((*table.head, *table.body), len(table.widths) or 1, table.id)
    return Grid(placed[:len(table.head)], placed[len(table.head):])


def texts(table: Table) -> list[list[str]]:
    """The table's text as a reader of the grid gets it: a spanning cell's text in every grid
    column and row it covers (what python-docx reports for a Word table)."""
    return [[p.cell.text for p in row for _ in range(p.columns)] for row in grid(table).rows]
