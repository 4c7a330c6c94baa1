"""The Word styles of a pack: one named style per text role, defined once for the reference
document's generator and for filling in styles a project's own reference.docx lacks."""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.parts.numbering import NumberingPart
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.styles.style import BaseStyle, ParagraphStyle

from ..layout.theme import Theme, twips
from .docx_tables import BulletStyle, text_width
from .docx_xml import PPR_ORDER, RPR_ORDER, STYLE_ORDER, element, put

TABLE_STYLE = "Table Grid"
BULLET_STYLE = "List Bullet"  # Word's own list style: a team can restyle it in Word
BULLET_NUMBERING = "0C5B0001"  # w:nsid marking the bullet numbering this renderer defines

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



def _hex(colour: str) -> str:
    """#rrggbb as Word writes it: RRGGBB."""
    return colour.lstrip("#").upper()


def looks(theme: Theme) -> dict[str, Look]:
    """Every paragraph style's look, from the theme."""
    small = Look(size=theme.size_small)
    accent, muted = _hex(theme.accent), _hex(theme.muted)
    contents_tab = Mm(theme.contents_width)
    contents_right = theme.text_width_mm - theme.contents_width  # long entries wrap there too
    return {
        "Normal": Look(base=None, size=theme.size_body, colour=_hex(theme.text)),
        "Heading 1": Look(size=theme.size_title, bold=True, colour=accent, before=23, after=23,
                          keep_next=True),
        "Heading 2": Look(size=theme.size_h2, bold=True, colour=accent, before=0, after=6,
                          keep_next=True),
        "Heading 3": Look(size=theme.size_h3, bold=True, colour=accent, before=8.5, after=3,
                          keep_next=True),
        "TOC Heading": Look(base="Heading 2", outline=9),
        "toc 1": Look(after=4, right=contents_right, tab=contents_tab),
        "toc 2": Look(after=4, right=contents_right, tab=contents_tab),
        "toc 3": Look(after=4, indent=5, right=contents_right, tab=contents_tab),
        "Caption": Look(size=theme.size_small, bold=False, colour=muted, after=3,
                        keep_next=True),
        "Footer": Look(size=theme.size_small, colour=muted, after=0,
                       tab=Twips(text_width(theme)), dots=False),
        "List Item": Look(indent=5),
        "Note": small,
        "Strong Text": Look(bold=True, before=5.7),
        "Cover Partnership": Look(size=theme.size_cover, bold=True, centre=True),
        "Cover Plan": Look(size=theme.size_cover_plan, centre=True),
        "Cover Period": Look(size=theme.size_cover, before=11, centre=True),
        "Cover Note": Look(size=theme.size_cover_note, before=17, centre=True),
        "Cover Date": Look(size=theme.size_cover_note, before=17, centre=True),
        "Column Header": Look(bold=True),
        "Banner": Look(size=theme.size_banner, bold=True),
        "Outcome": Look(),
        "Ref": Look(bold=True),
        "Measure Title": Look(bold=True),
        "Detail": Look(),
        "Owner": Look(),
        "Figure": Look(),
        "Commentary": Look(),
        "Missing": Look(italic=True),
        "Baseline": small,
        "History": small,
        "RAG": Look(bold=True),
        "Travel": small,
        "Override": small,
        "Side Label": Look(size=theme.size_small, bold=True, centre=True, after=0),
        "Future": Look(),
        # With contextual spacing (see _number_with_bullets): the gap comes after the list.
        BULLET_STYLE: Look(after=theme.paragraph_gap),
    }


# Word's built-in styles among the looks, by name, with the style id Word gives each.
BUILT_IN = {"Normal": "Normal", "Heading 1": "Heading1", "Heading 2": "Heading2",
            "Heading 3": "Heading3", "TOC Heading": "TOCHeading", "toc 1": "TOC1",
            "toc 2": "TOC2", "toc 3": "TOC3", "Caption": "Caption", "Footer": "Footer",
            BULLET_STYLE: "ListBullet"}


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


def _table_style(word: WordDocument, theme: Theme, overwrite: bool) -> None:
    """Table Grid: the theme's borders everywhere and its cell padding, like the PDF."""
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
        borders.append(element(f"w:{side}", val="single", sz=str(round(theme.border_width * 8)),
                               space="0", color=_hex(theme.border)))  # sz: eighths of a point
    margins = element("w:tblCellMar")
    for side in ("top", "left", "bottom", "right"):
        margins.append(element(f"w:{side}", w=str(twips(theme.cell_padding)), type="dxa"))
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
    return style


def define_styles(word: WordDocument, theme: Theme | None = None, *, overwrite: bool) -> None:
    """Add every style the renderer uses, as the theme draws it; with `overwrite`, also restyle
    existing ones.

    The reference generator overwrites (it sets the whole look), as does a render on the
    package's reference with a project theme; a render on a project's own reference.docx only
    adds what it lacks, so the team's edits in Word win.
    """
    theme = theme or Theme()
    styles = word.styles
    for name, look in looks(theme).items():
        exists = name in styles
        if exists and not overwrite:
            continue
        style = styles[name] if exists else _add_style(word, name)
        if name.startswith(("Heading", "TOC", "toc", "Caption")):
            _plain_fonts(style)
        if name == "Normal":
            style.font.name = theme.word_font
        style.quick_style = True
        _apply(style, look, word)
        if name == BULLET_STYLE:
            _number_with_bullets(word, style, theme)
    _table_style(word, theme, overwrite)


def _number_with_bullets(word: WordDocument, style: ParagraphStyle, theme: Theme) -> None:
    """Make `style` a bulleted list style: a one-level bullet numbering definition (added to
    numbering.xml once, marked by its nsid) referenced from the style's paragraph properties."""
    numbering = _numbering(word)
    abstract = next((a for a in numbering.findall(qn("w:abstractNum"))
                     if a.find(qn("w:nsid")) is not None
                     and a.find(qn("w:nsid")).get(qn("w:val")) == BULLET_NUMBERING), None)
    if abstract is None:
        ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
        abstract = element("w:abstractNum", abstractNumId=str(max(ids, default=-1) + 1))
        abstract.append(element("w:nsid", val=BULLET_NUMBERING))
        abstract.append(element("w:multiLevelType", val="singleLevel"))
        level = element("w:lvl", ilvl="0")
        for tag, value in (("w:start", "1"), ("w:numFmt", "bullet"), ("w:lvlText", "\u2022"),
                           ("w:lvlJc", "left")):
            level.append(element(tag, val=value))
        ppr = element("w:pPr")
        ppr.append(element("w:ind", left=str(twips(4)), hanging=str(twips(3))))
        level.append(ppr)
        rpr = element("w:rPr")
        rpr.append(element("w:rFonts", ascii=theme.word_font, hAnsi=theme.word_font))
        level.append(rpr)
        abstract.append(level)
        existing = numbering.findall(qn("w:abstractNum"))
        if existing:
            existing[-1].addnext(abstract)
        else:
            numbering.insert(0, abstract)
    abstract_id = abstract.get(qn("w:abstractNumId"))
    num = next((n for n in numbering.findall(qn("w:num"))
                if n.find(qn("w:abstractNumId")).get(qn("w:val")) == abstract_id), None)
    if num is None:
        ids = [int(n.get(qn("w:numId"))) for n in numbering.findall(qn("w:num"))]
        num = element("w:num", numId=str(max(ids, default=0) + 1))
        num.append(element("w:abstractNumId", val=abstract_id))
        nums = numbering.findall(qn("w:num"))
        if nums:
            nums[-1].addnext(num)
        else:
            abstract.addnext(num)
    numpr = element("w:numPr")
    numpr.append(element("w:ilvl", val="0"))
    numpr.append(element("w:numId", val=num.get(qn("w:numId"))))
    ppr = style.element.get_or_add_pPr()
    put(ppr, numpr, PPR_ORDER)
    put(ppr, element("w:contextualSpacing"), PPR_ORDER)  # no space between items


def _numbering(word: WordDocument) -> BaseOxmlElement:
    """The w:numbering root of numbering.xml, adding the part when the document has none
    (python-docx cannot create one itself)."""
    try:
        return word.part.part_related_by(RT.NUMBERING).element  # type: ignore[attr-defined]
    except KeyError:
        part = NumberingPart(PackURI("/word/numbering.xml"), CT.WML_NUMBERING,
                             parse_xml(f"<w:numbering {nsdecls('w')}/>"), word.part.package)
        word.part.relate_to(part, RT.NUMBERING)
        return part.element


def bullet_style(word: WordDocument) -> BulletStyle:
    """The style list items take, and whether it numbers them with a bullet itself."""
    style = word.styles[BULLET_STYLE]
    ppr = style.element.pPr
    numbered = ppr is not None and ppr.find(qn("w:numPr")) is not None
    return BulletStyle(style, numbered)


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


def set_reference_defaults(word: WordDocument, theme: Theme | None = None) -> None:
    """docDefaults of the reference: the theme's font and body size, en-GB, and its space
    after each paragraph."""
    theme = theme or Theme()
    font = theme.word_font
    half_points = str(round(theme.size_body * 2))
    rpr, ppr = _default_props(word)
    put(rpr, element("w:rFonts", ascii=font, hAnsi=font, eastAsia=font, cs=font), RPR_ORDER)
    put(rpr, element("w:sz", val=half_points), RPR_ORDER)
    put(rpr, element("w:szCs", val=half_points), RPR_ORDER)
    set_default_language(word, "en-GB")
    put(ppr, element("w:spacing", after=str(round(theme.paragraph_gap * 20)), line="252",
                     lineRule="auto"), PPR_ORDER)
