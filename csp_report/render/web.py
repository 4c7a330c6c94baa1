"""Render stage (web edition): the same layout Document as one self-contained, accessible HTML
page to publish on a website, drawn through templates/web.html and styled by templates/web.css.

The print HTML (render/html.py) is laid out for WeasyPrint's pages; this one is for a browser:
landmarks and a skip link, a contents list, tables that scroll sideways inside their own
labelled region on a narrow screen, a print stylesheet, and nothing fetched from anywhere (a
resource the stylesheet names is inlined as a data: URL).
"""

from __future__ import annotations

import base64
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import markupsafe

from ..errors import TemplateProblem
from ..layout.document import Chart, Document, Table
from ..layout.grid import Placed, grid
from ..layout.theme import Theme
from .chart import svg
from .html import read_stylesheets, render_page
from .resources import (
    REFUSED_ELEMENTS,
    URL_ATTRIBUTES,
    base_url,
    check_stylesheet,
    css_references,
    resolve_resource,
)

WEB_STYLESHEETS = ("web.css", "web-custom.css")

# url(...) and @import "..." in a stylesheet (the same forms resources.check_stylesheet reads).
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(?P<url>[^'")]*)\1\s*\)"""
                      r"""|@import\s+(['"])(?P<imp>[^'"]*)\3""")


def _inline_svg(chart: Chart, theme: Theme) -> markupsafe.Markup:
    """A chart's SVG for the web page: in HTML an inline <svg> is in the SVG namespace
    without saying so, and the page then names no address at all."""
    drawn = str(svg(chart, theme))
    return markupsafe.Markup(drawn.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1))


def _number(value: float) -> str:
    """A CSS number with at most three decimals: 14/9 -> '1.556', 1.0 -> '1'."""
    return f"{round(value, 3):g}"


def web_theme_css(theme: Theme) -> str:
    """The theme as CSS custom properties for a screen: the same colours as the PDF; text
    sizes relative to the reader's own text size (the theme's point sizes divided by its body
    size, as rem), so a reader's browser setting still scales the page; the page geometry
    for printing the web page."""
    n = _number
    width, height = theme.page_mm
    body = theme.size_body

    def rem(points: float) -> str:
        return f"{n(points / body)}rem"

    lines = [
        "/* The theme (report.yaml `theme:`); web.css and web-custom.css follow. */",
        "@media print {",
        f"  @page {{ size: {n(width)}mm {n(height)}mm; margin: {n(theme.margin_top)}mm "
        f"{n(theme.margin_right)}mm {n(theme.margin_bottom)}mm {n(theme.margin_left)}mm; }}",
        "}",
        ":root {",
    ]
    properties = {
        "text": theme.text, "muted": theme.muted, "accent": theme.accent,
        "banner-fill": theme.banner_fill, "banner-text": theme.banner_text,
        "header-fill": theme.header_fill, "header-text": theme.header_text,
        "light-text": theme.light_text, "border": theme.border,
        "size-small": rem(theme.size_small), "size-banner": rem(theme.size_banner),
        "size-title": rem(theme.size_title), "size-h2": rem(theme.size_h2),
        "size-h3": rem(theme.size_h3), "size-cover": rem(theme.size_cover),
        "size-cover-plan": rem(theme.size_cover_plan),
        "size-cover-note": rem(theme.size_cover_note),
        "table-font-size": "1rem",
    }
    lines += [f"  --{name}: {value};" for name, value in properties.items()]
    lines.append("}")
    for style in sorted(theme.table_font_size):
        lines.append(f"table.{style} {{ --table-font-size: "
                     f"{rem(theme.table_font_size[style])}; }}")
    return "\n".join(lines) + "\n"


def _data_url(url: str, project_root: Path) -> str:
    """A stylesheet resource as a data: URL (only files resources.resolve_resource allows)."""
    path = resolve_resource(urljoin(base_url(project_root), url), project_root)
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if path.suffix.lower() in (".ttf", ".otf", ".woff", ".woff2"):
        kind = f"font/{path.suffix.lower()[1:]}"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def self_contained(css: str, project_root: Path, name: str = "web stylesheet") -> str:
    """The stylesheet with every url() inlined as a data: URL, so the page asks no server and
    no file for anything. What it names is first checked as for the PDF (files inside the
    templates folders only, read by a real CSS parser); an @import is refused, and so is a
    reference left over that is not a data: URL (a spelling this cannot inline)."""
    check_stylesheet(css, project_root, name)
    imported = _IMPORT.search(css)
    if imported:
        raise TemplateProblem(f"refused '{imported[0]}' in the {name}: the web edition "
                              "is one self-contained file (copy the rules in instead)")

    def inline(match: re.Match[str]) -> str:
        url = match["url"].strip()
        if not url or url.startswith(("#", "data:")):
            return match[0]
        return f'url("{_data_url(url, project_root)}")'

    inlined = _CSS_URL.sub(inline, css)
    _embedded_only(inlined, f"the {name} (write a file as url(\"FILE\") to embed it)")
    return inlined


_IMPORT = re.compile(r"@import\b[^;]*", re.IGNORECASE)


def web_stylesheet_text(project_root: Path, theme: Theme | None = None) -> str:
    """The theme's custom properties, then web.css (the project's if it has one, else ours),
    then the project's web-custom.css, with any resource they name inlined."""
    parts = [web_theme_css(theme or Theme())]
    parts += [text for _path, text in read_stylesheets(project_root, WEB_STYLESHEETS)]
    return self_contained("\n".join(parts), project_root)


@dataclass(frozen=True)
class WebCell:
    """A cell drawn once where it starts, with the rows it really spans in its row group."""

    placed: Placed
    rows: int = 1


def web_rows(table: Table) -> tuple[tuple[tuple[WebCell, ...], ...], tuple[tuple[WebCell, ...],
                                                                          ...]]:
    """The table's head and body rows for a browser: a cell spanning rows is drawn once with a
    rowspan (a screen reader then announces it once, for every row it covers) instead of again
    in every row as the print HTML does for WeasyPrint. An HTML row span cannot run from the
    head into the body, so a span crossing that line starts again in the body's first row."""
    placed = grid(table)

    def group(rows: tuple[tuple[Placed, ...], ...]) -> tuple[tuple[WebCell, ...], ...]:
        out: list[tuple[WebCell, ...]] = []
        for index, row in enumerate(rows):
            cells = []
            for here in row:
                if here.continued and index > 0:
                    continue  # drawn by the row it starts in (or the group's first row)
                span = 1
                for below in rows[index + 1:]:
                    if any(p.continued and p.column == here.column and p.cell is here.cell
                           for p in below):
                        span += 1
                    else:
                        break
                cells.append(WebCell(here, span))
            out.append(tuple(cells))
        return tuple(out)

    return group(placed.head), group(placed.body)


def _embedded_only(css: str, where: str) -> None:
    for url in css_references(css, where):
        if not url.strip().startswith(("data:", "#")):
            raise TemplateProblem(f"refused '{url}' in {where}: the web edition may only "
                                  "embed data: URLs")


def check_web_html(html: str) -> None:
    """Refuse a web page (drawn by the templates, ours or the project's) that refers to or
    runs anything outside itself: the elements the print HTML refuses (script, frames,
    <link>, <base>, ...), a meta refresh, event handlers, and any URL, in an attribute or in
    CSS, other than a link within the page (#id) or a data: URL, since no file beside the
    templates is published with the page. Parsed with tinyhtml5, as a browser parses it."""
    import tinyhtml5

    for element in tinyhtml5.parse(html, namespace_html_elements=False).iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in REFUSED_ELEMENTS:
            raise TemplateProblem(f"refused: the web edition has a <{tag}> element")
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            raise TemplateProblem("refused: the web edition has a <meta http-equiv=refresh>")
        if tag == "style":
            _embedded_only(element.text or "", "a <style> element of the web edition")
        for attribute, value in element.attrib.items():
            name = attribute.lower().rsplit("}", 1)[-1]
            if name.startswith("on"):
                raise TemplateProblem(f"refused: the web edition has an event handler ({name}) "
                                      f"on <{tag}>")
            if name == "style":
                _embedded_only(f"x{{{value}}}", f"a style attribute of <{tag}>")
            elif name in URL_ATTRIBUTES and value.strip() and not value.strip().startswith(
                    ("#", "data:")):
                raise TemplateProblem(f"refused {name}=\"{value}\" on <{tag}> in the web "
                                      "edition: it may only link within the page")


def render_web(doc: Document, project_root: Path) -> str:
    """The pack as one self-contained HTML page to publish."""
    page = render_page(doc, project_root, "web.html", web_stylesheet_text,
                       {"web_rows": web_rows, "chart_svg": _inline_svg})
    check_web_html(page)
    return page
