"""A reader's view of a layout Document, as JSON: headings, paragraphs, and every table's
caption, rows and cells (text, header, scope, spans, status class and fill).

The golden files beside this module were taken from the example project before columns,
periods and status schemes became data; regenerate them only on purpose:

    CSP_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
"""

from __future__ import annotations

from typing import Any

from csp_report.layout.document import Contents, Document, Heading, Paragraph, Table


def _cell(cell: Any) -> dict[str, Any]:
    shown: dict[str, Any] = {"text": cell.text}
    if cell.header:
        shown["header"] = cell.scope or True
    if cell.colspan > 1:
        shown["colspan"] = cell.colspan
    if cell.rowspan > 1:
        shown["rowspan"] = cell.rowspan
    status = [c for c in cell.classes if c.startswith(("rag-", "status-"))]
    if status:
        shown["status"] = status[0].split("-", 1)[1]
    if cell.fill:
        shown["fill"] = cell.fill
    return shown


def _table(table: Table) -> dict[str, Any]:
    return {
        "id": table.id,
        "caption": table.caption,
        "description": table.description,
        "head": [[_cell(c) for c in row.cells] for row in table.head],
        "body": [[_cell(c) for c in row.cells] for row in table.body],
    }


def snapshot(doc: Document) -> dict[str, Any]:
    """The document as a reader sees it, independent of how the layout types are built."""
    pages = []
    for page in doc.pages:
        blocks: list[Any] = []
        for block in page.blocks:
            if isinstance(block, Heading):
                blocks.append({"heading": block.text, "level": block.level, "id": block.id})
            elif isinstance(block, Paragraph):
                blocks.append({"paragraph": block.text})
            elif isinstance(block, Contents):
                blocks.append({"contents": [e.text for e in block.entries]})
            elif isinstance(block, Table):
                blocks.append({"table": _table(block)})
        pages.append(blocks)
    return {"title": doc.title, "subject": doc.subject, "footer": doc.footer,
            "language": doc.language, "pages": pages}
