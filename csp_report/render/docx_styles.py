"""The Word styles of a pack: one named style per text role, defined once for the reference
document's generator and for filling in styles a project's own reference.docx lacks."""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.styles.style import BaseStyle, ParagraphStyle

from .docx_tables import TEXT_WIDTH
from .docx_xml import PPR_ORDER, RPR_ORDER, STYLE_ORDER, element, put

FONT = "Arial"  # metric twin of the PDF's Liberation Sans; LibreOffice swaps one for the other
NAVY = "1F3864"
GREY_TEXT = "333333"
TABLE_STYLE = "Table Grid"
CONTENTS_TAB = Mm(160)  # the PDF's contents list is 160mm wide
CONTENTS_RIGHT = 273 - 160  # mm: long entries wrap within those 160mm too

# Text roles of the layout (Text.style, Paragraph.style) and the Word style each is drawn in.
# Names that would clash with Word's built-in styles (Title, Header, Strong, List) get a
# longer name.
ROLE_STYLES = {
    "body": "Normal",
    "list": "List Item",
    "note": "Note",
    "strong": "Strong Text",
    "cover-partnership": "Cover Partnership",
    "cover-plan": "Cover Plan",
    "cover-period": "Cover Period",
    "cover-note": "Cover Note",
    "cover-date": "Cover Date",
    "header": "Column Header",
    "banner": "Banner",
    "outcome": "Outcome",
    "ref": "Ref",
    "title": "Measure Title",
    "detail": "Detail",
    "owner": "Owner",
    "figure": "Figure",
    "commentary": "Commentary",
    "missing": "Missing",
    "baseline": "Baseline",
    "history": "History",
    "rag": "RAG",
    "travel": "Travel",
    "override": "Override",
    "side-label": "Side Label",
    "future": "Future",
}


@dataclass(frozen=True)
class Look:
    """How a paragraph style looks; None leaves a property to the base style."""

    base: str | None = "Normal"
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    colour: str | None = None
    centre: bool = False
    before: float | None = None  # points
    after: float | None = None  # points
    indent: float | None = None  # mm
    right: float | None = None  # mm, right indent
    keep_next: bool | None = None
    outline: int | None = None  # 0-8 a heading level, 9 body text (kept out of the TOC)
    tab: int | None = None  # EMU of a right-aligned tab stop, replacing any others
    dots: bool = True  # whether that tab stop has a dotted leader


SMALL = Look(size=8)
LOOKS: dict[str, Look] = {
    "Normal": Look(base=None, size=9),
    "Heading 1": Look(size=26, bold=True, colour=NAVY, before=23, after=23, keep_next=True),
    "Heading 2": Look(size=13, bold=True, colour=NAVY, before=0, after=6, keep_next=True),
    "Heading 3": Look(size=11, bold=True, colour=NAVY, before=8.5, after=3, keep_next=True),
    "TOC Heading": Look(base="Heading 2", outline=9),
    "toc 1": Look(after=4, right=CONTENTS_RIGHT, tab=CONTENTS_TAB),
    "toc 2": Look(after=4, right=CONTENTS_RIGHT, tab=CONTENTS_TAB),
    "toc 3": Look(after=4, indent=5, right=CONTENTS_RIGHT, tab=CONTENTS_TAB),
    "Caption": Look(size=8, bold=False, colour=GREY_TEXT, after=3, keep_next=True),
    "Footer": Look(size=8, colour=GREY_TEXT, after=0, tab=Twips(TEXT_WIDTH), dots=False),
    "List Item": Look(indent=5),
    "Note": SMALL,
    "Strong Text": Look(bold=True, before=5.7),
    "Cover Partnership": Look(size=16, bold=True, centre=True),
    "Cover Plan": Look(size=14, centre=True),
    "Cover Period": Look(size=16, before=11, centre=True),
    "Cover Note": Look(size=11, before=17, centre=True),
    "Cover Date": Look(size=11, before=17, centre=True),
    "Column Header": Look(bold=True),
    "Banner": Look(size=10, bold=True),
    "Outcome": Look(),
    "Ref": Look(bold=True),
    "Measure Title": Look(bold=True),
    "Detail": Look(),
    "Owner": Look(),
    "Figure": Look(),
    "Commentary": Look(),
    "Missing": Look(italic=True),
    "Baseline": SMALL,
    "History": SMALL,
    "RAG": Look(bold=True),
    "Travel": SMALL,
    "Override": SMALL,
    "Side Label": Look(size=8, bold=True, centre=True, after=0),
    "Future": Look(),
}

# Word's built-in styles among LOOKS, by name, with the style id Word gives each.
BUILT_IN = {"Normal": "Normal", "Heading 1": "Heading1", "Heading 2": "Heading2",
            "Heading 3": "Heading3", "TOC Heading": "TOCHeading", "toc 1": "TOC1",
            "toc 2": "TOC2", "toc 3": "TOC3", "Caption": "Caption", "Footer": "Footer"}


def _plain_fonts(style: BaseStyle) -> None:
    """Drop theme font references: they override the font the style inherits."""
    rpr = style.element.rPr
    fonts = None if rpr is None else rpr.rFonts
    if fonts is not None:
        rpr.remove(fonts)


def _apply(style: ParagraphStyle, look: Look, word: WordDocument) -> None:
    """Give `style` the properties `look` sets."""
    if look.base is not None:
        style.base_style = word.styles[look.base]
    font, para = style.font, style.paragraph_format
    if look.size is not None:
        font.size = Pt(look.size)
    if look.bold is not None:
        font.bold = look.bold
    if look.italic is not None:
        font.italic = look.italic
    if look.colour is not None:
        font.color.rgb = RGBColor.from_string(look.colour)
    if look.centre:
        para.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    if look.before is not None:
        para.space_before = Pt(look.before)
    if look.after is not None:
        para.space_after = Pt(look.after)
    if look.indent is not None:
        para.left_indent = Mm(look.indent)
    if look.right is not None:
        para.right_indent = Mm(look.right)
    if look.keep_next is not None:
        para.keep_with_next = look.keep_next
    if look.tab is not None:
        para.tab_stops.clear_all()
        leader = WD_TAB_LEADER.DOTS if look.dots else WD_TAB_LEADER.SPACES
        para.tab_stops.add_tab_stop(look.tab, WD_TAB_ALIGNMENT.RIGHT, leader)
    if look.outline is not None:
        ppr = style.element.get_or_add_pPr()
        put(ppr, element("w:outlineLvl", val=str(look.outline)), PPR_ORDER)


def _table_style(word: WordDocument, overwrite: bool) -> None:
    """Table Grid: 0.75pt black borders everywhere and 1.5mm cell padding, like the PDF."""
    styles = word.styles
    if TABLE_STYLE in styles and not overwrite:
        return
    if TABLE_STYLE not in styles:
        styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    node = styles[TABLE_STYLE].element
    for old in node.findall(qn("w:pPr")) + node.findall(qn("w:tblPr")):
        node.remove(old)
    borders = element("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(element(f"w:{side}", val="single", sz="6", space="0", color="000000"))
    margins = element("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margins.append(element(f"w:{side}", w="85", type="dxa"))  # 1.5mm
    table = element("w:tblPr")
    table.append(borders)
    table.append(margins)
    put(node, table, STYLE_ORDER)


def _add_style(word: WordDocument, name: str) -> ParagraphStyle:
    """A new paragraph style; one of Word's own (toc 2, Caption...) under Word's own id, so Word
    treats it as its built-in style rather than a look-alike."""
    style = word.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name in BUILT_IN:
        style.element.attrib.pop(qn("w:customStyle"), None)
        style.element.set(qn("w:styleId"), BUILT_IN[name])
    return style  # type: ignore[return-value]


def define_styles(word: WordDocument, *, overwrite: bool) -> None:
    """Add every style the renderer uses; with `overwrite`, also restyle existing ones.

    The reference generator overwrites (it sets the whole look); a render only adds what a
    project's own reference.docx lacks, so the team's edits in Word win.
    """
    styles = word.styles
    for name, look in LOOKS.items():
        exists = name in styles
        if exists and not overwrite:
            continue
        style = styles[name] if exists else _add_style(word, name)
        if name.startswith(("Heading", "TOC", "toc", "Caption")):
            _plain_fonts(style)
        if name == "Normal":
            style.font.name = FONT
        style.quick_style = True
        _apply(style, look, word)
    _table_style(word, overwrite)


def _default_props(word: WordDocument) -> tuple[BaseOxmlElement, BaseOxmlElement]:
    """The rPr and pPr of styles.xml's docDefaults, created when missing."""
    root = word.styles.element
    defaults = root.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = element("w:docDefaults")
        root.insert(0, defaults)
    found = []
    for holder, tag in (("w:rPrDefault", "w:rPr"), ("w:pPrDefault", "w:pPr")):
        outer = defaults.find(qn(holder))
        if outer is None:
            outer = element(holder)
            if holder == "w:rPrDefault":
                defaults.insert(0, outer)
            else:
                defaults.append(outer)
        inner = outer.find(qn(tag))
        if inner is None:
            inner = element(tag)
            outer.append(inner)
        found.append(inner)
    return found[0], found[1]


def set_default_language(word: WordDocument, language: str) -> None:
    """The language every run inherits (styles.xml docDefaults), for spelling and screen readers."""
    rpr, _ = _default_props(word)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = put(rpr, element("w:lang"), RPR_ORDER)
    lang.set(qn("w:val"), language)


def set_reference_defaults(word: WordDocument) -> None:
    """docDefaults of the reference: the pack font at 9pt, en-GB, 2pt after each paragraph."""
    rpr, ppr = _default_props(word)
    put(rpr, element("w:rFonts", ascii=FONT, hAnsi=FONT, eastAsia=FONT, cs=FONT), RPR_ORDER)
    put(rpr, element("w:sz", val="18"), RPR_ORDER)
    put(rpr, element("w:szCs", val="18"), RPR_ORDER)
    set_default_language(word, "en-GB")
    put(ppr, element("w:spacing", after="40", line="252", lineRule="auto"), PPR_ORDER)
