"""Render stage (HTML): draw a layout Document through the Jinja templates, escaped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from ..errors import TemplateProblem, relative
from ..layout.document import Document
from ..layout.grid import grid
from ..layout.theme import Theme
from ..templating import (
    TEMPLATE_FAULTS,
    find_template_file,
    html_environment,
    render_bounded,
    template_problem,
)
from .chart import svg
from .resources import check_stylesheet

STYLESHEETS = ("pack.css", "custom.css")


def block_kind(block: object) -> str:
    """The template name for a layout block: Heading -> 'heading'."""
    return type(block).__name__.lower()


def _number(value: float) -> str:
    """A CSS number: 9.0 -> '9', 0.75 -> '0.75'."""
    return f"{value:g}"


def theme_css(theme: Theme) -> str:
    """The theme as CSS: the page geometry (an @page rule, which cannot use var()) and the
    rest as custom properties pack.css reads with var(); table sizes per table style."""
    n = _number
    width, height = theme.page_mm
    footer = (f"font-family: var(--font-family); font-size: {n(theme.size_small)}pt; "
              f"color: {theme.muted};")
    lines = [
        "/* The theme (report.yaml `theme:`); pack.css and custom.css follow. */",
        f"@page {{ size: {n(width)}mm {n(height)}mm; margin: {n(theme.margin_top)}mm "
        f"{n(theme.margin_right)}mm {n(theme.margin_bottom)}mm {n(theme.margin_left)}mm;",
        f"  @bottom-left {{ {footer} }}",
        f"  @bottom-right {{ {footer} }} }}",
        ":root {",
    ]
    properties = {
        "text": theme.text, "muted": theme.muted, "accent": theme.accent,
        "banner-fill": theme.banner_fill, "banner-text": theme.banner_text,
        "header-fill": theme.header_fill, "header-text": theme.header_text,
        "light-text": theme.light_text,
        "border": theme.border, "border-width": f"{n(theme.border_width)}pt",
        "font-family": f'"{theme.pdf_font}", sans-serif',
        "size-body": f"{n(theme.size_body)}pt", "size-small": f"{n(theme.size_small)}pt",
        "size-banner": f"{n(theme.size_banner)}pt", "size-title": f"{n(theme.size_title)}pt",
        "size-h2": f"{n(theme.size_h2)}pt", "size-h3": f"{n(theme.size_h3)}pt",
        "size-cover": f"{n(theme.size_cover)}pt",
        "size-cover-plan": f"{n(theme.size_cover_plan)}pt",
        "size-cover-note": f"{n(theme.size_cover_note)}pt",
        "paragraph-gap": f"{n(theme.paragraph_gap)}pt",
        "cell-padding": f"{n(theme.cell_padding)}mm", "table-gap": f"{n(theme.table_gap)}mm",
        "cover-top": f"{n(theme.cover_top)}mm",
        "contents-width": f"{n(theme.contents_width)}mm",
        "table-width": "100%", "table-font-size": "1em",
    }
    lines += [f"  --{name}: {value};" for name, value in properties.items()]
    lines.append("}")
    for style in sorted({*theme.table_width, *theme.table_font_size}):
        rules = []
        if style in theme.table_width:
            rules.append(f"--table-width: {n(theme.table_width[style])}%;")
        if style in theme.table_font_size:
            rules.append(f"--table-font-size: {n(theme.table_font_size[style])}pt;")
        lines.append(f"table.{style} {{ {' '.join(rules)} }}")
    return "\n".join(lines) + "\n"


def stylesheet_text(project_root: Path, theme: Theme | None = None) -> str:
    """The theme's CSS, then pack.css (the project's if it has one, else ours), then the
    project's custom.css; every URL in them is checked as the PDF renderer would check it."""
    parts = [theme_css(theme or Theme())]
    for path, text in read_stylesheets(project_root, STYLESHEETS):
        check_stylesheet(text, project_root, relative(path, project_root))
        parts.append(text)
    return "\n".join(parts)


def read_stylesheets(project_root: Path, names: tuple[str, ...]) -> list[tuple[Path, str]]:
    """Each named stylesheet there is (the project's, else the package's) with its text."""
    found = []
    for name in names:
        path = find_template_file(project_root, name)
        if path is None:
            continue
        try:
            found.append((path, path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as err:
            raise TemplateProblem(f"cannot read stylesheet {path}: {err}") from None
    return found


def render_page(doc: Document, project_root: Path, template_name: str,
                stylesheet: Callable[[Path, Theme], str],
                filters: dict[str, Callable[..., Any]]) -> str:
    """Draw `doc` through one page template with its stylesheet inline (the print HTML and
    the web edition alike); `filters` are the format's own."""
    env = html_environment(project_root)
    env.filters.update({"kind": block_kind, **filters})
    try:
        template = env.get_template(template_name)
    except jinja2.TemplateError as err:
        raise template_problem(err) from None
    # The stylesheet is template text (ours or the project's), not user data: not escaped.
    css = markupsafe.Markup(stylesheet(project_root, doc.theme))
    try:
        return render_bounded(template, doc=doc, stylesheet_text=css)
    except TEMPLATE_FAULTS as err:  # the template's own expressions: its problem, named
        raise template_problem(err) from None


def render_html(doc: Document, project_root: Path) -> str:
    """The pack as one HTML page with its stylesheet inline."""
    return render_page(doc, project_root, "pack.html", stylesheet_text,
                       {"grid": grid, "chart_svg": svg})
