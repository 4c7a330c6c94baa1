"""The contents list as a Word TOC field whose entries are already filled in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from docx.document import Document as WordDocument
from docx.styles.style import ParagraphStyle
from docx.text.paragraph import Paragraph as WordParagraph

from ..layout.document import Contents, Document, Heading
from .docx_xml import (
    element,
    field_begin,
    field_end,
    field_runs,
    field_separate,
    instruction_run,
    styled,
    tab_run,
    text_run,
)


@dataclass(frozen=True)
class Target:
    """Where a contents entry points: the heading's bookmark and its level."""

    number: int  # the bookmark's id, in document order
    level: int

    @property
    def bookmark(self) -> str:
        """The bookmark's name; Word's own TOC bookmarks are named _Toc and digits too."""
        return f"_Toc{self.number:09d}"


def heading_targets(doc: Document) -> dict[str, Target]:
    """A bookmark for every heading id, numbered in document order (never random)."""
    targets: dict[str, Target] = {}
    headings = (b for page in doc.pages for b in page.blocks if isinstance(b, Heading))
    for number, heading in enumerate(headings, start=1):
        targets.setdefault(heading.id, Target(number, heading.level))
    return targets


def toc_instruction(contents: Contents, targets: dict[str, Target]) -> str:
    """A TOC field taking exactly the heading levels the layout's contents list.

    `\\o "1-3"` would, once Word updates the field, add the cover title and the level-3
    summary headings that the layout (and so the PDF) leaves out.
    """
    levels = [targets[e.target].level for e in contents.entries if e.target in targets]
    low, high = (min(levels), max(levels)) if levels else (1, 3)
    return f'TOC \\o "{low}-{high}" \\h \\z \\u'


def add_contents(word: WordDocument, contents: Contents, targets: dict[str, Target],
                 style_for_level: Callable[[int], ParagraphStyle]) -> WordParagraph:
    """The TOC field, its cached result one linked entry per line; returns the first line.

    Page numbers are PAGEREF fields: Word fills them in when it updates fields on opening;
    LibreOffice shows the entries without numbers until the field is updated by hand.
    """
    instruction = toc_instruction(contents, targets)
    if not contents.entries:
        paragraph = styled(word.add_paragraph(), style_for_level(1))
        for run in field_runs(instruction, ""):
            paragraph._p.append(run)
        return paragraph
    paragraphs = []
    for entry in contents.entries:
        target = targets.get(entry.target)
        paragraph = styled(word.add_paragraph(), style_for_level(target.level if target else 1))
        if target is None:
            paragraph._p.append(text_run(entry.text))
        else:
            link = element("w:hyperlink", anchor=target.bookmark, history="1")
            link.append(text_run(entry.text))
            link.append(tab_run())
            for run in field_runs(f"PAGEREF {target.bookmark} \\h", ""):
                link.append(run)
            paragraph._p.append(link)
        paragraphs.append(paragraph)
    first = paragraphs[0]._p
    start = 0 if first.pPr is None else 1
    for offset, run in enumerate((field_begin(), instruction_run(instruction), field_separate())):
        first.insert(start + offset, run)
    paragraphs[-1]._p.append(field_end())
    return paragraphs[0]
