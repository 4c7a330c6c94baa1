"""Low-level WordprocessingML helpers python-docx has no API for: fields, bookmarks, ordered
children, XML-safe text, and a reproducible zip package."""

from __future__ import annotations

import io
import re
import zipfile

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.styles.style import BaseStyle
from docx.text.paragraph import Paragraph

# XML 1.0 cannot hold these at all (lone surrogates, U+FFFE/U+FFFF, C0 controls other than
# tab, newline and carriage return); the validator refuses most, this catches the rest.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Fixed zip entry timestamp: the earliest a zip can hold, so rebuilds are byte-identical.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
CONTENT_TYPES = "[Content_Types].xml"


def xml_text(text: str) -> str:
    """Text that lxml accepts: characters XML cannot carry become U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def element(tag: str, **attributes: str) -> BaseOxmlElement:
    """A new w: element with w: attributes, e.g. element("w:shd", val="clear")."""
    node = OxmlElement(tag)
    for name, value in attributes.items():
        node.set(qn(f"w:{name}"), value)
    return node


# Schema order of the property elements this renderer writes: Word refuses a file whose
# children are out of order, so each insert goes before the first later sibling.
RPR_ORDER = ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
             "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint",
             "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing",
             "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect",
             "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang",
             "w:eastAsianLayout", "w:specVanish", "w:oMath")
PPR_ORDER = ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
             "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
             "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
             "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
             "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
             "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
             "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
             "w:pPrChange")
TBLPR_ORDER = ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual",
               "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
               "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
               "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
TRPR_ORDER = ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
              "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc",
              "w:hidden", "w:ins", "w:del", "w:trPrChange")
TCPR_ORDER = ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders",
              "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
              "w:hideMark", "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge",
              "w:tcPrChange")
STYLE_ORDER = ("w:name", "w:aliases", "w:basedOn", "w:next", "w:link", "w:autoRedefine",
               "w:hidden", "w:uiPriority", "w:semiHidden", "w:unhideWhenUsed", "w:qFormat",
               "w:locked", "w:personal", "w:personalCompose", "w:personalReply", "w:rsid",
               "w:pPr", "w:rPr", "w:tblPr", "w:trPr", "w:tcPr", "w:tblStylePr")
SETTINGS_ORDER = ("w:updateFields", "w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr",
                  "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema",
                  "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats",
                  "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions",
                  "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary",
                  "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol",
                  "w:listSeparator")


def put(parent: BaseOxmlElement, child: BaseOxmlElement,
        order: tuple[str, ...]) -> BaseOxmlElement:
    """Put `child` into `parent`, replacing one of the same tag, in `order`'s schema order."""
    for old in parent.findall(child.tag):
        parent.remove(old)
    tag = child.prefix + ":" + child.tag.split("}")[1]
    later = order[order.index(tag) + 1:]
    parent.insert_element_before(child, *later)
    return child


def styled(paragraph: Paragraph, style: BaseStyle) -> Paragraph:
    """Give `paragraph` a style by id: python-docx's own setter scans every style per call."""
    paragraph._p.style = style.style_id
    return paragraph


def add_field(paragraph: Paragraph | BaseOxmlElement, instruction: str, cached: str) -> None:
    """A complex field (begin, instruction, separate, cached result, end) at the end."""
    target = paragraph._p if isinstance(paragraph, Paragraph) else paragraph
    for run in field_runs(instruction, cached):
        target.append(run)


def field_runs(instruction: str, cached: str) -> list[BaseOxmlElement]:
    """The runs of a complex field whose cached result is `cached`."""
    return [field_begin(), instruction_run(instruction), field_separate(),
            text_run(cached), field_end()]


def _char_run(kind: str) -> BaseOxmlElement:
    run = OxmlElement("w:r")
    run.append(element("w:fldChar", fldCharType=kind))
    return run


def field_begin() -> BaseOxmlElement:
    """The run that opens a complex field."""
    return _char_run("begin")


def field_separate() -> BaseOxmlElement:
    """The run between a field's instruction and its cached result."""
    return _char_run("separate")


def field_end() -> BaseOxmlElement:
    """The run that closes a complex field."""
    return _char_run("end")


def instruction_run(instruction: str) -> BaseOxmlElement:
    """A run holding a field instruction such as ` PAGE `."""
    run = OxmlElement("w:r")
    instr = OxmlElement("w:instrText")
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    instr.text = f" {instruction} "
    run.append(instr)
    return run


def text_run(text: str) -> BaseOxmlElement:
    """A plain run with `text` (spaces kept)."""
    run = OxmlElement("w:r")
    node = OxmlElement("w:t")
    node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    node.text = xml_text(text)
    run.append(node)
    return run


def tab_run() -> BaseOxmlElement:
    """A run holding one tab character."""
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:tab"))
    return run


def bookmark(paragraph: Paragraph, number: int, name: str) -> None:
    """Wrap the paragraph's content in a bookmark so fields and links can point at it."""
    start = element("w:bookmarkStart", id=str(number), name=name)
    end = element("w:bookmarkEnd", id=str(number))
    p = paragraph._p
    ppr = p.pPr
    p.insert(0 if ppr is None else p.index(ppr) + 1, start)
    p.append(end)


def repack(package: bytes) -> bytes:
    """The same zip with fixed entry order, timestamps, permissions and compression.

    python-docx stamps every entry with the current time; rewriting them makes two builds
    of the same Document byte-identical.
    """
    source = zipfile.ZipFile(io.BytesIO(package))
    names = sorted(source.namelist(), key=lambda n: (n != CONTENT_TYPES, n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whatever system builds it
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(name), compresslevel=6)
    return out.getvalue()
