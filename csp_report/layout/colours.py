"""RAG fills and the text colour on them, chosen so text contrast is at least 4.5:1."""

from __future__ import annotations

RAG_FILLS = {"red": "#C00000", "amber": "#FFC000", "green": "#00B050", "grey": "#BFBFBF"}
RAG_TEXT = {"red": "#FFFFFF", "amber": "#000000", "green": "#000000", "grey": "#000000"}
BANNER_FILL = "#1F3864"
BANNER_TEXT = "#FFFFFF"
HEADER_FILL = "#D9E2F3"
HEADER_TEXT = "#000000"


def _linear(channel: int) -> float:
    c = channel / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _linear(r) + 0.7152 * _linear(g) + 0.0722 * _linear(b)


def contrast(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(fill: str) -> str:
    """Black text on a fill, unless white reads better (tests hold every pair to 4.5:1)."""
    return max(("#000000", "#FFFFFF"), key=lambda text: contrast(text, fill))
