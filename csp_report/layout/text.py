"""Free text as typed cell content: line breaks become paragraphs, "- " lines a bullet list."""

from __future__ import annotations

from .document import Bullets, Content, Text

_BULLET = ("- ", "* ", "\u2022 ")


def rich_text(text: str, style: str, label: str | None = None) -> tuple[Content, ...]:
    """Paragraphs and lists of a text field, in both formats alike; `label` leads the first."""
    blocks: list[Content] = []
    items: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(_BULLET):
            items.append(stripped[2:].strip())
            continue
        if items:
            blocks.append(Bullets(tuple(items), style))
            items = []
        if stripped:
            blocks.append(Text(stripped, style))
    if items:
        blocks.append(Bullets(tuple(items), style))
    if label is not None:
        if blocks and isinstance(blocks[0], Text):
            blocks[0] = Text(blocks[0].text, style, label)
        else:
            blocks.insert(0, Text("", style, label))
    return tuple(blocks)
