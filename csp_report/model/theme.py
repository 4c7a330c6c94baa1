"""The look a project may set in report.yaml under `theme:`: colours, fonts, sizes, spacing and
page geometry. Every field has the default look as its default, so `theme:` lists only what a
partnership changes. The layout turns it into a `csp_report.layout.theme.Theme`, which both
the stylesheet (as CSS custom properties) and the Word styles are drawn from.

Text must stay readable: every colour pair (text on its fill, text on the white page) is
checked here, and a pair below the WCAG AA ratio of 4.5:1 is a problem naming the field.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .types import Identifier, Strict, _number, _string

MIN_CONTRAST = 4.5
PAGE = "#FFFFFF"  # the page is always white
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_FONT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{0,62}$")


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _colour(value: str) -> str:
    if not _COLOUR.match(value):
        raise PydanticCustomError("colour", "{got} is not a colour: write it as #rrggbb, "
                                  "e.g. '#1F3864'", {"got": repr(value)})
    return value.upper()


def _font(value: str) -> str:
    if not _FONT.match(value):
        raise PydanticCustomError("font", "{got} is not a font name: use letters, digits, "
                                  "spaces and dashes", {"got": repr(value)})
    return value


Colour = Annotated[str, BeforeValidator(_string), AfterValidator(_colour),
                   WithJsonSchema({"type": "string", "pattern": _COLOUR.pattern})]
FontName = Annotated[str, BeforeValidator(_string), AfterValidator(_font),
                     WithJsonSchema({"type": "string", "pattern": _FONT.pattern})]


# Numbers between two bounds, inclusive (points or millimetres as each field says).
FontSize = Annotated[Decimal, BeforeValidator(_number), Field(ge=5, le=48),
           WithJsonSchema({"type": "number", "minimum": 5, "maximum": 48})]
Millimetres = Annotated[Decimal, BeforeValidator(_number), Field(ge=0, le=100),
              WithJsonSchema({"type": "number", "minimum": 0, "maximum": 100})]
Upto10 = Annotated[Decimal, BeforeValidator(_number), Field(ge=0, le=10),
         WithJsonSchema({"type": "number", "minimum": 0, "maximum": 10})]
Upto20 = Annotated[Decimal, BeforeValidator(_number), Field(ge=0, le=20),
         WithJsonSchema({"type": "number", "minimum": 0, "maximum": 20})]
Upto3 = Annotated[Decimal, BeforeValidator(_number), Field(ge=0, le=3),
        WithJsonSchema({"type": "number", "minimum": 0, "maximum": 3})]
Upto50 = Annotated[Decimal, BeforeValidator(_number), Field(ge=0, le=50),
         WithJsonSchema({"type": "number", "minimum": 0, "maximum": 50})]
Margin = Annotated[Decimal, BeforeValidator(_number), Field(ge=5, le=50),
         WithJsonSchema({"type": "number", "minimum": 5, "maximum": 50})]
ContentsWidth = Annotated[Decimal, BeforeValidator(_number), Field(ge=50, le=400),
                WithJsonSchema({"type": "number", "minimum": 50, "maximum": 400})]
Percent = Annotated[int, Field(ge=10, le=100)]

# Which colour each text colour is read on: (field holding the fill, or None for the page).
_READ_ON = {"text": None, "muted": None, "accent": None, "banner_text": "banner_fill",
            "header_text": "header_fill"}


# Paper sizes (short side, long side) in millimetres, and the narrowest text a pack may have.
PAPER_MM = {"A4": (210.0, 297.0), "A3": (297.0, 420.0), "Letter": (215.9, 279.4)}
MIN_TEXT_WIDTH_MM = 120


class ThemeConfig(Strict):
    """The pack's look; sizes in points (pt) or millimetres (mm) as each field says."""

    # Colours
    text: Colour = Field("#000000", validate_default=True, description="Body text")
    muted: Colour = Field("#333333", validate_default=True,
                          description="Captions and the page footer")
    accent: Colour = Field("#1F3864", validate_default=True,
                           description="Headings and the cover title")
    banner_fill: Colour = Field("#1F3864", description="Fill of a table's banner row")
    banner_text: Colour = Field("#FFFFFF", validate_default=True,
                                description="Text on the banner fill")
    header_fill: Colour = Field("#D9E2F3", description="Fill of column and row headers")
    header_text: Colour = Field("#000000", validate_default=True,
                                description="Text on the header fill")
    light_text: Colour = Field(
        "#FFFFFF", description="Text on a dark status fill (the layout picks this or `text`, "
        "whichever reads better)")
    border: Colour = Field("#000000", description="Table borders")
    border_width: Upto3 = Field(Decimal("0.75"), description="Table borders, pt")
    # Fonts and sizes
    pdf_font: FontName = Field(
        "Pack Sans", description="PDF font family (Pack Sans is the bundled Liberation Sans; "
        "another needs an @font-face in templates/custom.css)")
    word_font: FontName = Field("Arial", description="Word font family")
    size_body: FontSize = Field(Decimal(9), description="Body text, pt")
    size_small: FontSize = Field(Decimal(8), description="Notes, captions, footer, "
                                 "baselines and history, pt")
    size_banner: FontSize = Field(Decimal(10), description="Banner row text, pt")
    size_title: FontSize = Field(Decimal(26), description="Cover title, pt")
    size_h2: FontSize = Field(Decimal(13), description="Section headings, pt")
    size_h3: FontSize = Field(Decimal(11), description="Sub-headings, pt")
    size_cover: FontSize = Field(Decimal(16), description="Cover partnership and period, pt")
    size_cover_plan: FontSize = Field(Decimal(14), description="Cover plan name, pt")
    size_cover_note: FontSize = Field(Decimal(11), description="Cover note and date, pt")
    table_font_size: dict[Identifier, FontSize] = Field(
        default_factory=lambda: {"tracker": Decimal(8)},
        description="Text size of the tables of a style (activity, tracker, summary, key), pt")
    table_width: dict[Identifier, Percent] = Field(
        default_factory=lambda: {"key": 60},
        description="Width of the tables of a style, per cent of the text width (default 100)")
    # Spacing
    paragraph_gap: Upto20 = Field(Decimal(2), description="Space after a paragraph, "
                                           "pt")
    cell_padding: Upto10 = Field(Decimal("1.5"), description="Table cell padding, mm")
    table_gap: Millimetres = Field(Decimal(5), description="Space after a table, mm")
    cover_top: Millimetres = Field(Decimal(40), description="Space above the cover, mm")
    contents_width: ContentsWidth = Field(Decimal(160), description="Contents list "
                                              "width, mm")
    # Page
    page_size: Literal["A4", "A3", "Letter"] = Field("A4", description="Paper size")
    orientation: Literal["landscape", "portrait"] = Field("landscape",
                                                          description="Page orientation")
    margin_top: Margin = Field(Decimal(12), description="Top margin, mm")
    margin_right: Margin = Field(Decimal(12), description="Right margin, mm")
    margin_bottom: Margin = Field(Decimal(15), description="Bottom margin, mm")
    margin_left: Margin = Field(Decimal(12), description="Left margin, mm")
    footer_distance: Upto50 = Field(Decimal(6), description="Word: footer distance "
                                             "from the page edge, mm")

    @model_validator(mode="after")
    def _room_for_tables(self) -> ThemeConfig:
        """Side margins that leave a pack's tables room: at 110 mm (portrait, 50 mm each side)
        a ref broke into '1 / . / 1' and status words letter by letter."""
        short, long = PAPER_MM[self.page_size]
        width = (long if self.orientation == "landscape" else short) \
            - float(self.margin_left) - float(self.margin_right)
        if width < MIN_TEXT_WIDTH_MM:
            raise PydanticCustomError(
                "text_width", "the text between the side margins would be {width} mm wide on "
                "{paper} {orientation} paper; a pack's tables need at least {least} mm: "
                "smaller margins, or landscape", {
                    "width": f"{width:.0f}", "paper": self.page_size,
                    "orientation": self.orientation, "least": MIN_TEXT_WIDTH_MM})
        return self

    @field_validator("text", "muted", "accent", "banner_text", "header_text")
    @classmethod
    def _readable(cls, value: str, info: ValidationInfo) -> str:
        """Text at least 4.5:1 against what it is read on (fills are declared before texts)."""
        name = info.field_name or ""
        fill_field = _READ_ON[name]
        fill = PAGE if fill_field is None else info.data.get(fill_field)
        if fill is None:  # the fill itself is invalid and reported on its own
            return value
        ratio = contrast(value, fill)
        if ratio < MIN_CONTRAST:
            on = "the white page" if fill_field is None else f"{fill_field} {fill}"
            raise PydanticCustomError(
                "contrast", "{colour} on {on} has a contrast of {ratio}:1; text needs at least "
                "4.5:1", {"colour": value, "on": on, "ratio": f"{ratio:.1f}"})
        return value
