"""The Word document around the pack: reference document, page setup, footer, settings and
core properties."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Twips
from docx.styles.style import ParagraphStyle

from ..errors import TemplateProblem, relative
from ..layout.theme import Theme, twips
from ..loader import read_regular_file
from ..templating import PACKAGE_TEMPLATES, find_template_file
from .docx_tables import text_width
from .docx_xml import SETTINGS_ORDER, add_field, element, put, styled, tab_run, text_run, xml_text

REFERENCE = "reference.docx"
CORE_TEXT_LIMIT = 255  # python-docx refuses longer core property strings


def reference_path(project_root: Path) -> Path:
    """The project's templates/reference.docx if it has one, else the package's."""
    path = find_template_file(project_root, REFERENCE)
    if path is not None:
        return path
    raise TemplateProblem(f"{REFERENCE} is missing from the package templates")


def is_package_reference(project_root: Path) -> bool:
    """Whether the render uses the package's reference.docx (the project has none)."""
    return reference_path(project_root) == PACKAGE_TEMPLATES / REFERENCE


MAX_REFERENCE_BYTES = 10 * 1024 * 1024  # the file itself
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # all its parts, unpacked
MAX_PARTS = 1000
MAX_RATIO = 100  # a part unpacking to over 100 times its packed size (and over 1 MiB): a bomb
REQUIRED_PARTS = ("[Content_Types].xml", "word/document.xml", "word/styles.xml")
_EXTERNAL = re.compile(rb"""TargetMode\s*=\s*["']External["']""", re.IGNORECASE)


def _check_reference(raw: bytes, shown: str) -> None:
    """Refuse a reference document that is not a plain Word file: a zip bomb, a part missing,
    or a relationship to anything outside it (an attached template or image on the network
    would be passed on into every pack)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise TemplateProblem(f"{shown}: not a usable Word document ({err})") from None
    if len(parts) > MAX_PARTS:
        raise TemplateProblem(f"{shown}: has {len(parts):,} parts; a Word document used as a "
                              f"reference has at most {MAX_PARTS:,}")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES or any(
            part.file_size > 1024 * 1024 and part.file_size > MAX_RATIO * max(part.compress_size, 1)
            for part in parts):
        raise TemplateProblem(f"{shown}: unpacks to {unpacked:,} bytes; the limit is "
                              f"{MAX_UNPACKED_BYTES:,} (is it a zip bomb?)")
    names = {part.filename for part in parts}
    missing = [name for name in REQUIRED_PARTS if name not in names]
    if missing:
        raise TemplateProblem(f"{shown}: not a usable Word document (it has no {missing[0]})")
    for part in parts:
        if part.filename.endswith(".rels"):
            try:
                data = archive.read(part)
            except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as err:
                raise TemplateProblem(f"{shown}: not a usable Word document ({err})") from None
            if _EXTERNAL.search(data):
                raise TemplateProblem(f"{shown}: {part.filename} links to something outside the "
                                      "document (an external relationship); remove it, packs "
                                      "fetch nothing from the network")


def open_reference(project_root: Path) -> WordDocument:
    """The reference document with its body emptied: only its styles and settings are used.

    It is checked before use (a regular file inside the templates folder of at most 10 MiB,
    no zip bomb, the parts Word needs, no external relationships, page settings)."""
    path = reference_path(project_root)
    shown = relative(path, project_root)
    raw = read_regular_file(path, shown, path.parent, MAX_REFERENCE_BYTES)
    if not isinstance(raw, bytes):
        raise TemplateProblem(str(raw))
    _check_reference(raw, shown)
    try:
        word = docx.Document(io.BytesIO(raw))
    except Exception as err:  # python-docx raises zip, XML and key errors for a bad file
        raise TemplateProblem(f"{shown}: not a usable Word document "
                              f"({type(err).__name__}: {err})") from None
    body = word.element.body
    if body.find(qn("w:sectPr")) is None:
        raise TemplateProblem(f"{shown}: has no page settings (the w:sectPr of its body); save "
                              "it again from Word")
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return word


def set_up_page(section: Section, theme: Theme | None = None) -> None:
    """The theme's paper, orientation and margins, as the PDF has them."""
    theme = theme or Theme()
    width, height = theme.page_mm
    section.orientation = (WD_ORIENT.LANDSCAPE if theme.orientation == "landscape"
                           else WD_ORIENT.PORTRAIT)
    section.page_width, section.page_height = Twips(twips(width)), Twips(twips(height))
    section.top_margin = Twips(twips(theme.margin_top))
    section.right_margin = Twips(twips(theme.margin_right))
    section.bottom_margin = Twips(twips(theme.margin_bottom))
    section.left_margin = Twips(twips(theme.margin_left))
    section.header_distance = section.footer_distance = Twips(twips(theme.footer_distance))
    section.different_first_page_header_footer = False
    section.gutter = Twips(0)


def write_footer(section: Section, text: str, style: ParagraphStyle,
                 theme: Theme | None = None) -> None:
    """The pack's footer text at the left and "Page X of Y" at the right of every page."""
    width = text_width(theme or Theme())
    footer = section.footer
    footer.is_linked_to_previous = False
    for child in list(footer._element):
        footer._element.remove(child)
    paragraph = styled(footer.add_paragraph(), style)
    stops = paragraph.paragraph_format.tab_stops
    # The Footer style's own stops are for Letter portrait: clear them, then one right stop.
    for stop in style.paragraph_format.tab_stops:
        if stop.position != Twips(width):
            stops.add_tab_stop(stop.position, WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(Twips(width), WD_TAB_ALIGNMENT.RIGHT)
    p = paragraph._p
    p.append(text_run(text))
    p.append(tab_run())
    p.append(text_run("Page "))
    add_field(paragraph, "PAGE", "1")
    p.append(text_run(" of "))
    add_field(paragraph, "NUMPAGES", "1")


def ask_to_update_fields(word: WordDocument) -> None:
    """Word refreshes the contents' page numbers and the page count when the file opens."""
    put(word.settings.element, element("w:updateFields", val="true"), SETTINGS_ORDER)


def _core_text(text: str) -> str:
    """Text a core property can hold."""
    return xml_text(text)[:CORE_TEXT_LIMIT]


def set_core_properties(word: WordDocument, title: str, subject: str, author: str,
                        language: str, date: str) -> None:
    """Metadata from the Document only: nothing from the clock, the user or the reference."""
    props = word.core_properties
    stamp = dt.datetime.combine(dt.date.fromisoformat(date), dt.time(), dt.UTC)  # midnight
    props.title = _core_text(title)
    props.subject = _core_text(subject)
    props.author = _core_text(author)
    props.last_modified_by = _core_text(author)
    props.language = _core_text(language)
    props.created = props.modified = props.last_printed = stamp
    props.revision = 1
    for name in ("keywords", "comments", "category", "content_status", "identifier",
                 "version"):
        setattr(props, name, "")
