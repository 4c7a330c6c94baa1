"""Generate csp_report/templates/reference.docx, the default look of the Word pack.

Run from the repository root: .venv/bin/python scripts/make_reference_docx.py
The result is byte-identical on every run, so git shows a change only when the look changes.
A team can instead edit a copy in Word and save it as templates/reference.docx in the project.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import docx
from docx.document import Document as WordDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from csp_report.layout.theme import Theme  # noqa: E402
from csp_report.render.docx_setup import set_up_page  # noqa: E402
from csp_report.render.docx_styles import (  # noqa: E402
    TABLE_STYLE,
    define_styles,
    set_reference_defaults,
)
from csp_report.render.docx_xml import SETTINGS_ORDER, element, put, repack  # noqa: E402

OUT = ROOT / "csp_report" / "templates" / "reference.docx"
FIXED = dt.datetime(2017, 1, 1)  # any fixed date: each render overwrites the metadata
APP_XML = (b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
           b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           b'extended-properties"><Application>csp-report</Application>'
           b"<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
           b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
           b"<HyperlinksChanged>false</HyperlinksChanged></Properties>")


def drop_extras(word: WordDocument) -> None:
    """Leave out python-docx's template leftovers: a Letter-page thumbnail, a stale copy of
    the styles for Word 2010, and an empty bibliography part."""
    package = word.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = APP_XML  # the template claims to be Word for Mac
    stale = ("http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
             RT.CUSTOM_XML)
    for rid, rel in list(word.part.rels.items()):
        if rel.reltype in stale:
            word.part.rels.pop(rid)


def drop_table_styles(word: WordDocument) -> None:
    """Keep only the table styles the pack uses: Word offers the rest as latent styles, and
    dropping them shrinks every pack by about 300 KB of styles.xml."""
    keep = {"Normal Table", TABLE_STYLE}
    for style in list(word.styles):
        if style.type == WD_STYLE_TYPE.TABLE and style.name not in keep:
            style.delete()


def set_settings(word: WordDocument) -> None:
    """Word 2013+ table layout (borders on the margin) and British English for the theme."""
    settings = word.settings.element
    for setting in settings.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "15")
    for theme in settings.iter(qn("w:themeFontLang")):
        theme.set(qn("w:val"), "en-GB")
    put(settings, element("w:updateFields", val="true"), SETTINGS_ORDER)


def set_metadata(word: WordDocument) -> None:
    """Blank, fixed core properties (python-docx's template names itself the author)."""
    props = word.core_properties
    for name in ("title", "subject", "author", "last_modified_by", "keywords", "comments",
                 "category"):
        setattr(props, name, "")
    props.language = "en-GB"
    props.created = props.modified = props.last_printed = FIXED
    props.revision = 1


def build() -> bytes:
    """The reference document's bytes."""
    word = docx.Document()
    drop_extras(word)
    drop_table_styles(word)
    theme = Theme()  # the default look; a project's theme restyles it at render time
    set_reference_defaults(word, theme)
    define_styles(word, theme, overwrite=True)
    set_up_page(word.sections[0], theme)
    set_settings(word)
    set_metadata(word)
    buffer = io.BytesIO()
    word.save(buffer)
    return repack(buffer.getvalue())


if __name__ == "__main__":
    OUT.write_bytes(build())
    print(f"wrote {OUT.relative_to(ROOT)}")
