"""RAG fills, and the default theme's banner and header colours under their old names.

The text colour on every fill is decided by the layout from the theme (layout/theme.py), which
also holds the contrast function; both are re-exported here for existing imports.
"""

from __future__ import annotations

from .theme import Theme, contrast, luminance

__all__ = ["BANNER_FILL", "BANNER_TEXT", "HEADER_FILL", "HEADER_TEXT", "RAG_FILLS", "RAG_TEXT",
           "contrast", "luminance"]

_DEFAULT = Theme()
RAG_FILLS = {"red": "#C00000", "amber": "#FFC000", "green": "#00B050", "grey": "#BFBFBF"}
# The text the default theme puts on each RAG fill (Theme.text_on), kept for existing imports.
RAG_TEXT = {status: _DEFAULT.text_on(fill) for status, fill in RAG_FILLS.items()}
BANNER_FILL = _DEFAULT.banner_fill
BANNER_TEXT = _DEFAULT.banner_text
HEADER_FILL = _DEFAULT.header_fill
HEADER_TEXT = _DEFAULT.header_text
