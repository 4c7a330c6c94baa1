"""Which characters the pack can print: those every bundled font face has a glyph for."""

from __future__ import annotations

from functools import cache

from ..templating import PACKAGE_TEMPLATES

FACES = ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf")


@cache
def printable() -> frozenset[int]:
    """Code points with a glyph in every face (text may be set in any of them)."""
    from fontTools.ttLib import TTFont  # a WeasyPrint dependency; only read when needed

    sets = []
    for face in FACES:
        font = TTFont(PACKAGE_TEMPLATES / "fonts" / face, lazy=True)
        sets.append(frozenset(font.getBestCmap()))
        font.close()
    return frozenset.intersection(*sets)


def unprintable(text: str) -> str | None:
    """The first character of `text` the fonts cannot draw, or None."""
    if text.isascii():
        return None
    glyphs = printable()
    return next((c for c in text if ord(c) >= 0x20 and ord(c) not in glyphs), None)
