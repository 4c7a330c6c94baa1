"""Render stage (HTML): draw a layout Document through the Jinja templates, escaped."""

from __future__ import annotations

from pathlib import Path

import jinja2
import markupsafe

from ..errors import TemplateProblem, relative
from ..layout.document import Cell, Document, Row
from ..templating import find_template_file, html_environment, template_problem
from .resources import check_stylesheet

STYLESHEETS = ("pack.css", "custom.css")


def block_kind(block: object) -> str:
    """The template name for a layout block: Heading -> 'heading'."""
    return type(block).__name__.lower()


def drawn_rows(rows: tuple[Row, ...]) -> list[list[tuple[Cell, bool]]]:
    """Rows as the HTML draws them: each (cell, continued) with row spans drawn per row.

    WeasyPrint tags a cell that spans rows across a page break as a broken table structure
    (PDF/UA rules TABLE-COLUMN-ROWSPAN and TABLE-ROW-COLUMNSPAN fail), so a spanning cell is
    drawn again in each row it covers, marked `continued`; the DOCX draws a real merge.
    """
    drawn: list[list[tuple[Cell, bool]]] = []
    carried: list[tuple[int, Cell, int]] = []  # (column, cell, rows still to cover)
    for row in rows:
        cells: list[tuple[Cell, bool]] = []
        still = []
        for column, cell, left in carried:
            cells.insert(column, (cell, True))
            if left > 1:
                still.append((column, cell, left - 1))
        for cell in row.cells:
            if cell.rowspan > 1:
                still.append((len(cells), cell, cell.rowspan - 1))
            cells.append((cell, False))
        carried = still
        drawn.append(cells)
    return drawn


def stylesheet_text(project_root: Path) -> str:
    """pack.css (the project's if it has one, else ours) followed by the project's custom.css;
    every URL in them is checked as the PDF renderer would check it."""
    parts = []
    for name in STYLESHEETS:
        path = find_template_file(project_root, name)
        if path is None:
            continue
        try:
            parts.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as err:
            raise TemplateProblem(f"cannot read stylesheet {path}: {err}") from None
        check_stylesheet(parts[-1], project_root, relative(path, project_root))
    return "\n".join(parts)


def render_html(doc: Document, project_root: Path) -> str:
    """The pack as one HTML page with its stylesheet inline."""
    env = html_environment(project_root)
    env.filters["kind"] = block_kind
    env.filters["drawn"] = drawn_rows
    try:
        template = env.get_template("pack.html")
        # The stylesheet is template text (ours or the project's), not user data: not escaped.
        css = markupsafe.Markup(stylesheet_text(project_root))
        return template.render(doc=doc, stylesheet_text=css)
    except jinja2.TemplateError as err:
        raise template_problem(err) from None
