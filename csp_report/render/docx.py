"""Render stage (DOCX): draw a layout Document with python-docx on a reference .docx.

The reference document (the project's templates/reference.docx, else the package's) gives the
styles; this module only decides which style each piece of text takes, where pages break, and
writes the tables natively so Word repeats header rows and screen readers get alt text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from docx.document import Document as WordDocument
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.shared import Mm
from docx.styles.style import ParagraphStyle, _TableStyle
from docx.text.paragraph import Paragraph as WordParagraph

from ..layout.document import (
    Block,
    Charts,
    Contents,
    Document,
    Heading,
    Page,
    Paragraph,
    Table,
)
from ..layout.theme import Theme
from .docx_charts import add_chart
from .docx_contents import Target, add_contents, heading_targets
from .docx_setup import (
    ask_to_update_fields,
    is_package_reference,
    open_reference,
    set_core_properties,
    set_up_page,
    write_footer,
)
from .docx_styles import (
    ROLE_STYLES,
    TABLE_STYLE,
    bullet_style,
    define_styles,
    set_default_language,
    set_reference_defaults,
)
from .docx_tables import add_table, text_width
from .docx_xml import bookmark, repack, styled, xml_text


@dataclass
class _Styles:
    """Style objects by name, looked up once (python-docx searches the styles part each time)."""

    word: WordDocument
    found: dict[str, ParagraphStyle] = field(default_factory=dict)

    def named(self, name: str) -> ParagraphStyle:
        """The paragraph style called `name`."""
        if name not in self.found:
            self.found[name] = self.word.styles[name]
        return self.found[name]

    def role(self, role: str) -> ParagraphStyle:
        """The style of a text role; an unknown role is drawn as Normal."""
        return self.named(ROLE_STYLES.get(role, "Normal"))

    def heading(self, level: int) -> ParagraphStyle:
        """Built-in Heading 1-3, so Word's navigation pane and TOC see the headings."""
        return self.named(f"Heading {min(max(level, 1), 3)}")

    def toc(self, level: int) -> ParagraphStyle:
        """The built-in style of a contents entry at `level`."""
        return self.named(f"toc {min(max(level, 1), 3)}")

    def table(self) -> _TableStyle:
        """The table style every table uses."""
        return self.word.styles[TABLE_STYLE]


@dataclass
class _Flow:
    """Draws pages of blocks in order, deciding page breaks like pack.css."""

    word: WordDocument
    styles: _Styles
    targets: dict[str, Target]
    theme: Theme

    def page(self, page: Page, first_page: bool) -> None:
        """One layout Page: it starts on a new page, as do its level-2 headings."""
        previous: Block | None = None
        for index, block in enumerate(page.blocks):
            after = page.blocks[index + 1] if index + 1 < len(page.blocks) else None
            paragraph = self.block(block, before_contents=isinstance(after, Contents))
            if page.style == "cover":
                paragraph.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
                if previous is None:
                    paragraph.paragraph_format.space_before = Mm(self.theme.cover_top)
            if isinstance(previous, Table) and paragraph.paragraph_format.space_before is None:
                paragraph.paragraph_format.space_before = Mm(self.theme.table_gap)
            if _breaks_before(block, previous, first_page):
                paragraph.paragraph_format.page_break_before = True
            previous = block

    def block(self, block: Block, before_contents: bool) -> WordParagraph:
        """Draw one block; returns its first paragraph (where a page break would go)."""
        if isinstance(block, Heading):
            return self.heading(block, before_contents)
        if isinstance(block, Paragraph):
            return styled(self.word.add_paragraph(xml_text(block.text)),
                          self.styles.role(block.style))
        if isinstance(block, Contents):
            return add_contents(self.word, block, self.targets, self.styles.toc)
        if isinstance(block, Charts):
            return self.charts(block)
        return self.table(block)

    def charts(self, block: Charts) -> WordParagraph:
        """A section's chart block: its caption on a new page, each chart under its title
        (a picture with the chart's alt text), then the table of their figures."""
        caption = styled(self.word.add_paragraph(xml_text(block.caption)),
                         self.styles.heading(3))
        caption.paragraph_format.page_break_before = True
        width = text_width(self.theme)
        for chart in block.charts:
            title = styled(self.word.add_paragraph(xml_text(chart.title)),
                           self.styles.role("title"))
            title.paragraph_format.keep_with_next = True
            add_chart(styled(self.word.add_paragraph(), self.styles.role("chart")), chart,
                      self.theme, width)
        self.table(block.data)
        return caption

    def heading(self, heading: Heading, titles_contents: bool) -> WordParagraph:
        """A heading, bookmarked so the contents can link to it.

        The title of the contents list takes Word's "TOC Heading" style, which looks like a
        heading but stays out of the contents itself when Word rebuilds it.
        """
        paragraph = self.word.add_paragraph(xml_text(heading.text))
        styled(paragraph, self.styles.named("TOC Heading") if titles_contents
               else self.styles.heading(heading.level))
        target = self.targets.get(heading.id)
        if target is not None:
            bookmark(paragraph, target.number, target.bookmark)
        return paragraph

    def table(self, table: Table) -> WordParagraph:
        """The table's visible description above it (the PDF's caption), then the table."""
        caption = styled(self.word.add_paragraph(xml_text(table.description)),
                         self.styles.named("Caption"))
        add_table(self.word, table, self.styles.role, self.styles.table(), self.theme,
                  bullet_style(self.word))
        return caption


def _breaks_before(block: Block, previous: Block | None, first_page: bool) -> bool:
    """pack.css: every page and every h2 starts a new page, but not an h2 right after an h2."""
    if previous is None:
        return not first_page
    if not isinstance(block, Heading) or block.level != 2:
        return False
    return not (isinstance(previous, Heading) and previous.level == 2)


def render_docx(doc: Document, project_root: Path) -> bytes:
    """The pack as .docx bytes, identical for identical Documents."""
    word = open_reference(project_root)
    # The package's reference was drawn from the default theme: a project's theme restyles
    # it. A project's own reference.docx keeps its styles (only missing ones are added).
    restyle = doc.theme != Theme() and is_package_reference(project_root)
    if restyle:
        set_reference_defaults(word, doc.theme)
    define_styles(word, doc.theme, overwrite=restyle)
    set_default_language(word, doc.language)
    styles = _Styles(word)
    section = word.sections[0]
    set_up_page(section, doc.theme)
    write_footer(section, doc.footer, styles.named("Footer"), doc.theme)
    ask_to_update_fields(word)
    flow = _Flow(word, styles, heading_targets(doc), doc.theme)
    for index, page in enumerate(doc.pages):
        flow.page(page, first_page=index == 0)
    set_core_properties(word, doc.title, doc.subject, doc.author, doc.language, doc.date)
    buffer = io.BytesIO()
    word.save(buffer)
    return repack(buffer.getvalue())
